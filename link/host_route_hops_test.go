package link

import (
	"log/slog"
	"net/netip"
	"testing"
	"time"
)

// TestNextHopFollowsRouters: a host's frames for other locators go to
// the first of its routers on the NIC that is up, else to the first
// router there, read without the routing lock (routing.hops): an attach
// acknowledged, a router gone quiet and a router that moved are
// followed at once, and a NIC without routers has no next hop.
func TestNextHopFollowsRouters(t *testing.T) {
	addr := func(i int) netip.AddrPort { return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, byte(i)}), 1) }
	now := time.Unix(1000, 0)
	rt := &routing{hold: time.Second, byKey: map[[32]byte]*routerLink{}}
	e := &Endpoint{rt: rt, log: slog.New(slog.DiscardHandler), now: func() time.Time { return now }}
	var keys [][32]byte
	for i, nic := range []int{0, 0, 1} {
		l := &routerLink{p: newPeer([20]byte{byte(i)}, netip.Addr{}, nil, addr(i+1)), nic: nic}
		key := [32]byte{byte(i + 1)}
		keys = append(keys, key)
		rt.links = append(rt.links, l)
		rt.byKey[key] = l
	}
	rt.mu.Lock()
	rt.setHopsLocked()
	rt.mu.Unlock()
	next := func(nic int, want netip.AddrPort, wantOK bool) {
		t.Helper()
		if got, ok := e.nextHop(&Locator{}, nic); got != want || ok != wantOK {
			t.Fatalf("nextHop on NIC %d = %v, %v; want %v, %v", nic, got, ok, want, wantOK)
		}
	}
	next(0, addr(1), true) // none up: the first
	next(1, addr(3), true)
	next(2, netip.AddrPort{}, false)

	ack := func(i int) {
		t.Helper()
		if err := e.hostControl(keys[i], ControlAttachAck, rt.links[i].loc[:]); err != nil {
			t.Fatal(err)
		}
	}
	ack(1)
	next(0, addr(2), true) // the one up
	ack(0)
	next(0, addr(1), true) // the first of those up

	rt.links[0].p.addr.store(addr(9)) // the router moved
	next(0, addr(9), true)

	now = now.Add(500 * time.Millisecond)
	ack(1)                     // router 1 heard again, router 0 not
	now = now.Add(time.Second) // router 0 past the hold time
	e.tickRouting()
	next(0, addr(2), true)
}
