//go:build linux && !race

package natsquiet

import (
	"sync"
	_ "unsafe" // go:linkname

	_ "github.com/nats-io/nats-server/v2/server/pse" // the sampler's package
)

//go:linkname procStatFile github.com/nats-io/nats-server/v2/server/pse.procStatFile
var procStatFile string

//go:linkname periodic github.com/nats-io/nats-server/v2/server/pse.periodic
func periodic()

// Supported reports whether Quiet stops the sampler in this build.
const Supported = true

// mu guards quiet, resumed and orig.
var (
	mu      sync.Mutex
	quiet   bool
	resumed bool // a server started: the sampler stays on
	orig    string
)

// Quiet makes the sampler end at its next run (within a second). It
// may be called more than once, and does nothing once Resume ran (a
// server started in this process).
func Quiet() {
	mu.Lock()
	defer mu.Unlock()
	if quiet || resumed || procStatFile == "" {
		return
	}
	orig = procStatFile
	// The same length, ending in NUL: the open fails before any system
	// call (a path may not hold NUL), and a read racing this write sees
	// a whole string either way.
	b := []byte(orig)
	b[len(b)-1] = 0
	procStatFile = string(b)
	quiet = true
}

// Resume restores the sampler's path and runs it, which samples now and
// every second after, and keeps later Quiet calls from stopping it. Call
// it before starting a server.
func Resume() {
	mu.Lock()
	defer mu.Unlock()
	resumed = true
	if !quiet {
		return
	}
	procStatFile = orig
	quiet = false
	periodic()
}
