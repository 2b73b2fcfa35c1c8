package daemon

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/relay"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// This file serves relay incentives (apps/relay): the node's
// relay.Service on RelayPort over a pebble store in DIR/relay, its roles
// from relay.role, and the RelayCredits deployment from relay.contract
// or, empty, one a Guardian deploys from its wallet (kept in
// DIR/relay/contract) and names in its DID entry, which other roles read
// from their first Guardian's document.

var _ control.RelayBackend = (*Daemon)(nil)

// relayState is the daemon's relay service.
type relayState struct {
	close sync.Once
	svc   *relay.Service
	store *service.Pebble
}

// startRelay starts the relay service; an error leaves the node without.
func (d *Daemon) startRelay(ctx context.Context) error {
	cfg := d.cfg
	roles, err := relay.ParseRoles(strings.Join(cfg.RelayRoles, ","))
	if err != nil {
		return err
	}
	lctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	wallets := func(key string, hosts []string) ([]common.Address, error) {
		var out []common.Address
		for _, h := range hosts {
			if common.IsHexAddress(h) { // need not be up (or published) yet
				out = append(out, common.HexToAddress(h))
				continue
			}
			w, err := d.node.Lookup(lctx, h)
			if err != nil {
				return nil, fmt.Errorf("%s %q: %w", key, h, err)
			}
			out = append(out, w)
		}
		return out, nil
	}
	guardians, err := wallets("relay.guardians", cfg.RelayGuardians)
	if err != nil {
		return err
	}
	if roles&relay.RoleGuardian != 0 && !containsAddr(guardians, d.wallet) {
		guardians = append(guardians, d.wallet)
	}
	dogs, err := wallets("relay.watchdogs", cfg.RelayWatchDogs)
	if err != nil {
		return err
	}
	edges, err := wallets("relay.edges", cfg.RelayEdges)
	if err != nil {
		return err
	}
	var partner common.Address
	if cfg.RelayProbePartner != "" {
		p, err := wallets("relay.probe-partner", []string{cfg.RelayProbePartner})
		if err != nil {
			return err
		}
		partner = p[0]
	}
	if roles&relay.RoleWatchDog != 0 && (len(edges) == 0 || partner == (common.Address{})) {
		return errors.New("a watchdog needs relay.edges to probe and a relay.probe-partner to echo its probes")
	}
	contract, err := d.relayContract(lctx, roles, guardians)
	if err != nil {
		d.log.Warn("relay: off chain (no RelayCredits): scores are published but neither committed nor claimable", "err", err)
	}
	params := relay.DefaultParams(dogs...)
	params.FeeBps = uint64(cfg.RelayFeeBps)
	if roles&relay.RoleGuardian == 0 && contract != nil && len(guardians) > 0 {
		// The fee shown before settlement is the Guardian's own.
		if doc, err := d.node.Document(lctx, guardians[0]); err == nil {
			if fee, ok := relay.GuardianFee(doc, contract.Address); ok {
				params.FeeBps = fee
			}
		}
	}
	st, err := service.OpenPebble(filepath.Join(cfg.Dir, "relay"))
	if err != nil {
		return err
	}
	scfg := relay.ServiceConfig{Host: d.node, Wallet: pay.NewKeyWallet(d.key), Roles: roles,
		Store: st, Contract: contract, Epoch: cfg.RelayEpoch, Guardians: guardians, Params: params,
		Edges: edges, ProbePartner: partner, ProbesPerEpoch: 2 * int(params.MinProbes),
		OnEvent: d.relayEvent, Logger: d.log.With("svc", "relay")}
	if roles&relay.RoleWatchDog != 0 {
		scfg.ProbeNode = d.probeNode // a fresh wallet each epoch
	}
	if len(guardians) > 0 {
		scfg.LinkMeter = d.node // receipts for the routers this host's traffic goes through
	}
	if roles&relay.RoleGuardian == 0 && len(guardians) > 0 {
		// The Guardian's contract and fee, read again every epoch.
		scfg.Refresh = func(ctx context.Context) (relay.Refreshed, error) { return d.relayRefresh(ctx, guardians) }
	}
	svc, err := relay.StartService(scfg)
	if err != nil {
		st.Close()
		return err
	}
	d.relay = &relayState{svc: svc, store: st}
	if roles != 0 {
		d.log.Info("relay roles", "roles", roles.String(), "epoch", cfg.RelayEpoch, "guardians", len(guardians), "contract", contractAddr(contract))
	}
	return nil
}

