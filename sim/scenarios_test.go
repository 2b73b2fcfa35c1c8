package sim

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// TestScenarioFilesParse keeps the example files valid.
func TestScenarioFilesParse(t *testing.T) {
	files, err := filepath.Glob("scenarios/*.yaml")
	if err != nil || len(files) < 5 {
		t.Fatalf("scenario files: %v %v", files, err)
	}
	for _, f := range files {
		sc, err := LoadScenario(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if sc.Name == "" || len(sc.Workload) == 0 {
			t.Errorf("%s: no name or no workload", f)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, yml := range []string{
		"nodes: 1",
		"nodes: 5\ntopology: {generator: blob}",
		"nodes: 5\nworkload: [{}]",
		"nodes: 5\nfaults: [{kind: meteor}]",
		"nodes: 5\nduration: forever",
		"nodes: 5\nnaming: {enabled: true, block: 10ms}",
		"nodes: 5\ntopology: {classes: {access: {bandwidth: 0, mtu: 1500, queue: 1}}}",
		"nodes: 5\nfaults: [{kind: crash, routers: true}]",
		"nodes: 3\ntopology: {segments: 2}\nrouting: {enabled: true}",
	} {
		if _, err := ParseScenario([]byte(yml)); err == nil {
			t.Errorf("%q parsed", yml)
		}
	}
	// A kind neither built in nor registered (Options.Services) parses
	// but does not run.
	sc, err := ParseScenario([]byte("nodes: 5\nworkload: [{kind: telepathy}]"))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := New(context.Background(), sc, Options{}); !errors.Is(err, ErrScenario) {
		if s != nil {
			s.Close()
		}
		t.Errorf("unknown kind: %v", err)
	}
}

// FuzzParseScenario: no input makes the parser or Validate panic, and
// what parses is valid.
func FuzzParseScenario(f *testing.F) {
	f.Add([]byte(twoNodes))
	f.Add([]byte(twoHundred))
	f.Add([]byte("nodes: 3\ntopology: {generator: transit-stub, segments: 2, transit: 4}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		sc, err := ParseScenario(b)
		if err != nil {
			return
		}
		if sc.Nodes < 2 || sc.Duration <= 0 {
			t.Fatalf("parsed an invalid scenario: %+v", sc)
		}
	})
}
