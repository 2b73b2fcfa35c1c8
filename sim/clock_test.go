package sim

import (
	"container/heap"
	"slices"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// runTimers pops s's events in order, advancing virtual time, and fires
// the timers, as Run does.
func runTimers(s *Sim) {
	for len(s.events) > 0 {
		ev := heap.Pop(&s.events).(*event)
		s.now.Store(ev.at)
		ev.timer.ev = nil
		ev.timer.fn()
	}
}

func TestClockOrder(t *testing.T) {
	s := &Sim{seqs: make([]uint64, 3)}
	c := &Clock{s: s, node: 0}
	var got []string
	add := func(name string, d time.Duration) *timer {
		return c.AfterFunc(d, func() { got = append(got, name) }).(*timer)
	}
	add("b1", 2*time.Second)
	add("a", time.Second)
	add("b2", 2*time.Second) // same instant as b1: fires after it
	stopped := add("never", time.Second)
	moved := add("moved", time.Second)
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop: want true once, then false")
	}
	moved.Reset(3 * time.Second)
	add("b3", 2*time.Second)
	// A callback that sets a timer at its own instant: it fires after
	// the ones already due then.
	add("chain", time.Second).fn = func() {
		got = append(got, "chain")
		add("chained", 0)
	}
	runTimers(s)
	want := []string{"a", "chain", "chained", "b1", "b2", "b3", "moved"}
	if !slices.Equal(got, want) {
		t.Fatalf("fired %v, want %v", got, want)
	}
	if now := c.NowMonotonic().Sub(tcpip.MonotonicTime{}); now != 3*time.Second {
		t.Fatalf("NowMonotonic = zero + %v, want 3s", now)
	}
	if c.Now() != epoch.Add(3*time.Second) {
		t.Fatalf("Now = %v, want epoch+3s", c.Now())
	}
	if stopped.Stop() || moved.Stop() {
		t.Fatal("Stop after firing: want false")
	}
}
