package link_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
)

// The nudge's kinds end to end (nudge.go): a TCP flow stalls while its
// path is gone, its retransmission timer backs off, and when the path
// comes back — a route restored, a punched direct path, a restarted
// peer's stale hint answered — the first authenticated frame from the
// peer makes the link send the flow's unacknowledged tail again at once.
//
// Nothing is timed against the wall clock. Each test brings the path
// back at a quiet point of the sender's netstack: just after one of its
// RTOs fired (counted in its TCP Timeouts) and the link's tail probe of
// that retransmission went into the void too, so the next RTO is one
// backed-off timeout (at least 3.2 s, 4 with MaxRTO) away. The flow must
// then move (or fail, for the restarted peer) with the Timeouts count
// unchanged: had it waited for the netstack, the count would have grown.
// Run with -nudgeoff to see each test fail without the nudge.
var nudgeOff = flag.Bool("nudgeoff", false, "disable the link's nudge (nudge.go) on the stalled sender: the TestNudge* tests must fail")

// bulk is the data a stalled flow has queued: far more than the two
// segments a nudge sends, so its arrival is the netstack's doing.
const bulk = 256 << 10

// sinkFlow is a TCP connection from one member to another's port 9,
// where the receiver counts what it reads.
type sinkFlow struct {
	c   net.Conn
	got atomic.Int64
}

// newSinkFlow dials to's port 9 from from; to counts the bytes.
func newSinkFlow(t *testing.T, ctx context.Context, from, to *member) *sinkFlow {
	t.Helper()
	l, err := to.node.Listen("tcp", ":9")
	if err != nil {
		t.Fatal(err)
	}
	f := &sinkFlow{}
	accepted := make(chan net.Conn, 1)
	t.Cleanup(func() {
		l.Close()
		if c, ok := <-accepted; ok {
			c.Close()
		}
	})
	go func() {
		c, err := l.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
		buf := make([]byte, 64<<10)
		for {
			n, err := c.Read(buf)
			f.got.Add(int64(n))
			if err != nil {
				return
			}
		}
	}()
	if f.c, err = from.node.Dial(ctx, "tcp", dialAddr(to, 9)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.c.Close() })
	return f
}

// write queues n bytes on the flow (the send buffer takes them: Write
// returns before they are acknowledged).
func (f *sinkFlow) write(t *testing.T, n int) {
	t.Helper()
	if _, err := f.c.Write(bytes.Repeat([]byte("s"), n)); err != nil {
		t.Fatal(err)
	}
}

func tcpTimeouts(m *member) uint64 { return m.ns.Stats().TCP.Timeouts.Value() }

// quietPoint waits until m's netstack has timed out at least n times
// more than base, and then until the link's tail probe of the last
// retransmission went too, with no RTO since; it returns the Timeouts
// count. Until the next RTO, which the backoff puts far off, nothing of
// m's own resends the stalled flow's data.
func quietPoint(t *testing.T, m *member, base, n uint64) uint64 {
	t.Helper()
	for {
		linktest.WaitFor(t, m.name+"'s RTO to back off", func() bool { return tcpTimeouts(m) >= base+n })
		t0, p0 := tcpTimeouts(m), m.ep.Stats().TailProbes
		linktest.WaitFor(t, m.name+"'s tail probe", func() bool { return m.ep.Stats().TailProbes > p0 || tcpTimeouts(m) > t0 })
		if tcpTimeouts(m) == t0 {
			return t0
		}
	}
}

func maybeDisableNudge(m *member) {
	if *nudgeOff {
		link.DisableNudgeForTest(m.ep)
	}
}

// sendDatagram sends one UDP datagram from m to peer's port 9 (nobody
// listens): an authenticated frame of another flow.
func sendDatagram(t *testing.T, m, peer *member) {
	t.Helper()
	pc, err := m.node.ListenPacket("udp", ":4000")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	to := &net.UDPAddr{IP: link.IdentityAddr(peer.wallet).AsSlice(), Port: 9}
	if _, err := pc.WriteTo([]byte("hello"), to); err != nil {
		t.Fatal(err)
	}
}

// TestNudgeRouteRestored: a → r1 → r2 → b. The link between the
// routers goes down until r1 withdraws its route to b's subnet; a's
// flow to b stalls and its RTO backs off. The link comes back and r1
// learns the route again; the first frame from b (a datagram of another
// flow) makes a send its stalled tail at once, and the whole flow
// arrives before a's netstack times out again.
func TestNudgeRouteRestored(t *testing.T) {
	ctx := testCtx(t)
	s := newSegment(t, link.MinUnderlayMTU)
	r1, r2, a, b := s.twoRouters("2a.1/128", "2a.2/128", nil)
	maybeDisableNudge(a)
	f := newSinkFlow(t, ctx, a, b)
	f.write(t, 1<<10)
	linktest.WaitFor(t, "the warm-up", func() bool { return f.got.Load() == 1<<10 })

	base, nudges := tcpTimeouts(a), a.ep.Stats().Nudges
	s.nw.Disconnect(r1.addr, r2.addr)
	f.write(t, bulk)
	linktest.WaitFor(t, "r1 to withdraw the route to b", func() bool { return !hasRoute(r1, b.loc) })
	t0 := quietPoint(t, a, base, 4)
	s.nw.Connect(r1.addr, r2.addr)
	linktest.WaitFor(t, "the route to b back", func() bool { return hasRoute(r1, b.loc) && hasRoute(r2, a.loc) })
	sendDatagram(t, b, a)
	linktest.WaitFor(t, "the stalled flow", func() bool { return f.got.Load() == 1<<10+bulk })
	if n := tcpTimeouts(a) - t0; n != 0 {
		t.Errorf("a's netstack timed out %d times after the route came back: the flow waited for its RTO", n)
	}
	if a.ep.Stats().Nudges == nudges {
		t.Error("a sent no nudge")
	}
}

