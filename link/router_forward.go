package link

import (
	"net/netip"

	"github.com/anynet/anynet/link/locator"
)

// The routed data path, the router's half (host_route.go is the host's),
// hooked into send.go and receive.go:
//
//  1. Outbound, a peer added with AddRoutedPeer (or whose last opened
//     frame carried a source locator) is reached through routers: its
//     frame carries both locators (frameHeader, written in front of the
//     sealed payload without moving it) and goes to the next hop
//     (nextHopOf): a host's default router, or a router's longest-prefix
//     match (nextHop). Handshake messages take the same way (sendTo,
//     reply). Outbound SYNs to such peers are remembered for a few
//     seconds (noteSYN). These are in host_route.go.
//  2. Inbound, a frame whose destination locator is not this node's is
//     forwarded by a router (forward) with its hop limit decremented and
//     its payload untouched, or dropped by a host. Control frames go to
//     router.go; unreachable frames fail the flows they name
//     (receiveUnreachable). Everything else is opened as before, and the
//     peer's return path follows the source locator of the frames that
//     opened (learnPath).
//  3. A router that cannot forward a transport frame (no route, hop limit
//     exhausted) counts it and sends an unreachable frame to its source
//     locator, rate-limited. The source injects an ICMPv6 destination
//     unreachable into its netstack for each remembered SYN and queued
//     packet to that locator, so a TCP dial fails at once with "network
//     is unreachable" instead of timing out, and Unreachable reports it.

// routeInbound handles a frame the routing layer owns: one for another
// locator, a control frame, an unreachable frame. It reports false for a
// transport frame this node opens itself.
func (e *Endpoint) routeInbound(frame []byte, h *Header, payload []byte, src netip.AddrPort) bool {
	rt := e.rt
	if h.Dst != nil && *h.Dst != rt.local && (rt.nics == nil || !rt.isLocal(h.Dst)) { // several NICs (nic.go): any of its locators
		if rt.role != RoleRouter || h.Type == FrameControl {
			e.stats.droppedNoRoute.Add(1)
			return true
		}
		e.forward(frame, h, payload, src)
		return true
	}
	switch h.Type {
	case FrameControl:
		e.receiveControl(h, payload, src)
		return true
	case FrameUnreachable:
		e.receiveUnreachable(payload)
		return true
	}
	return false
}

// forward passes frame on towards h.Dst without opening it. The frame
// is the underlay's until receive returns; Send does not retain it, so
// the hop limit is decremented in place.
func (e *Endpoint) forward(frame []byte, h *Header, payload []byte, src netip.AddrPort) {
	if h.HopLimit <= 1 {
		e.stats.droppedHopLimit.Add(1)
		e.sendUnreachable(h, payload, ReasonHopLimit, src)
		return
	}
	next, ok := e.nextHop(h.Dst, 0)
	if !ok && e.forwardTunnel(frame, h, src) { // between segments (router_tunnel.go)
		return
	}
	if !ok {
		e.stats.droppedNoRoute.Add(1)
		e.sendUnreachable(h, payload, ReasonNoRoute, src)
		return
	}
	frame[1] = h.HopLimit - 1
	e.stats.framesForwarded.Add(1)
	e.sendFrames(next, frame)
}

// nextHop returns the underlay address a frame for dst goes to: for a
// router an attached host or the neighbor its longest-prefix match
// names, for a host its default router on NIC nic (0 with one NIC).
func (e *Endpoint) nextHop(dst *Locator, nic int) (netip.AddrPort, bool) {
	rt := e.rt
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	if rt.role == RoleRouter {
		if a := rt.attached[*dst]; a != nil {
			return a.p.endpoint(), true
		}
		r, ok := rt.speaker.Lookup(locator.Locator(*dst))
		if !ok || r.NextHop == rt.self {
			return netip.AddrPort{}, false
		}
		if l := rt.byKey[r.NextHop]; l != nil {
			return l.p.endpoint(), true
		}
		return netip.AddrPort{}, false
	}
	for _, l := range rt.links {
		if l.up && l.nic == nic {
			return l.p.endpoint(), true
		}
	}
	for _, l := range rt.links {
		if l.nic == nic {
			return l.p.endpoint(), true
		}
	}
	return netip.AddrPort{}, false
}

// sendUnreachable tells the source of a transport frame that could not
// be forwarded. Unreachable and control frames, and frames without a
// source locator, get none; nor do frames past the rate limit.
func (e *Endpoint) sendUnreachable(h *Header, payload []byte, reason Reason, src netip.AddrPort) {
	if h.Type != FrameTransport || h.Src == nil {
		return
	}
	rt := e.rt
	now := e.now()
	rt.mu.Lock()
	if now.Sub(rt.unreachAt) >= rt.interval {
		rt.unreachAt, rt.unreachN = now, 0
	}
	rt.unreachN++
	allowed := rt.unreachN <= unreachableBurst
	rt.mu.Unlock()
	if !allowed {
		return
	}
	var body [unreachableMinLen + maxQuote]byte
	b := appendUnreachable(body[:0], reason, h.Dst, payload)
	if e.sendRouted(h.Src, FrameUnreachable, b, src, 0) {
		e.stats.unreachableSent.Add(1)
	}
}
