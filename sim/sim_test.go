package sim

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func runScenario(t *testing.T, yml string, opt Options) (*Result, error) {
	t.Helper()
	sc, err := ParseScenario([]byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), sc, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return s.Run(context.Background())
}

const twoNodes = `
name: two
seed: 7
nodes: 2
duration: 20s
workload:
  - {kind: tcp, transfers: 1, bytes: 200KiB, start: 100ms}
expect: {all_complete: true}
`

func TestTransferCompletes(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	res, err := runScenario(t, twoNodes, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := res.Stats
	t.Logf("events %d frames %d delivered %d drops %v done %d/%d bytes %d hash %s",
		res.Events, st.FramesSent, st.FramesDelivered, st.Drops, st.TransfersDone, st.Transfers, st.BytesVerified, res.TraceHash)
	if st.TransfersDone != 1 || st.BytesVerified != 200<<10 {
		t.Fatalf("transfer not done: %+v", st)
	}
}

const twoHundred = `
name: determinism
seed: 1
nodes: 200
duration: 10s
topology: {generator: tree, segments: 20, fanout: 3,
  classes: {access: {latency: 2ms, jitter: 1ms, bandwidth: 20Mbps, mtu: 1500, queue: 64KiB, loss: 0.01}}}
tcp: {buffer: 16KiB}
workload:
  - {kind: tcp, transfers: 100, bytes: 16KiB, start: 10ms, spread: 2s}
`

// TestDeterminism runs 200 nodes twice with one seed and once with
// another: the trace hashes must match, then differ.
func TestDeterminism(t *testing.T) {
	a, err := runScenario(t, twoHundred, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("run 1: events %d frames %d drops %v done %d/%d hash %s", a.Events, a.Stats.FramesSent, a.Stats.Drops, a.Stats.TransfersDone, a.Stats.Transfers, a.TraceHash)
	if a.Stats.TransfersDone == 0 || a.Stats.Drops["loss"] == 0 {
		t.Fatalf("the scenario did too little to test anything: %+v", a.Stats)
	}
	b, err := runScenario(t, twoHundred, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.TraceHash != b.TraceHash || a.Events != b.Events {
		t.Fatalf("same seed, different runs: %s (%d events) vs %s (%d events)", a.TraceHash, a.Events, b.TraceHash, b.Events)
	}
	c, err := runScenario(t, twoHundred, Options{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if c.TraceHash == a.TraceHash {
		t.Fatalf("seeds 1 and 2 gave the same trace %s", a.TraceHash)
	}
}

func TestReport(t *testing.T) {
	res, err := runScenario(t, twoNodes, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := res.WriteReport(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"index.html", "latency.svg", "throughput.svg", "summary.txt"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || len(b) < 100 {
			t.Errorf("%s: %d bytes, %v", f, len(b), err)
		}
	}
	var sum strings.Builder
	res.Summary(&sum)
	lines := strings.Split(strings.TrimSpace(sum.String()), "\n")
	if last := lines[len(lines)-1]; last != "trace-hash: "+res.TraceHash {
		t.Errorf("summary ends with %q", last)
	}
}
