package link_test

import (
	"bytes"
	"errors"
	"net"
	"testing"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/stack"
)

// TestTwoNICs: host h has NIC 0 on network A, attached to router rA
// (subnet 2a.1), and NIC 1 on network B, attached to rB (subnet 2b.1).
// The two in-memory networks share nothing and hand out the same
// addresses (100.64.0.1:1, …), so a frame sent out the wrong NIC would
// reach the wrong node or none. A client on A reaches h through rA at
// its NIC-0 locator, one on B through rB at its NIC-1 locator, and one
// on B reaches h directly at NIC 1's underlay address: each TCP echo
// works, each side knows the other's verified wallet, and h answered
// every peer out of the NIC its frames came in on.
func TestTwoNICs(t *testing.T) {
	A, B := newSegment(t, link.MinUnderlayMTU), newSegment(t, link.MinUnderlayMTU)
	rA, ca := A.add("rA", "2a.1/128"), A.add("ca", "2a.1/128")
	rB, cb, db := B.add("rB", "2b.1/128"), B.add("cb", "2b.1/128"), B.add("db", "")
	h := A.add("h", "2a.1/128") // NIC 0 on A

	loc1 := B.addNIC(h, rB) // NIC 1 on B
	u1 := h.nics[0].Underlay
	subnetA, subnetB := rA.pfx[0], rB.pfx[0]
	if rA.addr != rB.addr {
		t.Logf("networks hand out different addresses (%s, %s): the test is weaker", rA.addr, rB.addr)
	}

	A.up(rA, link.RoleRouter)
	B.up(rB, link.RoleRouter)
	A.up(ca, link.RoleHost, "rA")
	B.up(cb, link.RoleHost, "rB")
	B.up(db, link.RoleHost)
	A.up(h, link.RoleHost, "rA")

	// h's locators: one per NIC, each Assign's in its NIC's subnet.
	want0, _ := locator.Assign(subnetA, h.key.Public, 0)
	if got := h.ep.Locators(); len(got) != 2 || got[0] != want0 || got[1] != loc1 || h.loc != want0 {
		t.Fatalf("h's locators %v, want [%s %s]", got, want0, loc1)
	}
	if got := h.node.Locators(); len(got) != 2 || got[0] != want0 || got[1] != loc1 {
		t.Fatalf("node locators %v, want [%s %s]", got, want0, loc1)
	}
	if want0.NIC() != 0 || loc1.NIC() != 1 || !subnetA.Contains(want0) || !subnetB.Contains(loc1) {
		t.Fatalf("locators %s, %s: want NIC 0 in %s and NIC 1 in %s", want0, loc1, subnetA, subnetB)
	}
	// In one subnet, a node's NICs differ in the NIC field alone.
	if sameSubnet, _ := locator.Assign(subnetA, h.key.Public, 1); [28]byte(sameSubnet[:28]) != [28]byte(want0[:28]) || sameSubnet == want0 {
		t.Errorf("Assign in one subnet: %s and %s differ beyond the NIC field", want0, sameSubnet)
	}
	if eps := h.node.Endpoints(); len(eps) != 2 || eps[0] != h.addr || eps[1] != u1.LocalAddr() {
		t.Errorf("h's endpoints %v, want [%s %s]", eps, h.addr, u1.LocalAddr())
	}

	linktest.WaitFor(t, "h attached on NIC 0", func() bool { return h.ep.AttachedOn(0) })
	linktest.WaitFor(t, "h attached on NIC 1", func() bool { return h.ep.AttachedOn(1) })
	linktest.WaitFor(t, "ca attached", ca.ep.Attached)
	linktest.WaitFor(t, "cb attached", cb.ep.Attached)

	l, err := h.node.Listen("tcp", ":7")
	if err != nil {
		t.Fatal(err)
	}
	serveEcho(t, l)
	key := h.key.Public
	ctx := testCtx(t)
	for _, tc := range []struct {
		from *member
		peer stack.Peer
		via  *member // the router that must have forwarded, if any
	}{
		{ca, stack.Peer{Wallet: h.wallet, NodeKey: &key, Locator: want0}, rA},
		{cb, stack.Peer{Wallet: h.wallet, NodeKey: &key, Locator: loc1}, rB},
		{db, stack.Peer{Wallet: h.wallet, NodeKey: &key, Addr: u1.LocalAddr()}, nil},
	} {
		t.Run(tc.from.name, func(t *testing.T) {
			var before uint64
			if tc.via != nil {
				before = tc.via.ep.Stats().FramesForwarded
			}
			if err := tc.from.node.AddPeer(ctx, tc.peer); err != nil {
				t.Fatal(err)
			}
			c, err := tc.from.node.Dial(ctx, "tcp", dialAddr(h, 7))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			echo(t, c, bytes.Repeat([]byte("two NICs, "+tc.from.name+" "), 5000))
			if w, err := tc.from.node.PeerOf(c); err != nil || w != h.wallet {
				t.Errorf("PeerOf = %s, %v; want h %s", w, err, h.wallet)
			}
			wantWallet(t, h, tc.from)
			if tc.via != nil && tc.via.ep.Stats().FramesForwarded <= before {
				t.Errorf("%s forwarded nothing", tc.via.name)
			}
		})
	}
	for _, m := range []*member{h, ca, cb, db, rA, rB} {
		if st := m.ep.Stats(); st.SendErrors != 0 || st.DroppedTooBig != 0 || st.DroppedNoRoute != 0 {
			t.Errorf("%s: %+v", m.name, st)
		}
	}
	// Neither router has a session with a client of the other network.
	if _, ok := rA.ep.PeerWallet(link.IdentityAddr(cb.wallet)); ok {
		t.Error("rA knows cb")
	}
	if _, ok := rB.ep.PeerWallet(link.IdentityAddr(ca.wallet)); ok {
		t.Error("rB knows ca")
	}
}

