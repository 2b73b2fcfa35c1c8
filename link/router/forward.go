package router

import (
	"net/netip"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
)

// The router's data path. The endpoint hands Forward every frame whose
// destination locator is none of this node's (link.Forwarder); the
// router passes it on by longest-prefix match, without opening it and
// with its hop limit decremented in place, to an attached host or a
// neighbor router (NextHop), else through a tunnel to another segment
// (tunnel.go). A frame it cannot forward (no route, hop limit
// exhausted) is counted, and its source locator gets an unreachable
// frame, rate-limited (sendUnreachable).
//
// Buffers: frame is the underlay's until Forward returns. Forward
// decrements its hop limit in place and returns the next hop; the
// endpoint sends it on, at once or, on a batching underlay, held in a
// batch per next hop that goes out at the end of the read batch
// (package link, host_forward.go), and hands the router what the
// underlay took (Sent), which the meter counts. Frames held for a
// tunnel lookup are copied here (tunnel.go).

// Forward implements link.Forwarder: it returns the next hop of a frame
// the endpoint is to send on, with its hop limit decremented in place.
func (r *Router) Forward(frame []byte, hv link.Header, payload []byte, src netip.AddrPort) (netip.AddrPort, bool) {
	h := &hv
	if h.HopLimit <= 1 {
		r.port.Count(link.CountHopLimit, 1)
		r.sendUnreachable(h, payload, link.ReasonHopLimit, src)
		return netip.AddrPort{}, false
	}
	e := r.route(h.Dst)
	if e == nil {
		switch next, t := r.forwardTunnel(frame, h, src); t { // between segments (tunnel.go)
		case tunnelSend:
			frame[1] = h.HopLimit - 1 // metered once sent (Sent, meter.go)
			return next, true
		case tunnelHeld:
			return netip.AddrPort{}, false
		}
		r.port.Count(link.CountNoRoute, 1)
		r.sendUnreachable(h, payload, link.ReasonNoRoute, src)
		return netip.AddrPort{}, false
	}
	frame[1] = h.HopLimit - 1 // metered once sent (Sent, meter.go)
	return e.p.Addr(), true
}

// NextHop implements link.Forwarder: the underlay address a frame for
// dst goes to, an attached host or the neighbor the longest-prefix match
// names, answered from the route cache when it can (routecache.go).
func (r *Router) NextHop(dst *link.Locator) (netip.AddrPort, bool) {
	if e := r.route(dst); e != nil {
		return e.p.Addr(), true
	}
	return netip.AddrPort{}, false
}

// route returns the route cache's entry for dst, filled from the table
// when it is not there; nil when there is no route.
func (r *Router) route(dst *link.Locator) *cachedRoute {
	if e := r.routes.lookup(dst); e != nil { // routecache.go
		return e
	}
	gen := r.routes.gen.Load()
	p, ok := r.nextPeer(dst)
	if !ok {
		return nil
	}
	return r.routes.store(gen, dst, p)
}

// nextPeer is NextHop's slow path: the attached host or the neighbor
// the longest-prefix match names.
func (r *Router) nextPeer(dst *link.Locator) (link.PeerRef, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if a := r.attached[*dst]; a != nil {
		return a.p, true
	}
	rt, ok := r.speaker.Lookup(locator.Locator(*dst))
	if !ok || rt.NextHop == r.self {
		return link.PeerRef{}, false
	}
	if n := r.byKey[rt.NextHop]; n != nil {
		return n.p, true
	}
	return link.PeerRef{}, false
}

// sendUnreachable tells the source of a transport frame that could not
// be forwarded. Unreachable and control frames, and frames without a
// source locator, get none; nor do frames past the rate limit.
func (r *Router) sendUnreachable(h *link.Header, payload []byte, reason link.Reason, src netip.AddrPort) {
	if h.Type != link.FrameTransport || h.Src == nil {
		return
	}
	now := r.port.Now()
	r.mu.Lock()
	if now.Sub(r.unreachAt) >= r.interval {
		r.unreachAt, r.unreachN = now, 0
	}
	r.unreachN++
	allowed := r.unreachN <= unreachableBurst
	r.mu.Unlock()
	if !allowed {
		return
	}
	var body [link.MaxUnreachableLen]byte
	b := link.AppendUnreachable(body[:0], reason, h.Dst, payload)
	if r.port.SendRouted(h.Src, link.FrameUnreachable, b, src) {
		r.port.Count(link.CountUnreachableSent, 1)
	}
}
