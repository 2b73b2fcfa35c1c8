package link

import (
	"errors"
	"net/netip"
	"sync"

	"github.com/anynet/anynet/transport"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// The outbound pipeline:
//
//  1. The netstack calls WritePackets with IPv6 packets (TCP, UDP,
//     ICMPv6), from its processor goroutines or the caller's.
//  2. The destination identity address names the peer (peers.go); a
//     packet for an identity with no peer is dropped and counted.
//  3. The packet is copied into a pooled frame buffer at plainOff, behind
//     room for the largest frame header (both locators) and the transport
//     header. This is the only copy of the payload on the way out.
//  4. The peer's session seals it in place, and the frame header the peer
//     needs (4 bytes direct, up to MaxFrameHeader routed) is written just
//     in front of the transport header, so a routed frame is never moved.
//     With no session the packet is queued (bounded, oldest dropped) and
//     a handshake starts; the queue is flushed when the handshake
//     completes (receive.go). While packets wait, or the flush sends
//     them, a new packet is queued behind them, never sealed past them:
//     the session can seal a moment before the reader flushes.
//  5. Frames are batched per underlay address and handed to
//     Underlay.Send, which may wait (a bounded time) while the underlay
//     is full: the netstack's backpressure. Every other send of the
//     endpoint (forwarding, replies, control, queue flushes, timers) runs
//     on the underlay's reader goroutine or the timer's and never waits:
//     it goes through TrySender.TrySend where the underlay has it, and
//     what finds a full queue is dropped and counted (sendFrames).
//
// With segmentation offload (the default, gso.go) a TCP packet may come
// in at up to 64 KiB; step 3 then cuts it into MTU-sized segments, each
// copied once, straight into its own frame buffer, and the segments go
// out in the same batch (one sendmmsg with UDP GSO on link/udp).

const (
	// transportHeader is the transport data header that Seal writes
	// before the ciphertext.
	transportHeader = 16
	// sealTag is the AEAD tag Seal writes after it.
	sealTag = TransportOverhead - transportHeader
	// plainOff is where a packet's plaintext lies in every frame buffer:
	// behind room for the largest frame header and the transport header,
	// so that sealing in place and writing any header in front needs no
	// further copy.
	plainOff = MaxFrameHeader + transportHeader
)

// plainRoom is the largest plaintext a frame buffer of bufLen holds.
func plainRoom(bufLen int) int { return bufLen - plainOff - sealTag }

// framePool hands out buffers that fit the largest frame the endpoint
// builds. Frames hold only ciphertext and headers, and plaintext is
// sealed in place, so a buffer is not cleared on put.
type framePool struct {
	pool sync.Pool
}

func newFramePool(size int) *framePool {
	fp := &framePool{}
	fp.pool.New = func() any { b := make([]byte, size); return &b }
	return fp
}

func (fp *framePool) get() *[]byte  { return fp.pool.Get().(*[]byte) }
func (fp *framePool) put(b *[]byte) { fp.pool.Put(b) }

// batch collects sealed frames per underlay address for one WritePackets
// call, keeping their order. Batches are pooled (batchPool) and keep
// their slices' capacity from one call to the next.
type batch struct {
	wait   bool // the netstack's packets: Send may wait for room
	fwd    bool // forwarded frames: counted per batch, and what the underlay took goes to the Forwarder's meter (fwdSent)
	dst    []netip.AddrPort
	frames [][][]byte
	bufs   []*[]byte
}

var batchPool = sync.Pool{New: func() any { return new(batch) }}

func getBatch() *batch { return batchPool.Get().(*batch) }

func (b *batch) add(dst netip.AddrPort, frame []byte, buf *[]byte) {
	if n := len(b.dst); n > 0 && b.dst[n-1] == dst {
		b.frames[n-1] = append(b.frames[n-1], frame)
	} else {
		b.dst = append(b.dst, dst)
		if len(b.frames) < cap(b.frames) {
			b.frames = b.frames[:n+1]
			b.frames[n] = append(b.frames[n][:0], frame)
		} else {
			b.frames = append(b.frames, [][]byte{frame})
		}
	}
	if buf != nil {
		b.bufs = append(b.bufs, buf)
	}
}

// flush sends what b holds, returns its buffers to e's pool and b to the
// batch pool; b must not be used after.
func (b *batch) flush(e *Endpoint) {
	mode := sendTry
	switch {
	case b.wait:
		mode = sendWait
	case b.fwd && e.fwdq.hold: // host_forward.go: from the one underlay's reader
		mode = sendHandOff
	}
	if b.fwd { // host_forward.go: counted here, once per batch
		var n, size uint64
		for _, frames := range b.frames {
			for _, f := range frames {
				size += uint64(len(f))
			}
			n += uint64(len(frames))
		}
		e.countForwarded(n, size)
	}
	for i, dst := range b.dst {
		n := e.send(dst, mode, b.frames[i])
		if b.fwd {
			e.fwdSent(b.frames[i][:n]) // host_forward.go: the Forwarder meters what left
		}
	}
	for _, buf := range b.bufs {
		e.bufs.put(buf)
	}
	for i := range b.frames {
		clear(b.frames[i])
		b.frames[i] = b.frames[i][:0]
	}
	clear(b.bufs)
	b.dst, b.frames, b.bufs = b.dst[:0], b.frames[:0], b.bufs[:0]
	b.wait, b.fwd = false, false
	batchPool.Put(b)
}

// WritePackets implements stack.LinkEndpoint. It takes no ownership of
// pkts; every packet is either sent, queued as a copy, or counted as
// dropped. A TCP packet the netstack built for segmentation offload is
// cut into MTU-sized segments first (gso.go).
func (e *Endpoint) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	b := getBatch()
	b.wait = true
	for _, pkt := range pkts.AsSlice() {
		if pkt.GSOOptions.Type != stack.GSONone {
			e.writeGSO(b, pkt)
			continue
		}
		e.writePacket(b, pkt)
	}
	b.flush(e)
	return pkts.Len(), nil
}

