package content

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/anynet/anynet/sim"
)

// cdnProgress, given a directory, logs a run's progress (virtual time,
// events, wall time, heap, goroutines) and writes a heap profile there
// every 5 s of virtual time: how a large CDN run's cost grows.
func cdnProgress(t *testing.T, dir string) func(sim.Progress) {
	if dir == "" {
		return nil
	}
	start := time.Now()
	next := time.Duration(0)
	return func(p sim.Progress) {
		if p.Virtual < next {
			return
		}
		next = p.Virtual + 5*time.Second
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		t.Logf("progress: virtual %v, %d events, wall %v, heap %d MiB (sys %d MiB), %d goroutines",
			p.Virtual.Truncate(time.Millisecond), p.Events, time.Since(start).Truncate(time.Second),
			ms.HeapAlloc>>20, ms.Sys>>20, runtime.NumGoroutine())
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("heap-%03ds.prof", int(p.Virtual/time.Second))))
		if err != nil {
			t.Logf("progress: %v", err)
			return
		}
		defer f.Close()
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			t.Logf("progress: %v", err)
		}
	}
}
