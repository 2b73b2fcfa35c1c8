package link

import (
	"net/netip"
	"testing"

	"github.com/anynet/anynet/transport"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// TestInstanceAddrVector pins the instance address's derivation (the
// vector was computed independently with Python's hashlib).
func TestInstanceAddrVector(t *testing.T) {
	var w [20]byte
	var k transport.PublicKey
	for i := range w {
		w[i] = 0x11
	}
	for i := range k {
		k[i] = 0x22
	}
	got := InstanceAddr(w, k)
	if want := netip.MustParseAddr("fc8b:aa37:2b4d:4051:aa36:cb0f:517c:c6c5"); got != want {
		t.Fatalf("InstanceAddr = %s, want %s", got, want)
	}
	if !IsInstanceAddr(got) || IsIdentityAddr(got) || IsInstanceAddr(IdentityAddr(w)) {
		t.Fatal("the instance and identity ranges overlap")
	}
	k[31] ^= 1
	if InstanceAddr(w, k) == got {
		t.Fatal("two node keys share an instance address")
	}
}

// TestInstancePeerBypassesAnycast: a packet to an instance address of
// an anycast wallet goes to that instance's session only — it waits
// for that instance's handshake, sent to the address AddInstancePeer
// gave, while the group's instances are not even probed.
func TestInstancePeerBypassesAnycast(t *testing.T) {
	f := newAnycastFixture(t)
	e := f.e
	ka, _ := f.a.tp.NodeKey()
	at := netip.MustParseAddrPort("127.0.0.1:7")
	ia, err := e.AddInstancePeer(f.g.owner.wallet, Instance{NodeKey: ka, Addr: at})
	if err != nil {
		t.Fatal(err)
	}
	if ia != InstanceAddr(f.g.owner.wallet, ka) {
		t.Fatalf("AddInstancePeer returned %s", ia)
	}
	if w, ok := e.PeerWallet(ia); !ok || w != f.g.owner.wallet {
		t.Fatalf("PeerWallet(%s) = %x, %v", ia, w, ok)
	}
	if _, ok := e.Wallet(ia); ok {
		t.Fatal("an instance address is verified before any session")
	}
	sink := e.underlay.(*sinkUnderlay)
	f.send(tcpPacket(ia, 1000, header.TCPFlagSyn))
	pinned := e.peers.byIdent(ia)
	if pinned == nil || pinned.tp != f.a.tp || f.queued(pinned) != 1 {
		t.Fatal("the packet does not wait at the instance address's own peer")
	}
	f.g.mu.Lock()
	groupQueue := len(f.g.queue)
	f.g.mu.Unlock()
	if groupQueue != 0 || !f.a.inst.probeAt.IsZero() || !f.b.inst.probeAt.IsZero() {
		t.Fatal("a packet to an instance address went through the anycast group")
	}
	sink.mu.Lock()
	to := append([]netip.AddrPort(nil), sink.to...)
	sink.mu.Unlock()
	if len(to) != 1 || to[0] != at {
		t.Fatalf("handshakes went to %v, want only %s", to, at)
	}

	// Added again elsewhere: the peer follows, its queue kept.
	moved := netip.MustParseAddrPort("127.0.0.1:8")
	if _, err := e.AddInstancePeer(f.g.owner.wallet, Instance{NodeKey: ka, Addr: moved}); err != nil {
		t.Fatal(err)
	}
	if e.peers.byIdent(ia) != pinned || pinned.endpoint() != moved || f.queued(pinned) != 1 {
		t.Fatal("a second AddInstancePeer did not update the pinned peer in place")
	}
	if _, err := e.AddInstancePeer(f.g.owner.wallet, Instance{NodeKey: ka}); err == nil {
		t.Fatal("an instance with neither address nor locator was accepted")
	}
}

// TestInstanceSource: a packet's source may be the instance address of
// the node key its session is with, and no other; the first one pins a
// verified peer at that address, at the session's underlay address, so
// answers go back to that node.
func TestInstanceSource(t *testing.T) {
	e, err := New(Config{Sessions: newTestSessions(t), Underlay: &sinkUnderlay{}, TickInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Shutdown)
	wallet := [20]byte{0xbb, 2}
	k1, k2 := newTestSessions(t).PublicKey(), newTestSessions(t).PublicKey()
	at := netip.MustParseAddrPort("127.0.0.1:5")
	if err := e.AddPeer(wallet, &k1, at); err != nil {
		t.Fatal(err)
	}
	p := e.peers.byIdent(IdentityAddr(wallet))
	tp := p.transportPeer()
	for _, src := range []netip.Addr{InstanceAddr(wallet, k2), InstanceAddr([20]byte{0xbb, 3}, k1), IdentityAddr([20]byte{0xbb, 3})} {
		if e.peers.instanceSource(tp, p, src, at) {
			t.Errorf("source %s accepted for the session of %s", src, k1)
		}
	}
	ia := InstanceAddr(wallet, k1)
	if !e.peers.instanceSource(tp, p, ia, at) {
		t.Fatal("the session's own instance address was refused")
	}
	q := e.peers.byIdent(ia)
	if q == nil || q.tp != tp || q.endpoint() != at || e.peers.pinnedOf(tp) != q {
		t.Fatal("no peer pinned at the instance address")
	}
	if w, ok := e.Wallet(ia); !ok || w != wallet {
		t.Fatal("the pinned instance address is not verified")
	}
	// Another session of the same wallet may not use that address.
	other := e.sessions.Peer(wallet, &k2)
	if e.peers.instanceSource(other, p, ia, at) {
		t.Fatal("another node key's session used the instance address")
	}

	// An instance pinned first (AddInstancePeer), whose session was up
	// already: the first packet from its address through that session
	// verifies it (no new session will).
	ia2, err := e.AddInstancePeer(wallet, Instance{NodeKey: k2, Addr: at})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Wallet(ia2); ok {
		t.Fatal("an instance address verified before a packet came from it")
	}
	if !e.peers.instanceSource(other, p, ia2, at) {
		t.Fatal("the pinned instance's own address was refused")
	}
	if w, ok := e.Wallet(ia2); !ok || w != wallet {
		t.Fatal("a pinned instance address is not verified by a packet from it")
	}
}

// TestLearnOwnWalletNodes: sessions with other nodes of this endpoint's
// own wallet are learned at their instance addresses only — never as
// the wallet's peer (its identity address is this node's own), so two
// such nodes speaking in turn do not move one peer back and forth.
func TestLearnOwnWalletNodes(t *testing.T) {
	e, err := New(Config{Sessions: newTestSessions(t), Underlay: &sinkUnderlay{}, TickInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Shutdown)
	self := [20]byte(e.sessions.Wallet())
	k2, k3 := newTestSessions(t).PublicKey(), newTestSessions(t).PublicKey()
	tp2, tp3 := e.sessions.Peer(self, &k2), e.sessions.Peer(self, &k3)
	at2, at3 := netip.MustParseAddrPort("127.0.0.1:2"), netip.MustParseAddrPort("127.0.0.1:3")
	for range 2 {
		for _, c := range []struct {
			tp *transport.Peer
			k  transport.PublicKey
			at netip.AddrPort
		}{{tp2, k2, at2}, {tp3, k3, at3}} {
			p, err := e.peers.learn(c.tp, c.at)
			if err != nil {
				t.Fatal(err)
			}
			if p.ident != InstanceAddr(self, c.k) || p.tp != c.tp || p.endpoint() != c.at || !p.verified.Load() {
				t.Fatalf("node %s learned as %s at %s", c.k, p.ident, p.endpoint())
			}
			if e.peers.byIdent(InstanceAddr(self, c.k)) != p {
				t.Fatal("not at its instance address")
			}
		}
	}
	if e.HasPeer(IdentityAddr(self)) {
		t.Fatal("this endpoint's own wallet became a peer")
	}
}
