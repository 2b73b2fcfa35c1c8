package link

import (
	"errors"
	"net/netip"

	"github.com/anynet/anynet/transport"
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// The host's half of the routed data path (package link/router is the
// router's), hooked into send.go and receive.go:
//
//  1. Outbound, a peer added with AddRoutedPeer (or whose last opened
//     frame carried a source locator) is reached through routers: its
//     frame carries both locators (frameHeader, written in front of the
//     sealed payload without moving it) and goes to the next hop
//     (routeTo, once per packet or burst of segments): a host's default router on the peer's NIC, or what a
//     router's Forwarder says. Handshake messages take the same way
//     (sendTo, reply, sendRouted). Outbound SYNs to such peers are
//     remembered a few seconds (noteSYN).
//  2. Inbound, a frame whose destination locator is not this node's goes
//     to the Forwarder on a router and is dropped on a host
//     (routeInbound). Control frames go to host_routing.go; unreachable
//     frames fail the flows they name (receiveUnreachable). Everything
//     else is opened as before, and the peer's return path follows the
//     source locator of the frames that opened (learnPath).
//  3. An unreachable frame (a router could not forward one of ours)
//     makes the host inject an ICMPv6 destination unreachable into its
//     netstack for each remembered SYN and queued packet to that
//     locator, so a TCP dial fails at once with "network is
//     unreachable" instead of timing out, and Unreachable reports it.

// routeInbound handles a frame the routing layer owns, and counts it as
// received: one for another locator, a control frame, an unreachable
// frame. It reports false for a transport frame this node opens itself.
func (e *Endpoint) routeInbound(frame []byte, h *Header, payload []byte, src netip.AddrPort) bool {
	rt := e.rt
	if h.Dst != nil && *h.Dst != rt.local && (rt.nics == nil || !rt.isLocal(h.Dst)) { // several NICs (nic.go): any of its locators
		if e.fwd != nil && h.Type != FrameControl {
			if next, ok := e.fwd.Forward(frame, *h, payload, src); ok {
				e.forwardFrame(next, frame) // host_forward.go: counted as received there
				return true
			}
		} else {
			e.stats.droppedNoRoute.Add(1)
		}
		e.countReceived(frame)
		return true
	}
	switch h.Type {
	case FrameControl:
		e.countReceived(frame)
		e.receiveControl(h, payload, src)
		return true
	case FrameUnreachable:
		e.countReceived(frame)
		e.receiveUnreachable(payload)
		return true
	}
	return false
}

// nextHop returns the underlay address a frame for dst goes to: what
// its Forwarder says on a router, else the host's default router on NIC
// nic (0 with one NIC).
func (e *Endpoint) nextHop(dst *Locator, nic int) (netip.AddrPort, bool) {
	if e.fwd != nil {
		return e.fwd.NextHop(dst)
	}
	if hops := e.rt.hops.Load(); hops != nil && nic < len(*hops) && (*hops)[nic] != nil {
		return (*hops)[nic].endpoint(), true // host_routing.go: setHopsLocked
	}
	return netip.AddrPort{}, false
}

// receiveUnreachable fails the flows to the locator an unreachable frame
// names: the SYNs sent to it lately and the packets waiting for a
// handshake with a peer there. A frame that names no locator this node
// sends to is dropped.
func (e *Endpoint) receiveUnreachable(body []byte) {
	reason, dst, _, err := parseUnreachable(body)
	if err != nil {
		e.stats.droppedMalformed.Add(1)
		return
	}
	if e.failInstancesAt(dst) { // anycast hook (anycast.go): fail over, not fail
		e.stats.unreachableReceived.Add(1)
		return
	}
	peers := e.peersAt(dst)
	rt := e.rt
	now := e.now()
	rt.mu.Lock()
	d := rt.dests[*dst]
	if d == nil && len(peers) == 0 {
		rt.mu.Unlock()
		e.stats.droppedControl.Add(1)
		return
	}
	if d == nil {
		d = &destination{}
		rt.dests[*dst] = d
	}
	d.unreach, d.at = &UnreachableError{Locator: *dst, Reason: reason}, now
	var syns [][48]byte
	for i := range d.syns {
		if s := &d.syns[i]; !s.at.IsZero() && now.Sub(s.at) <= unreachableHold {
			syns = append(syns, s.hdr)
		}
		d.syns[i] = sentSYN{}
	}
	rt.mu.Unlock()
	e.stats.unreachableReceived.Add(1)
	for i := range syns {
		e.injectUnreachable(syns[i][:])
	}
	for _, p := range peers {
		for _, pkt := range e.peers.takeQueue(p) {
			e.injectUnreachable(pkt)
		}
	}
}

// peersAt returns the peers reached through routers at dst.
func (e *Endpoint) peersAt(dst *Locator) []*peer {
	t := &e.peers
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []*peer
	for _, p := range t.ident {
		if l := p.loc.Load(); l != nil && *l == *dst {
			out = append(out, p)
		}
	}
	return out
}

// injectUnreachable hands the netstack an ICMPv6 destination unreachable
// (code 0, no route) quoting the start of orig, an IPv6 packet this node
// sent, as if from orig's destination. gVisor fails a connecting TCP
// endpoint with ErrNetworkUnreachable on it.
func (e *Endpoint) injectUnreachable(orig []byte) {
	box := e.dispatcher.Load()
	if box == nil || len(orig) < header.IPv6MinimumSize+8 {
		return
	}
	in := header.IPv6(orig)
	quote := orig[:header.IPv6MinimumSize+8]
	n := header.IPv6MinimumSize + header.ICMPv6DstUnreachableMinimumSize + len(quote)
	b := make([]byte, n)
	out := header.IPv6(b)
	out.Encode(&header.IPv6Fields{
		PayloadLength:     uint16(n - header.IPv6MinimumSize),
		TransportProtocol: header.ICMPv6ProtocolNumber,
		HopLimit:          DefaultHopLimit,
		SrcAddr:           in.DestinationAddress(),
		DstAddr:           in.SourceAddress(),
	})
	icmp := header.ICMPv6(b[header.IPv6MinimumSize:])
	icmp.SetType(header.ICMPv6DstUnreachable)
	icmp.SetCode(header.ICMPv6NetworkUnreachable)
	copy(icmp[header.ICMPv6DstUnreachableMinimumSize:], quote)
	icmp.SetChecksum(header.ICMPv6Checksum(header.ICMPv6ChecksumParams{
		Header: icmp,
		Src:    in.DestinationAddress(),
		Dst:    in.SourceAddress(),
	}))
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(b)})
	box.d.DeliverNetworkPacket(header.IPv6ProtocolNumber, pkt)
	pkt.DecRef()
}