// wantWallet checks that h's WhoIs names from's verified wallet.
func wantWallet(t *testing.T, h, from *member) {
	t.Helper()
	w, err := h.node.WhoIs(&net.TCPAddr{IP: link.IdentityAddr(from.wallet).AsSlice()})
	if err != nil || w != from.wallet {
		t.Errorf("h: WhoIs(%s) = %s, %v", from.name, w, err)
	}
}

// TestNICsRefused: a router with several NICs, and a NIC whose locator's
// NIC field is not its index, are refused with ErrRouting.
func TestNICsRefused(t *testing.T) {
	s := newSegment(t, link.MinUnderlayMTU)
	m := s.add("m", "2a.1/128")
	extra, err := s.attach()
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	wrong, _ := locator.Assign(m.pfx[0], m.key.Public, 2)
	for _, tc := range []struct {
		name string
		r    link.Routing
		nic  stack.NIC
	}{
		{"router", link.Routing{Role: link.RoleRouter, Locator: m.loc, Prefixes: m.pfx}, stack.NIC{Underlay: extra}},
		{"NIC field", link.Routing{Locator: m.loc}, stack.NIC{Underlay: extra, Locator: wrong}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := m.key
			n := &stack.Node{Wallet: m.signer, NodeKey: &key, Underlay: m.conn, Routing: tc.r, NICs: []stack.NIC{tc.nic}}
			if err := n.Up(testCtx(t)); !errors.Is(err, link.ErrRouting) {
				n.Close()
				t.Fatalf("Up = %v, want ErrRouting", err)
			}
		})
	}
}

// BenchmarkNICsEcho compares, in one run, TCP echo throughput through
// one router to a single-NIC host and to the second NIC of a host with
// two (each NIC on its own mem network with its own router). Each
// iteration writes 64 KiB and reads it back.
func BenchmarkNICsEcho(b *testing.B) {
	msg := bytes.Repeat([]byte("x"), 64<<10)
	for _, two := range []bool{false, true} {
		name := map[bool]string{false: "one-NIC", true: "second-NIC"}[two]
		b.Run(name, func(b *testing.B) {
			A, B := newSegment(b, link.MinUnderlayMTU), newSegment(b, link.MinUnderlayMTU)
			r, x := B.add("r", "2b.1/128"), B.add("x", "2b.1/128")
			B.up(r, link.RoleRouter)
			B.up(x, link.RoleHost, "r")
			var y *member
			loc := func(m *member) locator.Locator { return m.loc }
			if two {
				rA := A.add("rA", "2a.1/128")
				A.up(rA, link.RoleRouter)
				y = A.add("y", "2a.1/128")
				l1 := B.addNIC(y, r)
				A.up(y, link.RoleHost, "rA")
				loc = func(*member) locator.Locator { return l1 }
				linktest.WaitFor(b, "y attached on NIC 1", func() bool { return y.ep.AttachedOn(1) })
			} else {
				y = B.add("y", "2b.1/128")
				B.up(y, link.RoleHost, "r")
				linktest.WaitFor(b, "y attached", y.ep.Attached)
			}
			linktest.WaitFor(b, "x attached", x.ep.Attached)
			key := y.key.Public
			if err := x.node.AddPeer(testCtx(b), stack.Peer{Wallet: y.wallet, NodeKey: &key, Locator: loc(y)}); err != nil {
				b.Fatal(err)
			}
			benchEcho(b, x, y, msg)
		})
	}
}

