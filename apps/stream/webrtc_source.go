package stream

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// source is one stream's WebRTC media on a node: fed by a WHIP session
// here (local) or pulled from the upstream, read by subscribers.
type source struct {
	key   Key
	local bool
	ready chan struct{} // closed once tracks is set
	done  chan struct{} // closed when the source ends

	mu       sync.Mutex // guards the fields below
	tracks   []TrackInfo
	pending  []TrackInfo // local: tracks seen before all expected came
	expect   int         // local: tracks the WHIP answer accepted
	subs     map[*sub]struct{}
	idleAt   time.Time // when the last subscriber left (zero: one is here)
	keyframe func(track int)
	lastPLI  [maxTracks]time.Time
	closed   bool

	dropped atomic.Int64 // frames a full subscriber queue lost
}

// sub is one subscriber's queue of RTP frames (type, track, packet);
// it is never closed: the source's done says it ends.
type sub struct {
	q chan []byte
}

func newSource(k Key, local bool) *source {
	return &source{key: k, local: local, ready: make(chan struct{}), done: make(chan struct{}),
		subs: map[*sub]struct{}{}, idleAt: time.Now()}
}

// setTracks announces the tracks, once.
func (s *source) setTracks(ts []TrackInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tracks == nil && len(ts) > 0 {
		s.tracks = ts
		close(s.ready)
	}
}

// expectTracks tells a local source how many tracks its WHIP session
// accepted; it announces them when all have sent their first packet,
// or tracksGrace after the first did.
func (s *source) expectTracks(n int) {
	s.mu.Lock()
	s.expect = n
	s.mu.Unlock()
}

// addTrack registers a WHIP track (on its first packet) and returns
// its index.
func (s *source) addTrack(t TrackInfo) int {
	s.mu.Lock()
	i := len(s.pending)
	s.pending = append(s.pending, t)
	all := len(s.pending) >= s.expect
	if i == 0 && !all {
		time.AfterFunc(tracksGrace, s.announce)
	}
	s.mu.Unlock()
	if all {
		s.announce()
	}
	return i
}

func (s *source) announce() {
	s.mu.Lock()
	ts := append([]TrackInfo(nil), s.pending...)
	s.mu.Unlock()
	s.setTracks(ts)
}

// wait returns the tracks once they are known.
func (s *source) wait(ctx context.Context, d time.Duration) ([]TrackInfo, error) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.ready:
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.tracks, nil
	case <-s.done:
		return nil, fmt.Errorf("%w: %s ended", ErrNoMedia, s.key)
	case <-t.C:
		return nil, fmt.Errorf("%w: %s: no tracks within %v", ErrNoMedia, s.key, d)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *source) subscribe() *sub {
	u := &sub{q: make(chan []byte, subQueue)}
	s.mu.Lock()
	s.subs[u] = struct{}{}
	s.idleAt = time.Time{}
	s.mu.Unlock()
	return u
}

func (s *source) unsubscribe(u *sub) {
	s.mu.Lock()
	delete(s.subs, u)
	if len(s.subs) == 0 {
		s.idleAt = time.Now()
	}
	s.mu.Unlock()
}

// idle reports whether no subscriber has been here for d.
func (s *source) idle(d time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.idleAt.IsZero() && time.Since(s.idleAt) >= d
}

// send queues frame f (not modified afterwards) for every subscriber;
// a full queue loses it, counted.
func (s *source) send(f []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for u := range s.subs {
		select {
		case u.q <- f:
		default:
			s.dropped.Add(1)
		}
	}
}

func (s *source) setKeyframe(fn func(track int)) {
	s.mu.Lock()
	s.keyframe = fn
	s.mu.Unlock()
}

// askKeyframe passes a viewer's PLI upstream, at most one per track
// every keyframeEvery.
func (s *source) askKeyframe(track int) {
	if track < 0 || track >= maxTracks {
		return
	}
	s.mu.Lock()
	fn := s.keyframe
	if fn == nil || time.Since(s.lastPLI[track]) < keyframeEvery {
		s.mu.Unlock()
		return
	}
	s.lastPLI[track] = time.Now()
	s.mu.Unlock()
	fn(track)
}

func (s *source) ended() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *source) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.done)
	}
}

// remap maps the tracks an upstream announces to the source's (which
// the first upstream set, and viewers' sessions were made with): by
// kind and codec, in order; -1 for a track the source does not have.
// Every index of the wire (below maxTracks) is mapped.
func (s *source) remap(ts []TrackInfo) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make([]int, maxTracks)
	used := make([]bool, len(s.tracks))
	for i := range m {
		m[i] = -1
		if i >= len(ts) {
			continue
		}
		for j, t := range s.tracks {
			if !used[j] && t.Kind == ts[i].Kind && strings.EqualFold(t.MimeType, ts[i].MimeType) {
				m[i], used[j] = j, true
				break
			}
		}
	}
	return m
}
