package link

import (
	"github.com/anynet/anynet/link/route"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// Anycast, the data path: which instance a packet goes to, the packets
// that wait for a first live instance, and the SYNs an instance owes an
// answer to (anycast.go has the groups).

// pickPacket returns the instance of g that plain's flow goes to. With
// no live instance it queues a copy of plain, probes the instances and
// returns nil.
func (e *Endpoint) pickPacket(g *anycastGroup, plain []byte) *peer {
	f, _ := parseFlow(plain)
	if p := e.pick(g, f); p != nil {
		return p
	}
	e.holdGroup(g, append([]byte(nil), plain...))
	return nil
}

// pickGSO is pickPacket for a segmentation-offload packet: with no live
// instance it queues the segments.
func (e *Endpoint) pickGSO(g *anycastGroup, seg *tcpSegmenter) *peer {
	f, _ := parseFlow(seg.hdr[:seg.hdrLen])
	if p := e.pick(g, f); p != nil {
		return p
	}
	buf := e.bufs.get()
	defer e.bufs.put(buf)
	for l := seg.segLen(); l > 0 && l <= len(*buf); l = seg.segLen() {
		n := seg.next(*buf)
		e.holdGroup(g, append([]byte(nil), (*buf)[:n]...))
	}
	return nil
}

// pick returns the instance flow f is pinned to, pinning it to the
// preferred one on first use, or nil if no instance is live.
func (e *Endpoint) pick(g *anycastGroup, f flowKey) *peer {
	now := e.now()
	g.mu.Lock()
	defer g.mu.Unlock()
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

// holdGroup queues pkt until an instance of g is live and probes every
// instance that has not failed and has no probe out.
func (e *Endpoint) holdGroup(g *anycastGroup, pkt []byte) {
	now := e.now()
	var probe []*peer
	g.mu.Lock()
	if len(g.queue) == 0 {
		g.queuedAt = now
	}
	if len(g.queue) >= e.queueLen {
		g.queue[0] = nil
		g.queue = g.queue[1:]
		e.stats.droppedQueueFull.Add(1)
	}
	g.queue = append(g.queue, pkt)
	for _, p := range g.inst {
		if in := p.inst; !in.failed && in.probeAt.IsZero() {
			in.probeAt, in.lastProbe = now, now
			probe = append(probe, p)
		}
	}
	g.mu.Unlock()
	for _, p := range probe {
		e.startHandshake(p)
	}
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
