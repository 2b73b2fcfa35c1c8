package sim

import (
	"strings"
	"testing"

	"github.com/anynet/anynet/apps/relay"
)

const relayScenario = `
name: relay-small
seed: %d
nodes: 120
duration: 45s
topology: {generator: transit-stub, segments: 8, transit: 2}
workload:
  - {kind: relay, messages: 1500, start: 1s, spread: 30s, cheat: 0.34, epoch: 10s}
faults:
  - {kind: loss, at: 0s, rate: 0.02}
`

func relayLoadOf(s *Sim) *relayLoad {
	for _, t := range s.tasks {
		if l, ok := t.(*relayLoad); ok {
			return l
		}
	}
	return nil
}

// TestRelaySmall: apps/relay's core at 120 nodes with 2 % loss and
// cheating Edges of every kind; the invariants of relay.go hold, every
// Guardian commits the same roots, and cheaters are detected. Other seeds:
// anynet sim run with the scenario above (seeds 1–2 pass).
func TestRelaySmall(t *testing.T) {
	for _, seed := range []int{1} {
		sc, err := ParseScenario([]byte(strings.Replace(relayScenario, "%d", string(rune('0'+seed)), 1)))
		if err != nil {
			t.Fatal(err)
		}
		s, _ := runSim(t, sc, Options{}, nil)
		l := relayLoadOf(s)
		t.Logf("seed %d: %d flows, %d epochs settled, %d cheater-epochs detected, %d edges (%d cheating)", seed, l.flows, l.settled, l.detected, len(l.edges), len(l.cheat))
		if l.settled < 3 || l.detected == 0 || l.flows < 1000 {
			t.Fatalf("seed %d: too little happened", seed)
		}
		if seed == 1 {
			checkCatches(t, l)
		}
	}
}

// checkCatches: the end-of-run invariants fail on an honest Edge credited
// 2 % more than it delivered, on an honest Edge warned, on a cheater "ok"
// and credited more than it delivered, and on Guardians that disagree.
func checkCatches(t *testing.T, l *relayLoad) {
	if l.check() != nil {
		t.Fatal("the run's own check fails")
	}
	var honest, cheaters int // cases tried
	for ep, sc := range l.scores {
		for i, e := range sc.Edges {
			kind := l.cheat[e.Edge]
			if e.Status != relay.StatusOK {
				continue
			}
			k := relayKey{e.Edge, ep}
			switch {
			case kind == "":
				honest++
				sc.Edges[i].Status = relay.StatusWarned
				l.settled = 0
				if l.check() == nil {
					t.Fatal("an honest edge warned passed the check")
				}
				sc.Edges[i].Status = relay.StatusOK
			case e.Net.Sign() > 0:
				cheaters++
				was := l.truth[k]
				l.truth[k] = 0
				l.settled = 0
				if l.check() == nil {
					t.Fatalf("a %s edge credited for bytes it did not deliver passed the check", kind)
				}
				l.truth[k] = was
			}
		}
	}
	if honest == 0 || cheaters == 0 {
		t.Fatalf("tried %d honest and %d cheating edge-epochs: the run has too little to tamper with", honest, cheaters)
	}
	l.settled = 0
	if err := l.check(); err != nil {
		t.Fatalf("the check fails after the scores were restored: %v", err)
	}
	for k, v := range l.truth {
		if _, settled := l.roots[k.epoch]; !settled || l.cheat[k.edge] != "" || v == 0 {
			continue
		}
		l.truth[k] = v * 98 / 100
		l.settled = 0
		if l.check() == nil {
			t.Fatal("an honest edge credited 2 % over its delivery passed the check")
		}
		l.truth[k] = v
		break
	}
	for ep, roots := range l.roots {
		for g := range roots {
			roots[g] = [32]byte{1}
			break
		}
		l.settled = 0
		if l.check() == nil {
			t.Fatalf("guardians with different roots for epoch %d passed the check", ep)
		}
		break
	}
}
