//go:build linux && !race

package natsquiet

import (
	"testing"
	_ "unsafe" // go:linkname
)

//go:linkname lastSeconds github.com/nats-io/nats-server/v2/server/pse.lastSeconds
var lastSeconds int64

// TestQuietStopsSampler: after Quiet a run of the sampler returns
// before sampling (and so before scheduling its next run); Resume runs
// it again.
func TestQuietStopsSampler(t *testing.T) {
	Quiet()
	Quiet() // twice is once
	lastSeconds = -1
	periodic()
	if lastSeconds != -1 {
		t.Fatal("the sampler sampled after Quiet: it would go on every second")
	}
	Resume()
	if lastSeconds == -1 {
		t.Fatal("Resume did not run the sampler")
	}
	Resume() // without Quiet: nothing
	Quiet()  // after Resume: nothing
	lastSeconds = -1
	periodic()
	if lastSeconds == -1 {
		t.Fatal("Quiet stopped the sampler after Resume (a server runs)")
	}
}
