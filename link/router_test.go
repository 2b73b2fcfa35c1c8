package link_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"testing"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/route"
)

// attachedAndRouted waits until the hosts are attached and every router
// has a route to every host.
func attachedAndRouted(t testing.TB, hosts []*member, routers []*member) {
	t.Helper()
	for _, h := range hosts {
		linktest.WaitFor(t, h.name+" attached", h.ep.Attached)
		for _, r := range routers {
			linktest.WaitFor(t, r.name+" routes to "+h.name, func() bool { return hasRoute(r, h.loc) })
		}
	}
}

// TestThreeHopEcho: host a → router r1 → router r2 → host b over mem,
// with the underlay MTU exactly what a full-sized packet with both
// locators needs. TCP echoes end to end; each side knows the other's
// verified wallet; the routers forwarded frames but hold no session
// with the far host, so they could not open them. (DroppedOpen is not
// asserted: two routers that start handshakes at once may see a control
// frame for the session the other one dropped.)
func TestThreeHopEcho(t *testing.T) {
	s := newSegment(t, link.MinUnderlayMTU)
	r1, r2, a, b := s.twoRouters("2a.1/128", "2a.2/128", nil)

	c := echoConn(t, testCtx(t), a, b)
	echo(t, c, bytes.Repeat([]byte("anynet routed "), 20000)) // 280 kB: full-sized segments

	if w, err := a.node.PeerOf(c); err != nil || w != b.wallet {
		t.Errorf("a: PeerOf = %s, %v; want b %s", w, err, b.wallet)
	}
	if w, ok := b.ep.Wallet(link.IdentityAddr(a.wallet)); !ok || w != a.wallet {
		t.Errorf("b: wallet of a's identity = %x, %v; want a %s", w, ok, a.wallet)
	}
	for _, r := range []*member{r1, r2} {
		st := r.ep.Stats()
		if st.FramesForwarded == 0 {
			t.Errorf("%s forwarded no frame", r.name)
		}
	}
	if _, ok := r1.ep.Wallet(link.IdentityAddr(b.wallet)); ok {
		t.Error("r1 has a session with b")
	}
	if _, ok := r2.ep.Wallet(link.IdentityAddr(a.wallet)); ok {
		t.Error("r2 has a session with a")
	}
	for _, m := range []*member{a, b, r1, r2} {
		if st := m.ep.Stats(); st.SendErrors != 0 || st.DroppedTooBig != 0 {
			t.Errorf("%s: frames over the underlay MTU: %+v", m.name, st)
		}
	}
}

// TestTwoSegmentsOverUDP: the three-hop path across two segments, 2a
// and 2b, whose routers (and hosts) talk over UDP on loopback.
func TestTwoSegmentsOverUDP(t *testing.T) {
	s := newUDPSegment(t)
	r1, r2, a, b := s.twoRouters("2a.1/128", "2b.1/128", nil)

	c := echoConn(t, testCtx(t), a, b)
	echo(t, c, bytes.Repeat([]byte("across segments "), 10000))
	if w, err := a.node.PeerOf(c); err != nil || w != b.wallet {
		t.Errorf("a: PeerOf = %s, %v; want b %s", w, err, b.wallet)
	}
	for _, r := range []*member{r1, r2} {
		if r.ep.Stats().FramesForwarded == 0 {
			t.Errorf("%s forwarded no frame", r.name)
		}
	}
}

// TestRouteWithdrawal: two paths r1 → {r2, r3} → r4. Killing the router
// a connection flows through moves it to the other; killing that one
// too withdraws the route, and a new dial fails with ErrUnreachable
// from r1's unreachable frame rather than timing out.
func TestRouteWithdrawal(t *testing.T) {
	s := newSegment(t, link.MinUnderlayMTU)
	r1, r2, r3, r4 := s.add("r1", "2a.1/128"), s.add("r2", ""), s.add("r3", ""), s.add("r4", "2a.4/128")
	a, b := s.add("a", "2a.1/128"), s.add("b", "2a.4/128")
	s.up(r1, link.RoleRouter, "r2", "r3")
	s.up(r2, link.RoleRouter, "r1", "r4")
	s.up(r3, link.RoleRouter, "r1", "r4")
	s.up(r4, link.RoleRouter, "r2", "r3")
	s.up(a, link.RoleHost, "r1")
	s.up(b, link.RoleHost, "r4")
	attachedAndRouted(t, []*member{a, b}, []*member{r1, r4})
	s.route(a, b)

	c := echoConn(t, testCtx(t), a, b)
	echo(t, c, []byte("before"))

	via, other := r2, r3
	if r3.ep.Stats().FramesForwarded > r2.ep.Stats().FramesForwarded {
		via, other = r3, r2
	}
	before := other.ep.Stats().FramesForwarded
	via.node.Close()
	echo(t, c, []byte("after the first router died"))
	if other.ep.Stats().FramesForwarded <= before {
		t.Errorf("traffic did not move to %s", other.name)
	}

	other.node.Close()
	linktest.WaitFor(t, "r1 withdraws b's subnet", func() bool { return !hasRoute(r1, b.loc) })
	_, err := a.node.Dial(testCtx(t), "tcp", dialAddr(b, 7))
	if !errors.Is(err, link.ErrUnreachable) {
		t.Fatalf("dial with no path: %v; want ErrUnreachable", err)
	}
	var ue *link.UnreachableError
	if !errors.As(err, &ue) || ue.Reason != link.ReasonNoRoute || ue.Locator != link.Locator(b.loc) {
		t.Errorf("unreachable error %+v; want no route to b's locator", ue)
	}
	if a.ep.Stats().UnreachableReceived == 0 || r1.ep.Stats().UnreachableSent == 0 || r1.ep.Stats().DroppedNoRoute == 0 {
		t.Errorf("counters: a %+v, r1 %+v", a.ep.Stats(), r1.ep.Stats())
	}
}

