package apptest

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Ctx bounds a test's blocking calls; it is cancelled when t ends. It
// never asserts on time.
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// Keys is one wallet's identity: it survives a restart of its node.
type Keys struct {
	Key     *ecdsa.PrivateKey
	NodeKey transport.NodeKey
	Wallet  common.Address
}

// NewKeys makes a fresh wallet key and node key.
func NewKeys(t testing.TB) Keys {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	nk, err := transport.GenerateNodeKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return Keys{Key: k, NodeKey: nk, Wallet: crypto.PubkeyToAddress(k.PublicKey)}
}

// Net is one in-memory underlay whose running nodes (Up) are all static
// peers of each other. The underlay's own methods (SetFilter, Stats,
// Attach for a node set up by hand) stay available.
type Net struct {
	*mem.Network
	t testing.TB

	mu    sync.Mutex
	nodes []*stack.Node
}

// NewNet makes an empty Net; its underlay closes when t ends (after
// the cleanups registered later, such as the nodes').
func NewNet(t testing.TB, cfg mem.Config) *Net {
	n := &Net{Network: mem.NewNetwork(cfg), t: t}
	t.Cleanup(func() { n.Close() })
	return n
}

// Up attaches a node with k's keys, brings it up and makes it and every
// running node of n peers of each other. The caller closes it with Down.
func (n *Net) Up(ctx context.Context, k Keys) *stack.Node {
	t := n.t
	t.Helper()
	u, err := n.Attach()
	if err != nil {
		t.Fatal(err)
	}
	nk := k.NodeKey
	node := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(k.Key), NodeKey: &nk}
	if err := node.Up(ctx); err != nil {
		t.Fatal(err)
	}
	n.mu.Lock()
	others := slices.Clone(n.nodes)
	n.nodes = append(n.nodes, node)
	n.mu.Unlock()
	for _, o := range others {
		if err := node.AddPeer(ctx, o.Self()); err != nil {
			t.Fatal(err)
		}
		if err := o.AddPeer(ctx, node.Self()); err != nil {
			t.Fatal(err)
		}
	}
	return node
}

// Down closes node and forgets it; nil is a no-op.
func (n *Net) Down(node *stack.Node) {
	if node == nil {
		return
	}
	n.mu.Lock()
	n.nodes = slices.DeleteFunc(n.nodes, func(o *stack.Node) bool { return o == node })
	n.mu.Unlock()
	node.Close()
}

// Nodes starts count nodes with fresh keys on a new Net, peers of each
// other, closed when t ends.
func Nodes(t testing.TB, count int) []*stack.Node {
	t.Helper()
	ctx := Ctx(t)
	n := NewNet(t, mem.Config{})
	var nodes []*stack.Node
	for range count {
		node := n.Up(ctx, NewKeys(t))
		t.Cleanup(func() { n.Down(node) })
		nodes = append(nodes, node)
	}
	return nodes
}
