//go:build !nochain

package apptest

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/crypto"
)

// Chain is an embedded chain and an in-memory underlay (MTU
// link.MinUnderlayMTU) for nodes that resolve names on it.
type Chain struct {
	Emb     *naming.Embedded
	ChainID *big.Int
	Net     *mem.Network
}

// NewChain opens an embedded chain in a temporary directory; it and the
// underlay close when t ends.
func NewChain(t testing.TB) *Chain {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	emb, err := naming.OpenEmbedded(ctx, naming.EmbeddedConfig{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	c := &Chain{Emb: emb, ChainID: new(big.Int).SetUint64(emb.Chain.ChainID()),
		Net: mem.NewNetwork(mem.Config{MTU: link.MinUnderlayMTU})}
	t.Cleanup(func() { c.Net.Close() })
	return c
}

// Node funds a fresh wallet, attaches a node for it that resolves names
// on the chain and publishes its DID document; the node closes when t
// ends.
func (c *Chain) Node(t testing.TB, ctx context.Context) (*stack.Node, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Emb.Fund(ctx, crypto.PubkeyToAddress(key.PublicKey)); err != nil {
		t.Fatal(err)
	}
	u, err := c.Net.Attach()
	if err != nil {
		t.Fatal(err)
	}
	n := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(key), Names: c.Emb.Client}
	t.Cleanup(func() { n.Close() })
	if err := n.Publish(ctx, naming.Transactor(key, c.ChainID)); err != nil {
		t.Fatal(err)
	}
	return n, key
}

// NodeOf attaches another node of key's wallet (funded already, by
// Node): a node key of its own, published into the same DID document,
// so the wallet is served by several nodes; it closes when t ends.
func (c *Chain) NodeOf(t testing.TB, ctx context.Context, key *ecdsa.PrivateKey) *stack.Node {
	t.Helper()
	u, err := c.Net.Attach()
	if err != nil {
		t.Fatal(err)
	}
	n := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(key), Names: c.Emb.Client}
	t.Cleanup(func() { n.Close() })
	if err := n.Publish(ctx, naming.Transactor(key, c.ChainID)); err != nil {
		t.Fatal(err)
	}
	return n
}
