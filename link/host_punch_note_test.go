package link

import (
	"log/slog"
	"net/netip"
	"testing"
	"time"
)

// TestNotePathFastPath: notePath records a peer's frames through
// routers under the punch lock once per Tick and source locator, and
// returns at once for the others (peer.routed); a new source, a new
// Tick and a direct frame each send it back under the lock, so a frame
// through routers never replaces a live direct path.
func TestNotePathFastPath(t *testing.T) {
	now := time.Unix(1000, 0)
	rt := &routing{role: RoleHost, hold: time.Second}
	rt.punch.init(Routing{}, 100*time.Millisecond)
	e := &Endpoint{rt: rt, log: slog.New(slog.DiscardHandler), now: func() time.Time { return now }}
	p := newPeer([20]byte{1}, netip.Addr{}, nil, netip.MustParseAddrPort("127.0.0.1:1"))
	pt := &rt.punch
	tick := func() { // what tickPunch does to the clock and the Tick count
		now = now.Add(100 * time.Millisecond)
		pt.mu.Lock()
		pt.now = now
		pt.tick.Add(1)
		pt.mu.Unlock()
	}
	a, b := Locator{0xa}, Locator{0xb}
	routed := func(src *Locator) bool {
		return e.notePath(p, &Header{Type: FrameTransport, Src: src, Dst: &Locator{1}})
	}
	path := func() directPath {
		pt.mu.Lock()
		defer pt.mu.Unlock()
		return *pt.paths[p]
	}
	forget := func() { // zero what only the locked path writes
		pt.mu.Lock()
		pt.paths[p].lastRouted = time.Time{}
		pt.mu.Unlock()
	}

	tick()
	if routed(&a) {
		t.Fatal("a first frame through routers kept a path")
	}
	if d := path(); d.routed != a || !d.lastRouted.Equal(now) {
		t.Fatalf("after a frame from a: routed %x, last %v", d.routed[0], d.lastRouted)
	}
	forget()
	if routed(&a); !path().lastRouted.IsZero() {
		t.Fatal("a second frame of the same Tick and source took the lock")
	}
	if routed(&b); path().routed != b || path().lastRouted.IsZero() {
		t.Fatal("a frame from a new source did not take the lock")
	}
	tick()
	forget()
	if routed(&b); !path().lastRouted.Equal(now) {
		t.Fatal("the first frame of a new Tick did not take the lock")
	}

	if e.notePath(p, &Header{Type: FrameTransport}) || !path().direct { // a direct frame
		t.Fatal("a direct frame did not make the path direct")
	}
	if !routed(&b) {
		t.Fatal("a frame through routers replaced a live direct path")
	}
}
