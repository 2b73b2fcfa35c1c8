package sim

import (
	"container/heap"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// Epoch is the wall-clock time at virtual time zero. Bindings, Noise
// timestamps and the netstack's clock all count from it.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Clock is the virtual tcpip.Clock of one node incarnation. Its timers
// are events in the simulator's heap, ordered like every other event,
// so timers due at the same instant fire in the order they were set;
// their callbacks run on the simulator's goroutine. A crashed node's
// clock is dead: its pending timers never fire.
type Clock struct {
	s    *Sim
	node int32
	dead atomic.Bool
}

var _ tcpip.Clock = (*Clock)(nil)

// Now implements tcpip.Clock.
func (c *Clock) Now() time.Time { return epoch.Add(time.Duration(c.s.now.Load())) }

// NowMonotonic implements tcpip.Clock.
func (c *Clock) NowMonotonic() tcpip.MonotonicTime {
	return tcpip.MonotonicTime{}.Add(time.Duration(c.s.now.Load()))
}

// AfterFunc implements tcpip.Clock.
func (c *Clock) AfterFunc(d time.Duration, f func()) tcpip.Timer {
	t := &timer{c: c, fn: f}
	t.Reset(d)
	return t
}

// timer is a Clock's tcpip.Timer.
type timer struct {
	c  *Clock
	fn func()
	ev *event // queued event; guarded by Sim.mu
}

var _ tcpip.Timer = (*timer)(nil)

// Stop implements tcpip.Timer.
func (t *timer) Stop() bool {
	s := t.c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.ev == nil || t.ev.idx < 0 {
		t.ev = nil
		return false
	}
	heap.Remove(&s.events, t.ev.idx)
	t.ev = nil
	return true
}

// Reset implements tcpip.Timer.
func (t *timer) Reset(d time.Duration) {
	s := t.c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.ev != nil && t.ev.idx >= 0 {
		heap.Remove(&s.events, t.ev.idx)
	}
	t.ev = &event{at: s.now.Load() + int64(max(d, 0)), kind: kindTimer, src: t.c.node, timer: t}
	s.pushLocked(t.ev)
}