// TestNudgePunchSucceeded: a and b talk through r; their punch
// succeeds at r, but the direct path between them is blocked, so they
// keep probing each other's address (for their hold time, a minute
// here). The relayed path then stops carrying frames between them
// (r's forwarded frames dropped), a's flow to b stalls and its RTO backs
// off. The direct path opens: b's next probe reaches a, which takes the
// direct path and sends its stalled tail on it at once, so the flow
// completes before a's netstack times out again.
func TestNudgePunchSucceeded(t *testing.T) {
	ctx := testCtx(t)
	s := newSegment(t, link.MinUnderlayMTU)
	r, a, b := s.add("r", "2a.1/128"), s.add("a", "2a.1/128"), s.add("b", "2a.1/128")
	a.punch, b.punch = true, true
	a.hold, b.hold = time.Minute, time.Minute
	var direct, relay atomic.Bool
	relay.Store(true)
	s.nw.SetFilter(func(src, dst netip.AddrPort, frame []byte) bool {
		switch {
		case src == a.addr && dst == b.addr, src == b.addr && dst == a.addr:
			return direct.Load()
		case src == r.addr && len(frame) >= 4 && frame[0]&0x0f == byte(link.FrameTransport) && frame[2] != 0:
			return relay.Load() // a frame r forwarded between the hosts
		}
		return true
	})
	s.up(r, link.RoleRouter)
	s.up(a, link.RoleHost, "r")
	s.up(b, link.RoleHost, "r")
	attachedAndRouted(t, []*member{a, b}, []*member{r})
	s.route(a, b)
	maybeDisableNudge(a)
	f := newSinkFlow(t, ctx, a, b)
	f.write(t, 1<<10)
	linktest.WaitFor(t, "the warm-up", func() bool { return f.got.Load() == 1<<10 })
	linktest.WaitFor(t, "the punch", func() bool { return a.ep.Stats().PunchProbes > 0 && b.ep.Stats().PunchProbes > 0 })
	bIdent := link.IdentityAddr(b.wallet)
	if _, ok := a.ep.DirectPath(bIdent); ok {
		t.Fatal("a punched through a blocked path")
	}

	base, nudges := tcpTimeouts(a), a.ep.Stats().Nudges
	relay.Store(false)
	f.write(t, bulk)
	t0 := quietPoint(t, a, base, 4)
	direct.Store(true)
	linktest.WaitFor(t, "the stalled flow", func() bool { return f.got.Load() == 1<<10+bulk })
	if n := tcpTimeouts(a) - t0; n != 0 {
		t.Errorf("a's netstack timed out %d times after the direct path opened: the flow waited for its RTO", n)
	}
	if a.ep.Stats().Nudges == nudges {
		t.Error("a sent no nudge")
	}
	if _, ok := a.ep.DirectPath(bIdent); !ok {
		t.Error("a's path to b is not direct")
	}
}

// TestNudgeStaleHintAnswered: a's flow to b stalls in a partition,
// during which b restarts with its keys on its address (its sessions
// and connections gone). The partition heals and a's next frame to b
// (a datagram of another flow) draws a stale hint; a handshakes again
// at once, and the completed handshake makes it send its stalled tail,
// which b's new netstack resets: a learns that its connection is dead
// before its netstack times out again.
func TestNudgeStaleHintAnswered(t *testing.T) {
	ctx := testCtx(t)
	s := newSegment(t, link.MinUnderlayMTU)
	a, b := s.add("a", ""), s.add("b", "")
	s.up(a, link.RoleHost)
	s.up(b, link.RoleHost)
	s.peers(a, b)
	maybeDisableNudge(a)
	f := newSinkFlow(t, ctx, a, b)
	f.write(t, 1<<10)
	linktest.WaitFor(t, "the warm-up", func() bool { return f.got.Load() == 1<<10 })
	reset := make(chan error, 1)
	go func() { _, err := io.Copy(io.Discard, f.c); reset <- err }()

	base, nudges := tcpTimeouts(a), a.ep.Stats().Nudges
	s.nw.Disconnect(a.addr, b.addr)
	f.write(t, bulk)
	b.node.Close()
	conn, err := s.nw.AttachAt(b.addr)
	if err != nil {
		t.Fatal(err)
	}
	b2 := &member{name: "b2", wallet: b.wallet, signer: b.signer, key: b.key, conn: conn, addr: b.addr}
	s.up(b2, link.RoleHost)
	t0 := quietPoint(t, a, base, 4)
	s.nw.Connect(a.addr, b.addr)
	sendDatagram(t, a, b2)
	select {
	case err := <-reset:
		if err == nil {
			t.Fatal("a's connection to the restarted b ended without a reset")
		}
	case <-time.After(linktest.Deadline):
		t.Fatal("a's connection to the restarted b was never reset")
	}
	if n := tcpTimeouts(a) - t0; n != 0 {
		t.Errorf("a's netstack timed out %d times after the partition healed: the reset waited for its RTO", n)
	}
	if a.node.TransportStats().StaleHintsTaken == 0 {
		t.Error("a took no stale hint")
	}
	if a.ep.Stats().Nudges == nudges {
		t.Error("a sent no nudge")
	}
}
