package sim

import (
	"errors"
	"testing"
)

const faulty = `
name: faults
seed: 3
nodes: 40
duration: 240s
topology: {generator: star, segments: 5}
tcp: {buffer: 32KiB}
workload:
  - {kind: tcp, transfers: 30, bytes: 48KiB, start: 100ms, spread: 20s}
faults:
  - {kind: loss, at: 0s, rate: 0.1}
  - {kind: crash, at: 5s, for: 10s, count: 4}
  - {kind: crash, at: 30s, for: 5s, count: 4}
  - {kind: partition, at: 10s, for: 20s, fraction: 0.4}
  - {kind: link-down, at: 2s, for: 6s, link: 1}
expect: {all_complete: true}
`

// TestFaultsComplete: with 10 % loss, crashes and restarts, a partition
// that heals and a link that goes down, every transfer completes.
func TestFaultsComplete(t *testing.T) {
	res, err := runScenario(t, faulty, Options{})
	st := res.Stats
	t.Logf("events %d drops %v done %d/%d attempts %d stalls %d crashes %d", res.Events, st.Drops, st.TransfersDone, st.Transfers, st.TransferAttempts, st.TransferStalls, st.Crashes)
	if err != nil {
		t.Fatal(err)
	}
	for _, reason := range []string{"loss", "partition", "node-down"} {
		if st.Drops[reason] == 0 {
			t.Errorf("no %s drops: the fault did not bite", reason)
		}
	}
	if st.TransferAttempts <= st.Transfers {
		t.Errorf("%d attempts for %d transfers: no transfer had to retry", st.TransferAttempts, st.Transfers)
	}
}

// TestIncompleteFails: a transfer that cannot finish (the run ends
// first) fails the run with the seed.
func TestIncompleteFails(t *testing.T) {
	_, err := runScenario(t, `
seed: 9
nodes: 2
duration: 1s
workload: [{kind: tcp, transfers: 1, bytes: 1MiB, start: 0s}]
faults: [{kind: partition, at: 0s, fraction: 0.5}]
topology: {segments: 2}
expect: {all_complete: true}
`, Options{})
	var ie *InvariantError
	if !errors.As(err, &ie) || ie.Seed != 9 {
		t.Fatalf("err = %v, want an InvariantError with seed 9", err)
	}
}

// TestFaultsDeterministic: crashes, restarts, partitions and loss replay
// exactly too.
func TestFaultsDeterministic(t *testing.T) {
	a, err := runScenario(t, faulty, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := runScenario(t, faulty, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.TraceHash != b.TraceHash || a.Stats.TransferAttempts != b.Stats.TransferAttempts {
		t.Fatalf("same seed, different runs: %s vs %s", a.TraceHash, b.TraceHash)
	}
}
