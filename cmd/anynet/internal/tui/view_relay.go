package tui

import (
	"context"
	"fmt"
)

// RelayBackend is what the Relay view shows. It is optional: a Backend
// that does not implement it gets a Relay view that says so.
type RelayBackend interface {
	// Relay returns this node's relay roles, earnings and scores.
	Relay(ctx context.Context) (Relay, error)
}

// Relay is this node's relay incentives (apps/relay) as the Relay view
// shows them. Amounts are already formatted (ether).
type Relay struct {
	Roles     string // "edge,watchdog" or "" (endpoint only)
	Epoch     uint64
	EpochEnds string
	Price     string // per GiB
	FeeBps    uint64
	Contract  string // "" off chain
	Balance   string // claimed, not withdrawn
	Stake     string // "" off chain
	Ceiling   uint64 // bytes an epoch the stake backs
	Pending   []RelayPending
	Scores    []RelayScore
	Probes    []RelayProbes
	Settled   []RelaySettled
	Guardians []string
}

// RelayPending is an Edge's epoch before settlement.
type RelayPending struct {
	Epoch           uint64
	Endpoints       int
	Bytes           uint64
	Gross, Fee, Net string
}

// RelayScore is an Edge's score of an epoch with the evidence behind it.
type RelayScore struct {
	Epoch            uint64
	Status, Why      string
	Delivered        uint64
	Endpoints        int
	Probes, Answered uint64
	Net, Fee         string
	Match            bool
	Claimed          bool
}

// RelayProbes is a WatchDog's tally of an Edge in an epoch.
type RelayProbes struct {
	Epoch            uint64
	Edge             string
	Probes, Answered uint64
	RTTMicro         uint64
}

// RelaySettled is a Guardian's settled epoch.
type RelaySettled struct {
	Epoch                   uint64
	Edges, Receipts, Probes int
	Total, Root, Commit     string
}

// relayView is the Relay view (a snapshot view).
var relayView = snapshot("relay", "this node runs no relay service", "",
	func(b RelayBackend, ctx context.Context, _ bool) (Relay, error) { return b.Relay(ctx) }, (*model).relayPage)

// relayPage draws the roles and rules (fee before settlement), an Edge's
// pending credit and its scores with the evidence behind them (bytes
// vouched, endpoints, probes answered, the reason, whether the root
// recomputed from the published evidence matches the chain's), a
// WatchDog's probes and a Guardian's commitments.
func (m *model) relayPage(r *Relay, _ int) snapPage {
	st := m.st
	lines := []string{
		st.heading.Render("Relay") + " " + st.dim.Render(fmt.Sprintf("%s · epoch %d ends %s", or(r.Roles, "endpoint only"), r.Epoch, r.EpochEnds)),
		st.dim.Render(fmt.Sprintf("%s per GiB · Guardian fee %d.%02d %% · contract %s · balance %s",
			r.Price, r.FeeBps/100, r.FeeBps%100, or(shortWallet(r.Contract), "none"), or(r.Balance, "-"))),
	}
	if r.Stake != "" {
		lines = append(lines, st.dim.Render(fmt.Sprintf("stake %s · backs %d bytes an epoch (anynet relay stake)", r.Stake, r.Ceiling)))
	}
	if len(r.Pending) > 0 {
		lines = append(lines, "", st.dim.Render("EARNING (before settlement, full availability)"),
			st.dim.Render(fmt.Sprintf("%-10s %5s %12s %14s %14s", "EPOCH", "ENDP", "BYTES", "FEE", "NET")))
		for _, p := range r.Pending {
			lines = append(lines, fmt.Sprintf("%-10d %5d %12d %14s %14s", p.Epoch, p.Endpoints, p.Bytes, p.Fee, p.Net))
		}
	}
	if len(r.Scores) > 0 {
		lines = append(lines, "", st.dim.Render("SCORES (recomputed from published evidence)"),
			st.dim.Render(fmt.Sprintf("%-10s %-10s %12s %5s %7s %14s %-8s %s", "EPOCH", "STATUS", "BYTES", "ENDP", "PROBES", "NET", "ROOT", "WHY")))
		for _, s := range r.Scores {
			root := "MISMATCH"
			if s.Match {
				root = "match"
			}
			if s.Claimed {
				root += " ✓"
			}
			lines = append(lines, fmt.Sprintf("%-10d %-10s %12d %5d %7s %14s %-8s %s", s.Epoch, s.Status, s.Delivered, s.Endpoints,
				fmt.Sprintf("%d/%d", s.Answered, s.Probes), s.Net, root, s.Why))
		}
	}
	if len(r.Probes) > 0 {
		lines = append(lines, "", st.dim.Render(fmt.Sprintf("%-10s %-14s %9s %9s", "PROBED", "EDGE", "ANSWERED", "RTT")))
		for _, p := range r.Probes {
			lines = append(lines, fmt.Sprintf("%-10d %-14s %9s %7.1fms", p.Epoch, shortWallet(p.Edge), fmt.Sprintf("%d/%d", p.Answered, p.Probes), float64(p.RTTMicro)/1000))
		}
	}
	if len(r.Settled) > 0 {
		lines = append(lines, "", st.dim.Render(fmt.Sprintf("%-10s %5s %8s %6s %14s %s", "SETTLED", "EDGES", "RECEIPTS", "PROBES", "TOTAL", "COMMIT")))
		for _, s := range r.Settled {
			lines = append(lines, fmt.Sprintf("%-10d %5d %8d %6d %14s %s", s.Epoch, s.Edges, s.Receipts, s.Probes, s.Total, s.Commit))
		}
	}
	if len(r.Pending)+len(r.Scores)+len(r.Probes)+len(r.Settled) == 0 {
		lines = append(lines, "", st.dim.Render("nothing yet: an Edge earns from the receipts of what it relays (anynet up --relay-role edge)"))
	}
	return snapPage{head: lines}
}
