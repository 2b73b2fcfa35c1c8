package link

import (
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Nudges: TCP over the overlay moves again as soon as its path does,
// and a lost segment of a short flow costs two round trips of the path,
// not a retransmission timeout that doubles.
//
//  1. WritePackets remembers, per peer, the last TCP segment it sent
//     that carries data, a SYN or a FIN: a reference to the netstack's
//     packet (no copy), the segment the peer's acknowledgement answers.
//     A bare FIN that follows the flow's last data at once keeps that
//     data too (gVisor sends a reply and the FIN after it as two
//     segments), and the link reads the ACK number of the flow's
//     inbound segments, so it knows the first byte the peer still lacks.
//  2. Heard again: when the first authenticated frame from the peer
//     (data, keepalive, a handshake that completed again, the answer to a
//     stale hint, a punched path) arrives after a segment waited at least
//     nudgeSilence unanswered, the path came back while the flow sat on a
//     retransmission timer that backed off during the outage. The
//     remembered segments are sealed and sent again at once
//     (Stats.Nudges); the peer answers with an acknowledgement (of new
//     data, or a duplicate that says what it holds), which restarts the
//     flow.
//  3. Probes: a remembered segment whose end the peer has not
//     acknowledged goes again after 2 round trips of the path (200 ms to
//     1 s; the transport's handshake RTT, Peer.HandshakeRTT, which
//     initiator and responder both measure on this path), without
//     doubling, a bounded number of times per segment the netstack sends.
//     For a SYN or SYN-ACK (synProbes, 2; Stats.EarlyRetransmits):
//     gVisor's opening timer is fixed at 1 s, and a SYN-RCVD endpoint
//     does not answer a repeated SYN. For data and FINs (tailProbes, 1;
//     Stats.TailProbes) it is a tail loss probe (RFC 8985's 2·SRTT) that
//     works with gVisor: the probe carries the first segment the peer
//     lacks (by its ACKs) and the last one sent, so a lost reply is
//     repaired even when its FIN went through, and a lost retransmission
//     costs 2 round trips instead of the netstack's RTO doubled. The
//     netstack's own timers keep their backoff: a probe is a copy,
//     restamped (tcpstamp.go) so the peer's answer samples this copy's
//     round trip, and the probes per send are bounded, so a path that
//     stays lossy still sees TCP back off. gVisor's RACK-TLP is off
//     (stack/tcp.go): its probe resends the bare FIN, which gVisor's
//     receiver does not SACK, so it repairs nothing. Tick sends probes;
//     NextDeadline says when (for the simulator, and the timer
//     goroutine's sleep). Without a measured round trip nothing is
//     probed.
//
// Pure ACKs are not remembered (tcpKind, gsoKind): gVisor sends every
// segment of a connection with offload on as an offload packet, ACKs
// included, and an ACK remembered in place of a SYN-ACK cancelled its
// early retransmission (a repeated SYN is answered by an ACK).
const (
	nudgeSilence = time.Second
	synProbes    = 2
	tailProbes   = 1
	minProbeWait = 200 * time.Millisecond
	maxProbeWait = time.Second
	// maxProbeAge bounds the age of a segment a completed handshake
	// arms the probe of (one that waited for the session); an older one
	// is the nudge's.
	maxProbeAge = 5 * time.Second
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
	mu       sync.Mutex // guards the fields below
	last     *stack.PacketBuffer
	prev     *stack.PacketBuffer // the data a bare FIN in last follows on its flow; nil: none
	sent     time.Time           // when the netstack sent last
	prevSent time.Time           // and prev
	kind     segKind             // last's
	id       segID               // last's flow, and prev's and last's sequence span
	acked    uint32              // the highest ACK number the peer sent on id's flow
	ackedOK  bool                // acked is known
	waiting  time.Time           // first segment sent since the peer was last heard; zero: none
	heard    time.Time           // the peer's last authenticated frame
	probeAt  time.Time           // when last goes again early; zero: not
	probes   int                 // probes of last sent
	listed   bool                // the peer is in Endpoint.probes
}

// segID names a TCP segment's flow (this node's port, the peer's), its
// first sequence number and the one just past it, which the peer's ACK
// must reach.
type segID struct {
	local, remote uint16
	start, end    uint32
	ok            bool
}

// segIDOf reads pkt's TCP header.
func segIDOf(pkt *stack.PacketBuffer) segID {
	th := header.TCP(pkt.TransportHeader().Slice())
	if len(th) < header.TCPMinimumSize {
		return segID{}
	}
	start := th.SequenceNumber()
	end := start + uint32(pkt.Data().Size())
	if f := th.Flags(); f&header.TCPFlagSyn != 0 {
		end++
	} else if f&header.TCPFlagFin != 0 {
		end++
	}
	return segID{local: th.SourcePort(), remote: th.DestinationPort(), start: start, end: end, ok: true}
}

// sameFlow reports whether id and o are segments of one flow.
func (id segID) sameFlow(o segID) bool {
	return id.ok && o.ok && id.local == o.local && id.remote == o.remote
}

// ackOf returns the ACK number of plain, an IPv6 packet from the peer,
// if it is a TCP segment of id's flow with the ACK flag.
func (id segID) ackOf(plain []byte) (uint32, bool) {
	if !id.ok || len(plain) < header.IPv6MinimumSize+header.TCPMinimumSize ||
		header.IPv6(plain).TransportProtocol() != header.TCPProtocolNumber {
		return 0, false
	}
	th := header.TCP(plain[header.IPv6MinimumSize:])
	if th.SourcePort() != id.remote || th.DestinationPort() != id.local || th.Flags()&header.TCPFlagAck == 0 {
		return 0, false
	}
	return th.AckNumber(), true
}

// acks reports whether plain, an IPv6 packet from the peer,
// acknowledges all of segment id.
func (id segID) acks(plain []byte) bool {
	a, ok := id.ackOf(plain)
	return ok && seqGE(a, id.end)
}

// seqGE reports a ≥ b modulo 2^32.
func seqGE(a, b uint32) bool { return int32(a-b) >= 0 }

// probeWatch lists the peers with a segment that may go again early, in
// the order they were added (the simulator iterates no map).
type probeWatch struct {
	mu    sync.Mutex // guards peers
	peers []*peer

	// nudgeOff makes heardFrom send nothing again (the tests' way to
	// show that a recovery was the nudge's: export_test.go).
	nudgeOff atomic.Bool
}

// remember keeps pkt, a TCP segment of kind k just sent (or queued) to
// p, as p's last segment.
func (e *Endpoint) remember(p *peer, pkt *stack.PacketBuffer, k segKind) {
	if k == segOther || p.inst != nil { // anycast instances fail over instead (anycast_health.go)
		return
	}
	now := e.now()
	id := segIDOf(pkt)
	n := &p.nudge
	pkt.IncRef()
	n.mu.Lock()
	var drop [2]*stack.PacketBuffer
	if k == segData && n.kind == segData && n.last != nil && pkt.Data().Size() == 0 &&
		id.sameFlow(n.id) && n.id.end == id.start {
		// A bare FIN right after the flow's data: keep the data too.
		drop[0], n.prev, n.prevSent = n.prev, n.last, n.sent
		id.start = n.id.start
	} else {
		drop[0], drop[1], n.prev = n.prev, n.last, nil
	}
	if !id.sameFlow(n.id) {
		n.ackedOK = false
	}
	n.last, n.id, n.sent, n.kind = pkt, id, now, k
	if n.waiting.IsZero() {
		n.waiting = now
	}
	n.probes, n.probeAt = 0, time.Time{}
	if wait := e.probeWait(p, k, 0); wait > 0 && id.ok && !(n.ackedOK && seqGE(n.acked, id.end)) {
		n.probeAt = now.Add(wait)
	}
	watch := !n.probeAt.IsZero() && !n.listed
	n.listed = n.listed || watch
	n.mu.Unlock()
	for _, d := range drop {
		if d != nil {
			d.DecRef()
		}
	}
	if watch {
		e.probes.mu.Lock()
		e.probes.peers = append(e.probes.peers, p)
		e.probes.mu.Unlock()
		e.wake() // an idle timer goroutine may sleep up to idleTickMax
	}
}

// probeWait is how long the k-th probe of a segment of kind kind to p
// waits, zero for none. p.nudge.mu is held.
func (e *Endpoint) probeWait(p *peer, kind segKind, k int) time.Duration {
	limit := tailProbes
	if kind == segSYN {
		limit = synProbes
	}
	tp := p.transportPeer()
	if tp == nil || k >= limit {
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
// nudgeSilence. A completed handshake arms the probe of a segment that
// waited for it, now that the round trip is measured.
func (e *Endpoint) heardFrom(p *peer, plain []byte) {
	now := e.now()
	n := &p.nudge
	n.mu.Lock()
	stalled := !n.waiting.IsZero() && now.Sub(n.waiting) >= nudgeSilence && n.last != nil && n.kind != segSYN
	n.heard, n.waiting = now, time.Time{}
	watch := false
	switch {
	case plain != nil:
		if a, ok := n.id.ackOf(plain); ok {
			if !n.ackedOK || seqGE(a, n.acked) {
				n.acked, n.ackedOK = a, true
			}
			if seqGE(a, n.id.end) {
				n.probeAt = time.Time{}
			}
		}
	case n.last != nil && n.id.ok && n.probeAt.IsZero() && !(n.ackedOK && seqGE(n.acked, n.id.end)) &&
		now.Sub(n.sent) < maxProbeAge:
		if wait := e.probeWait(p, n.kind, n.probes); wait > 0 {
			n.probeAt = now.Add(wait)
			watch = !n.listed
			n.listed = true
		}
	}
	var r resend
	if stalled && !e.probes.nudgeOff.Load() {
		r = n.resendLocked(now)
	}
	n.mu.Unlock()
	if watch {
		e.probes.mu.Lock()
		e.probes.peers = append(e.probes.peers, p)
		e.probes.mu.Unlock()
	}
	if r.last != nil {
		e.stats.nudges.Add(1)
		e.resendSegments(p, r)
	}
}

// resend is what a probe or a nudge sends again: the remembered
// segments, each with a reference taken, and what the peer acknowledged.
type resend struct {
	prev, last       *stack.PacketBuffer
	prevID           segID // prev's span
	prevAge, lastAge time.Duration
	acked            uint32
	ackedOK          bool
}

// resendLocked takes references to n's segments. n.mu is held.
func (n *nudgeState) resendLocked(now time.Time) resend {
	r := resend{last: n.last, lastAge: now.Sub(n.sent), acked: n.acked, ackedOK: n.ackedOK}
	r.last.IncRef()
	if n.prev != nil {
		r.prev, r.prevID, r.prevAge = n.prev, segIDOf(n.prev), now.Sub(n.prevSent)
		r.prev.IncRef()
	}
	return r
}

// tickProbes sends the probes that are due.
func (e *Endpoint) tickProbes(now time.Time) {
	e.probes.mu.Lock()
	peers := e.probes.peers
	e.probes.peers = nil
	e.probes.mu.Unlock()
	var keep []*peer
	for _, p := range peers {
		n := &p.nudge
		n.mu.Lock()
		if n.probeAt.IsZero() || n.last == nil {
			n.probeAt, n.listed = time.Time{}, false
			n.mu.Unlock()
			continue
		}
		keep = append(keep, p)
		if now.Before(n.probeAt) {
			n.mu.Unlock()
			continue
		}
		n.probes++
		if wait := e.probeWait(p, n.kind, n.probes); wait > 0 {
			n.probeAt = now.Add(wait)
		} else {
			n.probeAt = time.Time{}
		}
		syn := n.kind == segSYN
		r := n.resendLocked(now)
		n.mu.Unlock()
		if syn {
			e.stats.earlyRetransmits.Add(1)
		} else {
			e.stats.tailProbes.Add(1)
		}
		e.resendSegments(p, r)
	}
	if len(keep) > 0 {
		e.probes.mu.Lock()
		e.probes.peers = append(keep, e.probes.peers...)
		e.probes.mu.Unlock()
	}
}

// watchingProbes reports whether a segment may go again early.
func (e *Endpoint) watchingProbes() bool {
	e.probes.mu.Lock()
	defer e.probes.mu.Unlock()
	return len(e.probes.peers) > 0
}

// probeDeadline is the earliest probe, zero if none.
func (e *Endpoint) probeDeadline() time.Time {
	e.probes.mu.Lock()
	peers := e.probes.peers
	e.probes.mu.Unlock()
	var d time.Time
	for _, p := range peers {
		n := &p.nudge
		n.mu.Lock()
		if at := n.probeAt; !at.IsZero() && (d.IsZero() || at.Before(d)) {
			d = at
		}
		n.mu.Unlock()
	}
	return d
}

// NextDeadline returns the earliest time Tick has work to do, zero if
// none: the transport's timers and the probes. A simulator that drives
// Tick itself schedules it then.
func (e *Endpoint) NextDeadline() time.Time {
	d := e.sessions.NextDeadline()
	if s := e.probeDeadline(); !s.IsZero() && (d.IsZero() || s.Before(d)) {
		d = s
	}
	return d
}

// resendSegments seals again, and sends without waiting, what r.cut
// picks, each segment restamped (tcpstamp.go); it releases r's
// references.
func (e *Endpoint) resendSegments(p *peer, r resend) {
	defer r.release()
	fb, tb := e.bufs.get(), e.bufs.get()
	room := func(buf *[]byte) []byte { return (*buf)[plainOff : plainOff+plainRoom(len(*buf))] }
	nf, nt := r.cut(int(e.MTU()), room(fb), room(tb))
	b := getBatch()
	tp, dst := p.route()
	rt := e.routeTo(p, dst)
	var frames, size uint64
	for _, c := range []struct {
		buf *[]byte
		n   int
	}{{fb, nf}, {tb, nt}} {
		if c.n == 0 {
			e.bufs.put(c.buf)
			continue
		}
		plain := (*c.buf)[plainOff : plainOff+c.n]
		age := r.lastAge
		if r.prev != nil && r.prevID.ok && !seqGE(segIDOfPlain(plain).start, r.prevID.end) {
			age = r.prevAge
		}
		restamp(plain, age)
		if n := e.sealTo(b, c.buf, p, tp, &rt, plain); n > 0 {
			frames, size = frames+1, size+uint64(n)
		}
	}
	e.meterSent(p, &rt, frames, size) // proof of relay (meter.go)
	b.flush(e)
}

// release drops r's references.
func (r resend) release() {
	r.last.DecRef()
	if r.prev != nil {
		r.prev.DecRef()
	}
}

// cut writes into first the first segment of r that the peer lacks
// (past r.acked; the first of all when no ACK was seen), and into tail
// the last segment of r.last if that is another one the peer lacks, and
// returns their lengths (0: none). An offload packet is cut again with
// its MSS (mtu when unset) to pick the segment. Both the segment the
// peer's ACK points at and the one sent last go: the first repairs a
// hole the peer reported, the last makes a peer that got nothing of the
// tail answer with its ACK and SACK blocks.
func (r resend) cut(mtu int, first, tail []byte) (nf, nt int) {
	lacks := func(_, end uint32, _ bool) bool { return !r.ackedOK || !seqGE(r.acked, end) }
	var at uint32
	for _, pkt := range []*stack.PacketBuffer{r.prev, r.last} {
		if pkt == nil {
			continue
		}
		if nf, at = cutSegment(pkt, first, mtu, lacks); nf > 0 {
			break
		}
	}
	last := func(start, end uint32, last bool) bool {
		return last && lacks(start, end, last) && (nf == 0 || start != at)
	}
	nt, _ = cutSegment(r.last, tail, mtu, last)
	return nf, nt
}

// cutSegment writes into dst the first segment of pkt (a TCP packet the
// netstack sent, offloaded or not) that pick accepts, given its sequence
// span and whether it is the packet's last, and returns its length and
// first sequence number; 0 if none fits or is picked.
func cutSegment(pkt *stack.PacketBuffer, dst []byte, mtu int, pick func(start, end uint32, last bool) bool) (int, uint32) {
	if pkt.GSOOptions.Type == stack.GSONone {
		if pkt.Size() > len(dst) {
			return 0, 0
		}
		id := segIDOf(pkt)
		if !id.ok || !pick(id.start, id.end, true) {
			return 0, 0
		}
		n := 0
		for _, s := range pkt.AsSlices() {
			n += copy(dst[n:], s)
		}
		return n, id.start
	}
	var seg tcpSegmenter
	mss := int(pkt.GSOOptions.MSS)
	if mss == 0 {
		mss = mtu
	}
	if seg.init(pkt.AsSlices(), mss) != nil {
		return 0, 0
	}
	for l := seg.segLen(); l > 0; l = seg.segLen() {
		if l > len(dst) {
			return 0, 0
		}
		n := seg.next(dst)
		id := segIDOfPlain(dst[:n])
		if pick(id.start, id.end, seg.segLen() == 0) {
			return n, id.start
		}
	}
	return 0, 0
}

// segIDOfPlain reads plain, an IPv6 TCP segment (without extension
// headers) as the link cut it: its sequence span; ports are the
// segment's own (source first).
func segIDOfPlain(plain []byte) segID {
	if len(plain) < header.IPv6MinimumSize+header.TCPMinimumSize {
		return segID{}
	}
	th := header.TCP(plain[header.IPv6MinimumSize:])
	off := int(th.DataOffset())
	if off < header.TCPMinimumSize || header.IPv6MinimumSize+off > len(plain) {
		return segID{}
	}
	start := th.SequenceNumber()
	end := start + uint32(len(plain)-header.IPv6MinimumSize-off)
	if th.Flags()&(header.TCPFlagSyn|header.TCPFlagFin) != 0 {
		end++
	}
	return segID{local: th.SourcePort(), remote: th.DestinationPort(), start: start, end: end, ok: true}
}
