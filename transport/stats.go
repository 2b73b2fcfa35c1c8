package transport

import "sync/atomic"

// Stats counts what Sessions dropped and did. DroppedBinding is the sum
// of the Dropped… counters for bindings (bad signature, wrong wallet,
// expired, node key mismatch, wrong chain, refused by Check).
type Stats struct {
	HandshakesInitiated  uint64 // initiations sent, retransmissions included
	HandshakesCompleted  uint64 // handshakes that produced a session, either role
	HandshakesProcessed  uint64 // initiations that passed the macs and cost DH work
	HandshakeRetransmits uint64
	HandshakesGivenUp    uint64
	Rekeys               uint64 // handshakes started by rekey or dead-peer timers
	KeepalivesSent       uint64
	CookiesSent          uint64
	CookiesReceived      uint64
	StaleHintsSent       uint64 // answers to data for an unknown index (stale.go)
	StaleHintsTaken      uint64 // hints that started a handshake

	DroppedMalformed       uint64
	DroppedAuth            uint64
	DroppedReplay          uint64 // data messages
	DroppedHandshakeReplay uint64 // initiations not newer than the last
	DroppedUnknownIndex    uint64
	DroppedExpired         uint64 // data on sessions past RejectAfterTime/Messages
	DroppedMAC             uint64
	DroppedRateLimited     uint64

	DroppedBinding         uint64
	DroppedBadSignature    uint64
	DroppedWrongWallet     uint64
	DroppedBindingExpired  uint64
	DroppedNodeKeyMismatch uint64
	DroppedWrongChain      uint64
	DroppedRefused         uint64
}

// counters is the live, atomic form of Stats.
type counters struct {
	handshakesInitiated, handshakesCompleted, handshakesProcessed atomic.Uint64
	handshakeRetransmits, handshakesGivenUp, rekeys               atomic.Uint64
	keepalivesSent, cookiesSent, cookiesReceived                  atomic.Uint64
	staleHintsSent, staleHintsTaken                               atomic.Uint64

	droppedMalformed, droppedAuth, droppedReplay, droppedHandshakeReplay atomic.Uint64
	droppedUnknownIndex, droppedExpired, droppedMAC, droppedRateLimited  atomic.Uint64

	droppedBadSignature, droppedWrongWallet, droppedBindingExpired atomic.Uint64
	droppedNodeKeyMismatch, droppedWrongChain, droppedRefused      atomic.Uint64
}

func (c *counters) snapshot() Stats {
	s := Stats{
		HandshakesInitiated:    c.handshakesInitiated.Load(),
		HandshakesCompleted:    c.handshakesCompleted.Load(),
		HandshakesProcessed:    c.handshakesProcessed.Load(),
		HandshakeRetransmits:   c.handshakeRetransmits.Load(),
		HandshakesGivenUp:      c.handshakesGivenUp.Load(),
		Rekeys:                 c.rekeys.Load(),
		KeepalivesSent:         c.keepalivesSent.Load(),
		CookiesSent:            c.cookiesSent.Load(),
		CookiesReceived:        c.cookiesReceived.Load(),
		StaleHintsSent:         c.staleHintsSent.Load(),
		StaleHintsTaken:        c.staleHintsTaken.Load(),
		DroppedMalformed:       c.droppedMalformed.Load(),
		DroppedAuth:            c.droppedAuth.Load(),
		DroppedReplay:          c.droppedReplay.Load(),
		DroppedHandshakeReplay: c.droppedHandshakeReplay.Load(),
		DroppedUnknownIndex:    c.droppedUnknownIndex.Load(),
		DroppedExpired:         c.droppedExpired.Load(),
		DroppedMAC:             c.droppedMAC.Load(),
		DroppedRateLimited:     c.droppedRateLimited.Load(),
		DroppedBadSignature:    c.droppedBadSignature.Load(),
		DroppedWrongWallet:     c.droppedWrongWallet.Load(),
		DroppedBindingExpired:  c.droppedBindingExpired.Load(),
		DroppedNodeKeyMismatch: c.droppedNodeKeyMismatch.Load(),
		DroppedWrongChain:      c.droppedWrongChain.Load(),
		DroppedRefused:         c.droppedRefused.Load(),
	}
	s.DroppedBinding = s.DroppedBadSignature + s.DroppedWrongWallet + s.DroppedBindingExpired +
		s.DroppedNodeKeyMismatch + s.DroppedWrongChain + s.DroppedRefused
	return s
}
