//go:build !nochain

package pay

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
)

// challengeSeconds is the test deployment's challenge period.
const challengeSeconds = 3600

// world is an embedded chain with the payment contracts, and two nodes
// on it that published themselves: alice (payer) and bob (payee, named
// bob.anynet, serving payments on port 402).
type world struct {
	*apptest.Chain
	dep      Deployment
	minter   *KeyWallet
	alice    *stack.Node
	bob      *stack.Node
	aliceKey *ecdsa.PrivateKey
	bobKey   *ecdsa.PrivateKey
	payer    *Client
	payee    *Payee
}

func newWorld(t testing.TB, store Store, opts ...func(*Payee)) *world {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	w := &world{Chain: apptest.NewChain(t)}
	emb := w.Emb

	mk, _ := crypto.GenerateKey()
	w.minter = NewKeyWallet(mk)
	if err := emb.Fund(ctx, w.minter.Address()); err != nil {
		t.Fatal(err)
	}
	var err error
	w.dep, err = Deploy(ctx, emb.Chain.Client(), w.ChainID, w.minter, challengeSeconds, true)
	if err != nil {
		t.Fatal(err)
	}
	w.alice, w.aliceKey = w.Node(t, ctx)
	w.bob, w.bobKey = w.Node(t, ctx)
	if _, err := emb.Client.ClaimName(ctx, naming.Transactor(w.bobKey, w.ChainID), "bob"); err != nil {
		t.Fatal(err)
	}
	chain := func() *Chain { return NewChain(emb.Chain.Client(), w.ChainID, w.dep.Channels) }
	w.payer = &Client{Wallet: NewKeyWallet(w.aliceKey), Chain: chain(), Peers: w.alice}
	w.payee = &Payee{Wallet: NewKeyWallet(w.bobKey), Chain: chain(), Peers: w.bob, Store: store}
	for _, o := range opts {
		o(w.payee)
	}
	w.serve(t, w.payee)
	return w
}

// serve runs p on bob's port 402 until the test ends.
func (w *world) serve(t testing.TB, p *Payee) {
	t.Helper()
	l, err := w.bob.Listen("tcp", ":402")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				p.ServeConn(ctx, c)
			}()
		}
	}()
	t.Cleanup(func() { cancel(); l.Close(); <-done })
}

// dial connects alice to bob by name.
func (w *world) dial(t testing.TB) net.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	c, err := w.alice.Dial(ctx, "tcp", "bob.anynet:402")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
}

func asPeerError(err error, pe **PeerError) bool { return errors.As(err, pe) }
