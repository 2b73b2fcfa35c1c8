package sim

import (
	"context"
	"strings"
	"testing"
)

// runFile runs a scenario file (runSim).
func runFile(t *testing.T, path string, opt Options, observe func(s *Sim, p Progress)) (*Sim, *Result) {
	t.Helper()
	sc, err := LoadScenario(path)
	if err != nil {
		t.Fatal(err)
	}
	return runSim(t, sc, opt, observe)
}

// runSim runs sc to the end, failing the test on any error, and logs
// its summary; observe, if set, is called from the run's goroutine with
// the simulator at every progress report. The simulator is closed when
// the test ends.
func runSim(t *testing.T, sc *Scenario, opt Options, observe func(s *Sim, p Progress)) (*Sim, *Result) {
	t.Helper()
	var s *Sim
	if observe != nil {
		opt.Progress = func(p Progress) { observe(s, p) }
	}
	s, err := New(context.Background(), sc, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	res, err := s.Run(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", sc.Name, err)
	}
	var sum strings.Builder
	res.Summary(&sum)
	t.Logf("%s:\n%s", sc.Name, sum.String())
	return s, res
}
