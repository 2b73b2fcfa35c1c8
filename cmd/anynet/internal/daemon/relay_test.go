//go:build !nochain

package daemon

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// TestRelayDaemons: four daemons on one embedded chain take relay roles
// from their configuration. The Guardian deploys RelayCredits and names
// it in its DID entry, where the others find it; the WatchDog probes the
// Edge, from a fresh wallet each epoch, with flows the endpoint echoes
// (the Edge never has a session with the WatchDog's own wallet), the
// endpoint and the probe wallet sign receipts for what the Edge
// delivered, the Guardian settles the
// epoch and commits it; through the control API the endpoint recomputes
// the epoch from the Guardian's published evidence (match), and the
// Edge sees its score with the fee, claims and withdraws.
func TestRelayDaemons(t *testing.T) {
	if testing.Short() {
		t.Skip("four daemons and a real epoch: not in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	emb, dir := testChain(t)
	names := []string{"guardian", "edge", "watchdog", "endpoint"}
	keys := map[string]*ecdsa.PrivateKey{}
	w := map[string]string{}
	for _, n := range names {
		keys[n], _ = crypto.GenerateKey()
		w[n] = crypto.PubkeyToAddress(keys[n].PublicKey).Hex()
	}
	const epochLen = 10 * time.Second
	cfgs := map[string]config.Config{
		"guardian": {RelayRoles: []string{"guardian"}, RelayWatchDogs: []string{w["watchdog"]}, RelayFeeBps: 300},
		"edge":     {RelayRoles: []string{"edge"}, RelayGuardians: []string{w["guardian"]}},
		"watchdog": {RelayRoles: []string{"watchdog"}, RelayGuardians: []string{w["guardian"]}, RelayEdges: []string{w["edge"]}, RelayProbePartner: w["endpoint"]},
		"endpoint": {},
	}
	ds := map[string]*Daemon{}
	for _, n := range names {
		cfg := cfgs[n]
		cfg.Dir, cfg.Listen, cfg.Chain, cfg.MQGateway = filepath.Join(dir, n), "127.0.0.1:0", "embedded", "off"
		cfg.RelayEpoch = epochLen
		if cfg.RelayFeeBps == 0 {
			cfg.RelayFeeBps = config.DefaultRelayFeeBps
		}
		os.MkdirAll(cfg.Dir, 0o700)
		d, err := Start(ctx, Options{Config: cfg, Key: keys[n], Embedded: emb})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		ds[n] = d
		for ok, last := d.Ready(); !ok; ok, last = d.Ready() {
			if ctx.Err() != nil {
				t.Fatalf("%s not on chain: %v", n, last)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	gs, err := ds["guardian"].RelayStatus(ctx)
	if err != nil || gs.Contract == "" || gs.Roles != "guardian" {
		t.Fatalf("guardian: %+v, %v", gs, err)
	}
	es, err := ds["edge"].RelayStatus(ctx)
	if err != nil || es.Contract != gs.Contract {
		t.Fatalf("the edge did not find the Guardian's contract %s in its DID entry: %+v, %v", gs.Contract, es, err)
	}

	// The Edge stakes 0.1 ether: the ceiling of what unstaked
	// endpoints' receipts earn it, 1.6 GiB an epoch.
	stake, err := ds["edge"].RelayStakeChange(ctx, control.RelayStakeRequest{Action: control.StakeAdd, Amount: "0.1eth"})
	if err != nil || stake.Staked != "100000000000000000" || stake.Tx == "" || stake.BytesPerEpoch != 16<<30/10 {
		t.Fatalf("stake: %+v, %v", stake, err)
	}

	// The first epoch the WatchDog probes in whole.
	epoch := uint64(time.Now().UnixNano()/int64(epochLen)) + 1
	var settled control.RelaySettled
	for settled.Tx == "" {
		if ctx.Err() != nil {
			t.Fatalf("epoch %d never committed: %+v", epoch, settled)
		}
		time.Sleep(500 * time.Millisecond)
		st, err := ds["guardian"].RelayStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st.Settled {
			if s.Epoch == epoch {
				settled = s
			}
		}
		if settled.CommitErr != "" {
			t.Fatalf("commit: %s", settled.CommitErr)
		}
	}

	sc, err := ds["endpoint"].RelayScore(ctx, epoch, w["guardian"])
	if err != nil {
		t.Fatal(err)
	}
	if !sc.Match || !sc.StakesMatch || sc.Root != settled.Root || len(sc.Edges) != 1 || sc.Edges[0].Edge != w["edge"] || sc.Edges[0].Stake != stake.Staked {
		t.Fatalf("score of epoch %d: %+v (settled %+v)", epoch, sc, settled)
	}
	e := sc.Edges[0]
	t.Logf("edge: %s, %d bytes from %d endpoints, %d/%d probes, gross %s fee %s net %s %s", e.Status, e.Delivered, e.Endpoints, e.Answered, e.Probes, e.Gross, e.Fee, e.Net, e.Why)
	gross, _ := new(big.Int).SetString(e.Gross, 10)
	fee, _ := new(big.Int).SetString(e.Fee, 10)
	if e.Endpoints != 2 || gross.Sign() <= 0 || new(big.Int).Div(new(big.Int).Mul(gross, big.NewInt(300)), big.NewInt(10_000)).Cmp(fee) != 0 {
		t.Fatalf("edge score %+v: want the endpoint's and the WatchDog's receipts and a 3 %% fee", e)
	}

	cl, err := ds["edge"].RelayClaim(ctx, epoch, true)
	if err != nil {
		t.Fatal(err)
	}
	if cl.Amount != e.Net || cl.Withdrawn != e.Net {
		t.Fatalf("claim %+v, want %s claimed and withdrawn", cl, e.Net)
	}
	es, err = ds["edge"].RelayStatus(ctx)
	if err != nil || len(es.Scores) == 0 || es.Scores[len(es.Scores)-1].ClaimTx != cl.Tx || es.Balance != "0" {
		t.Fatalf("edge status after the claim: %+v, %v", es, err)
	}
	// Unstaked ether stays locked for the contract's delay (a day).
	un, err := ds["edge"].RelayStakeChange(ctx, control.RelayStakeRequest{Action: control.StakeRemove, Amount: "0.04eth"})
	if err != nil || un.Staked != "60000000000000000" || un.Unstaking != "40000000000000000" || un.UnlockAt == "" || un.DelaySecs != 86400 {
		t.Fatalf("unstake: %+v, %v", un, err)
	}
	if _, err := ds["edge"].RelayStakeChange(ctx, control.RelayStakeRequest{Action: control.StakeWithdraw}); !errors.Is(err, control.ErrRefused) {
		t.Fatalf("withdrawal before the delay: %v", err)
	}
	if ws, err := ds["watchdog"].RelayStatus(ctx); err != nil || len(ws.Probes) == 0 || ws.Probes[0].Edge != common.HexToAddress(w["edge"]).Hex() {
		t.Fatalf("watchdog status: %+v, %v", ws, err)
	}
	for _, ps := range ds["edge"].node.PeerStates() {
		if ps.Wallet == common.HexToAddress(w["watchdog"]) {
			t.Fatal("the Edge has a session with the WatchDog's own wallet")
		}
	}
}
