package link

import (
	"crypto/sha256"
	"fmt"
	"net/netip"

	"github.com/anynet/anynet/transport"
)

// Instance addresses (see "Instance addresses" in doc.go): the identity
// address names a wallet, which anycast serves from whichever of its
// nodes is nearest; an instance address names one node key of the
// wallet, so that one particular node can be reached — a replica of a
// wallet talking to another replica of the same wallet, say.

// InstancePrefix is the first byte of every instance address: fc00::/8,
// the other half of the unique-local range, apart from the identity
// addresses' fd00::/8.
const InstancePrefix = 0xfc

// instanceTag is the domain separation of InstanceAddr's hash.
const instanceTag = "anynet instance address v1"

// InstanceAddr returns the instance address of the node holding key for
// wallet: InstancePrefix followed by the first 15 bytes of
// SHA-256("anynet instance address v1" || wallet || key).
func InstanceAddr(wallet [20]byte, key transport.PublicKey) netip.Addr {
	h := sha256.New()
	h.Write([]byte(instanceTag))
	h.Write(wallet[:])
	h.Write(key[:])
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	var a [16]byte
	a[0] = InstancePrefix
	copy(a[1:], sum[:15])
	return netip.AddrFrom16(a)
}

// IsInstanceAddr reports whether a is in the instance range.
func IsInstanceAddr(a netip.Addr) bool {
	return a.Is6() && !a.Is4In6() && a.As16()[0] == InstancePrefix
}

// AddInstancePeer makes the node in.NodeKey of wallet reachable at its
// instance address, which it returns. Packets to that address go to
// that node key's session only, whatever the wallet's identity address
// names (a peer, an anycast group, or this endpoint's own wallet): no
// anycast choice, no failover. in.Addr, or in.Locator through routers
// as for AddInstances, says where the node is; adding it again updates
// that. A node that reached this endpoint from its instance address
// needs no AddInstancePeer: the answers go back to it (receive.go).
func (e *Endpoint) AddInstancePeer(wallet [20]byte, in Instance) (netip.Addr, error) {
	p, err := e.instancePeer(wallet, in)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("link: instance %s of %x: %w", in.NodeKey, wallet, err)
	}
	p.ident = InstanceAddr(wallet, in.NodeKey)
	if err := e.peers.pin(p); err != nil {
		return netip.Addr{}, err
	}
	return p.ident, nil
}

// pin records p, a peer bound to one node key, at its instance address;
// a peer already there takes p's address and locator. Pinned peers are
// in the identity map (the send path finds them) and in t.pinned (the
// receive path flushes their queues), never in byTP: the wallet's own
// peer stays the one the transport's sessions name.
func (t *peerTable) pin(p *peer) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.ident[p.ident]
	switch {
	case old == nil:
		t.ident[p.ident] = p
		t.pinned[p.tp] = p
		if p.wallet == t.self && t.byTP[p.tp] == nil {
			t.byTP[p.tp] = p // another node of this wallet: its only peer
		}
	case old.tp != p.tp:
		return fmt.Errorf("%w: instance address %s", ErrIdentityCollision, p.ident)
	default:
		old.mu.Lock()
		old.addr.store(p.addr.load())
		old.mu.Unlock()
		old.nic.Store(p.nic.Load())
		old.loc.Store(p.loc.Load())
	}
	return nil
}

// learnSelfLocked returns the peer of tp, a session with another node
// of this endpoint's own wallet, seen at src: the peer at its instance
// address, made if need be. Such a node has no other peer: this wallet's
// identity address is this node's own, so nothing is ever sent to the
// other node but at its instance address, and the wallet's peer does not
// flap between its nodes as they speak in turn. Nil if tp's node key is
// unknown. t.mu is held.
func (t *peerTable) learnSelfLocked(tp *transport.Peer, src netip.AddrPort) *peer {
	q := t.pinned[tp]
	if q == nil {
		key, ok := tp.NodeKey()
		if !ok {
			return nil
		}
		ia := InstanceAddr(t.self, key)
		if t.ident[ia] != nil {
			return nil
		}
		q = &peer{wallet: t.self, ident: ia, tp: tp}
		t.ident[ia] = q
		t.pinned[tp] = q
	}
	if t.byTP[tp] == nil {
		t.byTP[tp] = q
	}
	q.mu.Lock()
	q.addr.store(src)
	q.mu.Unlock()
	q.verified.Store(true)
	return q
}

// pinnedOf returns the peer pinned to tp's instance address, if any.
func (t *peerTable) pinnedOf(tp *transport.Peer) *peer {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.pinned[tp]
}

// instanceSource reports whether src, the source of a packet that came
// through tp's session from the underlay address from, is the instance
// address of tp's node key. The first such packet pins a peer at src, so
// the answers go back to that node: at from, with the locator of p, the
// wallet's peer the packet was delivered as; it verifies a peer pinned
// there already.
func (t *peerTable) instanceSource(tp *transport.Peer, p *peer, src netip.Addr, from netip.AddrPort) bool {
	if !IsInstanceAddr(src) {
		return false
	}
	t.mu.RLock()
	q := t.ident[src]
	t.mu.RUnlock()
	if q != nil {
		if q.tp != tp { // immutable on a pinned peer
			return false
		}
		if q.endpoint() != from {
			q.mu.Lock()
			q.addr.store(from)
			q.mu.Unlock()
		}
		q.nic.Store(p.nic.Load())
		q.loc.Store(p.loc.Load())
		if !q.verified.Load() {
			// Pinned (AddInstancePeer) while tp's session was up
			// already, so no new session marked it (flushPinned):
			// this packet came through that session.
			q.verified.Store(true)
		}
		return true
	}
	key, ok := tp.NodeKey()
	if !ok || InstanceAddr(tp.Wallet(), key) != src {
		return false
	}
	q = newPeer(tp.Wallet(), src, tp, from)
	q.nic.Store(p.nic.Load())
	q.loc.Store(p.loc.Load())
	q.verified.Store(true)
	if err := t.pin(q); err != nil {
		return false
	}
	return true
}

// flushPinned sends what waited for tp's new session at its instance
// address, and marks that address verified.
func (e *Endpoint) flushPinned(tp *transport.Peer) {
	if q := e.peers.pinnedOf(tp); q != nil {
		q.verified.Store(true)
		e.flushQueue(q)
	}
}

// instancePeer builds the peer of one instance of wallet: direct at
// in.Addr, or through routers at in.Locator.
func (e *Endpoint) instancePeer(wallet [20]byte, in Instance) (*peer, error) {
	key := in.NodeKey
	p := &peer{wallet: wallet, ident: IdentityAddr(wallet), tp: e.sessions.Peer(wallet, &key)}
	switch {
	case in.Addr.IsValid():
		p.addr.store(in.Addr)
	case !in.Locator.IsZero():
		rt := e.rt
		l := Locator(in.Locator)
		if !rt.canRoute() || rt.localOf(rt.nicFor(&l)).isZero() {
			return nil, fmt.Errorf("%w: instance %s at locator %s needs Routing.Routers and Routing.Locator", ErrRouting, key, in.Locator)
		}
		nic := rt.nicFor(&l) // several NICs (nic.go)
		next, ok := e.nextHop(&l, nic)
		if !ok && len(rt.links) > 0 {
			next = rt.links[0].cfg.Addr
		}
		p.addr.store(next)
		p.nic.Store(uint32(nic))
		p.loc.Store(&l)
	default:
		return nil, fmt.Errorf("link: instance %s has neither an address nor a locator", key)
	}
	return p, nil
}
