package transport

import "time"

// Handshake retransmission follows the path, as TCP's RTO does, instead
// of WireGuard's fixed REKEY_TIMEOUT:
//
//   - Each initiation's response names the attempt it answers (its own
//     index and ephemeral key), so every completed handshake measures one
//     round trip without ambiguity (Karn's problem does not arise); a
//     responder measures from its response to the initiator's first data
//     message on the new session. The peer keeps a smoothed round trip and its variation (RFC 6298's
//     gains, 1/8 and 1/4).
//   - An attempt waits srtt + 4·rttvar, at least 2·srtt, for its
//     response. A peer not measured yet takes the same of every round
//     trip this node measured with any peer (Sessions.pathRTT, the same
//     gains over all peers' samples, so its rttvar also spans how far
//     apart the peers are): the paths a node already uses are the best
//     guess of a new one's, as TCP stacks seed a new connection's RTO
//     from their cached metrics. Before any measurement at all,
//     initialHandshakeRetry (250 ms, a quarter of TCP's and QUIC's
//     initial 1 s: a handshake message is small and answered at most
//     once, so an early retry costs a few hundred bytes, while a lost
//     one stalls every flow to the peer; 250 ms covers most terrestrial
//     round trips). A path slower than the guess pays one superseded
//     attempt; after the first measurement the guess follows the node's
//     paths. The first retransmission of one handshake waits as long
//     as the first attempt; each later one doubles the wait
//     (linearRetries). A handshake is the thinnest of streams, one
//     message in flight, and Linux keeps a thin TCP stream's RTO from
//     doubling for its first retransmissions (tcp_thin_linear_timeouts)
//     for the same reason: on a lossy path (at 5 % loss about one
//     handshake in ten loses a message) a retry lost again is bad luck,
//     not congestion, and waiting twice as long for it made two lost
//     messages the tail of a small flow; a peer that stays silent is
//     backed off from the third attempt on.
//   - The wait is bounded below by minHandshakeRetry (250 ms) and above
//     by Timers.RekeyTimeout (5 s), then shortened by up to a quarter at
//     random (the low bits of the attempt's random index, so no extra
//     randomness is drawn and a seeded run stays reproducible), so that
//     the peers of a node that came back do not retry in step.
//   - Anti-amplification: pacing only changes when the initiator sends
//     its own initiation again. Every attempt is one initiation answered
//     by at most one response, and the floor keeps a peer at 4
//     initiations a second, below the responder's per-source limit under
//     load (Timers.SourceRate, 20 a second), so a responder never answers
//     more than it is sent and the cookie defence is untouched.
const (
	minHandshakeRetry     = 250 * time.Millisecond
	initialHandshakeRetry = 250 * time.Millisecond
	linearRetries         = 1
)

// handshakeRTT is a peer's smoothed handshake round trip; guarded by the
// peer's mu.
type handshakeRTT struct {
	srtt, rttvar time.Duration // zero srtt: not measured yet
}

// note adds one measured round trip r.
func (h *handshakeRTT) note(r time.Duration) {
	if r <= 0 {
		r = time.Microsecond
	}
	if h.srtt == 0 {
		h.srtt, h.rttvar = r, r/2
		return
	}
	d := h.srtt - r
	if d < 0 {
		d = -d
	}
	h.rttvar += (d - h.rttvar) / 4
	h.srtt += (r - h.srtt) / 8
}

// timeout is how long attempt (0 for the first) waits for its response,
// before jitter; prior is this node's round trip over all peers, for a
// peer h has no measurement of.
func (h *handshakeRTT) timeout(attempt int, ceiling time.Duration, prior handshakeRTT) time.Duration {
	d := initialHandshakeRetry
	switch {
	case h.srtt > 0:
		d = max(h.srtt+4*h.rttvar, 2*h.srtt)
	case prior.srtt > 0:
		d = max(prior.srtt+4*prior.rttvar, 2*prior.srtt)
	}
	for range max(attempt-linearRetries, 0) {
		if d >= ceiling {
			break
		}
		d *= 2
	}
	return min(max(d, min(minHandshakeRetry, ceiling)), ceiling)
}

// retryAfter is how long attempt of a handshake with p, whose random
// index is idx, waits for its response: the path's timeout less up to a
// quarter, by idx's low bits. p.mu is held.
func (s *Sessions) retryAfter(p *Peer, attempt int, idx uint32) time.Duration {
	s.mu.Lock()
	prior := s.pathRTT
	s.mu.Unlock()
	d := p.hsRTT.timeout(attempt, s.timers.RekeyTimeout, prior)
	return d - d/4*time.Duration(idx&0xffff)/65536
}

// noteRTT adds r, a round trip measured with p, to p's and to this
// node's. p.mu is held.
func (s *Sessions) noteRTT(p *Peer, r time.Duration) {
	p.hsRTT.note(r)
	s.mu.Lock()
	s.pathRTT.note(r)
	s.mu.Unlock()
}

// HandshakeRTT returns the smoothed round trip of p's handshakes, zero if
// none completed yet.
func (p *Peer) HandshakeRTT() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hsRTT.srtt
}
