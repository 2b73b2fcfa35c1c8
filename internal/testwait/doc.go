// Package testwait waits in tests until a condition holds: the one
// polling helper behind the waitFor that test packages used to carry
// each (link/linktest, cmd/anynet's daemon tests, apps/stream).
//
// Nothing is timed: the bound (a context, or a duration for Within)
// only stops a hung test, which then fails naming what it waited for.
// The condition is polled at once, then after 1 ms, doubling up to
// MaxPoll, so a quick condition is seen quickly and a slow one (a
// service call) is not hammered.
package testwait
