package stack

import (
	"context"
	"errors"
	"fmt"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
)

// Anycast: several nodes may serve one wallet, each with its own node
// key and binding. A node learns them as several static Peers for the
// wallet (Node.Peers, AddPeers) or from the wallet's DID document, which
// lists every valid node key with its underlay endpoint and, for a host
// that reaches it through routers, with its locator (a locator names
// its node key: its host field is the key's HostID); it then hands
// the link all of them (link.Endpoint.AddInstances), which sends each
// flow to the nearest live instance and fails over (see package link,
// "Anycast"). The instances need nothing special: each publishes its
// own node key and endpoint into the shared document (Publish revokes
// only what its own node key published).

// MultiResolver is a Resolver that can name every node serving a host.
// The chain resolver (Node.Names) is one.
type MultiResolver interface {
	Resolver
	// ResolveAll returns the peers behind host, all of one wallet; the
	// first is the one Resolve returns.
	ResolveAll(ctx context.Context, host string) ([]Peer, error)
}

var _ MultiResolver = (*chainResolver)(nil)

// resolveAll asks res for every peer behind host, or for the one peer
// when res is not a MultiResolver.
func resolveAll(ctx context.Context, res Resolver, host string) ([]Peer, error) {
	if mr, ok := res.(MultiResolver); ok {
		peers, err := mr.ResolveAll(ctx, host)
		if err == nil && len(peers) == 0 {
			err = fmt.Errorf("%w: %s", ErrUnknownPeer, host)
		}
		return peers, err
	}
	p, err := res.Resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	return []Peer{p}, nil
}

// ResolveAll is Resolve, and, when the wallet's DID document lists
// several valid node keys with underlay endpoints, one peer per key: the
// wallet's anycast instances. For a host that reaches the peer through
// routers (at a published locator), the instances are the valid node
// keys with a locator of their own: a locator names its node key, since
// its host field is the key's HostID in its subnet (locator.Assign).
func (c *chainResolver) ResolveAll(ctx context.Context, host string) ([]Peer, error) {
	p, err := c.Resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	routed := !p.Locator.IsZero()
	if p.Wallet == c.self || (!p.Addr.IsValid() && !routed) {
		return []Peer{p}, nil
	}
	doc, err := c.names.DIDDocument(ctx, p.Wallet) // cached by the naming client
	if err != nil {
		return nil, err
	}
	all := instancesFromDocument(doc)
	if routed {
		all = routedInstances(doc, c.mine)
	}
	if len(all) < 2 {
		return []Peer{p}, nil
	}
	return all, nil
}

// instancesFromDocument returns one peer per valid node key of doc that
// has an underlay endpoint published with it: the most recently
// published one.
func instancesFromDocument(doc *naming.Document) []Peer {
	var out []Peer
	seen := make(map[[32]byte]bool)
	for i := len(doc.Underlays) - 1; i >= 0; i-- {
		u := doc.Underlays[i]
		if !u.HasKey() || seen[u.NodeKey] || doc.KeyStatus(u.NodeKey) != naming.KeyValid {
			continue
		}
		seen[u.NodeKey] = true
		k := transport.PublicKey(u.NodeKey)
		out = append(out, Peer{Wallet: doc.Identity, NodeKey: &k, Addr: u.Addr})
	}
	return out
}

// routedInstances returns one routed peer per valid node key of doc that
// has a locator assigned to it in doc: the one nearest mine.
func routedInstances(doc *naming.Document, mine []locator.Locator) []Peer {
	var out []Peer
	for _, key := range doc.NodeKeys {
		if doc.KeyStatus(key) != naming.KeyValid {
			continue
		}
		k := transport.PublicKey(key)
		var locs []locator.Locator
		for _, s := range doc.Locators {
			if l, err := locator.Parse(s); err == nil && assignedTo(l, key) {
				locs = append(locs, l)
			}
		}
		if len(locs) > 0 {
			out = append(out, Peer{Wallet: doc.Identity, NodeKey: &k, Locator: nearestLocator(locs, mine)})
		}
	}
	return out
}

// addPeers tells ep how to reach peers: each wallet with one entry as
// addPeer does; a wallet with several entries, each with a distinct
// NodeKey, as the instances of an anycast wallet. Several entries for a
// wallet without node keys are refused (ErrAnycastNeedsKeys).
func addPeers(ep *link.Endpoint, peers []Peer) error {
	var order []common.Address
	by := make(map[common.Address][]Peer)
	for _, p := range peers {
		if _, ok := by[p.Wallet]; !ok {
			order = append(order, p.Wallet)
		}
		by[p.Wallet] = append(by[p.Wallet], p)
	}
	for _, w := range order {
		ps := by[w]
		if len(ps) == 1 {
			if err := addPeer(ep, ps[0]); err != nil {
				return fmt.Errorf("stack: peer %s: %w", w, err)
			}
			continue
		}
		ins := make([]link.Instance, 0, len(ps))
		for _, p := range ps {
			if p.NodeKey == nil {
				return fmt.Errorf("stack: peer %s: %w", w, ErrAnycastNeedsKeys)
			}
			ins = append(ins, link.Instance{NodeKey: *p.NodeKey, Addr: p.Addr, Locator: p.Locator})
		}
		if err := ep.AddInstances(w, ins); err != nil {
			return fmt.Errorf("stack: anycast peer %s: %w", w, err)
		}
	}
	return nil
}

// ErrAnycastNeedsKeys: a wallet given several peers must give each its
// node key, which tells the instances apart.
var ErrAnycastNeedsKeys = errors.New("stack: several peers for one wallet need a node key each")

// AddPeers adds or updates static peers; several for one wallet are its
// anycast instances and replace what the node knew of the wallet.
func (n *Node) AddPeers(ctx context.Context, peers ...Peer) error {
	r, err := n.start(ctx)
	if err != nil {
		return err
	}
	r.markStatic(peers)
	return addPeers(r.ep, peers)
}

// Instances reports the anycast instances of wallet as this node sees
// them (link.Endpoint.Instances); nil before Up or for a wallet served
// by one node.
func (n *Node) Instances(wallet common.Address) []link.InstanceStatus {
	r, _ := n.current()
	if r == nil {
		return nil
	}
	return r.ep.Instances(wallet)
}
