package testwait

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is a testing.TB whose Fatalf records the failure and ends
// the goroutine, as t.Fatalf does.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	panic(r)
}

// run calls f with a recorder and returns what it failed with, "" if
// nothing.
func run(f func(tb testing.TB)) (failed string) {
	r := &recorder{}
	defer func() {
		if p := recover(); p != nil && p != any(r) {
			panic(p)
		}
		failed = r.failed
	}()
	f(r)
	return ""
}

// TestUntilHolds: a condition that comes true after a few polls ends the
// wait without failing.
func TestUntilHolds(t *testing.T) {
	var polls atomic.Int32
	failed := run(func(tb testing.TB) {
		Until(tb, context.Background(), "three polls", func() bool { return polls.Add(1) >= 3 })
	})
	if failed != "" || polls.Load() != 3 {
		t.Fatalf("failed %q after %d polls; want no failure after 3", failed, polls.Load())
	}
}

// TestUntilFails: a condition that never holds fails the test, naming
// what it waited for, once the context ends; UntilOr dumps first.
func TestUntilFails(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dumped := false
	failed := run(func(tb testing.TB) {
		UntilOr(tb, ctx, "the impossible", func() bool { return false }, func() { dumped = true })
	})
	if !strings.Contains(failed, "the impossible") || !dumped {
		t.Fatalf("failed %q, dumped %v; want a failure naming what it waited for, after a dump", failed, dumped)
	}
	failed = run(func(tb testing.TB) {
		Within(tb, time.Millisecond, "nothing", func() bool { return false })
	})
	if !strings.Contains(failed, "timed out waiting for nothing") {
		t.Fatalf("Within failed %q", failed)
	}
}
