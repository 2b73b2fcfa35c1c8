package link

import (
	"errors"
	"net/netip"

	"github.com/anynet/anynet/transport"
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// The inbound pipeline, the mirror of send.go:
//
//  1. The underlay calls receive with one frame and its source address,
//     from the underlay's own goroutine.
//  2. The frame header is parsed; a malformed frame is dropped and
//     counted.
//  3. The transport processes the message: it opens data, answers or
//     completes handshakes, stores cookies. Anything it refuses (bad MAC,
//     replay, unknown index, bad binding) is dropped and counted.
//  4. Handshake replies go back to the source; a session that became
//     usable flushes the packets queued for its peer (send.go).
//  5. Data must carry an IPv6 packet whose source is the peer's identity
//     address, or the instance address of the session's node key
//     (instance.go); it is then injected into the netstack. Nothing that failed
//     a check is ever injected.
//  6. On a BatchUnderlay the frames of a batch are opened into shared
//     chunks, where a flow's consecutive TCP segments merge as they land
//     (gro.go); the netstack gets each packet when the next one does not
//     merge, or when the underlay says the batch ended.

// receive is the underlay's receiver.
func (e *Endpoint) receive(frame []byte, src netip.AddrPort) {
	var h Header
	msg, err := ParseHeader(frame, &h)
	// Routing hook (host_route.go): frames for other locators (counted
	// as received when they go on, host_forward.go), control and
	// unreachable frames.
	if err == nil && e.rt != nil && e.routeInbound(frame, &h, msg, src) {
		return
	}
	e.countReceived(frame)
	if err != nil || h.Type != FrameTransport {
		e.stats.droppedMalformed.Add(1)
		return
	}
	// Data is opened in place into memory the netstack will own, so the
	// plaintext is never copied: with coalescing, room in the batch's
	// chunk (gro.go), else a view of its own. The room is cleared and
	// given back on any other outcome.
	var (
		v    *buffer.View
		slot rxSlot
		dst  []byte
	)
	if e.gro.enabled() && len(msg) <= coalesceChunk {
		slot = e.gro.reserve(len(msg))
		dst = slot.bytes()
	} else {
		v = buffer.NewViewSize(len(msg))
		dst = v.AsSlice()
	}
	delivered := false
	defer func() {
		switch {
		case delivered:
		case v != nil:
			clear(v.AsSlice())
			v.Release()
		default:
			e.gro.drop(slot)
		}
	}()
	srcKey := addrKey(src)
	res, err := e.sessions.Receive(dst[:0], msg, srcKey[:])
	if err != nil {
		if errors.Is(err, transport.ErrReplay) {
			e.stats.droppedReplay.Add(1)
		} else {
			e.stats.droppedOpen.Add(1)
		}
		e.unknownSession(err, msg, src, &h) // host_route.go: stale hint
		e.log.Debug("drop frame", "src", src, "err", err)
		return
	}
	switch res.Kind {
	case transport.KindHandshake:
		e.wakeIdle() // an answered or completed handshake leaves timed state
		for _, r := range res.Replies {
			e.reply(src, &h, r) // routing hook (host_route.go): back to the source locator
		}
		if res.Established && res.Peer != nil {
			p, err := e.peers.learn(res.Peer, src)
			if err != nil {
				e.log.Warn("peer refused", "wallet", res.Peer.Wallet(), "err", err)
				return
			}
			e.learnPath(p, &h, true) // routing hook (host_route.go)
			e.heard(p, true)         // anycast hook (anycast.go): RTT, liveness
			e.heardFrom(p, nil)      // nudge.go: the path is back
			e.flushQueue(p)
			e.flushPinned(res.Peer) // instance.go: and what waited at its instance address
		}
	case transport.KindCookie: // the transport retries at once: tick now
		e.wake()
	case transport.KindStale: // the peer lost our session: handshake now
		if p := e.peers.byTransport(res.Peer); p != nil {
			e.startHandshake(p)
		}
	case transport.KindData:
		p, err := e.peers.learn(res.Peer, src)
		if err != nil {
			e.stats.droppedSpoofed.Add(1)
			return
		}
		e.learnPath(p, &h, res.Established) // routing hook (host_route.go)
		e.heard(p, false)                   // anycast hook (anycast.go): liveness
		e.heardFrom(p, res.Payload)         // nudge.go: the path is back, and what it acknowledges
		// Proof of relay (meter.go): what came through a router, but not
		// a keepalive (no payload: the sender's transport timers send
		// those past its meter).
		if len(res.Payload) > 0 {
			e.meterReceived(p, &h, src, len(frame))
		}
		// The first data message may confirm a responder's session.
		e.flushQueue(p)
		if res.Established {
			e.flushPinned(res.Peer) // instance.go
		}
		switch {
		case len(res.Payload) > 0 && res.Payload[0] == peerMsgCandidate: // NAT traversal (host_punch_peer.go)
			e.receiveCandidate(p, res.Payload)
		case len(res.Payload) > 0:
			delivered = e.deliver(p, res.Peer, src, v, slot, res.Payload)
		}
	}
}

// countReceived counts frame as received (Stats).
func (e *Endpoint) countReceived(frame []byte) {
	e.stats.framesReceived.Add(1)
	e.stats.bytesReceived.Add(uint64(len(frame)))
}

// deliver checks an opened packet, plain, that came through tp's
// session with p from the underlay address from, and injects it into
// the netstack. plain lies at the start of v, or with coalescing (v nil)
// at the start of slot's room; deliver takes v or slot when it reports
// true.
func (e *Endpoint) deliver(p *peer, tp *transport.Peer, from netip.AddrPort, v *buffer.View, slot rxSlot, plain []byte) bool {
	ip := header.IPv6(plain)
	if len(plain) < header.IPv6MinimumSize || !ip.IsValid(len(plain)) {
		e.stats.droppedNotIPv6.Add(1)
		return false
	}
	// The source is the wallet's identity address, or the instance
	// address of the node key the session is with (instance.go).
	if src, _ := netip.AddrFromSlice(ip.SourceAddressSlice()); src != p.ident && !e.peers.instanceSource(tp, p, src, from) {
		e.stats.droppedSpoofed.Add(1)
		return false
	}
	e.pinInbound(p, plain) // anycast hook (anycast.go): answers go back to this instance
	box := e.dispatcher.Load()
	if box == nil {
		return false
	}
	if v == nil { // coalescing (gro.go): merged or pending until the batch ends
		if in := slot.bytes(); &in[0] != &plain[0] { // not opened in place: copy
			n := copy(in, plain)
			clear(plain)
			plain = in[:n]
		}
		e.gro.add(box.d, slot, plain)
		return true
	}
	var payload buffer.Buffer
	if in := v.AsSlice(); len(in) > 0 && &in[0] == &plain[0] {
		v.CapLength(len(plain))
		payload = buffer.MakeWithView(v)
	} else { // not opened in place: copy
		payload = buffer.MakeWithData(plain)
		clear(plain)
		v.Release()
	}
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: payload})
	if e.gro.enabled() { // a frame too large to coalesce: after what is pending
		e.gro.pass(box.d, pkt)
	} else {
		box.d.DeliverNetworkPacket(header.IPv6ProtocolNumber, pkt)
	}
	pkt.DecRef()
	return true
}

// addrKey is the stable byte form of an underlay address that keys the
// transport's cookies and rate limits.
func addrKey(a netip.AddrPort) [18]byte {
	var k [18]byte
	ip := a.Addr().As16()
	copy(k[:16], ip[:])
	k[16], k[17] = byte(a.Port()>>8), byte(a.Port())
	return k
}
