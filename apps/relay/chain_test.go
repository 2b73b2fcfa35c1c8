//go:build !nochain

package relay

import (
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/apps/pay"
)

// chainWorld is an embedded chain with RelayCredits deployed by a
// Guardian, and funded wallets.
type chainWorld struct {
	*apptest.Chain
	contract *Contract
	guardian *pay.KeyWallet
}

func newChainWorld(t testing.TB) (*chainWorld, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	w := &chainWorld{Chain: apptest.NewChain(t)}
	w.guardian = w.wallet(t, ctx)
	chain := pay.NewChain(w.Emb.Chain.Client(), w.ChainID, common.Address{})
	var err error
	if w.contract, err = Deploy(ctx, chain, w.guardian); err != nil {
		t.Fatal(err)
	}
	return w, ctx
}

// wallet returns a new wallet holding the chain's funding.
func (w *chainWorld) wallet(t testing.TB, ctx context.Context) *pay.KeyWallet {
	t.Helper()
	k, _ := crypto.GenerateKey()
	kw := pay.NewKeyWallet(k)
	if err := w.Emb.Fund(ctx, kw.Address()); err != nil {
		t.Fatal(err)
	}
	return kw
}

// TestSettleOnChain: a Guardian scores an epoch from signed receipts and
// probe results, posts the commitment, two Edges claim their credits with
// their proofs and withdraw them; a forged claim (more than committed, or
// another Edge's proof), a second claim and a claim before the commitment
// are refused.
func TestSettleOnChain(t *testing.T) {
	w, ctx := newChainWorld(t)
	const epoch = 7
	edges := []*pay.KeyWallet{w.wallet(t, ctx), w.wallet(t, ctx)}
	dog := newWallet(t)
	p := DefaultParams(dog.Address())
	p.PricePerGiB = big.NewInt(1e18) // 1 ether per GiB: visible figures

	ev := Evidence{Epoch: epoch}
	for i, e := range edges {
		ep := newWallet(t)
		ev.Receipts = append(ev.Receipts, receipt(t, ep, e.Address(), epoch, 1, uint64(i+1)<<30))
		ev.Probes = append(ev.Probes, probes(t, dog, e.Address(), epoch, 10, 10)...)
		ev.Stakes.Stakes = append(ev.Stakes.Stakes, etherEach(1, e.Address()).Stakes...)
	}
	scores := Compute(ev, p)
	cm := Commit(scores)
	if len(cm.Claims) != 2 {
		t.Fatalf("claims: %+v", cm.Claims)
	}

	cl0, _ := cm.ClaimOf(edges[0].Address())
	if _, err := w.contract.Claim(ctx, edges[0], epoch, cl0); !errors.Is(err, ErrNotCommitted) {
		t.Fatalf("claim before commit: %v", err)
	}
	if _, err := w.contract.Post(ctx, w.guardian, cm); err != nil {
		t.Fatal(err)
	}
	root, total, err := w.contract.Committed(ctx, epoch)
	if err != nil || root != cm.Root || total.Cmp(cm.Total) != 0 {
		t.Fatalf("on chain: %x %v %v, want %x %v", root, total, err, cm.Root, cm.Total)
	}
	// An outsider cannot post an epoch.
	if _, err := w.contract.Post(ctx, edges[0], Commitment{Epoch: epoch + 1, Root: cm.Root, Total: new(big.Int)}); err == nil {
		t.Fatal("a non-guardian posted a commitment")
	}

	forged := cl0
	forged.Amount = new(big.Int).Mul(cl0.Amount, big.NewInt(2))
	if _, err := w.contract.Claim(ctx, edges[0], epoch, forged); !errors.Is(err, ErrBadProof) {
		t.Fatalf("inflated claim: %v", err)
	}
	cl1, _ := cm.ClaimOf(edges[1].Address())
	stolen := Claim{Edge: edges[0].Address(), Amount: cl1.Amount, Proof: cl1.Proof}
	if _, err := w.contract.Claim(ctx, edges[0], epoch, stolen); !errors.Is(err, ErrBadProof) {
		t.Fatalf("claim with another Edge's proof: %v", err)
	}

	for i, e := range edges {
		cl, _ := cm.ClaimOf(e.Address())
		if _, err := w.contract.Claim(ctx, e, epoch, cl); err != nil {
			t.Fatalf("edge %d: %v", i, err)
		}
		bal, err := w.contract.Balance(ctx, e.Address())
		if err != nil || bal.Cmp(cl.Amount) != 0 {
			t.Fatalf("edge %d balance %v (%v), want %v", i, bal, err, cl.Amount)
		}
		// 1 and 2 GiB at 1 ether per GiB, less the 2 % fee.
		want := new(big.Int).Mul(big.NewInt(int64(i+1)*98), big.NewInt(1e16))
		if cl.Amount.Cmp(want) != 0 {
			t.Fatalf("edge %d credit %v, want %v", i, cl.Amount, want)
		}
	}
	if _, err := w.contract.Claim(ctx, edges[0], epoch, cl0); !errors.Is(err, ErrClaimed) {
		t.Fatalf("second claim: %v", err)
	}

	before, _ := w.Emb.Chain.Client().BalanceAt(ctx, edges[1].Address(), nil)
	if err := w.contract.Withdraw(ctx, edges[1]); err != nil {
		t.Fatal(err)
	}
	after, _ := w.Emb.Chain.Client().BalanceAt(ctx, edges[1].Address(), nil)
	gain := new(big.Int).Sub(after, before)
	// The credit less the gas of the withdrawal.
	if gain.Cmp(cl1.Amount) >= 0 || gain.Cmp(new(big.Int).Sub(cl1.Amount, big.NewInt(1e16))) < 0 {
		t.Fatalf("withdrew %v for a credit of %v", gain, cl1.Amount)
	}
}

// TestClaimMany: one transaction settles many Edges' credits.
func TestClaimMany(t *testing.T) {
	w, ctx := newChainWorld(t)
	const epoch, n = 3, 20
	dog := newWallet(t)
	ev := Evidence{Epoch: epoch}
	var edges []common.Address
	for i := range n {
		e := common.BigToAddress(big.NewInt(int64(1000 + i)))
		edges = append(edges, e)
		ev.Receipts = append(ev.Receipts, receipt(t, newWallet(t), e, epoch, 1, 1<<30))
		ev.Probes = append(ev.Probes, probes(t, dog, e, epoch, 10, 10)...)
	}
	ev.Stakes = etherEach(1, edges...)
	cm := Commit(Compute(ev, DefaultParams(dog.Address())))
	if _, err := w.contract.Post(ctx, w.guardian, cm); err != nil {
		t.Fatal(err)
	}
	if _, err := w.contract.ClaimMany(ctx, w.guardian, epoch, cm.Claims); err != nil {
		t.Fatal(err)
	}
	for _, e := range edges {
		cl, _ := cm.ClaimOf(e)
		if bal, err := w.contract.Balance(ctx, e); err != nil || bal.Cmp(cl.Amount) != 0 {
			t.Fatalf("%s: balance %v (%v), want %v", e, bal, err, cl.Amount)
		}
	}
}
