//go:build !nochain

package relay

import (
	"context"
	"crypto/ecdsa"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/internal/nodehook"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// TestProbeWallets: the WatchDog W probes the Edge E from a fresh wallet
// each epoch (ServiceConfig.ProbeNode), through real relayed flows
// echoed by B, on real nodes over the embedded chain. For two settled
// epochs: the Edge's sessions and the receipts it collected show the
// probe wallet and never W (E has no session with W at all); each probe
// wallet never wrote to the chain (no DID change, nonce 0, no balance)
// and its node key is not one of W's; the two epochs' wallets differ.
// The Guardian G counts W's signed results (E is measured and ok), and
// its published evidence names each epoch's probe wallet in W's signed
// list, so Score.ProbeBytes shows the part of E's credit that probes
// vouched for.
func TestProbeWallets(t *testing.T) {
	if testing.Short() {
		t.Skip("real epochs: several seconds")
	}
	w := apptest.NewChain(t)
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()

	nodes := map[string]*relayNode{}
	for _, n := range []string{"B", "W", "G"} {
		node, key := w.Node(t, ctx)
		nodes[n] = &relayNode{node: node, key: key, ev: newEvents()}
	}
	// The Edge admits wallets that never published.
	var eSessions *transport.Sessions
	ekey, _ := crypto.GenerateKey()
	if err := w.Emb.Fund(ctx, crypto.PubkeyToAddress(ekey.PublicKey)); err != nil {
		t.Fatal(err)
	}
	u, err := w.Net.Attach()
	if err != nil {
		t.Fatal(err)
	}
	enode := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(ekey), Names: w.Emb.Client, AdmitUnpublished: true}
	if err := enode.Up(nodehook.NewContext(ctx, &nodehook.Hooks{OnUp: func(in nodehook.Internals) { eSessions = in.Sessions }})); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { enode.Close() })
	if err := enode.Publish(ctx, naming.Transactor(ekey, w.ChainID)); err != nil {
		t.Fatal(err)
	}
	nodes["E"] = &relayNode{node: enode, key: ekey, ev: newEvents()}
	addr := func(n string) common.Address { return nodes[n].node.Addr() }

	// Probe nodes: a fresh wallet, a node key and underlay of their own,
	// reading the chain, never publishing, never funded.
	var mu sync.Mutex
	probeKeys := map[common.Address]transport.PublicKey{} // probe wallet → its node's key
	probeNode := func(ctx context.Context, key *ecdsa.PrivateKey) (ProbeNode, error) {
		u, err := w.Net.Attach()
		if err != nil {
			return nil, err
		}
		n := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(key), Names: w.Emb.Client}
		if err := n.Up(ctx); err != nil {
			return nil, err
		}
		mu.Lock()
		probeKeys[n.Addr()] = *n.Self().NodeKey
		mu.Unlock()
		return n, nil
	}

	const epochLen = 6 * time.Second
	params := DefaultParams(addr("W"))
	params.MinProbes = 3
	roles := map[string]Roles{"E": RoleEdge, "W": RoleWatchDog, "G": RoleGuardian}
	for _, n := range []string{"B", "E", "W", "G"} {
		rn := nodes[n]
		cfg := ServiceConfig{Host: rn.node, Wallet: pay.NewKeyWallet(rn.key), Roles: roles[n], Store: &service.Memory{},
			Epoch: epochLen, Grace: time.Second, Guardians: []common.Address{addr("G")}, Params: params, OnEvent: rn.ev.add}
		if n == "W" {
			cfg.Edges, cfg.ProbePartner, cfg.ProbesPerEpoch, cfg.ProbeTimeout = []common.Address{addr("E")}, addr("B"), 4, 2*time.Second
			cfg.ProbeNode = probeNode
		}
		if rn.svc, err = StartService(cfg); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rn.svc.Close() })
	}

	// Two whole epochs, each settled by G.
	first := nodes["E"].svc.Epoch(time.Now()) + 1
	var settled []Settled
	for _, e := range []uint64{first, first + 1} {
		settled = append(settled, nodes["G"].ev.wait(t, "a settled epoch", func(ev any) bool {
			s, ok := ev.(Settled)
			return ok && s.Evidence.Epoch == e
		}).(Settled))
	}

	wdoc, err := w.Emb.Client.DIDDocument(ctx, addr("W"))
	if err != nil {
		t.Fatal(err)
	}
	var seen []common.Address
	for _, st := range settled {
		ev, e := st.Evidence, st.Evidence.Epoch
		if len(ev.Wallets) != 1 || ev.Wallets[0].WatchDog != addr("W") || len(ev.Wallets[0].Wallets) != 1 || ev.Wallets[0].Verify() != nil {
			t.Fatalf("epoch %d: probe wallet lists %+v", e, ev.Wallets)
		}
		p := ev.Wallets[0].Wallets[0]
		if p == addr("W") || slices.Contains(seen, p) {
			t.Fatalf("epoch %d probes from %s (W %s, earlier %v)", e, p, addr("W"), seen)
		}
		seen = append(seen, p)
		// What the Edge saw: receipts from B and the probe wallet, none from W.
		var endpoints []common.Address
		for _, r := range ev.Receipts {
			if r.By == addr("E") && !slices.Contains(endpoints, r.Endpoint) {
				endpoints = append(endpoints, r.Endpoint)
			}
		}
		if !slices.Contains(endpoints, p) || slices.Contains(endpoints, addr("W")) {
			t.Fatalf("epoch %d: E's receipts come from %v (probe wallet %s, W %s)", e, endpoints, p, addr("W"))
		}
		// Nothing on chain ties the probe wallet to anyone: it never wrote.
		doc, err := w.Emb.Client.DIDDocument(ctx, p)
		if err != nil || !doc.Unwritten() || len(doc.NodeKeys) != 0 {
			t.Fatalf("probe wallet %s's document: %+v, %v", p, doc, err)
		}
		nonce, err := w.Emb.Chain.Client().NonceAt(ctx, p, nil)
		if err != nil || nonce != 0 {
			t.Fatalf("probe wallet %s sent %d transactions (%v)", p, nonce, err)
		}
		if bal, err := w.Emb.Chain.Client().BalanceAt(ctx, p, nil); err != nil || bal.Sign() != 0 {
			t.Fatalf("probe wallet %s holds %v (%v)", p, bal, err)
		}
		// G counted W's results and names the probe traffic.
		sc, ok := st.Scores.Of(addr("E"))
		if !ok {
			t.Fatalf("epoch %d: E not scored", e)
		}
		t.Logf("epoch %d: probe wallet %s; E %s: %d/%d probes, %d bytes credited, %d of them from the probe wallet",
			e, p.Hex(), sc.Status, sc.Answered, sc.Probes, sc.Delivered, sc.ProbeBytes)
		if sc.Probes < params.MinProbes || sc.Status != StatusOK || sc.ProbeBytes == 0 || sc.ProbeBytes >= sc.Delivered {
			t.Fatalf("epoch %d: E scored %+v", e, sc)
		}
	}

	// The Edge's session table: never W; the probe wallets' node keys
	// are not W's.
	if slices.ContainsFunc(enode.PeerStates(), func(ps stack.PeerState) bool { return ps.Wallet == addr("W") }) {
		t.Fatal("the Edge has a session with the WatchDog's own wallet")
	}
	for _, tp := range eSessions.Peers() {
		if !slices.Contains(seen, tp.Wallet()) {
			continue
		}
		if k, ok := tp.NodeKey(); ok && slices.Contains(wdoc.NodeKeys, [32]byte(k)) {
			t.Fatalf("probe wallet %s uses W's node key %s", tp.Wallet(), k)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range seen {
		k, ok := probeKeys[p]
		if !ok || slices.Contains(wdoc.NodeKeys, [32]byte(k)) {
			t.Fatalf("probe wallet %s: node key %s (known %v) is W's or unknown", p, k, ok)
		}
	}
}
