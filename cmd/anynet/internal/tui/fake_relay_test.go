package tui

import (
	"context"
	"strings"
	"testing"
	"time"
)

var _ RelayBackend = (*fakeBackend)(nil)

func (f *fakeBackend) Relay(context.Context) (Relay, error) {
	if err := f.err("Relay"); err != nil {
		return Relay{}, err
	}
	return Relay{Roles: "edge", Epoch: 491, EpochEnds: "2026-12-06T18:00:00Z", Price: "0.001 ETH", FeeBps: 200,
		Contract: "0x00000000000000000000000000000000000000c7", Balance: "0.000042 ETH",
		Pending: []RelayPending{{Epoch: 491, Endpoints: 3, Bytes: 1 << 30, Gross: "0.001 ETH", Fee: "0.00002 ETH", Net: "0.00098 ETH"}},
		Scores: []RelayScore{
			{Epoch: 489, Status: "ok", Delivered: 45 << 20, Endpoints: 2, Probes: 20, Answered: 20, Net: "0.000042 ETH", Fee: "0.0000009 ETH", Match: true, Claimed: true},
			{Epoch: 490, Status: "warned", Why: "answered 18 of 20 probes (90.0000 %), below 96.0000 %: credit scaled", Delivered: 3 << 20, Endpoints: 1, Probes: 20, Answered: 18, Net: "0.0000027 ETH", Fee: "0.00000005 ETH", Match: true},
		},
	}, nil
}

// TestRelayView: the Relay tab shows the fee before settlement, what the
// Edge is earning, and each score with the evidence behind it and
// whether the recomputed root matches the chain's.
func TestRelayView(t *testing.T) {
	m := newModel(context.Background(), newFake(), Options{Refresh: -1, Timeout: time.Second}, nil)
	m.current = viewRelay
	load(m, relayView)
	out := m.viewSnap(relayView, 160, 20)
	for _, want := range []string{"edge · epoch 491", "Guardian fee 2.00 %", "0x0000…00c7", "0.00002 ETH", "0.00098 ETH", "1073741824",
		"warned", "18/20", "below 96.0000 %", "match ✓", "balance 0.000042 ETH"} {
		if !strings.Contains(out, want) {
			t.Errorf("Relay view lacks %q:\n%s", want, out)
		}
	}
}
