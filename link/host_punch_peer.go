package link

import (
	"fmt"
	"net/netip"
)

// Punching across segments. Routers pair the punch asks of two hosts
// (link/router punch.go) only when a route leads from one host's router to the
// other's. Hosts in segments joined by a tunnel have no such route: the
// routers of the two segments are not neighbors and share no session.
// There the hosts exchange their addresses themselves:
//
//  1. A host's router that cannot pair its ask answers with the address
//     it sees the host at (ControlPunchSelf).
//  2. The host sends that address to the peer inside their own session,
//     along the routed path, as a candidate message: a data message whose
//     plaintext is not an IPv6 packet but
//
//	offset size field
//	0      1    kind: 1 (candidate); an IPv6 packet starts with 0x6_
//	1      16   the sender's underlay IP address (IPv4 mapped)
//	17     2    its port, big endian
//
//     It is authenticated by the session, so only the peer can make a
//     host probe an address, at most once per hold time.
//  3. The peer probes that address (host_punch.go, step 3) and, unless it
//     asked within the hold time, asks its own router, whose answer it
//     sends back the same way. Both hosts' probes open their NATs, and
//     the first probe through makes the path direct as before.

// peerMsgCandidate is the first byte of a candidate message.
const peerMsgCandidate = 1

// candidateLen is the size of a candidate message.
const candidateLen = 1 + addrLen

// appendCandidate appends a candidate message for addr to b.
func appendCandidate(b []byte, addr netip.AddrPort) []byte {
	return appendAddr(append(b, peerMsgCandidate), addr)
}

// parseCandidate decodes a candidate message. The address must be one a
// frame can go to, as in a punch message.
func parseCandidate(msg []byte) (netip.AddrPort, error) {
	if len(msg) != candidateLen || msg[0] != peerMsgCandidate {
		return netip.AddrPort{}, fmt.Errorf("%w: %d-byte candidate message", ErrMalformedFrame, len(msg))
	}
	addr, err := parseAddr(msg[1:])
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("candidate: %w", err)
	}
	return addr, nil
}

// sendCandidate tells the routed peer p, through its session and along
// its routed path, that this host is seen at addr. Without a session it
// sends nothing: the next ask tries again.
func (e *Endpoint) sendCandidate(p *peer, addr netip.AddrPort) {
	buf := e.bufs.get()
	defer e.bufs.put(buf)
	n := len(appendCandidate((*buf)[plainOff:plainOff], addr))
	tp, dst := p.route()
	r := e.routeTo(p, dst)
	frame, ok := e.seal(buf, &r.h, tp, (*buf)[plainOff:plainOff+n])
	if !ok {
		return
	}
	if !r.ok {
		e.stats.droppedNoRoute.Add(1)
		return
	}
	e.stats.punchCandidates.Add(1)
	e.sendFrames(r.next, frame)
}

// receiveCandidate acts on a candidate message from the peer p: a host
// that punches and reaches p through routers probes the address, and
// asks its own router for its address unless it asked within the hold
// time.
func (e *Endpoint) receiveCandidate(p *peer, msg []byte) {
	rt := e.rt
	addr, err := parseCandidate(msg)
	if err != nil {
		e.stats.droppedMalformed.Add(1)
		return
	}
	if rt == nil || !rt.punching() { // Routing.DisablePunch: ignored
		return
	}
	now := e.now()
	nic := int(p.nic.Load())
	addr = OnNIC(addr, nic) // several NICs (nic.go): out of the NIC p is on
	pt := &rt.punch
	pt.mu.Lock()
	d := pt.paths[p]
	probe := d != nil && !d.direct && (d.lastCand.IsZero() || now.Sub(d.lastCand) >= rt.hold)
	var ask Locator
	askNow := false
	if probe {
		d.lastCand = now
		d.cand, d.probeUntil, d.lastProbe = addr, now.Add(rt.hold), now
		if askNow = d.lastAsk.IsZero() || now.Sub(d.lastAsk) > rt.hold; askNow {
			d.lastAsk, ask = now, d.routed
		}
	}
	pt.mu.Unlock()
	if !probe {
		return
	}
	e.sendProbe(p, addr)
	if askNow {
		e.sendAsk(ask, nic)
	}
}
