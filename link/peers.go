package link

import (
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anynet/anynet/transport"
)

// peer is the link's state for one remote wallet: where to send its
// frames, and what waits for a session.
type peer struct {
	wallet   [20]byte
	ident    netip.Addr
	verified atomic.Bool // a session with this wallet was established
	// loc is the peer's locator when it is reached through routers, nil
	// for a direct peer (routing hook: host_routing.go, host_route.go).
	loc atomic.Pointer[Locator]
	// nic is the NIC (nic.go) through whose routers a routed peer is
	// reached: the one its frames came in on. Always 0 with one NIC.
	nic atomic.Uint32
	// grp is set on a wallet's peer when several nodes serve it; inst on
	// each of those nodes' peers (anycast.go).
	grp  atomic.Pointer[anycastGroup]
	inst *instance

	nudge nudgeState // the last TCP segment sent (nudge.go); its own lock
	// metered is the meter's counter this peer's routed frames used last
	// (meter.go): the one of its wallet and its router of the moment.
	metered atomic.Pointer[meterCount]
	// routed is what notePath last recorded of a frame through routers
	// (host_punch.go), read without the punch lock; nil when it must
	// look under the lock.
	routed atomic.Pointer[routedNote]

	// addr is the current underlay address; it follows the peer when it
	// roams. It is read without a lock (a router's next hop, every
	// send) and written with mu held.
	addr addrCell

	// waiting is set while packets wait in queue or a flush of it
	// (Endpoint.flushQueue) is sending them: a packet written then goes
	// behind them, never sealed past them (send.go). Read without a
	// lock on every packet; written with mu held.
	waiting atomic.Bool

	mu        sync.Mutex // guards the fields below
	tp        *transport.Peer
	queue     [][]byte  // plaintext packets waiting for a session, oldest first
	queuedAt  time.Time // when the oldest queued packet arrived
	lastStart time.Time // when the data path last started a handshake
	flushing  bool      // a flush is sending what it took; it takes what is queued meanwhile too
}

// newPeer returns a peer of wallet at identity address ident, with
// session tp, at underlay address addr.
func newPeer(wallet [20]byte, ident netip.Addr, tp *transport.Peer, addr netip.AddrPort) *peer {
	p := &peer{wallet: wallet, ident: ident, tp: tp}
	p.addr.store(addr)
	return p
}

// endpoint is the peer's current underlay address.
func (p *peer) endpoint() netip.AddrPort { return p.addr.load() }

// route returns the peer's session and underlay address in one lock.
func (p *peer) route() (*transport.Peer, netip.AddrPort) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tp, p.addr.load()
}

// addrCell is an underlay address that is read without a lock and
// written rarely: a write that changes it allocates, one that does not
// (every opened frame confirms the peer's address) does nothing.
type addrCell struct {
	v atomic.Pointer[netip.AddrPort]
}

func (c *addrCell) load() netip.AddrPort {
	if a := c.v.Load(); a != nil {
		return *a
	}
	return netip.AddrPort{}
}

func (c *addrCell) store(a netip.AddrPort) {
	if old := c.v.Load(); old != nil && *old == a {
		return
	}
	p := new(netip.AddrPort) // here, not a moved to the heap on every call
	*p = a
	c.v.Store(p)
}

func (p *peer) transportPeer() *transport.Peer {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tp
}

// peerTable maps identity (and instance) addresses and transport peers
// to link peers.
type peerTable struct {
	mu    sync.RWMutex // guards both maps
	ident map[netip.Addr]*peer
	byTP  map[*transport.Peer]*peer
	// pinned: the peers at instance addresses (instance.go), by session.
	pinned map[*transport.Peer]*peer
	self   [20]byte     // this endpoint's wallet: its other nodes are pinned peers only
	queued atomic.Int64 // peers with a non-empty queue, to skip expiry scans
}

func (t *peerTable) init() {
	t.ident = make(map[netip.Addr]*peer)
	t.byTP = make(map[*transport.Peer]*peer)
	t.pinned = make(map[*transport.Peer]*peer)
}

func (t *peerTable) byIdent(a netip.Addr) *peer {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.ident[a]
}

func (t *peerTable) byTransport(tp *transport.Peer) *peer {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.byTP[tp]
}

// add records a statically configured peer and returns it. It reports
// whether packets an anycast group it replaced held wait for it now:
// the caller sends them or starts a handshake (Endpoint.drain).
func (t *peerTable) add(wallet [20]byte, tp *transport.Peer, addr netip.AddrPort, now time.Time) (*peer, bool, error) {
	ident := IdentityAddr(wallet)
	t.mu.Lock()
	defer t.mu.Unlock()
	if p := t.ident[ident]; p != nil {
		if p.wallet != wallet {
			return nil, false, fmt.Errorf("%w: %x and %x", ErrIdentityCollision, p.wallet, wallet)
		}
		p.mu.Lock()
		delete(t.byTP, p.tp)
		p.tp = tp
		p.addr.store(addr)
		p.mu.Unlock()
		waits := t.dropGroupLocked(p, now) // anycast.go
		t.byTP[tp] = p
		return p, waits, nil
	}
	p := newPeer(wallet, ident, tp, addr)
	t.ident[ident] = p
	t.byTP[tp] = p
	return p, false, nil
}

