package link_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
	"github.com/anynet/anynet/link/mem"
)

// TestRouterMetersWhatLeft: on a → r1 → r2 → b over queues of 8
// frames, a TCP echo of 1 MiB makes the routers forward into full
// queues (DroppedSendFull). A router's meter (Forwarded, for proof of
// relay) counts what left it, not what it meant to send: the frames
// the next hop's full queue dropped are not on it (link.ForwardMeter).
// So the last router's count of a flow's frames equals, to the byte,
// what the receiving host opened of that flow through it: r2's a → b
// equals b's count from a, and r1's b → a equals a's count from b.
func TestRouterMetersWhatLeft(t *testing.T) {
	ctx := testCtx(t)
	s := newSegmentConfig(t, mem.Config{MTU: link.MinUnderlayMTU, QueueLen: 8})
	r1, r2, a, b := s.twoRouters("2a.1/128", "2a.2/128", nil)
	c := echoConn(t, ctx, a, b)
	echo(t, c, []byte("warm up"))

	type count struct{ bytes, frames uint64 }
	fwd := func(r, from, to *member) (n count) {
		for _, f := range r.node.Forwarded() {
			if f.Src == link.Locator(from.loc) && f.Dst == link.Locator(to.loc) {
				n.bytes, n.frames = n.bytes+f.Bytes, n.frames+f.Frames
			}
		}
		return n
	}
	recv := func(at, from *member) (n count) {
		for _, rt := range at.node.RoutedTraffic() {
			if rt.Peer == from.wallet {
				n.bytes, n.frames = n.bytes+rt.RecvBytes, n.frames+rt.RecvFrames
			}
		}
		return n
	}
	// From here (the handshake, which the router counts and the hosts'
	// data meters do not, is over), differences. The warm-up's last
	// acknowledgement may still be between a router and its host: take
	// the starting counts once they have stopped moving.
	type counts [4]count
	read := func() counts { return counts{fwd(r2, a, b), recv(b, a), fwd(r1, b, a), recv(a, b)} }
	start := read()
	for stable, deadline := 0, time.Now().Add(linktest.Deadline); stable < 5 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		if now := read(); now == start {
			stable++
		} else {
			start, stable = now, 0
		}
	}
	d1, d2 := r1.ep.Stats().DroppedSendFull, r2.ep.Stats().DroppedSendFull
	r2ab0, bGot0, r1ba0, aGot0 := start[0], start[1], start[2], start[3]
	since := func(n, n0 count) count { return count{n.bytes - n0.bytes, n.frames - n0.frames} }
	echo(t, c, bytes.Repeat([]byte("relay me "), 1<<20/9))
	drops1, drops2 := r1.ep.Stats().DroppedSendFull-d1, r2.ep.Stats().DroppedSendFull-d2
	// The flow's last frames (acknowledgements) may still be on their
	// way to a host: wait until the counts settle, then compare.
	var r2ab, bGot, r1ba, aGot count
	for deadline := time.Now().Add(linktest.Deadline); ; {
		r2ab, bGot = since(fwd(r2, a, b), r2ab0), since(recv(b, a), bGot0)
		r1ba, aGot = since(fwd(r1, b, a), r1ba0), since(recv(a, b), aGot0)
		if (r2ab == bGot && r1ba == aGot) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("full queues dropped %d frames at r1, %d at r2; a → b: r2 forwarded %+v, b opened %+v; b → a: r1 forwarded %+v, a opened %+v",
		drops1, drops2, r2ab, bGot, r1ba, aGot)
	if drops1+drops2 == 0 {
		t.Fatal("no router forwarded into a full queue: the test shows nothing")
	}
	if r2ab != bGot || r1ba != aGot {
		t.Errorf("the last router's meter differs from what its host opened: a → b %+v and %+v, b → a %+v and %+v", r2ab, bGot, r1ba, aGot)
	}
}
