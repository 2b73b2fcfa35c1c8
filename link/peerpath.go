package link

import "net/netip"

// PeerAddr returns the underlay address frames to the peer at ident go
// to now (zero for a peer reached by locator), and whether a peer is
// known there.
func (e *Endpoint) PeerAddr(ident netip.Addr) (netip.AddrPort, bool) {
	p := e.peers.byIdent(ident)
	if p == nil {
		return netip.AddrPort{}, false
	}
	return p.endpoint(), true
}

// Handshake starts a handshake with the peer at ident now, replacing one
// in flight, along the peer's current path: the caller learned that the
// peer moved. It reports whether a peer is known at ident.
func (e *Endpoint) Handshake(ident netip.Addr) bool {
	p := e.peers.byIdent(ident)
	if p == nil {
		return false
	}
	e.startHandshake(p)
	return true
}

// Established reports whether a session with the peer at ident can seal
// data now. A dialer that waits for it (after Handshake) before opening
// a TCP connection keeps the Noise handshake out of TCP's first round
// trip sample, and so out of its retransmission timeout.
func (e *Endpoint) Established(ident netip.Addr) bool {
	p := e.peers.byIdent(ident)
	if p == nil {
		return false
	}
	tp := p.transportPeer()
	return tp != nil && tp.Established()
}
