package mem_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/anynet/anynet/link/mem"
)

// TestDelay checks that a delayed pair's frames arrive in order, no
// sooner than the delay (a lower bound only: a slow machine delays more),
// that other pairs are not held behind them, and that frames in flight
// to a Conn that closes are lost.
func TestDelay(t *testing.T) {
	n := mem.NewNetwork(mem.Config{})
	defer n.Close()
	a, b, c := attach(t, n), attach(t, n), attach(t, n)
	sb, sc := newSink(b, 16), newSink(c, 16)
	const d = 50 * time.Millisecond
	n.SetDelay(b.LocalAddr(), a.LocalAddr(), d) // either order

	start := time.Now()
	for i := range 5 {
		if err := a.Send(b.LocalAddr(), []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Send(c.LocalAddr(), []byte("direct")); err != nil {
		t.Fatal(err)
	}
	if g := sc.next(t); string(g.frame) != "direct" {
		t.Fatalf("c got %q", g.frame)
	}
	for i := range 5 {
		if g := sb.next(t); string(g.frame) != fmt.Sprint(i) || g.src != a.LocalAddr() {
			t.Fatalf("b got %q from %v, want %d from %v", g.frame, g.src, i, a.LocalAddr())
		}
	}
	if el := time.Since(start); el < d {
		t.Fatalf("delayed frames arrived after %v, before the delay %v", el, d)
	}

	// The reverse direction is delayed too; a frame in flight to a
	// closed Conn is lost.
	if err := b.Send(a.LocalAddr(), []byte("late")); err != nil {
		t.Fatal(err)
	}
	a.Close()
	waitStats(t, n, func(s mem.Stats) bool { return s.NoRoute+s.Dropped >= 1 })

	n.SetDelay(a.LocalAddr(), b.LocalAddr(), 0)
	if err := c.Send(b.LocalAddr(), []byte("after")); err != nil {
		t.Fatal(err)
	}
	if g := sb.next(t); string(g.frame) != "after" {
		t.Fatalf("b got %q", g.frame)
	}
}

func waitStats(t *testing.T, n *mem.Network, ok func(mem.Stats) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok(n.Stats()) {
		if time.Now().After(deadline) {
			t.Fatalf("stats never matched: %+v", n.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