// probeNode starts a WatchDog's probe node for a fresh wallet: its own
// node key and UDP socket (on the host of --listen), reading the chain,
// never publishing.
func (d *Daemon) probeNode(ctx context.Context, key *ecdsa.PrivateKey) (relay.ProbeNode, error) {
	host, _, err := net.SplitHostPort(d.cfg.Listen)
	if err != nil {
		host = ""
	}
	n := &stack.Node{Wallet: transport.NewKeySigner(key), Names: d.names, ChainID: d.chainID.Uint64(),
		ListenAddr: net.JoinHostPort(host, "0"), Logger: d.log.With("svc", "relay-probe")}
	if err := n.Up(ctx); err != nil {
		return nil, fmt.Errorf("relay: probe node: %w", err)
	}
	return n, nil
}

func containsAddr(list []common.Address, a common.Address) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

func contractAddr(c *relay.Contract) string {
	if c == nil {
		return ""
	}
	return c.Address.Hex()
}

// relayContract finds the RelayCredits deployment (see the file comment).
func (d *Daemon) relayContract(ctx context.Context, roles relay.Roles, guardians []common.Address) (*relay.Contract, error) {
	chain, err := d.relayChain()
	if err != nil {
		return nil, err
	}
	if d.cfg.RelayContract != "" {
		return &relay.Contract{Chain: chain, Address: common.HexToAddress(d.cfg.RelayContract)}, nil
	}
	file := filepath.Join(d.cfg.Dir, "relay", "contract")
	if b, err := os.ReadFile(file); err == nil && common.IsHexAddress(strings.TrimSpace(string(b))) {
		return &relay.Contract{Chain: chain, Address: common.HexToAddress(strings.TrimSpace(string(b)))}, nil
	}
	if roles&relay.RoleGuardian != 0 {
		if err := d.ensureFunds(ctx); err != nil {
			return nil, err
		}
		c, err := relay.Deploy(ctx, chain, pay.NewKeyWallet(d.key))
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(file, []byte(c.Address.Hex()+"\n"), 0o600); err != nil {
			return nil, err
		}
		d.log.Info("relay: RelayCredits deployed by this Guardian", "contract", c.Address.Hex())
		return c, nil
	}
	for _, g := range guardians {
		if c, err := d.guardianContract(ctx, chain, g); err == nil {
			return c, nil
		}
	}
	return nil, errors.New("relay.contract is empty and no Guardian names one in its DID document")
}

// relayRefresh reads the first Guardian's DID entry again: the
// RelayCredits deployment it names (unless relay.contract fixes one)
// and its fee.
func (d *Daemon) relayRefresh(ctx context.Context, guardians []common.Address) (relay.Refreshed, error) {
	chain, err := d.relayChain()
	if err != nil {
		return relay.Refreshed{}, err
	}
	var errs []error
	for _, g := range guardians {
		c, err := d.guardianContract(ctx, chain, g)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var r relay.Refreshed
		if d.cfg.RelayContract == "" {
			r.Contract = c
		}
		if doc, err := d.node.Document(ctx, g); err == nil {
			r.FeeBps, r.HasFee = relay.GuardianFee(doc, c.Address)
		}
		return r, nil
	}
	return relay.Refreshed{}, errors.Join(errs...)
}

// guardianContract returns the RelayCredits deployment guardian's DID
// entry names on this node's chain.
func (d *Daemon) guardianContract(ctx context.Context, chain *pay.Chain, guardian common.Address) (*relay.Contract, error) {
	doc, err := d.node.Document(ctx, guardian)
	if err != nil {
		return nil, err
	}
	for _, sv := range doc.Services {
		if sv.Type != relay.DocumentEntryType {
			continue
		}
		if r, id, addr, err := relay.ParseDocumentEntry(sv.Endpoint); err == nil && r == relay.RoleGuardian && id.Cmp(d.chainID) == 0 {
			return &relay.Contract{Chain: chain, Address: addr}, nil
		}
	}
	return nil, fmt.Errorf("%w: %s names no RelayCredits on chain %v in its DID document", control.ErrNotFound, guardian.Hex(), d.chainID)
}

