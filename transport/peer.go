package transport

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Peer is one remote node: one node key bound to one wallet. A Peer whose
// node key is not yet known (XX handshake pending) is identified by its
// wallet until the handshake reveals the key.
//
// A peer has up to three sessions, as in WireGuard: current seals and
// opens; previous only opens (messages in flight across a rekey); next is
// a responder's new session that opens but does not seal until the
// initiator's first data message confirms it.
type Peer struct {
	s         *Sessions
	wallet    common.Address
	mac1Key   [32]byte // keys mac1 of initiations to this peer
	cookieKey [32]byte // opens cookie replies from this peer

	// Lock-free state for the data path.
	current atomic.Pointer[session]
	next    atomic.Pointer[session]
	// rekeyFor is the session whose use asked for a new handshake (age or
	// message count); Tick starts it if that session is still current.
	rekeyFor atomic.Pointer[session]
	// recvPending is the mono time of the first data received since this
	// node last sent (the keepalive timer); 0 when none.
	recvPending atomic.Int64
	// sentPending is the mono time of the first data sent since anything
	// authenticated was received (the dead-peer timer); 0 when none.
	sentPending atomic.Int64
	// staleAt is the mono time of the last stale hint taken (stale.go).
	staleAt atomic.Int64
	// up, bytesIn/Out and lastIn/Out (mono times) are the peer's state
	// and traffic (peerstate.go).
	up                atomic.Bool
	bytesIn, bytesOut atomic.Uint64
	lastIn, lastOut   atomic.Int64

	mu       sync.Mutex // guards the fields below
	key      PublicKey
	hasKey   bool
	previous *session
	hs       *initHandshake // this node's pending initiation, if any
	// lastStamp is the newest initiation timestamp accepted from the
	// peer's node key (handshake replay protection).
	lastStamp [tai64nSize]byte
	cookie    [macSize]byte // from the peer's last cookie reply
	cookieAt  time.Time     // zero: no cookie
	removed   bool
	hsRTT     handshakeRTT // measured by completed initiations (pacing.go)

	dl peerDL // the peer's next deadline (deadline.go)
}

// Wallet returns the wallet the peer is (or must turn out to be) bound to.
func (p *Peer) Wallet() common.Address { return p.wallet }

// NodeKey returns the peer's node key, if known.
func (p *Peer) NodeKey() (PublicKey, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.key, p.hasKey
}

// Established reports whether a session with the peer can seal data now.
func (p *Peer) Established() bool {
	ses := p.current.Load()
	return ses != nil && ses.canSend(p.s.now(), p.s.timers)
}

// installLocked makes ses, a session this node initiated or a confirmed
// XX responder session, the current one (WireGuard's
// BeginSymmetricSession for the initiator).
func (p *Peer) installLocked(ses *session) {
	s := p.s
	old := p.current.Load()
	if next := p.next.Swap(nil); next != nil {
		s.dropSession(p.previous)
		p.previous = next
		s.dropSession(old)
	} else {
		s.dropSession(p.previous)
		p.previous = old
	}
	p.current.Store(ses)
	s.setUp(p, true)
	p.touch()
}

// offerLocked makes ses, an IK responder session, the next one: it opens
// now and seals once confirmed.
func (p *Peer) offerLocked(ses *session) {
	s := p.s
	s.dropSession(p.next.Swap(ses))
	s.dropSession(p.previous)
	p.previous = nil
	p.touch()
}

// confirm promotes ses from next to current once a data message arrived
// on it, and reports whether it did.
func (p *Peer) confirm(ses *session, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.next.Load() != ses || p.removed {
		return false
	}
	p.s.noteRTT(p, now.Sub(ses.created)) // response to first data: one round trip (pacing.go)
	p.s.dropSession(p.previous)
	p.previous = p.current.Load()
	p.current.Store(ses)
	p.next.Store(nil)
	p.s.setUp(p, true)
	p.touch()
	return true
}
