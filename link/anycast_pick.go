package link

import (
	"time"

	"github.com/anynet/anynet/link/route"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// Anycast, the data path: which instance a packet goes to, the group's
// queue (packets waiting for a first live instance, or routed again from
// a failed one) and its flush, and the SYNs an instance owes an answer
// to (anycast.go has the groups).

// pickPacket returns the instance of g that plain's flow goes to. While
// no instance is live, or packets wait in the group's queue or leave
// from it, it queues a copy of plain behind them and returns nil.
func (e *Endpoint) pickPacket(g *anycastGroup, plain []byte) *peer {
	f, _ := parseFlow(plain)
	return e.pickOrHold(g, f, func(now time.Time) int {
		return g.holdLocked(append([]byte(nil), plain...), now, e.queueLen)
	})
}

// pickGSO is pickPacket for a segmentation-offload packet: it queues
// the segments.
func (e *Endpoint) pickGSO(g *anycastGroup, seg *tcpSegmenter) *peer {
	f, _ := parseFlow(seg.hdr[:seg.hdrLen])
	return e.pickOrHold(g, f, func(now time.Time) (dropped int) {
		buf := e.bufs.get()
		defer e.bufs.put(buf)
		for l := seg.segLen(); l > 0 && l <= len(*buf); l = seg.segLen() {
			n := seg.next(*buf)
			dropped += g.holdLocked(append([]byte(nil), (*buf)[:n]...), now, e.queueLen)
		}
		return dropped
	})
}

// pickOrHold returns the instance flow f is pinned to, pinning it to
// the preferred one on first use. While no instance is live, or packets
// wait in g's queue or leave from it (flushGroup), it has hold queue the
// packet behind them instead, in the same hold of g.mu, and returns nil;
// hold reports how many packets a full queue dropped.
func (e *Endpoint) pickOrHold(g *anycastGroup, f flowKey, hold func(now time.Time) int) *peer {
	now := e.now()
	g.mu.Lock()
	if !g.flushing && len(g.queue) == 0 {
		if p := g.pickLocked(now, f); p != nil {
			g.mu.Unlock()
			return p
		}
	}
	dropped := hold(now)
	g.mu.Unlock()
	e.stats.droppedQueueFull.Add(uint64(dropped))
	e.flushGroup(g, now)
	return nil
}

// pick returns the instance flow f is pinned to, pinning it to the
// preferred one on first use, or nil if no instance is live. It does not
// look at the group's queue: flushGroup picks for what waited in it.
func (e *Endpoint) pick(g *anycastGroup, f flowKey) *peer {
	now := e.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.pickLocked(now, f)
}

// pickLocked is pick with g.mu held.
func (g *anycastGroup) pickLocked(now time.Time, f flowKey) *peer {
	if g.live == 0 {
		return nil
	}
	in, ok := g.sel.Pick(now, f)
	if !ok {
		return nil
	}
	g.lastUse[f] = now
	return g.byID(in.ID)
}

func (g *anycastGroup) byID(id route.ID) *peer {
	for _, p := range g.inst {
		if p.inst.id == id {
			return p
		}
	}
	return nil
}

// holdLocked queues pkt behind what waits in g's queue, dropping the
// oldest packet when the queue is full, and reports how many it
// dropped; g.mu is held.
func (g *anycastGroup) holdLocked(pkt []byte, now time.Time, limit int) int {
	if len(g.queue) == 0 {
		g.queuedAt = now
	}
	dropped := 0
	if len(g.queue) >= limit {
		g.queue[0] = nil
		g.queue = g.queue[1:]
		dropped = 1
	}
	g.queue = append(g.queue, pkt)
	return dropped
}

// queueFrontLocked puts q, older than what waits in g's queue, in front
// of it; g.mu is held.
func (g *anycastGroup) queueFrontLocked(q [][]byte, now time.Time) {
	if len(g.queue) == 0 {
		g.queuedAt = now
	}
	if len(q) > 0 {
		g.queue = append(q, g.queue...)
	}
}

// flushGroup sends what waits in g's queue once an instance is live, and
// what was queued behind it while it went: one flush runs per group at a
// time, and a packet written meanwhile picks its instance at once again
// only when the flush ends with the queue empty (pickOrHold), so packets
// leave in the order they were written and a flow is pinned by its
// oldest packet. With no instance live it probes every instance that has
// not failed and has no probe out. Of a group AddPeer replaced, what
// waits is written again, to the wallet's peer.
func (e *Endpoint) flushGroup(g *anycastGroup, now time.Time) {
	g.mu.Lock()
	if g.flushing {
		g.mu.Unlock()
		return
	}
	g.flushing = true
	for len(g.queue) > 0 && g.live > 0 {
		q := g.queue
		g.queue = nil
		g.mu.Unlock()
		rest := e.sendGroup(g, q)
		g.mu.Lock()
		if len(rest) > 0 { // no instance live any more: they wait again, first
			g.queueFrontLocked(rest, now)
			break
		}
	}
	g.flushing = false
	var probe []*peer
	var moved [][]byte
	switch {
	case g.replaced:
		moved, g.queue = g.queue, nil
	case len(g.queue) > 0 && g.live == 0:
		for _, p := range g.inst {
			if in := p.inst; !in.failed && in.probeAt.IsZero() {
				in.probeAt, in.lastProbe = now, now
				probe = append(probe, p)
			}
		}
	}
	g.mu.Unlock()
	e.rewrite(moved)
	for _, p := range probe {
		e.startHandshake(p)
	}
}

// moved reports whether p, for which a packet was just queued, is no
// longer where its packets go, and if so writes what waits for it again
// (rewrite): p is an anycast instance that failed after the packet's
// flow picked it (failLocked moved what waited before), or a wallet's
// peer that AddInstances made a group after the writer looked (setGroup
// moved what waited before).
func (e *Endpoint) moved(p *peer) bool {
	var q [][]byte
	switch in := p.inst; {
	case in != nil:
		if in.liveFast.Load() {
			return false
		}
		g := in.g
		g.mu.Lock()
		live := in.live
		if !live {
			q = e.peers.takeQueue(p)
		}
		g.mu.Unlock()
		if live {
			return false
		}
	case p.grp.Load() != nil:
		q = e.peers.takeQueue(p)
	default:
		return false
	}
	e.rewrite(q)
	return true
}

// sendGroup seals and sends q, packets that waited in g's queue, each
// to its flow's instance, and returns those left when no instance is
// live any more.
func (e *Endpoint) sendGroup(g *anycastGroup, q [][]byte) [][]byte {
	b := getBatch()
	defer b.flush(e)
	for i, plain := range q {
		f, _ := parseFlow(plain)
		p := e.pick(g, f)
		if p == nil {
			return q[i:]
		}
		buf := e.bufs.get()
		if len(plain) > plainRoom(len(*buf)) {
			e.bufs.put(buf)
			e.stats.droppedTooBig.Add(1)
			continue
		}
		n := plainOff + copy((*buf)[plainOff:], plain)
		tp, addr := p.route()
		r := e.routeTo(p, addr)
		if m := e.sealTo(b, buf, p, tp, &r, (*buf)[plainOff:n]); m > 0 {
			e.meterSent(p, &r, 1, uint64(m)) // proof of relay (meter.go)
		}
	}
	return nil
}

// noteSent marks p, if it is an anycast instance, as owing an answer,
// and keeps a copy of plain if it opens a TCP connection: should the
// instance fail unanswered, the SYN goes at once to the next instance.
func (e *Endpoint) noteSent(p *peer, plain []byte) {
	in := p.inst
	if in == nil {
		return
	}
	now := e.now().UnixNano()
	if in.awaitSince.Load() == 0 {
		in.awaitSince.CompareAndSwap(0, now)
	}
	if !isSYN(plain) {
		return
	}
	g := in.g
	g.mu.Lock()
	if len(in.syns) >= anycastSYNs {
		in.syns = in.syns[1:]
	}
	in.syns = append(in.syns, sentPacket{at: now, pkt: append([]byte(nil), plain...)})
	g.mu.Unlock()
}

// anycastSYNs is how many recent SYNs an instance keeps for failover.
const anycastSYNs = 16

// sentPacket is a packet sent at a time (Endpoint.now, Unix ns).
type sentPacket struct {
	at  int64
	pkt []byte
}

// isSYN reports whether plain is an IPv6/TCP SYN without ACK.
func isSYN(plain []byte) bool {
	const flags = header.IPv6MinimumSize + 13
	if len(plain) <= flags || header.IPv6(plain).NextHeader() != uint8(header.TCPProtocolNumber) {
		return false
	}
	f := header.TCPFlags(plain[flags])
	return f&header.TCPFlagSyn != 0 && f&header.TCPFlagAck == 0
}