// TestPunchOnSecondNIC: h has NIC 0 on network A and NIC 1 on network B;
// cb, on B, reaches h through rB at h's NIC-1 locator. rB pairs their
// punch asks (h's go to NIC 1's router, not NIC 0's), and both go
// direct on network B: cb to h's NIC-1 underlay address, h to cb out of
// NIC 1, and a large echo passes rB no more.
func TestPunchOnSecondNIC(t *testing.T) {
	A, B := newSegment(t, link.MinUnderlayMTU), newSegment(t, link.MinUnderlayMTU)
	rA := A.add("rA", "2a.1/128")
	rB, cb := B.add("rB", "2b.1/128"), B.add("cb", "2b.1/128")
	h := A.add("h", "2a.1/128")
	loc1 := B.addNIC(h, rB)
	u1 := h.nics[0].Underlay
	h.punch, cb.punch = true, true
	A.up(rA, link.RoleRouter)
	B.up(rB, link.RoleRouter)
	B.up(cb, link.RoleHost, "rB")
	A.up(h, link.RoleHost, "rA")
	linktest.WaitFor(t, "h attached on NIC 1", func() bool { return h.ep.AttachedOn(1) })
	linktest.WaitFor(t, "cb attached", cb.ep.Attached)

	l, err := h.node.Listen("tcp", ":7")
	if err != nil {
		t.Fatal(err)
	}
	serveEcho(t, l)
	key := h.key.Public
	ctx := testCtx(t)
	if err := cb.node.AddPeer(ctx, stack.Peer{Wallet: h.wallet, NodeKey: &key, Locator: loc1}); err != nil {
		t.Fatal(err)
	}
	c, err := cb.node.Dial(ctx, "tcp", dialAddr(h, 7))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	linktest.WaitFor(t, "both direct", func() bool {
		echo(t, c, []byte("punching on NIC 1"))
		_, a := direct(cb, h)
		_, b := direct(h, cb)
		return a && b
	})
	if at, _ := direct(cb, h); at != u1.LocalAddr() {
		t.Errorf("cb reaches h at %s, want h's NIC-1 address %s", at, u1.LocalAddr())
	}
	if at, _ := direct(h, cb); at != link.OnNIC(cb.addr, 1) {
		t.Errorf("h reaches cb at %s, want %s on NIC 1", at, link.OnNIC(cb.addr, 1))
	}
	if rA.ep.Stats().PunchesCoordinated != 0 || rB.ep.Stats().PunchesCoordinated == 0 {
		t.Errorf("punches coordinated: rA %d, rB %d; want only rB's", rA.ep.Stats().PunchesCoordinated, rB.ep.Stats().PunchesCoordinated)
	}
	// Asked on NIC 0, rA would have had no route and told h to send its
	// address itself.
	if n := h.ep.Stats().PunchCandidates; n != 0 || h.ep.Stats().PunchAsks == 0 {
		t.Errorf("h sent %d asks and %d candidates: its asks did not go to NIC 1's router", h.ep.Stats().PunchAsks, n)
	}
	fwd0, recv0 := rB.ep.Stats().FramesForwarded, h.ep.Stats().FramesReceived
	echo(t, c, bytes.Repeat([]byte("direct on NIC 1 "), 40000))
	if f, recv := rB.ep.Stats().FramesForwarded-fwd0, h.ep.Stats().FramesReceived-recv0; recv < 300 || f*10 > recv {
		t.Errorf("h received %d frames, rB forwarded %d: not direct", recv, f)
	}
}

// addNIC gives m, before it is up, one more NIC on s's network, attached
// to router r there, with its locator in r's subnet; it returns that
// locator.
func (s *segment) addNIC(m *member, r *member) locator.Locator {
	s.t.Helper()
	u, err := s.attach()
	if err != nil {
		s.t.Fatal(err)
	}
	loc, err := locator.Assign(r.pfx[0], m.key.Public, uint32(len(m.nics)+1))
	if err != nil {
		s.t.Fatal(err)
	}
	m.nics = append(m.nics, stack.NIC{Underlay: u, Locator: loc, Routers: []link.RouterPeer{r.routerPeer()}})
	return loc
}
