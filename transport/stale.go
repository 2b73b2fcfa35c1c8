package transport

import (
	"fmt"
	"sync"
	"time"
)

// Stale sessions. A node that restarts forgets its sessions; its peers
// keep sealing data under an index it no longer knows, and would only
// notice after KeepaliveTimeout + RekeyTimeout without an answer (the
// dead-peer timer, about 15 s). Instead, the restarted node answers such
// data with a stale hint (type 8) naming the index, and the peer whose
// current session sends to that index starts a new handshake at once.
//
// The hint is not authenticated: it only brings a handshake forward,
// along the peer's own path, never to the hint's sender, and a peer takes
// at most one per RekeyTimeout. A node sends at most staleHintRate hints
// and takes at most as many per second, so a flood of data for unknown
// indexes is not amplified and hints cost little to refuse.

// staleHintRate bounds the hints a node sends, and the hints it looks
// up, per second.
const staleHintRate = 64

// staleHintSize is the size of a stale hint.
const staleHintSize = 8

// perSecond is a fixed-window limit: at most max events per second.
type perSecond struct {
	mu  sync.Mutex
	sec int64
	n   int
}

func (l *perSecond) allow(now time.Time, max int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if sec := now.Unix(); sec != l.sec {
		l.sec, l.n = sec, 0
	}
	if l.n >= max {
		return false
	}
	l.n++
	return true
}

// StaleHint returns the hint that answers msg, a data message that
// Receive refused with ErrUnknownIndex, for the caller to send back to
// where msg came from; nil past the rate limit or for any other message.
func (s *Sessions) StaleHint(msg []byte) []byte {
	if len(msg) < Overhead || msg[0] != msgData || !s.hintsOut.allow(s.now(), staleHintRate) {
		return nil
	}
	s.stats.staleHintsSent.Add(1)
	return header(msgStale, staleHintSize, le32(msg[4:8]))
}

// receiveStale finds the peer whose current or next session sends to the
// index a stale hint names; Result.Kind KindStale asks the caller to
// start a handshake with it (Initiate).
func (s *Sessions) receiveStale(msg []byte) (Result, error) {
	if len(msg) != staleHintSize {
		return Result{}, fmt.Errorf("%w: %d-byte stale hint", ErrMalformed, len(msg))
	}
	now := s.now()
	if !s.hintsIn.allow(now, staleHintRate) {
		return Result{}, fmt.Errorf("%w: stale hints", ErrRateLimited)
	}
	idx := le32(msg[4:8])
	s.mu.Lock()
	var p *Peer
	for _, q := range s.order {
		if ses := q.current.Load(); ses != nil && ses.remoteIndex == idx {
			p = q
			break
		}
		if ses := q.next.Load(); ses != nil && ses.remoteIndex == idx {
			p = q
			break
		}
	}
	s.mu.Unlock()
	if p == nil {
		return Result{}, fmt.Errorf("%w: stale hint for %08x", ErrUnknownIndex, idx)
	}
	last := p.staleAt.Load()
	if last != 0 && now.Sub(s.fromMono(last)) < s.timers.RekeyTimeout {
		return Result{}, fmt.Errorf("%w: stale hint within the rekey timeout", ErrRateLimited)
	}
	if !p.staleAt.CompareAndSwap(last, s.mono(now)) {
		return Result{}, fmt.Errorf("%w: stale hint within the rekey timeout", ErrRateLimited)
	}
	s.stats.staleHintsTaken.Add(1)
	return Result{Kind: KindStale, Peer: p}, nil
}