func (e *Endpoint) writePacket(b *batch, pkt *stack.PacketBuffer) {
	if pkt.NetworkProtocolNumber != header.IPv6ProtocolNumber {
		e.stats.droppedNotIPv6.Add(1)
		return
	}
	buf := e.bufs.get()
	if pkt.Size() > plainRoom(len(*buf)) {
		e.stats.droppedTooBig.Add(1)
		e.bufs.put(buf)
		return
	}
	n := plainOff
	for _, s := range pkt.AsSlices() {
		n += copy((*buf)[n:], s)
	}
	k := tcpKind((*buf)[plainOff:n])
	if p := e.sealPacket(b, buf, (*buf)[plainOff:n]); p != nil {
		e.remember(p, pkt, k) // nudge.go
	}
}

// writeGSO cuts a segmentation-offload packet into segments, each in a
// frame buffer of its own, and seals them. The segments share one
// destination, so the peer, its route and its meter are looked up once.
func (e *Endpoint) writeGSO(b *batch, pkt *stack.PacketBuffer) {
	var seg tcpSegmenter
	mss := int(pkt.GSOOptions.MSS)
	if mss == 0 { // not set yet: the packet fits the MTU, or is refused below
		mss = int(e.MTU())
	}
	if pkt.NetworkProtocolNumber != header.IPv6ProtocolNumber || pkt.GSOOptions.Type != stack.GSOTCPv6 ||
		seg.init(pkt.AsSlices(), mss) != nil {
		e.stats.droppedNotIPv6.Add(1)
		return
	}
	p := e.peers.byIdent(netip.AddrFrom16(seg.dstAddr.As16()))
	if p == nil {
		e.stats.droppedNoPeer.Add(uint64(seg.segments()))
		return
	}
	if g := p.grp.Load(); g != nil { // anycast hook (anycast.go): the flow's instance
		if p = e.pickGSO(g, &seg); p == nil {
			return
		}
	}
	tp, dst := p.route()
	r := e.routeTo(p, dst) // once for the burst
	var frames, size uint64
	tooBig := false
	for l := seg.segLen(); l > 0; l = seg.segLen() {
		buf := e.bufs.get()
		if tooBig = l > plainRoom(len(*buf)); tooBig {
			e.stats.droppedTooBig.Add(uint64(seg.segments()))
			e.bufs.put(buf)
			break
		}
		n := seg.next((*buf)[plainOff:])
		if m := e.sealTo(b, buf, p, tp, &r, (*buf)[plainOff:plainOff+n]); m > 0 {
			frames, size = frames+1, size+uint64(m)
		}
	}
	e.meterSent(p, &r, frames, size) // proof of relay (meter.go): once for the burst
	if !tooBig {
		e.remember(p, pkt, gsoKind(pkt)) // nudge.go
	}
}