// noteSYN remembers the start of plain, an IPv6 packet about to be
// sealed for p, if p is reached through routers and plain opens a TCP
// connection, so an unreachable signal can fail the dial.
func (e *Endpoint) noteSYN(p *peer, plain []byte) {
	loc := p.loc.Load()
	if loc == nil || e.rt == nil || len(plain) < header.IPv6MinimumSize+header.TCPMinimumSize {
		return
	}
	ip := header.IPv6(plain)
	if ip.TransportProtocol() != header.TCPProtocolNumber {
		return
	}
	if f := header.TCP(plain[header.IPv6MinimumSize:]).Flags(); f&header.TCPFlagSyn == 0 || f&header.TCPFlagAck != 0 {
		return
	}
	rt := e.rt
	now := e.now()
	rt.mu.Lock()
	defer rt.mu.Unlock()
	d := rt.dests[*loc]
	if d == nil {
		d = &destination{}
		rt.dests[*loc] = d
	}
	s := &d.syns[d.next]
	copy(s.hdr[:], plain)
	s.at = now
	d.next = (d.next + 1) % synRing
}

// frameHeader sets h to the header of a transport frame for p: with
// both locators when p is reached through routers, else none.
func (e *Endpoint) frameHeader(p *peer, h *Header) {
	*h = Header{Type: FrameTransport, HopLimit: DefaultHopLimit}
	loc := p.loc.Load()
	if loc == nil || e.rt == nil {
		return
	}
	h.Dst = loc
	if src := e.rt.localOf(int(p.nic.Load())); !src.isZero() { // several NICs (nic.go): 0 with one
		h.Src = src
	}
}

// outRoute is where a peer's frames go, looked up once for a packet or
// a burst of segments: their frame header (with locators for a routed
// peer) and the underlay address of the peer or of the next hop.
type outRoute struct {
	h    Header
	next netip.AddrPort
	ok   bool // false: a routed peer with no next hop; its frames are dropped (DroppedNoRoute)
}

