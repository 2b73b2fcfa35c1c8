package transport

import (
	"sync"
	"time"
)

// What a node knows of each peer beyond its sessions: whether it is up,
// and what data moved. Both are kept by the data path and the timers at
// the cost of two atomic adds and two stores per message, and read
// without locks.
//
// A peer is up from the moment a session with it becomes current (a
// handshake completed, or an IK responder's session confirmed by the
// initiator's first data) until Reset or Remove, until its sessions
// expire (3×RejectAfterTime) or until a handshake with it is given up
// (HandshakeGiveUp: it stopped answering). Each change closes the channel
// Changed returned, so that watchers wake only when something changed.

// PeerTraffic is the data sealed to and opened from a peer since it was
// created: the bytes of the plaintext (IP packets; keepalives count
// nothing) and when the last of each moved (zero: never).
type PeerTraffic struct {
	BytesIn, BytesOut uint64
	LastIn, LastOut   time.Time
}

// Up reports whether the peer is up (see above).
func (p *Peer) Up() bool { return p.up.Load() }

// Traffic returns the data moved to and from the peer.
func (p *Peer) Traffic() PeerTraffic {
	t := PeerTraffic{BytesIn: p.bytesIn.Load(), BytesOut: p.bytesOut.Load()}
	if m := p.lastIn.Load(); m != 0 {
		t.LastIn = p.s.fromMono(m)
	}
	if m := p.lastOut.Load(); m != 0 {
		t.LastOut = p.s.fromMono(m)
	}
	return t
}

// Changed returns a channel closed at the next change of a peer's Up.
// Call it again after each close; read the state with Peers and Up.
func (s *Sessions) Changed() <-chan struct{} {
	s.change.mu.Lock()
	defer s.change.mu.Unlock()
	if s.change.ch == nil {
		s.change.ch = make(chan struct{})
	}
	return s.change.ch
}

// changeNotifier is the broadcast behind Changed.
type changeNotifier struct {
	mu sync.Mutex    // a leaf: taken under a Peer's mu
	ch chan struct{} // closed and dropped at the next change; nil if no one waits
}

// setUp records whether p is up and wakes the watchers if that changed.
func (s *Sessions) setUp(p *Peer, up bool) {
	if p.up.Swap(up) == up {
		return
	}
	s.change.mu.Lock()
	if s.change.ch != nil {
		close(s.change.ch)
		s.change.ch = nil
	}
	s.change.mu.Unlock()
}
