package stack

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// A peer that restarts elsewhere (a new port, a new host) publishes its
// new endpoint in its DID document; this node may still hold the old one,
// as a link peer and in the naming client's cache. A dial does not wait
// for the dead-peer timers: when a TCP dial to a wallet found by name or
// by its DID document has not connected after repathAfter, the node reads
// the wallet's DID document again, bypassing the cache, and if it names
// another endpoint moves the peer there and handshakes at once; it reads
// again after 2, 4, 8 … times repathAfter while the dial waits. Static
// peers (Node.Peers, AddPeer, AddPeers) are never moved by the chain.

// repathAfter is how long a dial waits before it suspects the path.
const repathAfter = time.Second

// Repath reads the DID document of host's wallet again, bypassing the
// naming cache, and moves the peer to the endpoint it publishes if that
// differs from the one in use, starting a handshake there at once. It
// reports whether the peer moved. Static peers are left alone (false).
// Apps call it when a peer stops answering (a ping, a datagram
// protocol); Dial does it by itself for TCP.
func (n *Node) Repath(ctx context.Context, host string) (bool, error) {
	r, err := n.start(ctx)
	if err != nil {
		return false, err
	}
	w, err := n.lookup(ctx, r, host)
	if err != nil {
		return false, fmt.Errorf("repath %s: %w", host, err)
	}
	moved, err := n.repath(ctx, r, w)
	if err != nil {
		return false, fmt.Errorf("repath %s: %w", host, err)
	}
	return moved, nil
}

// PeerEndpoint returns the underlay endpoint frames to wallet go to now,
// as the link holds it (learned from the chain, a static peer, or the
// address the peer last spoke from); false when the node knows no
// endpoint for it.
func (n *Node) PeerEndpoint(wallet common.Address) (netip.AddrPort, bool) {
	r, _ := n.current()
	if r == nil {
		return netip.AddrPort{}, false
	}
	a, ok := r.ep.PeerAddr(IdentityAddr(wallet))
	return a, ok && a.IsValid()
}

// repath re-resolves wallet past the cache and moves its link peer if
// the document names another endpoint.
func (n *Node) repath(ctx context.Context, r *running, wallet common.Address) (bool, error) {
	if wallet == r.wallet || r.isStatic(wallet) {
		return false, nil
	}
	res := n.Resolver
	if res == nil && r.names != nil {
		res = r.names
	}
	if res == nil {
		return false, nil
	}
	if n.Names != nil {
		n.Names.ForgetIdentity(wallet)
	}
	peers, err := resolveAll(ctx, res, wallet.Hex())
	if err != nil {
		return false, err
	}
	if len(peers) != 1 || !peers[0].Addr.IsValid() {
		return false, nil // anycast or routed: the link's own failover handles those
	}
	p, ident := peers[0], IdentityAddr(wallet)
	if cur, ok := r.ep.PeerAddr(ident); ok && cur == p.Addr {
		return false, nil
	}
	if err := addPeer(r.ep, p); err != nil {
		return false, err
	}
	r.ep.Handshake(ident)
	r.log.Info("peer moved: new endpoint from its DID document", "wallet", wallet, "endpoint", p.Addr)
	return true, nil
}

// watchDial re-reads wallet's DID document while a dial to it waits
// (after repathAfter, then twice as long each time) until stop is
// called or ctx ends.
func (n *Node) watchDial(ctx context.Context, r *running, wallet common.Address) (stop func()) {
	if wallet == r.wallet || r.isStatic(wallet) {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		wait := repathAfter
		t := time.NewTimer(wait)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			rctx, cancel := context.WithTimeout(ctx, checkTimeout)
			if _, err := n.repath(rctx, r, wallet); err != nil {
				r.log.Debug("repath", "wallet", wallet, "err", err)
			}
			cancel()
			wait *= 2
			t.Reset(wait)
		}
	}()
	return func() { close(done) }
}

// markStatic records wallets given as static peers.
func (r *running) markStatic(peers []Peer) {
	for _, p := range peers {
		r.static.Store(p.Wallet, struct{}{})
	}
}

// isStatic reports whether wallet was given as a static peer.
func (r *running) isStatic(w common.Address) bool {
	_, ok := r.static.Load(w)
	return ok
}
