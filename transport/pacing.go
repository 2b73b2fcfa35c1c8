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
//     response; before any measurement, initialHandshakeRetry (500 ms:
//     half TCP's and QUIC's initial 1 s, as a handshake message is small
//     and a lost one stalls every flow to the peer; a path slower than
//     that pays one superseded attempt). Each retransmission of one
//     handshake doubles the wait.
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
	initialHandshakeRetry = 500 * time.Millisecond
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
// before jitter.
func (h *handshakeRTT) timeout(attempt int, ceiling time.Duration) time.Duration {
	d := initialHandshakeRetry
	if h.srtt > 0 {
		d = max(h.srtt+4*h.rttvar, 2*h.srtt)
	}
	for range attempt {
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
	d := p.hsRTT.timeout(attempt, s.timers.RekeyTimeout)
	return d - d/4*time.Duration(idx&0xffff)/65536
}

// HandshakeRTT returns the smoothed round trip of p's handshakes, zero if
// none completed yet.
func (p *Peer) HandshakeRTT() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hsRTT.srtt
}