// relayChain is a pay.Chain on the node's chain.
func (d *Daemon) relayChain() (*pay.Chain, error) {
	switch {
	case d.emb != nil:
		return pay.NewChain(d.emb.Backend(), d.chainID, common.Address{}), nil
	case d.remote != nil:
		return pay.NewChain(d.remote.RPC, d.chainID, common.Address{}), nil
	}
	return nil, errors.New("no chain")
}

// closeRelay stops the relay service; Close may run it twice.
func (d *Daemon) closeRelay() {
	if r := d.relay; r != nil {
		r.close.Do(func() {
			r.svc.Close()
			r.store.Close()
		})
	}
}

// relayEvent journals what the user should see (from the service's
// goroutines: no chain reads here).
func (d *Daemon) relayEvent(e any) {
	switch e := e.(type) {
	case relay.Settled:
		d.service("relay", "settled", fmt.Sprintf("epoch %d: %d edges, root %s, total %s wei", e.Evidence.Epoch, len(e.Scores.Edges), e.Commitment.Root.Hex(), e.Commitment.Total))
	case relay.Committed:
		if e.Err != nil {
			d.service("relay", "commit-failed", fmt.Sprintf("epoch %d: %v", e.Epoch, e.Err))
		} else {
			d.service("relay", "committed", fmt.Sprintf("epoch %d: root %s, total %s wei, tx %s", e.Epoch, e.Root.Hex(), e.Total, e.Tx.Hex()))
		}
	}
}

func (d *Daemon) relayOrErr() (*relay.Service, error) {
	if d.relay == nil {
		return nil, fmt.Errorf("%w: the relay service is off on this node (see the log)", control.ErrUnsupported)
	}
	return d.relay.svc, nil
}

// relayErr maps apps/relay's errors onto the control API's.
func relayErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, relay.ErrNotPublished):
		return fmt.Errorf("%w: %v", control.ErrNotFound, err)
	case errors.Is(err, relay.ErrMalformed):
		return fmt.Errorf("%w: %v", control.ErrBadRequest, err)
	case errors.Is(err, relay.ErrNoCredit), errors.Is(err, relay.ErrMismatch), errors.Is(err, relay.ErrClaimed),
		errors.Is(err, relay.ErrBadProof), errors.Is(err, relay.ErrNotCommitted), errors.Is(err, relay.ErrStakeLocked),
		errors.Is(err, relay.ErrStakeTooLow), errors.Is(err, relay.ErrNothingToWithdraw):
		return fmt.Errorf("%w: %v", control.ErrRefused, err)
	case errors.Is(err, relay.ErrNoContract):
		return fmt.Errorf("%w: %v", control.ErrUnsupported, err)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %v", control.ErrTimeout, err)
	}
	return err
}

func weiString(v *big.Int) string {
	if v == nil {
		return "0"
	}
	return v.String()
}

func edgeScoreView(epoch uint64, s relay.Score) control.RelayEdgeScore {
	return control.RelayEdgeScore{Epoch: epoch, Edge: s.Edge.Hex(), Delivered: s.Delivered, Claimed: s.Claimed,
		Backed: s.Backed, Ceiling: s.Ceiling, Stake: weiString(s.Stake),
		Endpoints: s.Endpoints, Probes: s.Probes, Answered: s.Answered, AvailPPM: s.AvailPPM, Status: string(s.Status),
		Why: s.Why, Gross: weiString(s.Gross), Fee: weiString(s.Fee), Net: weiString(s.Net)}
}

