package transport

import (
	"slices"
	"time"
)

// Tick runs the timers (handshake retransmission, rekey by age, keepalive,
// expiry of old sessions) and returns the messages to send. Callers call it
// about every 100 ms, or at the time NextDeadline says. Peers are visited
// in the order they were created, so that a seeded run is reproducible.
//
// Per peer, in order:
//
//  1. a pending initiation past its retry time (pacing.go: the measured
//     round trip, doubled per attempt, at most RekeyTimeout) or that got a
//     cookie is sent again with a new ephemeral key, or dropped once the
//     first attempt is HandshakeGiveUp old;
//  2. a rekey the data path asked for starts, if the session that asked
//     is still current and no handshake is pending;
//  3. data sent with nothing received for KeepaliveTimeout+RekeyTimeout
//     starts a handshake (the peer may have lost its session);
//  4. data received with nothing sent for KeepaliveTimeout sends a
//     keepalive;
//  5. sessions older than 3×RejectAfterTime are forgotten.
func (s *Sessions) Tick() []Outbound {
	now := s.now()
	s.expireXX(now)
	s.cookies.gc(now)
	s.mu.Lock()
	peers := slices.Clone(s.order)
	s.mu.Unlock()
	var out []Outbound
	for _, p := range peers {
		out = s.tickPeer(p, now, out)
		p.touch()
	}
	return out
}

func (s *Sessions) tickPeer(p *Peer, now time.Time, out []Outbound) []Outbound {
	t := &s.timers
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.removed {
		return out
	}
	initiate := func(firstAt time.Time) bool {
		msg, err := s.initiateLocked(p, now, firstAt)
		if err != nil {
			s.log.Debug("initiate", "peer", p.wallet.Hex(), "err", err)
			return false
		}
		out = append(out, Outbound{Peer: p, Msg: msg})
		return true
	}

	if hs := p.hs; hs != nil && (hs.retryNow || !now.Before(hs.retryAt)) {
		if now.Sub(hs.firstAt) >= t.HandshakeGiveUp {
			s.dropHandshakeLocked(p)
			s.setUp(p, false) // it stopped answering (peerstate.go)
			s.stats.handshakesGivenUp.Add(1)
			s.log.Debug("handshake given up", "peer", p.wallet.Hex())
		} else if initiate(hs.firstAt) {
			s.stats.handshakeRetransmits.Add(1)
		}
	}
	if r := p.rekeyFor.Swap(nil); r != nil && r == p.current.Load() && p.hs == nil {
		if initiate(now) {
			s.stats.rekeys.Add(1)
		}
	}
	if m := p.sentPending.Load(); m != 0 && !now.Before(s.fromMono(m).Add(t.KeepaliveTimeout+t.RekeyTimeout)) {
		p.sentPending.Store(0)
		if p.hs == nil && initiate(now) {
			s.stats.rekeys.Add(1)
		}
	}
	if m := p.recvPending.Load(); m != 0 && !now.Before(s.fromMono(m).Add(t.KeepaliveTimeout)) {
		if msg, err := s.Seal(nil, p, nil); err == nil {
			out = append(out, Outbound{Peer: p, Msg: msg})
			s.stats.keepalivesSent.Add(1)
		} else {
			p.recvPending.Store(0)
		}
	}

	expire := 3 * t.RejectAfterTime
	if ses := p.previous; ses != nil && now.Sub(ses.created) >= expire {
		s.dropSession(ses)
		p.previous = nil
	}
	for _, ptr := range []interface {
		Load() *session
		CompareAndSwap(old, new *session) bool
	}{&p.current, &p.next} {
		if ses := ptr.Load(); ses != nil && now.Sub(ses.created) >= expire && ptr.CompareAndSwap(ses, nil) {
			s.dropSession(ses)
		}
	}
	if p.current.Load() == nil {
		s.setUp(p, false)
	}
	return out
}

// NextDeadline returns the earliest time Tick has work to do (zero if
// none), so a simulator can schedule it exactly. A time not after now
// means at once. It recomputes only the peers whose timers changed since
// the last call (deadline.go).
func (s *Sessions) NextDeadline() time.Time {
	now := s.now()
	d, imm := s.refresh()
	consider := func(at time.Time) {
		if d.IsZero() || at.Before(d) {
			d = at
		}
	}
	if imm {
		consider(now)
	}
	s.mu.Lock()
	if len(s.xxPending) > 0 {
		consider(s.xxPending[0].created.Add(s.timers.RekeyTimeout))
	}
	s.mu.Unlock()
	return d
}
