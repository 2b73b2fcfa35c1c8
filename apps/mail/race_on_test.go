//go:build race

package mail_test

// raceDetector: the race detector slows the simulator about tenfold, so
// TestSimMail runs its 100-node cut.
const raceDetector = true
