//go:build !nochain

package relay

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
)

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
func (e *events) wait(t *testing.T, what string, fn func(any) bool) any {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	for {
		e.mu.Lock()
		list := slices.Clone(e.list)
		e.mu.Unlock()
		for _, ev := range list {
			if fn(ev) {
				return ev
			}
		}
		select {
		case <-e.more:
		case <-deadline:
			t.Fatalf("%s never came", what)
		}
	}
}

// delivered sums the bytes the endpoint saw delivered through edge in epoch.
func (e *events) delivered(edge common.Address, epoch uint64) uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	var n uint64
	for _, ev := range e.list {
		if d, ok := ev.(Delivered); ok && d.Edge == edge && d.Epoch == epoch {
			n += uint64(d.Bytes)
		}
	}
	return n
}

type relayNode struct {
	node *stack.Node
	key  *ecdsa.PrivateKey
	svc  *Service
	ev   *events
}

// TestServiceEndToEnd: five real nodes on the embedded chain, each with
// the relay service on its runner and a pebble store. A sends B a flow
// through the Edge E; the WatchDog W probes E with flows echoed by B;
// the Guardian G settles the epoch, publishes its evidence on
// EvidencePort and commits the root on chain. A fetches the evidence and
// recomputes every score: the root matches the chain, and E's credited
// bytes are the bytes the endpoints saw delivered through it (within
// 1 %); altered evidence does not match. E claims its credit with its
// proof (a second claim is refused) and withdraws it. G's DID document
// names its role.
func TestServiceEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("real epochs: several seconds")
	}
	w := apptest.NewChain(t)
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	names := []string{"A", "B", "E", "W", "G"}
	nodes := map[string]*relayNode{}
	for _, n := range names {
		node, key := w.Node(t, ctx)
		nodes[n] = &relayNode{node: node, key: key, ev: newEvents()}
	}
	addr := func(n string) common.Address { return nodes[n].node.Addr() }
	chain := pay.NewChain(w.Emb.Chain.Client(), w.ChainID, common.Address{})
	contract, err := Deploy(ctx, chain, pay.NewKeyWallet(nodes["G"].key))
	if err != nil {
		t.Fatal(err)
	}
	// E stakes 0.1 ether: its ceiling for unstaked endpoints, 1.6 GiB.
	stake := big.NewInt(1e17)
	if _, err := contract.Stake(ctx, pay.NewKeyWallet(nodes["E"].key), stake); err != nil {
		t.Fatal(err)
	}

	const epochLen = 8 * time.Second
	params := DefaultParams(addr("W"))
	params.MinProbes = 3
	roles := map[string]Roles{"E": RoleEdge, "W": RoleWatchDog, "G": RoleGuardian}
	for _, n := range names {
		rn := nodes[n]
		st, err := service.OpenPebble(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		cfg := ServiceConfig{Host: rn.node, Wallet: pay.NewKeyWallet(rn.key), Roles: roles[n], Store: st,
			Contract: &Contract{Chain: pay.NewChain(w.Emb.Chain.Client(), w.ChainID, common.Address{}), Address: contract.Address},
			Epoch:    epochLen, Grace: time.Second, Guardians: []common.Address{addr("G")}, Params: params,
			OnEvent: rn.ev.add}
		if n == "W" {
			cfg.Edges, cfg.ProbePartner, cfg.ProbesPerEpoch, cfg.ProbeTimeout = []common.Address{addr("E")}, addr("B"), 4, 3*time.Second
		}
		if rn.svc, err = StartService(cfg); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rn.svc.Close() })
	}
	a, e, g := nodes["A"].svc, nodes["E"].svc, nodes["G"].svc

	// Warm the overlay's connections (handshakes, DID lookups) before
	// the measured epoch.
	if _, err := a.Send(ctx, addr("E"), addr("B"), 1024, false); err != nil {
		t.Fatal(err)
	}
	nodes["B"].ev.wait(t, "warm-up flow", func(ev any) bool { d, ok := ev.(Delivered); return ok && d.From == addr("A") })
	if _, err := nodes["W"].svc.Send(ctx, addr("E"), addr("B"), 1024, true); err != nil {
		t.Fatal(err)
	}
	nodes["W"].ev.wait(t, "warm-up echo", func(ev any) bool { d, ok := ev.(Delivered); return ok && d.From == addr("B") })

	// The measured epoch: the next one that starts.
	epoch := e.Epoch(time.Now()) + 1
	time.Sleep(time.Until(time.Unix(0, int64(epoch)*int64(epochLen))) + 100*time.Millisecond)
	if got := e.Epoch(time.Now()); got != epoch {
		t.Fatalf("in epoch %d, want %d", got, epoch)
	}
	if _, err := a.Send(ctx, addr("E"), addr("B"), 1<<20, false); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Send(ctx, addr("E"), addr("B"), 300<<10, true); err != nil {
		t.Fatal(err)
	}

	// Before settlement, E's status shows what it would earn and the fee.
	nodes["B"].ev.wait(t, "the flow", func(any) bool { return nodes["B"].ev.delivered(addr("E"), epoch) >= 1<<20+300<<10 })
	if st, err := e.Status(ctx); err != nil {
		t.Fatal(err)
	} else if len(st.Pending) == 0 || st.Pending[len(st.Pending)-1].Epoch != epoch || st.Pending[len(st.Pending)-1].Fee.Sign() <= 0 {
		t.Fatalf("pending before settlement: %+v", st.Pending)
	}

	cm := nodes["G"].ev.wait(t, "the commitment", func(ev any) bool { c, ok := ev.(Committed); return ok && c.Epoch == epoch }).(Committed)
	if cm.Err != nil || cm.Tx == (common.Hash{}) || cm.Total.Sign() <= 0 {
		t.Fatalf("commitment: %+v", cm)
	}

	// Anyone recomputes the epoch from the published evidence.
	v, err := a.Score(ctx, epoch, addr("G"))
	if err != nil {
		t.Fatal(err)
	}
	if !v.Match || v.OnChain != cm.Root {
		t.Fatalf("recomputed root %s, on chain %s (committed %s)", v.Commitment.Root, v.OnChain, cm.Root)
	}
	sc, ok := v.Scores.Of(addr("E"))
	if !ok {
		t.Fatal("no score for the Edge")
	}
	var truth uint64
	for _, rn := range nodes {
		truth += rn.ev.delivered(addr("E"), epoch)
	}
	t.Logf("edge %s: %d bytes credited of %d delivered, %d/%d probes, %s %s, net %s wei (fee %s)",
		sc.Edge, sc.Delivered, truth, sc.Answered, sc.Probes, sc.Status, sc.Why, sc.Net, sc.Fee)
	if sc.Delivered > truth || sc.Delivered*100 < truth*99 {
		t.Fatalf("credited %d bytes, %d delivered", sc.Delivered, truth)
	}
	if sc.Status != StatusOK && sc.Status != StatusWarned {
		t.Fatalf("edge %s: %s", sc.Status, sc.Why)
	}
	if snap := v.Published.Evidence.Stakes; snap.Block == 0 || snap.Of(addr("E")).Cmp(stake) != 0 || sc.Ceiling != stakeBytes(stake, params.BytesPerEther) {
		t.Fatalf("stake snapshot %+v, ceiling %d: E's stake of %v not in it", snap, sc.Ceiling, stake)
	}

	// Evidence altered after the fact does not match the chain.
	forged := *v.Published
	forged.Evidence.Receipts = forged.Evidence.Receipts[1:]
	if fv, err := Recompute(ctx, &forged, contract); err != nil || fv.Match {
		t.Fatalf("evidence without a receipt: match %v, %v", fv.Match, err)
	}

	// The Edge claims with its proof, once, and withdraws.
	res, err := e.Claim(ctx, epoch)
	if err != nil {
		t.Fatal(err)
	}
	if res.Amount.Cmp(sc.Net) != 0 {
		t.Fatalf("claimed %s, scored %s", res.Amount, sc.Net)
	}
	if _, err := e.Claim(ctx, epoch); !errors.Is(err, ErrClaimed) {
		t.Fatalf("second claim: %v", err)
	}
	st, err := e.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Balance.Cmp(res.Amount) != 0 || len(st.Scores) == 0 || st.Scores[len(st.Scores)-1].Claimed != res.Tx {
		t.Fatalf("status after the claim: balance %s, scores %+v", st.Balance, st.Scores)
	}
	got, err := e.Withdraw(ctx)
	if err != nil || got.Cmp(res.Amount) != 0 {
		t.Fatalf("withdrew %v, %v", got, err)
	}
	if bal, err := contract.Balance(ctx, addr("E")); err != nil || bal.Sign() != 0 {
		t.Fatalf("balance after withdrawing: %v, %v", bal, err)
	}

	// The WatchDog's and the Guardian's status.
	if st, err := nodes["W"].svc.Status(ctx); err != nil || len(st.Probes) == 0 {
		t.Fatalf("watchdog status: %+v, %v", st.Probes, err)
	}
	if st, err := g.Status(ctx); err != nil || len(st.Settled) == 0 || len(st.Commits) == 0 {
		t.Fatalf("guardian status: %+v %+v, %v", st.Settled, st.Commits, err)
	}

	// G's DID document names its role on this contract.
	if err := g.Publish(ctx, w.Emb.Client, naming.Transactor(nodes["G"].key, w.ChainID)); err != nil {
		t.Fatal(err)
	}
	doc, err := nodes["A"].node.Document(ctx, addr("G"))
	if err != nil {
		t.Fatal(err)
	}
	if r := RolesOf(doc, contract.Address); r != RoleGuardian {
		t.Fatalf("G's document: roles %q", r)
	}
}
