package sim

import (
	"testing"
	"time"
)

// TestHealRecovery runs sim/scenarios/partition-heal.yaml at the file's
// seed: a partition cuts 40 % of the segments off for 20 s while 1 MiB
// transfers run. Every flow in flight at the heal must move data again
// within 5 s (virtual time: the figure is the same on every run) and
// every transfer must complete: TCP's capped RTO (stack/tcp.go) and the
// link's nudges (link/nudge.go) follow the path, not a backoff that
// grew during the outage.
func TestHealRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("100 nodes for 90 s of virtual time: not under -short")
	}
	_, res := runFile(t, "scenarios/partition-heal.yaml", Options{}, nil)
	st := res.Stats
	if st.TransfersDone != st.Transfers {
		t.Fatalf("transfers %d/%d complete", st.TransfersDone, st.Transfers)
	}
	if st.HealFlows == 0 {
		t.Fatal("no flow in flight at the heal: the scenario no longer tests recovery")
	}
	if len(st.HealMoved) < st.HealFlows {
		t.Fatalf("%d of %d flows in flight at the heal never moved again", st.HealFlows-len(st.HealMoved), st.HealFlows)
	}
	all := percentile(st.HealMoved, 100)
	t.Logf("%d flows in flight at the heal; moving again after p50 %s, all after %s", st.HealFlows, percentile(st.HealMoved, 50), all)
	if all > 5*time.Second {
		t.Errorf("the last flow moved again %s after the heal, want ≤ 5s", all)
	}
}
