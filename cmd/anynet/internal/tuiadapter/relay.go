package tuiadapter

import (
	"context"
	"math/big"

	"github.com/anynet/anynet/cmd/anynet/internal/tui"
)

var _ tui.RelayBackend = (*Backend)(nil)

// Relay implements tui.RelayBackend over /v1/relay/status.
func (b *Backend) Relay(ctx context.Context) (tui.Relay, error) {
	s, err := b.C.RelayStatus(ctx)
	if err != nil {
		return tui.Relay{}, err
	}
	r := tui.Relay{Roles: s.Roles, Epoch: s.Epoch, EpochEnds: s.EpochEnds, Price: ether(s.PricePerGiB), FeeBps: s.FeeBps,
		Contract: s.Contract, Guardians: s.Guardians}
	if s.Balance != "" {
		r.Balance = ether(s.Balance)
	}
	if s.Stake != "" {
		r.Stake, r.Ceiling = ether(s.Stake), s.Ceiling
	}
	for _, p := range s.Pending {
		r.Pending = append(r.Pending, tui.RelayPending{Epoch: p.Epoch, Endpoints: p.Endpoints, Bytes: p.Bytes,
			Gross: ether(p.Gross), Fee: ether(p.Fee), Net: ether(p.Net)})
	}
	for _, e := range s.Scores {
		r.Scores = append(r.Scores, tui.RelayScore{Epoch: e.Epoch, Status: e.Status, Why: e.Why, Delivered: e.Delivered,
			Endpoints: e.Endpoints, Probes: e.Probes, Answered: e.Answered, Net: ether(e.Net), Fee: ether(e.Fee),
			Match: e.Match, Claimed: e.ClaimTx != ""})
	}
	for _, p := range s.Probes {
		r.Probes = append(r.Probes, tui.RelayProbes{Epoch: p.Epoch, Edge: p.Edge, Probes: p.Probes, Answered: p.Answered, RTTMicro: p.RTTMicro})
	}
	for _, e := range s.Settled {
		commit := e.Tx
		if e.CommitErr != "" {
			commit = "failed: " + e.CommitErr
		}
		r.Settled = append(r.Settled, tui.RelaySettled{Epoch: e.Epoch, Edges: e.Edges, Receipts: e.Receipts, Probes: e.Probes,
			Total: ether(e.Total), Root: e.Root, Commit: commit})
	}
	return r, nil
}

// ether formats decimal wei as ether ("0.001 ETH").
func ether(wei string) string {
	v, ok := new(big.Int).SetString(wei, 10)
	if !ok {
		return wei
	}
	f := new(big.Float).Quo(new(big.Float).SetInt(v), big.NewFloat(1e18))
	return f.Text('g', 6) + " ETH"
}