// RelayStatus implements control.RelayBackend.
func (d *Daemon) RelayStatus(ctx context.Context) (control.RelayStatus, error) {
	svc, err := d.relayOrErr()
	if err != nil {
		return control.RelayStatus{}, err
	}
	st, err := svc.Status(ctx)
	if err != nil && st.Wallet == (common.Address{}) {
		return control.RelayStatus{}, relayErr(err)
	}
	out := control.RelayStatus{Wallet: st.Wallet.Hex(), Roles: st.Roles.String(), Epoch: st.Epoch,
		EpochSecs: int64(st.EpochLength / time.Second), EpochEnds: st.EpochEnds.UTC().Format(time.RFC3339),
		PricePerGiB: weiString(st.Params.PricePerGiB), FeeBps: st.Params.FeeBps}
	if st.Contract != (common.Address{}) {
		out.Contract = st.Contract.Hex()
	}
	if st.Balance != nil {
		out.Balance = st.Balance.String()
	}
	if st.Stake != nil {
		out.Stake, out.Ceiling = st.Stake.String(), st.Ceiling
	}
	for _, g := range st.Guardians {
		out.Guardians = append(out.Guardians, g.Hex())
	}
	for _, p := range st.Pending {
		out.Pending = append(out.Pending, control.RelayPending{Epoch: p.Epoch, Endpoints: p.Endpoints, Sessions: p.Sessions,
			Bytes: p.Bytes, Gross: weiString(p.Gross), Fee: weiString(p.Fee), Net: weiString(p.Net)})
	}
	for _, s := range st.Scores {
		v := edgeScoreView(s.Epoch, s.Score)
		v.Match = s.Match
		if s.Claimed != (common.Hash{}) {
			v.ClaimTx = s.Claimed.Hex()
		}
		out.Scores = append(out.Scores, v)
	}
	for _, p := range st.Probes {
		out.Probes = append(out.Probes, control.RelayProbes{Epoch: p.Epoch, Edge: p.Edge.Hex(), Probes: p.Probes, Answered: p.Answered, RTTMicro: p.RTTMicro})
	}
	commits := map[uint64]relay.Committed{}
	for _, c := range st.Commits {
		commits[c.Epoch] = c
	}
	for _, s := range st.Settled {
		v := control.RelaySettled{Epoch: s.Epoch, Root: s.Root.Hex(), Total: weiString(s.Total), Edges: s.Edges, Receipts: s.Receipts, Probes: s.Probes}
		if c, ok := commits[s.Epoch]; ok {
			if c.Err != nil {
				v.CommitErr = c.Err.Error()
			} else if c.Tx != (common.Hash{}) {
				v.Tx = c.Tx.Hex()
			}
		}
		out.Settled = append(out.Settled, v)
	}
	return out, nil
}

// RelayScore implements control.RelayBackend.
func (d *Daemon) RelayScore(ctx context.Context, epoch uint64, guardian string) (control.RelayScore, error) {
	svc, err := d.relayOrErr()
	if err != nil {
		return control.RelayScore{}, err
	}
	var from common.Address
	if guardian != "" {
		if from, _, err = d.lookup(ctx, guardian); err != nil {
			return control.RelayScore{}, err
		}
	}
	var v relay.Verification
	if st, _ := svc.Status(ctx); st.Contract == (common.Address{}) && from != (common.Address{}) {
		// This node is off chain: compare with the contract the Guardian names.
		v, err = d.scoreOffChain(ctx, epoch, from)
	} else {
		v, err = svc.Score(ctx, epoch, from)
	}
	if err != nil {
		return control.RelayScore{}, relayErr(err)
	}
	out := control.RelayScore{Epoch: epoch, Guardian: v.Published.Guardian.Hex(), Receipts: len(v.Published.Evidence.Receipts),
		Probes: len(v.Published.Evidence.Probes), Root: v.Commitment.Root.Hex(), Total: weiString(v.Commitment.Total),
		OnChain: v.OnChain.Hex(), OnChainTotal: weiString(v.OnChainTotal), Match: v.Match, Edges: []control.RelayEdgeScore{},
		StakeBlock: v.Published.Evidence.Stakes.Block, BytesPerEther: v.Published.Params.BytesPerEther, StakesMatch: v.StakesMatch}
	for _, s := range v.Scores.Edges {
		out.Edges = append(out.Edges, edgeScoreView(epoch, s))
	}
	return out, nil
}

