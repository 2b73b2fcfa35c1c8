package chain

import (
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// leakOptions lists the goroutines of go-ethereum that outlive every node by
// design: core.SenderCacher is a process-wide singleton whose workers, one
// per CPU, start with the first blockchain and never stop.
var leakOptions = []goleak.Option{
	goleak.IgnoreTopFunction("github.com/ethereum/go-ethereum/core.(*txSenderCacher).cache"),
}

// leakGrace is how long findLeaks lets closed goroutines finish: goleveldb
// (the p2p node database geth opens even with networking off) keeps a drain
// goroutine for up to a second after Close, longer than goleak's own retries.
const leakGrace = 5 * time.Second

// findLeaks returns goleak's report of leaked goroutines, retrying for up to
// leakGrace, or nil.
func findLeaks() error {
	deadline := time.Now().Add(leakGrace)
	for {
		err := goleak.Find(leakOptions...)
		if err == nil || time.Now().After(deadline) {
			return err
		}
	}
}

// verifyNoLeaks fails t if goroutines other than the test's own are left.
func verifyNoLeaks(t *testing.T) {
	t.Helper()
	if err := findLeaks(); err != nil {
		t.Fatal(err)
	}
}

// runTests runs the tests and then checks the whole binary for leaks.
func runTests(m *testing.M) int {
	code := m.Run()
	if code == 0 {
		if err := findLeaks(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			return 1
		}
	}
	return code
}
