package pebbleopt

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"
)

// TestIdle: a DB opened with Idle flushes and compacts under writes, keeps
// every value, and leaves no pebble goroutine that ticks while idle.
func TestIdle(t *testing.T) {
	db, err := pebble.Open(t.TempDir(), Idle(&pebble.Options{MemTableSize: 64 << 10, L0CompactionThreshold: 2}))
	if err != nil {
		t.Fatal(err)
	}
	val := []byte(strings.Repeat("v", 512))
	for i := range 20000 {
		if err := db.Set(fmt.Appendf(nil, "k%08d", i%5000), val, pebble.NoSync); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := db.Compact(t.Context(), []byte("k"), []byte("l"), true); err != nil {
		t.Fatal(err)
	}
	m := db.Metrics()
	if m.Flush.Count == 0 || m.Compact.Count == 0 {
		t.Errorf("flushes %d, compactions %d: want some of each", m.Flush.Count, m.Compact.Count)
	}
	for i := range 5000 {
		v, c, err := db.Get(fmt.Appendf(nil, "k%08d", i))
		if err != nil {
			t.Fatalf("k%08d: %v", i, err)
		}
		if string(v) != string(val) {
			t.Fatalf("k%08d: wrong value", i)
		}
		c.Close()
	}
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	for _, ticker := range []string{"periodicGranter", "diskHealthChecking"} {
		if strings.Contains(stacks, ticker) {
			t.Errorf("a %s goroutine runs", ticker)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}