// RelayClaim implements control.RelayBackend.
func (d *Daemon) RelayClaim(ctx context.Context, epoch uint64, withdraw bool) (control.RelayClaim, error) {
	svc, err := d.relayOrErr()
	if err != nil {
		return control.RelayClaim{}, err
	}
	res, err := svc.Claim(ctx, epoch)
	if err != nil {
		return control.RelayClaim{}, relayErr(err)
	}
	out := control.RelayClaim{Epoch: epoch, Amount: weiString(res.Amount), Tx: res.Tx.Hex(), Score: edgeScoreView(epoch, res.Score)}
	d.service("relay", "claimed", fmt.Sprintf("epoch %d: %s wei, tx %s", epoch, out.Amount, out.Tx))
	if withdraw {
		got, err := svc.Withdraw(ctx)
		if err != nil {
			return out, relayErr(err)
		}
		out.Withdrawn = weiString(got)
	}
	return out, nil
}

// RelayStake implements control.RelayBackend.
func (d *Daemon) RelayStake(ctx context.Context) (control.RelayStake, error) {
	svc, err := d.relayOrErr()
	if err != nil {
		return control.RelayStake{}, err
	}
	info, err := svc.StakeInfo(ctx)
	if err != nil {
		return control.RelayStake{}, relayErr(err)
	}
	st, _ := svc.Status(ctx)
	out := control.RelayStake{Wallet: info.Wallet.Hex(), Contract: st.Contract.Hex(), Staked: weiString(info.Staked),
		Unstaking: weiString(info.Unstaking), DelaySecs: int64(info.Delay / time.Second)}
	if !info.UnlockAt.IsZero() && info.Unstaking.Sign() > 0 {
		out.UnlockAt = info.UnlockAt.UTC().Format(time.RFC3339)
	}
	out.BytesPerEpoch, out.BytesPerEther = svc.StakeBytes(info.Staked)
	return out, nil
}

// RelayStakeChange implements control.RelayBackend.
func (d *Daemon) RelayStakeChange(ctx context.Context, req control.RelayStakeRequest) (control.RelayStake, error) {
	svc, err := d.relayOrErr()
	if err != nil {
		return control.RelayStake{}, err
	}
	var tx common.Hash
	var withdrawn string
	switch req.Action {
	case control.StakeAdd, control.StakeRemove:
		amount, err := control.ParseAmount(req.Amount)
		if err != nil {
			return control.RelayStake{}, err
		}
		change := svc.Stake
		if req.Action == control.StakeRemove {
			change = svc.Unstake
		}
		r, err := change(ctx, amount)
		if err != nil {
			return control.RelayStake{}, relayErr(err)
		}
		tx = r.TxHash
		d.service("relay", req.Action, fmt.Sprintf("%s wei, tx %s", amount, tx.Hex()))
	case control.StakeWithdraw:
		got, r, err := svc.WithdrawStake(ctx)
		if err != nil {
			return control.RelayStake{}, relayErr(err)
		}
		tx, withdrawn = r.TxHash, weiString(got)
		d.service("relay", "stake-withdrawn", fmt.Sprintf("%s wei, tx %s", withdrawn, tx.Hex()))
	default:
		return control.RelayStake{}, fmt.Errorf("%w: stake action %q", control.ErrBadRequest, req.Action)
	}
	out, err := d.RelayStake(ctx)
	out.Tx, out.Withdrawn = tx.Hex(), withdrawn
	return out, err
}

// scoreOffChain recomputes epoch from guardian's evidence against the
// RelayCredits its DID entry names.
func (d *Daemon) scoreOffChain(ctx context.Context, epoch uint64, guardian common.Address) (relay.Verification, error) {
	chain, err := d.relayChain()
	if err != nil {
		return relay.Verification{}, err
	}
	c, err := d.guardianContract(ctx, chain, guardian)
	if err != nil {
		return relay.Verification{}, err
	}
	pub, err := relay.Fetch(ctx, d.node, guardian, epoch)
	if err != nil {
		return relay.Verification{}, err
	}
	return relay.Recompute(ctx, pub, c)
}