// sealPacket routes the IPv6 packet plain, which lies in buf at
// plainOff, and hands it to sealTo. It takes buf, and returns the peer
// the packet went (or waits) for, nil if it was dropped.
func (e *Endpoint) sealPacket(b *batch, buf *[]byte, plain []byte) *peer {
	if len(plain) < header.IPv6MinimumSize {
		e.stats.droppedNotIPv6.Add(1)
		e.bufs.put(buf)
		return nil
	}
	dst, _ := netip.AddrFromSlice(header.IPv6(plain).DestinationAddressSlice())
	p := e.peers.byIdent(dst)
	if p == nil {
		e.stats.droppedNoPeer.Add(1)
		e.bufs.put(buf)
		return nil
	}
	if g := p.grp.Load(); g != nil { // anycast hook (anycast.go): the flow's instance
		if p = e.pickPacket(g, plain); p == nil {
			e.bufs.put(buf)
			return nil
		}
	}
	tp, addr := p.route()
	r := e.routeTo(p, addr)
	if n := e.sealTo(b, buf, p, tp, &r, plain); n > 0 {
		e.meterSent(p, &r, 1, uint64(n)) // proof of relay (meter.go)
	}
	return p
}

// sealTo seals plain for p's session tp in place and adds the frame to
// b for r's next hop, or queues a copy for a handshake. It takes buf,
// and returns the frame's length when it went into b, else 0.
func (e *Endpoint) sealTo(b *batch, buf *[]byte, p *peer, tp *transport.Peer, r *outRoute, plain []byte) int {
	e.noteSYN(p, plain) // routing hook (host_route.go)
	// Anycast hook (anycast.go): an instance owes an answer.
	e.noteSent(p, plain)
	// Packets that wait for p's session, or leave from its queue now,
	// go first: this one is queued behind them, not sealed past them.
	var frame []byte
	ok := !p.waiting.Load()
	if ok {
		frame, ok = e.seal(buf, &r.h, tp, plain)
	}
	if !ok {
		e.hold(p, plain)
		e.bufs.put(buf)
		return 0
	}
	if !r.ok { // routing hook (host_route.go): no route
		e.stats.droppedNoRoute.Add(1)
		e.bufs.put(buf)
		return 0
	}
	b.add(r.next, frame, buf)
	return len(frame)
}

// seal seals plain, which lies at buf[plainOff:], in place for session
// tp, and writes h just in front of the transport header: the frame
// starts at MaxFrameHeader-h.Len() in buf, and nothing is moved. It
// reports false when there is no session.
func (e *Endpoint) seal(buf *[]byte, h *Header, tp *transport.Peer, plain []byte) ([]byte, bool) {
	start := MaxFrameHeader - h.Len()
	hdr := AppendHeader((*buf)[start:start], h)
	frame, err := e.sessions.Seal(hdr, tp, plain)
	if err != nil {
		if !errors.Is(err, transport.ErrNoSession) {
			e.log.Debug("seal", "peer", tp.Wallet(), "err", err)
		}
		return nil, false
	}
	return frame, true
}

// hold queues a copy of plain for p, behind what waits already. When
// p's session can seal (it came up after the caller's seal failed, or
// the packet went behind a queue being sent), the queue leaves now;
// else a handshake starts if none runs. If p stopped being where the
// packet goes meanwhile, what waits for p is written again (moved).
func (e *Endpoint) hold(p *peer, plain []byte) {
	start, dropped := e.peers.enqueue(p, append([]byte(nil), plain...), e.queueLen, e.now())
	e.stats.droppedQueueFull.Add(uint64(dropped))
	if !e.moved(p) { // anycast hook (anycast_pick.go)
		e.drain(p, start)
	}
}

// drain sends what waits for p if its session can seal, else starts a
// handshake if start says so.
func (e *Endpoint) drain(p *peer, start bool) {
	switch {
	case p.transportPeer().Established():
		e.flushQueue(p)
	case start:
		e.startHandshake(p)
	}
}

func (e *Endpoint) startHandshake(p *peer) {
	tp := p.transportPeer()
	msg, err := e.sessions.Initiate(tp)
	if err != nil {
		e.log.Debug("initiate", "peer", tp.Wallet(), "err", err)
		return
	}
	e.stats.handshakesStarted.Add(1)
	e.wakeIdle()     // its retransmissions are timed
	e.sendTo(p, msg) // routing hook (host_route.go): with locators for a routed peer
}

// flushQueue seals and sends what waited for p's new session, and what
// was queued behind it while it went (sealTo): one flush runs per peer
// at a time, and packets are sealed at once again only when it ends, so
// they leave in the order they were written.
func (e *Endpoint) flushQueue(p *peer) {
	for q := e.peers.startFlush(p); len(q) > 0; {
		q = e.peers.nextFlush(p, e.sendQueued(p, q))
	}
}

