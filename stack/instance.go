package stack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
)

// Instances: anycast sends a flow to whichever node of a wallet is
// nearest. To reach one node in particular — the replicas of one wallet
// talking to each other — every node has, besides its wallet's identity
// address, an instance address of its own (InstanceAddr; package link,
// "Instance addresses"). Dial "[instance address]:port" reaches that
// node only, from this node's own instance address, so the answers come
// back to this node even when both nodes serve the same wallet. A node
// learns the instance addresses of a wallet's nodes from the wallet's
// DID document (LookupInstances), or is told one (AddInstance).

// ErrInstanceNeedsKey: an instance is named by its node key.
var ErrInstanceNeedsKey = errors.New("stack: an instance needs its node key")

// Instance is one node serving a wallet.
type Instance struct {
	Wallet  common.Address
	NodeKey transport.PublicKey
	// Addr is the node's instance address: Dial "[Addr]:port" reaches
	// this node only.
	Addr netip.Addr
}

// InstanceAddr returns the instance address of the node with node key
// key serving wallet: fc00::/8 followed by the first 15 bytes of
// SHA-256("anynet instance address v1" || wallet || key).
func InstanceAddr(wallet common.Address, key transport.PublicKey) netip.Addr {
	return link.InstanceAddr(wallet, key)
}

// InstanceAddr returns this node's own instance address; the zero Addr
// before Up.
func (n *Node) InstanceAddr() netip.Addr {
	r, _ := n.current()
	if r == nil {
		return netip.Addr{}
	}
	return r.inst
}

// AddInstance makes the node p (its wallet, node key, and underlay
// address or locator) reachable at its instance address, which it
// returns, without touching how p's wallet is reached: anycast and
// static peers stay as they were. It is how a node without the chain
// learns the other nodes of a wallet, its own wallet included.
func (n *Node) AddInstance(ctx context.Context, p Peer) (netip.Addr, error) {
	r, err := n.start(ctx)
	if err != nil {
		return netip.Addr{}, err
	}
	if p.NodeKey == nil {
		return netip.Addr{}, fmt.Errorf("stack: instance of %s: %w", p.Wallet, ErrInstanceNeedsKey)
	}
	if *p.NodeKey == r.key.Public && p.Wallet == r.wallet {
		return r.inst, nil
	}
	a, err := r.ep.AddInstancePeer(p.Wallet, link.Instance{NodeKey: *p.NodeKey, Addr: p.Addr, Locator: p.Locator})
	if err != nil {
		return netip.Addr{}, fmt.Errorf("stack: %w", err)
	}
	return a, nil
}

// LookupInstances returns every node serving host's wallet (host as
// Dial takes it: a "0x…" wallet or a name), each reachable at its
// instance address from now on. They come from the static Peers with a
// node key, and from the Resolver (a MultiResolver's ResolveAll) or,
// with Names, the wallet's DID document: every valid node key published
// with an underlay endpoint, or with a locator for an attached host.
// This node's own wallet may be asked for: the list then holds this
// node too, at its own instance address. The order is stable: by node
// key.
func (n *Node) LookupInstances(ctx context.Context, host string) ([]Instance, error) {
	r, err := n.start(ctx)
	if err != nil {
		return nil, err
	}
	wallet, peers, err := n.instancePeers(ctx, r, host)
	if err != nil {
		return nil, fmt.Errorf("lookup instances of %s: %w", host, err)
	}
	byKey := make(map[transport.PublicKey]Peer)
	for _, p := range n.Peers {
		if p.Wallet == wallet && p.NodeKey != nil {
			byKey[*p.NodeKey] = p
		}
	}
	for _, p := range peers {
		if p.NodeKey != nil {
			if _, static := byKey[*p.NodeKey]; !static {
				byKey[*p.NodeKey] = p
			}
		}
	}
	if wallet == r.wallet {
		byKey[r.key.Public] = Peer{Wallet: wallet, NodeKey: &r.key.Public}
	}
	out := make([]Instance, 0, len(byKey))
	for key, p := range byKey {
		a, err := n.AddInstance(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("lookup instances of %s: %w", host, err)
		}
		out = append(out, Instance{Wallet: wallet, NodeKey: key, Addr: a})
	}
	slices.SortFunc(out, func(a, b Instance) int { return bytes.Compare(a.NodeKey[:], b.NodeKey[:]) })
	return out, nil
}

// instancePeers resolves host to its wallet and the peers the resolver
// or the chain knows for it.
func (n *Node) instancePeers(ctx context.Context, r *running, host string) (common.Address, []Peer, error) {
	res := n.Resolver
	if res == nil && r.names != nil {
		res = r.names
	}
	wallet, isWallet := parseWallet(host)
	if r.names != nil && (n.Resolver == nil || isWallet) {
		if !isWallet {
			p, err := r.names.Resolve(ctx, host)
			if err != nil {
				return common.Address{}, nil, err
			}
			wallet = p.Wallet
		}
		doc, err := r.names.names.DIDDocument(ctx, wallet)
		if err != nil {
			return common.Address{}, nil, err
		}
		var peers []Peer
		if r.names.routed {
			peers = routedInstances(doc, r.names.mine) // anycast.go
		}
		if len(peers) == 0 {
			peers = instancesFromDocument(doc)
		}
		return wallet, peers, nil
	}
	if res == nil {
		if isWallet {
			return wallet, nil, nil // the static peers alone
		}
		return common.Address{}, nil, fmt.Errorf("%w: %s", ErrNoResolver, host)
	}
	if isWallet && (wallet == r.wallet || r.isStatic(wallet)) {
		return wallet, nil, nil
	}
	peers, err := resolveAll(ctx, res, host) // anycast.go
	if err != nil {
		return common.Address{}, nil, err
	}
	return peers[0].Wallet, peers, nil
}
