//go:build !nochain

package pay

import (
	"context"
	"errors"
	"math/big"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// servicePort keeps the services of these tests off the Payee that
// newWorld serves on PaymentPort.
const servicePort = 4021

// events collects a Service's events.
type events struct {
	mu   sync.Mutex
	list []any
	more chan struct{}
}

func newEvents() *events { return &events{more: make(chan struct{}, 1)} }

func (e *events) add(ev any) {
	e.mu.Lock()
	e.list = append(e.list, ev)
	e.mu.Unlock()
	select {
	case e.more <- struct{}{}:
	default:
	}
}

// wait returns the first event fn accepts, waiting for it.
func (e *events) wait(t *testing.T, fn func(any) bool) any {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		e.mu.Lock()
		for _, ev := range e.list {
			if fn(ev) {
				e.mu.Unlock()
				return ev
			}
		}
		e.mu.Unlock()
		select {
		case <-e.more:
		case <-deadline:
			t.Fatal("event never came")
		}
	}
}

func (w *world) service(t testing.TB, key string, st service.Store, ev *events) *Service {
	t.Helper()
	host, k := w.alice, w.aliceKey
	if key == "bob" {
		host, k = w.bob, w.bobKey
	}
	s, err := StartService(ServiceConfig{Host: host, Wallet: NewKeyWallet(k),
		Chain: NewChain(w.Emb.Chain.Client(), w.ChainID, w.dep.Channels), Store: st, Port: servicePort,
		OnEvent: ev.add, Retry: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCoreOnRunner: the payment core on real nodes and a real chain.
// alice sends bob a transfer through the service; opens a channel and
// pays 200 vouchers; bob invoices her, her node shows the invoice with
// bob's verified wallet and pays only once she approves; a budget
// refuses what exceeds it; her service restarts over its pebble store
// and goes on with the channel where it was; a cooperative close pays
// bob exactly what was acknowledged.
func TestCoreOnRunner(t *testing.T) {
	w := newWorld(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	ast, err := service.OpenPebble(filepath.Join(dir, "alice"))
	if err != nil {
		t.Fatal(err)
	}
	defer ast.Close()
	bst, err := service.OpenPebble(filepath.Join(dir, "bob"))
	if err != nil {
		t.Fatal(err)
	}
	defer bst.Close()
	aev, bev := newEvents(), newEvents()
	alice := w.service(t, "alice", ast, aev)
	bob := w.service(t, "bob", bst, bev)
	defer bob.Close()
	bobW, aliceW := w.bob.Addr(), w.alice.Addr()

	// A transfer, by the payee's submission.
	before, _ := w.payer.Chain.Balance(ctx, common.Address{}, bobW)
	rc, err := alice.Send(ctx, bobW, common.Address{}, big.NewInt(12345), "coffee")
	if err != nil {
		t.Fatal(err)
	}
	after, _ := w.payer.Chain.Balance(ctx, common.Address{}, bobW)
	if d := new(big.Int).Sub(after, before); d.Cmp(big.NewInt(12345)) != 0 || rc.TxHash == (common.Hash{}) {
		t.Fatalf("bob gained %s, receipt %+v", d, rc)
	}

	// A channel and 200 vouchers.
	id, err := alice.OpenChannel(ctx, bobW, common.Address{}, big.NewInt(1_000_000))
	if err != nil {
		t.Fatal(err)
	}
	for range 200 {
		if _, err := alice.Pay(ctx, bobW, common.Address{}, big.NewInt(10), "test"); err != nil {
			t.Fatal(err)
		}
	}
	if err := alice.WaitAcked(ctx, id, big.NewInt(2000)); err != nil {
		t.Fatal(err)
	}

	// An invoice waits for consent.
	inv, err := bob.Invoice(ctx, aliceW, common.Address{}, big.NewInt(500), "lunch", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	asked := aev.wait(t, func(e any) bool { a, ok := e.(InvoiceAsked); return ok && a.Invoice.ID == inv }).(InvoiceAsked)
	if asked.Invoice.From != bobW || asked.Invoice.Amount.Cmp(big.NewInt(500)) != 0 || asked.Invoice.Memo != "lunch" {
		t.Fatalf("asked %+v", asked.Invoice)
	}
	snap, _ := bob.State(ctx)
	if snap.Paid[0].Cumulative.Cmp(big.NewInt(2000)) != 0 || snap.Issued[0].State != StateAsked {
		t.Fatalf("bob before consent: %+v", snap)
	}
	if _, err := alice.Approve(ctx, inv); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Approve(ctx, inv); !errors.Is(err, ErrReplayed) {
		t.Fatalf("second approval: %v", err)
	}
	settled := bev.wait(t, func(e any) bool { s, ok := e.(InvoiceSettled); return ok && s.Invoice.ID == inv }).(InvoiceSettled)
	if settled.Invoice.State != StatePaid {
		t.Fatalf("settled %+v", settled.Invoice)
	}
	// A refused invoice is declined at bob's.
	inv2, _ := bob.Invoice(ctx, aliceW, common.Address{}, big.NewInt(7), "no", 0)
	aev.wait(t, func(e any) bool { a, ok := e.(InvoiceAsked); return ok && a.Invoice.ID == inv2 })
	if err := alice.Refuse(ctx, inv2, "not mine"); err != nil {
		t.Fatal(err)
	}
	dec := bev.wait(t, func(e any) bool { s, ok := e.(InvoiceSettled); return ok && s.Invoice.ID == inv2 }).(InvoiceSettled)
	if dec.Invoice.State != StateDeclined || dec.Invoice.Reason != "not mine" {
		t.Fatalf("declined %+v", dec.Invoice)
	}

	// Budgets, per peer and per app.
	if err := alice.SetBudget(ctx, Budget{Peer: bobW, Limit: big.NewInt(3000)}); err != nil {
		t.Fatal(err)
	}
	if err := alice.SetBudget(ctx, Budget{App: "vpn", Limit: big.NewInt(100)}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Pay(ctx, bobW, common.Address{}, big.NewInt(101), "vpn"); !errors.Is(err, ErrOverBudget) {
		t.Fatalf("over the app budget: %v", err)
	}
	if _, err := alice.Pay(ctx, bobW, common.Address{}, big.NewInt(100), "vpn"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Pay(ctx, bobW, common.Address{}, big.NewInt(2901), "other"); !errors.Is(err, ErrOverBudget) {
		t.Fatalf("over the peer budget: %v", err)
	}

	// Restart alice's service over its store: the channel goes on.
	if err := alice.Close(); err != nil {
		t.Fatal(err)
	}
	alice = w.service(t, "alice", ast, aev)
	defer alice.Close()
	p, err := alice.Pay(ctx, bobW, common.Address{}, big.NewInt(5), "test")
	if err != nil {
		t.Fatal(err)
	}
	if want := big.NewInt(2000 + 500 + 100 + 5); p.Cumulative.Cmp(want) != 0 {
		t.Fatalf("after restart cumulative %s, want %s", p.Cumulative, want)
	}
	if err := alice.WaitAcked(ctx, id, p.Cumulative); err != nil {
		t.Fatal(err)
	}

	// Cooperative close: bob is paid exactly that.
	before, _ = w.payer.Chain.Balance(ctx, common.Address{}, bobW)
	if _, err := alice.CloseChannel(ctx, id); err != nil {
		t.Fatal(err)
	}
	after, _ = w.payer.Chain.Balance(ctx, common.Address{}, bobW)
	if d := new(big.Int).Sub(after, before); d.Cmp(p.Cumulative) != 0 {
		t.Fatalf("bob gained %s on close, want %s", d, p.Cumulative)
	}
}
