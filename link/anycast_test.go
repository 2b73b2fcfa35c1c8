package link

import (
	"encoding/binary"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/link/route"
	"github.com/anynet/anynet/transport"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// fakeClock is an endpoint's clock that a test moves.
type fakeClock struct {
	mu   sync.Mutex
	t    time.Time
	when func() bool // onceWhen's condition; nil if none
	do   func()
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	t, do := c.t, (func())(nil)
	if c.when != nil && c.when() {
		do, c.when, c.do = c.do, nil, nil
	}
	c.mu.Unlock()
	if do != nil {
		do()
	}
	return t
}

// onceWhen has the clock run do, once, at the first reading for which
// when holds: a test's way to act between two steps of the endpoint
// that read the clock. The endpoint reads it holding no lock.
func (c *fakeClock) onceWhen(when func() bool, do func()) {
	c.mu.Lock()
	c.when, c.do = when, do
	c.mu.Unlock()
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// tcpPacket is an IPv6/TCP header from src port sport of this node to
// port 80 of dst, with flags.
func tcpPacket(dst netip.Addr, sport uint16, flags header.TCPFlags) []byte {
	b := make([]byte, header.IPv6MinimumSize+header.TCPMinimumSize)
	ip := header.IPv6(b)
	ip.Encode(&header.IPv6Fields{
		PayloadLength:     header.TCPMinimumSize,
		TransportProtocol: header.TCPProtocolNumber,
		HopLimit:          64,
		SrcAddr:           tcpip.AddrFrom16(netip.MustParseAddr("fd00::1").As16()),
		DstAddr:           tcpip.AddrFrom16(dst.As16()),
	})
	t := b[header.IPv6MinimumSize:]
	binary.BigEndian.PutUint16(t[0:], sport)
	binary.BigEndian.PutUint16(t[2:], 80)
	t[12] = 5 << 4
	t[13] = byte(flags)
	return b
}

// anycastFixture is an endpoint over a sinkUnderlay, on a fake clock,
// with one wallet served by instances a and b; no handshake ever
// completes, the test plays the instances' answers with heard.
type anycastFixture struct {
	e     *Endpoint
	clock *fakeClock
	g     *anycastGroup
	a, b  *peer
	ident netip.Addr
}

func newAnycastFixture(t testing.TB) *anycastFixture {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e, err := New(Config{Sessions: newTestSessions(t), Underlay: &sinkUnderlay{}, TickInterval: -1, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Shutdown)
	wallet := [20]byte{0xaa, 1}
	ka, kb := newTestSessions(t).PublicKey(), newTestSessions(t).PublicKey()
	if err := e.AddInstances(wallet, []Instance{
		{NodeKey: kb, Addr: netip.MustParseAddrPort("127.0.0.1:3")},
		{NodeKey: ka, Addr: netip.MustParseAddrPort("127.0.0.1:2")},
		{NodeKey: ka, Addr: netip.MustParseAddrPort("127.0.0.1:9")}, // a duplicate key counts once
	}); err != nil {
		t.Fatal(err)
	}
	ident := IdentityAddr(wallet)
	g := e.peers.byIdent(ident).grp.Load()
	if len(g.inst) != 2 {
		t.Fatalf("%d instances, want 2", len(g.inst))
	}
	return &anycastFixture{e: e, clock: clock, g: g, a: g.byID([32]byte(ka)), b: g.byID([32]byte(kb)), ident: ident}
}

// send routes pkt as the netstack's WritePackets would.
func (f *anycastFixture) send(pkt []byte) { writeForTest(f.e, pkt) }

func (f *anycastFixture) pick(t *testing.T, sport uint16) *peer {
	t.Helper()
	fl, _ := parseFlow(tcpPacket(f.ident, sport, header.TCPFlagAck))
	return f.e.pick(f.g, fl)
}

func (f *anycastFixture) queued(p *peer) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.queue)
}

// TestAnycastStates drives the group through first contact, pinning,
// failure with a SYN moved to the other instance, and an inbound flow,
// on a fake clock: the selection, hysteresis and timers of anycast.go
// without the network (the stack tests run them end to end).
func TestAnycastStates(t *testing.T) {
	f := newAnycastFixture(t)
	e, a, b := f.e, f.a, f.b

	// First contact: the packet waits, both instances are probed.
	f.send(tcpPacket(f.ident, 1000, header.TCPFlagSyn))
	if len(f.g.queue) != 1 || a.inst.probeAt.IsZero() || b.inst.probeAt.IsZero() {
		t.Fatalf("first packet: queue %d, probes %v %v", len(f.g.queue), a.inst.probeAt, b.inst.probeAt)
	}
	// a answers after 5 ms: live, measured, it takes the queue (which
	// waits again, for a's session, since this test completes none).
	f.clock.advance(5 * time.Millisecond)
	e.heard(a, true)
	if !a.inst.live || a.inst.rtt != 5*time.Millisecond || len(f.g.queue) != 0 || f.queued(a) != 1 {
		t.Fatalf("after a answered: live %v rtt %v group queue %d a's queue %d", a.inst.live, a.inst.rtt, len(f.g.queue), f.queued(a))
	}
	f.clock.advance(95 * time.Millisecond)
	e.heard(b, true)
	if b.inst.rtt != 100*time.Millisecond {
		t.Fatalf("b rtt %v", b.inst.rtt)
	}
	for sport := uint16(1000); sport < 1010; sport++ {
		if p := f.pick(t, sport); p != a {
			t.Fatalf("flow %d went to the far instance", sport)
		}
	}

	// a goes silent after a SYN: probed after ProbeAfter, failed after
	// FailAfter; its flows move and the SYN goes to b at once.
	e.noteSent(a, tcpPacket(f.ident, 2000, header.TCPFlagSyn))
	f.clock.advance(DefaultProbeAfter)
	e.Tick()
	if a.inst.probeAt.IsZero() || !a.inst.live {
		t.Fatalf("silent for ProbeAfter: probe %v live %v", a.inst.probeAt, a.inst.live)
	}
	f.clock.advance(DefaultFailAfter - DefaultProbeAfter)
	before := f.queued(b)
	e.Tick()
	if a.inst.live || !a.inst.failed {
		t.Fatal("silent for FailAfter: a not failed")
	}
	if f.queued(b) != before+2 { // the SYN of flow 2000 and the first packet, moved from a's queue
		t.Fatalf("b's queue %d, want %d", f.queued(b), before+2)
	}
	for sport := uint16(1000); sport < 1010; sport++ {
		if p := f.pick(t, sport); p != b {
			t.Fatalf("flow %d stayed on the failed instance", sport)
		}
	}

	// a is probed again after RetryAfter and answers: live, but the
	// flows stay on b and, within MinInterval, so do new ones. (b
	// answers what it was sent, or it would fail too.)
	f.clock.advance(DefaultRetryAfter)
	e.heard(b, false)
	e.Tick()
	if a.inst.probeAt.IsZero() {
		t.Fatal("failed instance not probed again")
	}
	f.clock.advance(time.Millisecond)
	e.heard(a, true)
	if !a.inst.live || a.inst.failed {
		t.Fatal("a did not come back")
	}
	if p := f.pick(t, 1000); p != b {
		t.Fatal("a pinned flow moved back")
	}
	if p := f.pick(t, 3000); p != b {
		t.Fatal("a new flow switched before the hysteresis allowed")
	}
	// The gain lasts past Hold and MinInterval: new flows go to a, the
	// pinned ones stay on b.
	f.clock.advance(route.DefaultHysteresis().MinInterval)
	if p := f.pick(t, 5000); p != a {
		t.Fatal("a new flow stayed on b after a lasting gain")
	}
	if p := f.pick(t, 1000); p != b || f.pick(t, 3000) != b {
		t.Fatal("a pinned flow moved with the preference")
	}

	// A flow a opens is answered by a.
	in := tcpPacket(f.ident, 4000, header.TCPFlagSyn)
	fl, _ := parseFlow(in)
	from := fl.reverse() // as a would send it: from the wallet to this node
	pkt := make([]byte, len(in))
	copy(pkt, in)
	copy(pkt[8:24], from.src[:])
	copy(pkt[24:40], from.dst[:])
	binary.BigEndian.PutUint16(pkt[40:], from.sport)
	binary.BigEndian.PutUint16(pkt[42:], from.dport)
	e.pinInbound(a, pkt)
	if p := f.pick(t, 4000); p != a {
		t.Fatal("the answer to a flow a opened went elsewhere")
	}

	st := e.Instances([20]byte{0xaa, 1})
	if len(st) != 2 || !st[1].Preferred || st[1].NodeKey != transport.PublicKey(a.inst.id) || st[0].RTT != 100*time.Millisecond {
		t.Fatalf("Instances = %+v, want b first, a preferred", st)
	}

	// AddPeer turns the wallet back into a plain peer.
	if err := e.AddPeer([20]byte{0xaa, 1}, nil, netip.MustParseAddrPort("127.0.0.1:5")); err != nil {
		t.Fatal(err)
	}
	if e.Instances([20]byte{0xaa, 1}) != nil || e.peers.byTransport(a.tp) != nil {
		t.Fatal("AddPeer left the instances in place")
	}
}

// BenchmarkAnycastPick: the cost anycast adds per packet (flow parse,
// pinned lookup under the group's lock), against the identity lookup
// every packet pays (baseline).
func BenchmarkAnycastPick(b *testing.B) {
	f := newAnycastFixture(b)
	f.e.heard(f.a, true)
	f.e.heard(f.b, true)
	pkts := make([][]byte, 256)
	for i := range pkts {
		pkts[i] = tcpPacket(f.ident, uint16(1000+i), header.TCPFlagAck)
	}
	b.Run("baseline", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			dst, _ := netip.AddrFromSlice(header.IPv6(pkts[i%len(pkts)]).DestinationAddressSlice())
			if f.e.peers.byIdent(dst) == nil {
				b.Fatal("no peer")
			}
		}
	})
	b.Run("anycast", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			pkt := pkts[i%len(pkts)]
			dst, _ := netip.AddrFromSlice(header.IPv6(pkt).DestinationAddressSlice())
			p := f.e.peers.byIdent(dst)
			if p = f.e.pickPacket(p.grp.Load(), pkt); p == nil {
				b.Fatal("no instance")
			}
		}
	})
}

