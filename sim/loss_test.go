package sim

import "testing"

// TestLossTail runs sim/scenarios/small-transfers.yaml and its 5 % loss
// twin at the files' seed: the loss run's p99 transfer time must stay
// within 3× the lossless one (virtual time: the figure is the same on
// every run), and the link's tail probes must have carried some of it
// (link/nudge.go).
func TestLossTail(t *testing.T) {
	if testing.Short() {
		t.Skip("500 nodes twice: not under -short")
	}
	_, clean := runFile(t, "scenarios/small-transfers.yaml", Options{}, nil)
	s, lossy := runFile(t, "scenarios/small-transfers-loss.yaml", Options{}, nil)
	var probes, early uint64
	for _, n := range s.nodes {
		st := n.in.Link.Stats()
		probes += st.TailProbes
		early += st.EarlyRetransmits
	}
	p99, base := percentile(lossy.Stats.TransferTimes, 99), percentile(clean.Stats.TransferTimes, 99)
	t.Logf("p99 %s with 5 %% loss, %s without (%.2f×); %d tail probes, %d early SYN retransmits", p99, base, float64(p99)/float64(base), probes, early)
	if lossy.Stats.TransfersDone != lossy.Stats.Transfers || base == 0 {
		t.Fatalf("transfers %d/%d, lossless p99 %s", lossy.Stats.TransfersDone, lossy.Stats.Transfers, base)
	}
	if p99 > 3*base {
		t.Errorf("p99 under 5 %% loss %s, more than 3× the lossless %s", p99, base)
	}
	if probes == 0 {
		t.Error("no tail probe sent under 5 % loss")
	}
}