// sendQueued seals and sends q, packets that waited for p's session. It
// reports false when a seal failed: the rest of q is dropped.
func (e *Endpoint) sendQueued(p *peer, q [][]byte) bool {
	sent := true
	b := getBatch()
	tp := p.transportPeer()
	r := e.routeTo(p, p.endpoint()) // routing hook (host_route.go): locators for a routed peer
	var frames, size uint64
	for i, plain := range q {
		buf := e.bufs.get()
		n := copy((*buf)[plainOff:], plain)
		e.noteSYN(p, plain) // routing hook (host_route.go)
		frame, ok := e.seal(buf, &r.h, tp, (*buf)[plainOff:plainOff+n])
		if !ok {
			e.bufs.put(buf)
			e.stats.droppedQueueExpired.Add(uint64(len(q) - i))
			sent = false
			break
		}
		if !r.ok { // routing hook (host_route.go): no route
			e.stats.droppedNoRoute.Add(1)
			e.bufs.put(buf)
			continue
		}
		frames, size = frames+1, size+uint64(len(frame))
		b.add(r.next, frame, buf)
	}
	e.meterSent(p, &r, frames, size) // proof of relay (meter.go)
	b.flush(e)
	return sent
}

// rewrite routes q, packets that waited for a peer or an anycast group
// the wallet's packets no longer go to, as if they were written now, in
// order (sealPacket): sealed, or queued behind what waits where they go.
func (e *Endpoint) rewrite(q [][]byte) {
	if len(q) == 0 {
		return
	}
	b := getBatch()
	for _, plain := range q {
		buf := e.bufs.get()
		n := plainOff + copy((*buf)[plainOff:], plain)
		e.sealPacket(b, buf, (*buf)[plainOff:n])
	}
	b.flush(e)
}

// sendMessage sends one transport message (handshake, cookie, keepalive)
// in a frame to dst.
func (e *Endpoint) sendMessage(dst netip.AddrPort, msg []byte) {
	buf := e.bufs.get()
	defer e.bufs.put(buf)
	putHeader(*buf, FrameTransport, DefaultHopLimit)
	n := MinFrameHeader + copy((*buf)[MinFrameHeader:], msg)
	e.sendFrames(dst, (*buf)[:n])
}

// sendFrames sends frames to dst without waiting: it is what the reader
// and timer goroutines use.
func (e *Endpoint) sendFrames(dst netip.AddrPort, frames ...[]byte) {
	e.send(dst, sendTry, frames)
}

// sendMode is how send hands frames to the underlay.
type sendMode uint8

const (
	sendTry     sendMode = iota // TrySend where the underlay has it: never wait
	sendWait                    // Send: the netstack's packets may wait for room
	sendHandOff                 // HandOff where the underlay has it, else as sendTry: forwarded frames, from a goroutine holding no lock
)

// send hands frames to the underlay dst is on. With sendWait (the
// netstack's packets) Underlay.Send may wait for room; otherwise a
// TrySender's TrySend is used (HandOff for sendHandOff, where the
// underlay has it), and frames that find the queue full are dropped and
// counted. It returns how many of frames, from the first, the underlay
// took (all of them when it refused the batch for another reason, which
// SendErrors counts).
func (e *Endpoint) send(dst netip.AddrPort, mode sendMode, frames [][]byte) int {
	u := e.underlay
	if e.nics != nil { // several NICs (nic.go): dst names its NIC
		var ok bool
		if u, dst, ok = e.underlayFor(dst); !ok {
			e.stats.sendErrors.Add(1)
			return len(frames)
		}
	}
	n, err := len(frames), error(nil)
	if ts, ok := u.(TrySender); ok && mode != sendWait {
		if ho, ok := u.(HandOffer); ok && mode == sendHandOff {
			n, err = ho.HandOff(dst, frames...)
		} else {
			n, err = ts.TrySend(dst, frames...)
		}
		if errors.Is(err, ErrQueueFull) {
			e.stats.droppedSendFull.Add(uint64(len(frames) - n))
			err = nil
		}
	} else {
		err = u.Send(dst, frames...)
	}
	if err != nil {
		e.stats.sendErrors.Add(1)
		e.log.Debug("underlay send", "dst", dst, "frames", len(frames), "err", err)
		return len(frames)
	}
	var bytes uint64
	for _, f := range frames[:n] {
		bytes += uint64(len(f))
	}
	e.stats.framesSent.Add(uint64(n))
	e.stats.bytesSent.Add(bytes)
	return n
}