// TestUnreachableFrames sends raw frames to a router: one whose hop
// limit runs out there and one for a locator it has no route to. Each
// is dropped, counted by reason, and answered with an unreachable frame
// that names the locator and quotes the payload.
func TestUnreachableFrames(t *testing.T) {
	s := newSegment(t, link.MinUnderlayMTU)
	r1, r2 := s.add("r1", "2a.1/128"), s.add("r2", "2a.2/128")
	s.up(r1, link.RoleRouter, "r2")
	s.up(r2, link.RoleRouter, "r1")
	far := mustLoc(t, "2a.2.1.0")
	linktest.WaitFor(t, "r1 routes to 2a.2", func() bool { return hasRoute(r1, far) })

	raw, err := s.nw.Attach()
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	got := make(chan []byte, 4)
	raw.SetReceiver(func(f []byte, _ netip.AddrPort) { got <- append([]byte(nil), f...) })

	src := link.Locator(mustLoc(t, "2b.9.1.0")) // no route back: the reply goes to the sender
	quote := []byte("0123456789abcdef")
	for _, tc := range []struct {
		name   string
		dst    locator.Locator
		hops   uint8
		reason link.Reason
		count  func(link.Stats) uint64
	}{
		{"hop limit", far, 1, link.ReasonHopLimit, func(s link.Stats) uint64 { return s.DroppedHopLimit }},
		{"no route", mustLoc(t, "2c.1.1.0"), 8, link.ReasonNoRoute, func(s link.Stats) uint64 { return s.DroppedNoRoute }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.count(r1.ep.Stats())
			dst := link.Locator(tc.dst)
			f := link.AppendHeader(nil, &link.Header{Type: link.FrameTransport, HopLimit: tc.hops, Dst: &dst, Src: &src})
			if err := raw.Send(r1.addr, append(f, quote...)); err != nil {
				t.Fatal(err)
			}
			frame := <-got
			var h link.Header
			body, err := link.ParseHeader(frame, &h)
			if err != nil || h.Type != link.FrameUnreachable || h.Dst == nil || *h.Dst != src {
				t.Fatalf("reply %x: %+v, %v; want an unreachable frame to the source", frame, h, err)
			}
			want := append(append([]byte{byte(tc.reason)}, dst[:]...), quote...)
			if !bytes.Equal(body, want) {
				t.Errorf("unreachable body %x, want %x", body, want)
			}
			if n := tc.count(r1.ep.Stats()); n != before+1 {
				t.Errorf("drop counter %d, want %d", n, before+1)
			}
		})
	}
	if n := r1.ep.Stats().FramesForwarded; n != 0 {
		t.Errorf("r1 forwarded %d frames", n)
	}
}

// TestRoutesAreAdverts checks that each router's table has the other's
// prefix through it, with a one-hop path: the adverts went out sealed
// and were accepted.
func TestRoutesAreAdverts(t *testing.T) {
	s := newSegment(t, link.MinUnderlayMTU)
	r1, r2 := s.add("r1", "2a.1/128"), s.add("r2", "2a.2/128")
	s.up(r1, link.RoleRouter, "r2")
	s.up(r2, link.RoleRouter, "r1")
	// The route is installed while its advert is handled, and the
	// advert counted after: wait for both.
	linktest.WaitFor(t, "r1 routes to r2's subnet", func() bool { return hasRoute(r1, r2.loc) && r1.ep.Stats().ControlReceived > 0 })
	for _, r := range r1.node.Routes() {
		if r.Prefix == r2.pfx[0] && (r.NextHop != route.ID(r2.key.Public) || len(r.Path) != 1) {
			t.Errorf("route %+v, want next hop r2 with a one-router path", r)
		}
	}
	if st := r1.ep.Stats(); st.ControlReceived == 0 || st.ControlSent == 0 || st.DroppedControl != 0 {
		t.Errorf("control counters %+v", st)
	}
}

// TestLargeTableInParts: a router originating more prefixes than one
// control frame carries (64 subnets, about 4.5 KiB of adverts) sends its
// table in parts; its neighbor learns every prefix, and a host in the
// last subnet is reachable through both routers.
func TestLargeTableInParts(t *testing.T) {
	s := newSegment(t, link.MinUnderlayMTU)
	r1, r2 := s.add("r1", "2a.1/128"), s.add("r2", "2b.1/128")
	for i := 2; i <= 64; i++ {
		p, err := locator.ParsePrefix(fmt.Sprintf("2a.%x/128", i))
		if err != nil {
			t.Fatal(err)
		}
		r1.pfx = append(r1.pfx, p)
	}
	far := s.add("far", "2a.40/128")
	near := s.add("near", "2b.1/128")
	s.up(r1, link.RoleRouter, "r2")
	s.up(r2, link.RoleRouter, "r1")
	s.up(far, link.RoleHost, "r1")
	s.up(near, link.RoleHost, "r2")
	linktest.WaitFor(t, "r2 learns r1's 64 subnets", func() bool {
		n := 0
		for _, r := range r2.node.Routes() {
			if r.NextHop == route.ID(r1.key.Public) {
				n++
			}
		}
		return n == len(r1.pfx)
	})
	attachedAndRouted(t, []*member{far, near}, []*member{r1, r2})
	s.route(near, far)
	c := echoConn(t, testCtx(t), near, far)
	echo(t, c, []byte("to the 64th subnet"))
	if st := r2.ep.Stats(); st.DroppedControl != 0 {
		t.Errorf("r2 dropped control messages: %+v", st)
	}
}

func mustLoc(t *testing.T, s string) locator.Locator {
	t.Helper()
	l, err := locator.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