// routeTo returns the route of p's frames: straight to dst for a direct
// peer, to the next hop towards its locator for a routed one.
func (e *Endpoint) routeTo(p *peer, dst netip.AddrPort) outRoute {
	r := outRoute{next: dst, ok: true}
	e.frameHeader(p, &r.h)
	if r.h.Dst != nil {
		r.next, r.ok = e.nextHop(r.h.Dst, int(p.nic.Load()))
	}
	return r
}

// sendTo sends one transport message (handshake, keepalive) to p, with
// locators when p is reached through routers.
func (e *Endpoint) sendTo(p *peer, msg []byte) {
	if loc := p.loc.Load(); loc != nil && e.rt != nil {
		e.sendRouted(loc, FrameTransport, msg, netip.AddrPort{}, int(p.nic.Load()))
		return
	}
	e.sendMessage(p.endpoint(), msg)
}

// reply sends a handshake reply back the way h came: to its source
// locator if it had one, through the routers of the NIC it came in on,
// else straight to src.
func (e *Endpoint) reply(src netip.AddrPort, h *Header, msg []byte) {
	if h.Src != nil && e.rt != nil {
		_, nic := NICOf(src)
		e.sendRouted(h.Src, FrameTransport, msg, src, nic)
		return
	}
	e.sendMessage(src, msg)
}

// sendRouted sends body in a frame of type t for dst through the next
// hop on NIC nic, or through fallback (the neighbor a frame came from)
// when there is none. It reports whether the frame went.
func (e *Endpoint) sendRouted(dst *Locator, t FrameType, body []byte, fallback netip.AddrPort, nic int) bool {
	next, ok := e.nextHop(dst, nic)
	if !ok {
		if !fallback.IsValid() {
			e.stats.droppedNoRoute.Add(1)
			return false
		}
		next = fallback
	}
	h := Header{Type: t, HopLimit: DefaultHopLimit, Dst: dst}
	if src := e.rt.localOf(nic); !src.isZero() {
		h.Src = src
	}
	buf := e.bufs.get()
	defer e.bufs.put(buf)
	if h.Len()+len(body) > len(*buf) {
		e.stats.droppedTooBig.Add(1)
		return false
	}
	f := AppendHeader((*buf)[:0], &h)
	f = append(f, body...)
	e.sendFrames(next, f)
	return true
}

// learnPath updates p's return path from h, the header of a frame that
// just opened as p's: through routers to its source locator, or direct.
// The header is not covered by the AEAD, so, as WireGuard roams to the
// source address of an authenticated packet, this follows the newest
// authenticated frame. A session that became usable owes its router
// links a control message at the next Tick.
func (e *Endpoint) learnPath(p *peer, h *Header, established bool) {
	if e.rt == nil {
		return
	}
	if e.rt.nics != nil && h.Dst != nil { // several NICs (nic.go): answer on the NIC it came to
		if nic, ok := e.rt.nicOfLocal(h.Dst); ok {
			p.nic.Store(uint32(nic))
		}
	}
	switch cur := p.loc.Load(); {
	case e.notePath(p, h): // NAT traversal (host_punch.go): a live direct path stays
	case h.Src == nil && cur != nil:
		p.loc.Store(nil)
		e.pathChanged()
	case h.Src != nil && (cur == nil || *cur != *h.Src):
		l := *h.Src
		p.loc.Store(&l)
		if cur == nil {
			e.pathChanged()
		}
	}
	if established {
		e.rt.mu.Lock()
		e.rt.dirty = true
		e.rt.mu.Unlock()
		if e.fwd != nil {
			e.fwd.SessionUp()
		}
	}
}

// unknownSession counts a frame for a session this node does not have
// (after a restart, or forged), by its own reason, and answers data with
// a stale hint (package transport) the way the frame came, so that a
// peer still sending on a session this node lost handshakes again at
// once.
func (e *Endpoint) unknownSession(err error, msg []byte, src netip.AddrPort, h *Header) {
	if !errors.Is(err, transport.ErrUnknownIndex) {
		return
	}
	e.stats.droppedUnknownSession.Add(1)
	if hint := e.sessions.StaleHint(msg); hint != nil {
		e.reply(src, h, hint)
	}
}

// countOpenDrop counts a control frame the transport refused, with the
// frame's message, source and header.
func (e *Endpoint) countOpenDrop(err error, msg []byte, src netip.AddrPort, h *Header) {
	if err == nil {
		return
	}
	if errors.Is(err, transport.ErrReplay) {
		e.stats.droppedReplay.Add(1)
	} else {
		e.stats.droppedOpen.Add(1)
	}
	e.unknownSession(err, msg, src, h)
}
