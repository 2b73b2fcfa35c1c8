//go:build !nochain

package relay

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
)

// flakyBackend refuses the first fails transactions, as a chain
// endpoint that is down for a while.
type flakyBackend struct {
	pay.Backend
	fails atomic.Int32
}

var errChainDown = errors.New("test: chain endpoint down")

func (f *flakyBackend) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if f.fails.Add(-1) >= 0 {
		return errChainDown
	}
	return f.Backend.SendTransaction(ctx, tx)
}

// TestCommitRetried: a Guardian whose chain endpoint refuses its first
// two commit transactions tries again, with a backoff, while it runs,
// and the third lands: the root on chain is the published evidence's.
func TestCommitRetried(t *testing.T) {
	w := apptest.NewChain(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	node, key := w.Node(t, ctx)
	contract, err := Deploy(ctx, pay.NewChain(w.Emb.Chain.Client(), w.ChainID, common.Address{}), pay.NewKeyWallet(key))
	if err != nil {
		t.Fatal(err)
	}

	// An epoch the Guardian settled and published, not yet committed.
	const epoch = 7
	params := DefaultParams()
	params.MinProbes, params.WarnPPM, params.SuspendPPM = 0, 0, 0
	edge := common.Address{0xe1}
	ev := Evidence{Epoch: epoch, Receipts: []Submitted{receipt(t, newWallet(t), edge, epoch, 1, 3<<30)}, Stakes: etherEach(1, edge)}
	want := Commit(Compute(ev, params))
	pub := Published{Guardian: node.Addr(), Params: params, Evidence: ev}
	b, err := pub.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	st, err := service.OpenPebble(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Apply([]service.Write{{Key: publishedKey(epoch), Value: b}}); err != nil {
		t.Fatal(err)
	}

	flaky := &flakyBackend{Backend: w.Emb.Chain.Client()}
	flaky.fails.Store(2)
	evs := newEvents()
	svc, err := StartService(ServiceConfig{Host: node, Wallet: pay.NewKeyWallet(key), Roles: RoleGuardian, Store: st,
		Contract: &Contract{Chain: pay.NewChain(flaky, w.ChainID, common.Address{}), Address: contract.Address},
		Epoch:    time.Hour, Params: params, OnEvent: evs.add, CommitRetry: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })

	done := evs.wait(t, "the commit", func(e any) bool { c, ok := e.(Committed); return ok && c.Tx != (common.Hash{}) }).(Committed)
	var failed int
	evs.mu.Lock()
	defer evs.mu.Unlock()
	for _, e := range evs.list {
		if c, ok := e.(Committed); ok && c.Err != nil {
			if !errors.Is(c.Err, errChainDown) {
				t.Fatalf("a commit failed for another reason: %v", c.Err)
			}
			failed++
		}
	}
	if failed != 2 {
		t.Fatalf("%d failed attempts before the commit, want 2", failed)
	}
	root, total, err := contract.Committed(ctx, epoch)
	if err != nil || root != want.Root || total.Cmp(want.Total) != 0 || done.Root != want.Root {
		t.Fatalf("on chain %s %v (%v), want %s %s", root, total, err, want.Root, want.Total)
	}
}

// TestRefreshContractAndFee: an Edge reads the contract and its
// Guardian's fee again at the start of every epoch: when the Guardian
// moves to another RelayCredits deployment and another fee, the Edge's
// status shows them from the next epoch on, without a restart.
func TestRefreshContractAndFee(t *testing.T) {
	w := apptest.NewChain(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	node, key := w.Node(t, ctx)
	chain := pay.NewChain(w.Emb.Chain.Client(), w.ChainID, common.Address{})
	first, err := Deploy(ctx, chain, pay.NewKeyWallet(key))
	if err != nil {
		t.Fatal(err)
	}
	second, err := Deploy(ctx, chain, pay.NewKeyWallet(key))
	if err != nil {
		t.Fatal(err)
	}
	var cur atomic.Pointer[Refreshed]
	cur.Store(&Refreshed{Contract: first, FeeBps: 200, HasFee: true})
	var calls atomic.Int32
	var down atomic.Bool
	st, err := service.OpenPebble(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	params := DefaultParams()
	svc, err := StartService(ServiceConfig{Host: node, Wallet: pay.NewKeyWallet(key), Roles: RoleEdge, Store: st,
		Contract: first, Epoch: time.Second, Params: params,
		Refresh: func(context.Context) (Refreshed, error) {
			calls.Add(1)
			if down.Load() {
				return Refreshed{}, errChainDown
			}
			return *cur.Load(), nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })

	status := func() NodeStatus {
		t.Helper()
		s, err := svc.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := status(); s.Contract != first.Address || s.Params.FeeBps != 200 {
		t.Fatalf("at start: contract %s, fee %d", s.Contract, s.Params.FeeBps)
	}
	cur.Store(&Refreshed{Contract: second, FeeBps: 350, HasFee: true})
	for {
		s := status()
		if s.Contract == second.Address && s.Params.FeeBps == 350 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("never refreshed: contract %s, fee %d after %d calls", s.Contract, s.Params.FeeBps, calls.Load())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if calls.Load() == 0 {
		t.Fatal("Refresh was never called")
	}
	// An error keeps what is in force.
	down.Store(true)
	if r, err := svc.Refresh(ctx); !errors.Is(err, errChainDown) || r.Contract != second || r.FeeBps != 350 {
		t.Fatalf("failed refresh: %+v, %v", r, err)
	}
}
