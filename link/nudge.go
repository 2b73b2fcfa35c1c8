package link

import (
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Nudges: TCP over the overlay moves again as soon as its path does.
//
//  1. WritePackets remembers, per peer, the last TCP segment it sent
//     that carries data, a SYN or a FIN: a reference to the netstack's
//     packet (no copy), the segment the peer's acknowledgement answers.
//  2. Heard again: when the first authenticated frame from the peer
//     (data, keepalive, a handshake that completed again, the answer to a
//     stale hint, a punched path) arrives after a segment waited at least
//     nudgeSilence unanswered, the path came back while the flow sat on a
//     retransmission timer that backed off during the outage. The
//     remembered segment is sealed and sent again at once
//     (Stats.Nudges); the peer answers it with an acknowledgement (of new
//     data, or a duplicate that says what it holds), which restarts the
//     flow.
//  3. Early retransmission: gVisor's SYN and SYN-ACK timers are fixed
//     at 1 s (a SYN-RCVD endpoint does not answer a repeated SYN). A
//     remembered SYN or SYN-ACK whose end the peer has not acknowledged
//     (the link reads the ACK number of the flow's inbound segments) goes
//     again after 2 round trips of the path (200 ms to 1 s), at most
//     earlyRetries times per segment the netstack sends, so an opening
//     segment lost on the overlay costs two round trips rather than a
//     second (Stats.EarlyRetransmits). Two, not TCP's first RTO of three
//     (srtt + 4·rttvar with one sample): the round trip is the
//     transport's handshake RTT (Peer.HandshakeRTT), which initiator and
//     responder both measure, on this path, moments before the SYN; a
//     copy sent too early costs one small frame. The wait does not
//     double between the two: their number is bounded, and the
//     netstack's own timer keeps its backoff. (The same probe for a
//     flow's last data segment cut the loss tail further in the
//     simulator but upset the tunnel-move test under the race detector;
//     it is left out until that is understood.) Tick sends them;
//     NextDeadline says when, for the simulator. Without a measured
//     round trip nothing is sent early.
//
// Pure ACKs are not remembered (tcpKind, gsoKind): gVisor sends every
// segment of a connection with offload on as an offload packet, ACKs
// included, and an ACK remembered in place of a SYN-ACK cancelled its
// early retransmission (a repeated SYN is answered by an ACK).
const (
	nudgeSilence = time.Second
	earlyRetries = 2
	minProbeWait = 200 * time.Millisecond
	maxProbeWait = time.Second
)

// segKind says what a remembered TCP segment is.
type segKind uint8

const (
	segOther segKind = iota // not TCP, or a pure ACK or RST: not remembered
	segData                 // data, or FIN
	segSYN                  // an opening SYN or SYN-ACK
)

// tcpKind classifies plain, an IPv6 packet this node sends.
func tcpKind(plain []byte) segKind {
	if len(plain) < header.IPv6MinimumSize+header.TCPMinimumSize {
		return segOther
	}
	ip := header.IPv6(plain)
	if ip.TransportProtocol() != header.TCPProtocolNumber {
		return segOther
	}
	tcp := header.TCP(plain[header.IPv6MinimumSize:])
	f := tcp.Flags()
	switch {
	case f&header.TCPFlagRst != 0:
		return segOther
	case f&header.TCPFlagSyn != 0:
		return segSYN
	case f&header.TCPFlagFin != 0:
		return segData
	}
	off := int(tcp.DataOffset())
	if off < header.TCPMinimumSize || header.IPv6MinimumSize+off >= len(plain) {
		return segOther
	}
	return segData
}

// gsoKind classifies pkt, a segmentation-offload packet the netstack
// sends: gVisor marks every segment of a connection that has offload
// on, so pure ACKs come this way too, and must not displace the segment
// an acknowledgement is awaited for.
func gsoKind(pkt *stack.PacketBuffer) segKind {
	th := header.TCP(pkt.TransportHeader().Slice())
	if pkt.TransportProtocolNumber != header.TCPProtocolNumber || len(th) < header.TCPMinimumSize {
		return segOther
	}
	f := th.Flags()
	switch {
	case f&header.TCPFlagRst != 0:
		return segOther
	case f&header.TCPFlagSyn != 0:
		return segSYN
	case f&header.TCPFlagFin != 0 || pkt.Data().Size() > 0:
		return segData
	}
	return segOther
}

// nudgeState is a peer's remembered segment; its own lock.
type nudgeState struct {
	mu      sync.Mutex // guards the fields below
	last    *stack.PacketBuffer
	sent    time.Time // when the netstack sent last
	syn     bool      // last is an opening SYN or SYN-ACK
	id      segID     // last's flow and end
	waiting time.Time // first segment sent since the peer was last heard; zero: none
	heard   time.Time // the peer's last authenticated frame
	synNext time.Time // when last goes again early; zero: not
	synSent int       // early retransmissions of last
}

// segID names a TCP segment's flow (this node's port, the peer's) and
// the sequence number just past it, which the peer's ACK must reach.
type segID struct {
	local, remote uint16
	end           uint32
	ok            bool
}

// segIDOf reads pkt's TCP header.
func segIDOf(pkt *stack.PacketBuffer) segID {
	th := header.TCP(pkt.TransportHeader().Slice())
	if len(th) < header.TCPMinimumSize {
		return segID{}
	}
	end := th.SequenceNumber() + uint32(pkt.Data().Size())
	if f := th.Flags(); f&header.TCPFlagSyn != 0 {
		end++
	} else if f&header.TCPFlagFin != 0 {
		end++
	}
	return segID{local: th.SourcePort(), remote: th.DestinationPort(), end: end, ok: true}
}

// acks reports whether plain, an IPv6 packet from the peer, acknowledges
// all of segment id.
func (id segID) acks(plain []byte) bool {
	if !id.ok || len(plain) < header.IPv6MinimumSize+header.TCPMinimumSize ||
		header.IPv6(plain).TransportProtocol() != header.TCPProtocolNumber {
		return false
	}
	th := header.TCP(plain[header.IPv6MinimumSize:])
	return th.SourcePort() == id.remote && th.DestinationPort() == id.local &&
		th.Flags()&header.TCPFlagAck != 0 && int32(th.AckNumber()-id.end) >= 0
}

// synWatch lists the peers with a SYN that may go again early, in the
// order they were added (the simulator iterates no map).
type synWatch struct {
	mu    sync.Mutex // guards peers
	peers []*peer
}

// remember keeps pkt, a TCP segment of kind k just sent (or queued) to
// p, as p's last segment.
func (e *Endpoint) remember(p *peer, pkt *stack.PacketBuffer, k segKind) {
	if k == segOther || p.inst != nil { // anycast instances fail over instead (anycast_health.go)
		return
	}
	now := e.now()
	n := &p.nudge
	pkt.IncRef()
	n.mu.Lock()
	old := n.last
	n.last, n.id, n.sent = pkt, segIDOf(pkt), now
	if n.waiting.IsZero() {
		n.waiting = now
	}
	watch := false
	n.synSent = 0
	n.syn = k == segSYN
	if wait := e.synWait(p, 0); wait > 0 && n.id.ok && n.syn {
		watch = n.synNext.IsZero()
		n.synNext = now.Add(wait)
	} else {
		n.synNext = time.Time{}
	}
	n.mu.Unlock()
	if old != nil {
		old.DecRef()
	}
	if watch {
		e.syns.mu.Lock()
		e.syns.peers = append(e.syns.peers, p)
		e.syns.mu.Unlock()
		e.wake() // an idle timer goroutine may sleep up to idleTickMax
	}
}

// watchingSYNs reports whether a SYN may go again early: the timer
// goroutine then ticks at its full rate.
func (e *Endpoint) watchingSYNs() bool {
	e.syns.mu.Lock()
	defer e.syns.mu.Unlock()
	return len(e.syns.peers) > 0
}

// synWait is how long the k-th early retransmission of a SYN to p waits,
// zero for none. p.nudge.mu is held.
func (e *Endpoint) synWait(p *peer, k int) time.Duration {
	tp := p.transportPeer()
	if tp == nil || k >= earlyRetries {
		return 0
	}
	r := tp.HandshakeRTT()
	if r == 0 {
		return 0
	}
	return min(max(2*r, minProbeWait), maxProbeWait)
}

// heardFrom notes an authenticated frame from p, a packet (plain, which
// may acknowledge the remembered segment) or a completed handshake (plain
// nil), and nudges p's flow if a segment waited for it at least
// nudgeSilence. A completed handshake arms the early retransmission of a
// segment that waited for it, now that the round trip is measured.
func (e *Endpoint) heardFrom(p *peer, plain []byte) {
	now := e.now()
	n := &p.nudge
	n.mu.Lock()
	stalled := !n.waiting.IsZero() && now.Sub(n.waiting) >= nudgeSilence && n.last != nil && !n.syn
	n.heard, n.waiting = now, time.Time{}
	watch := false
	switch {
	case plain != nil:
		if n.id.acks(plain) {
			n.synNext = time.Time{}
		}
	case n.syn && n.last != nil && n.id.ok && n.synNext.IsZero():
		if wait := e.synWait(p, n.synSent); wait > 0 {
			n.synNext, watch = now.Add(wait), true
		}
	}
	var pkt *stack.PacketBuffer
	if stalled {
		pkt = n.last
		pkt.IncRef()
	}
	age := now.Sub(n.sent)
	n.mu.Unlock()
	if watch {
		e.syns.mu.Lock()
		e.syns.peers = append(e.syns.peers, p)
		e.syns.mu.Unlock()
	}
	if pkt != nil {
		e.stats.nudges.Add(1)
		e.resendSegment(p, pkt, false, age)
		pkt.DecRef()
	}
}

// tickSYNs sends again the SYNs whose early retransmission is due.
func (e *Endpoint) tickSYNs(now time.Time) {
	e.syns.mu.Lock()
	peers := e.syns.peers
	e.syns.peers = nil
	e.syns.mu.Unlock()
	var keep []*peer
	for _, p := range peers {
		n := &p.nudge
		n.mu.Lock()
		if n.synNext.IsZero() || n.last == nil {
			n.synNext = time.Time{}
			n.mu.Unlock()
			continue
		}
		keep = append(keep, p)
		if now.Before(n.synNext) {
			n.mu.Unlock()
			continue
		}
		n.synSent++
		if wait := e.synWait(p, n.synSent); wait > 0 {
			n.synNext = now.Add(wait)
		} else {
			n.synNext = time.Time{}
		}
		pkt := n.last
		pkt.IncRef()
		age := now.Sub(n.sent)
		n.mu.Unlock()
		e.stats.earlyRetransmits.Add(1)
		e.resendSegment(p, pkt, true, age)
		pkt.DecRef()
	}
	if len(keep) > 0 {
		e.syns.mu.Lock()
		e.syns.peers = append(keep, e.syns.peers...)
		e.syns.mu.Unlock()
	}
}

// synDeadline is the earliest early SYN retransmission, zero if none.
func (e *Endpoint) synDeadline() time.Time {
	e.syns.mu.Lock()
	peers := e.syns.peers
	e.syns.mu.Unlock()
	var d time.Time
	for _, p := range peers {
		n := &p.nudge
		n.mu.Lock()
		if at := n.synNext; !at.IsZero() && (d.IsZero() || at.Before(d)) {
			d = at
		}
		n.mu.Unlock()
	}
	return d
}

// NextDeadline returns the earliest time Tick has work to do, zero if
// none: the transport's timers and the early SYN retransmissions. A
// simulator that drives Tick itself schedules it then.
func (e *Endpoint) NextDeadline() time.Time {
	d := e.sessions.NextDeadline()
	if s := e.synDeadline(); !s.IsZero() && (d.IsZero() || s.Before(d)) {
		d = s
	}
	return d
}

// resendSegment seals pkt, a TCP segment the netstack sent to p age
// ago, again, its timestamp moved to now (restamp), and sends it without
// waiting. Of a segmentation-offload packet only one segment goes: the
// last with tail, else the first.
func (e *Endpoint) resendSegment(p *peer, pkt *stack.PacketBuffer, tail bool, age time.Duration) {
	buf := e.bufs.get()
	var n int
	if pkt.GSOOptions.Type != stack.GSONone {
		var seg tcpSegmenter
		mss := int(pkt.GSOOptions.MSS)
		if mss == 0 {
			mss = int(e.MTU())
		}
		if seg.init(pkt.AsSlices(), mss) != nil || seg.segLen() > plainRoom(len(*buf)) {
			e.bufs.put(buf)
			return
		}
		n = seg.next((*buf)[plainOff:])
		for tail && seg.segLen() > 0 {
			n = seg.next((*buf)[plainOff:])
		}
	} else {
		if pkt.Size() > plainRoom(len(*buf)) {
			e.bufs.put(buf)
			return
		}
		for _, s := range pkt.AsSlices() {
			n += copy((*buf)[plainOff+n:], s)
		}
	}
	restamp((*buf)[plainOff:plainOff+n], age)
	b := getBatch()
	tp, dst := p.route()
	e.sealTo(b, buf, p, tp, dst, (*buf)[plainOff:plainOff+n])
	b.flush(e)
}