// TestAnycastUnreachableFails: an unreachable frame for an instance's
// locator fails that instance at once (receiveUnreachable's hook).
func TestAnycastUnreachableFails(t *testing.T) {
	f := newAnycastFixture(t)
	la, other := Locator{0: 0x2a, 31: 1}, Locator{0: 0x2b}
	f.a.loc.Store(&la)
	f.e.heard(f.a, true)
	f.e.heard(f.b, true)
	if f.e.failInstancesAt(&other) {
		t.Fatal("failed an instance at another locator")
	}
	if !f.e.failInstancesAt(&la) || !f.a.inst.failed || f.b.inst.failed {
		t.Fatalf("after unreachable: a failed %v, b failed %v", f.a.inst.failed, f.b.inst.failed)
	}
	if p := f.pick(t, 1); p != f.b {
		t.Fatal("a new flow went to the unreachable instance")
	}
}

// TestAnycastReresolve: adding the instances of a wallet again (a name
// resolved anew) keeps the state and pins of the instances that remain,
// adds the new ones and drops the missing.
func TestAnycastReresolve(t *testing.T) {
	f := newAnycastFixture(t)
	f.e.heard(f.a, true)
	f.e.heard(f.b, true)
	pinned := f.pick(t, 1)
	kc := newTestSessions(t).PublicKey()
	kp := transport.PublicKey(pinned.inst.id)
	if err := f.e.AddInstances([20]byte{0xaa, 1}, []Instance{
		{NodeKey: kp, Addr: netip.MustParseAddrPort("127.0.0.1:7")},
		{NodeKey: kc, Addr: netip.MustParseAddrPort("127.0.0.1:8")},
	}); err != nil {
		t.Fatal(err)
	}
	if f.e.peers.byIdent(f.ident).grp.Load() != f.g {
		t.Fatal("the group was replaced")
	}
	st := f.e.Instances([20]byte{0xaa, 1})
	if len(st) != 2 || st[0].NodeKey != kp || !st[0].Live || st[0].Addr.Port() != 7 || st[1].NodeKey != kc || st[1].Live {
		t.Fatalf("instances after re-adding: %+v", st)
	}
	if f.pick(t, 1) != pinned {
		t.Fatal("a pinned flow moved when the instances were re-added")
	}
	dropped := f.a
	if pinned == f.a {
		dropped = f.b
	}
	if !dropped.inst.failed || f.e.peers.byTransport(dropped.tp) != nil {
		t.Fatal("the instance missing from the new list is still used")
	}
}