// learn returns the link peer for an authenticated transport peer seen
// at src, creating it for a peer that reached us first, and moves the
// peer to the newest session of its wallet.
func (t *peerTable) learn(tp *transport.Peer, src netip.AddrPort) (*peer, error) {
	if p := t.byTransport(tp); p != nil {
		p.verified.Store(true)
		p.mu.Lock()
		p.addr.store(src)
		p.mu.Unlock()
		return p, nil
	}
	wallet := tp.Wallet()
	ident := IdentityAddr(wallet)
	t.mu.Lock()
	defer t.mu.Unlock()
	if wallet == t.self { // another node of this wallet (instance.go)
		if q := t.learnSelfLocked(tp, src); q != nil {
			return q, nil
		}
	}
	p := t.ident[ident]
	switch {
	case p == nil:
		p = newPeer(wallet, ident, tp, src)
		t.ident[ident] = p
	case p.wallet != wallet:
		return nil, fmt.Errorf("%w: %x and %x", ErrIdentityCollision, p.wallet, wallet)
	case p.grp.Load() != nil: // another node of an anycast wallet (anycast.go)
		return t.learnInstanceLocked(p, p.grp.Load(), tp, src), nil
	default:
		p.mu.Lock()
		delete(t.byTP, p.tp)
		p.tp = tp
		p.addr.store(src)
		p.mu.Unlock()
	}
	t.byTP[tp] = p
	p.verified.Store(true)
	return p, nil
}

// enqueue holds pkt for p until a session exists, dropping the oldest
// packet when the queue is full. It reports whether the data path should
// start a handshake now, and how many packets it dropped.
func (t *peerTable) enqueue(p *peer, pkt []byte, limit int, now time.Time) (start bool, dropped int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) == 0 {
		p.queuedAt = now
		t.queued.Add(1)
	}
	if len(p.queue) >= limit {
		p.queue[0] = nil
		p.queue = p.queue[1:]
		dropped = 1
	}
	p.queue = append(p.queue, pkt)
	p.waiting.Store(true)
	if p.lastStart.IsZero() || now.Sub(p.lastStart) >= handshakeRetry {
		p.lastStart = now
		start = true
	}
	return start, dropped
}

// queueFrontLocked puts q, packets waiting since at, in front of what
// waits for p, for which the caller starts a handshake now
// (Endpoint.drain); p.mu is held.
func (t *peerTable) queueFrontLocked(p *peer, q [][]byte, at, now time.Time) {
	if len(q) == 0 {
		return
	}
	if len(p.queue) == 0 {
		t.queued.Add(1)
	}
	p.queue = append(q, p.queue...)
	p.queuedAt = at
	p.lastStart = now
	p.waiting.Store(true)
}

// takeQueue empties p's queue and returns what it held, for the caller
// to route elsewhere or refuse.
func (t *peerTable) takeQueue(p *peer) [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastStart = time.Time{}
	q := t.takeLocked(p)
	p.waiting.Store(p.flushing)
	return q
}

// startFlush begins a flush of p's queue (Endpoint.flushQueue) and
// returns what waits in it: nil when nothing does, or when another
// flush runs, which takes what was queued meanwhile (nextFlush).
func (t *peerTable) startFlush(p *peer) [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastStart = time.Time{}
	if p.flushing || len(p.queue) == 0 {
		return nil
	}
	p.flushing = true
	return t.takeLocked(p)
}

// nextFlush returns what was queued for p while the flush sent what it
// took, if that all went (sent). Otherwise, or when nothing was queued,
// the flush ends: packets written from then on are sealed at once, and
// what a failed flush left waits for the next session.
func (t *peerTable) nextFlush(p *peer, sent bool) [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if sent && len(p.queue) > 0 {
		return t.takeLocked(p)
	}
	p.flushing = false
	p.waiting.Store(len(p.queue) > 0)
	return nil
}

// takeLocked empties p's queue and returns what it held; p.mu is held.
func (t *peerTable) takeLocked(p *peer) [][]byte {
	q := p.queue
	if len(q) > 0 {
		t.queued.Add(-1)
	}
	p.queue = nil
	return q
}

// queueTTL is how long packets wait for a handshake before they are
// dropped: past it, TCP has retransmitted them anyway.
const queueTTL = 3 * handshakeRetry

// expireQueues drops queues that waited longer than queueTTL and returns
// how many packets it dropped.
func (t *peerTable) expireQueues(now time.Time) (dropped int) {
	if t.queued.Load() == 0 {
		return 0
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, p := range t.ident {
		p.mu.Lock()
		if len(p.queue) > 0 && now.Sub(p.queuedAt) > queueTTL {
			dropped += len(p.queue)
			p.queue = nil
			p.lastStart = time.Time{}
			p.waiting.Store(p.flushing)
			t.queued.Add(-1)
		}
		p.mu.Unlock()
	}
	return dropped
}
