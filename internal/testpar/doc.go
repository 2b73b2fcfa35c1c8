// Package testpar sets how many of a test binary's parallel tests run at
// once, for packages whose parallel tests mostly wait: on other
// processes (nodes started from the built binary, a killed host coming
// back), on timers (an AckWait, a resend interval) or on a build. There
// `go test`'s default, GOMAXPROCS (2 on the CI machine), leaves the CPU
// idle while a test waits. Call AtLeast from TestMain before m.Run.
package testpar
