package sim

import (
	"context"
	"strings"
	"testing"
)

const mqScenario = `
name: mq-small
seed: %d
nodes: 60
duration: 60s
topology: {generator: transit-stub, segments: 6, transit: 2}
workload:
  - {kind: mq, messages: 2000, conversations: 12, start: 2s, spread: 10s, cheat: 0.02}
faults:
  - {kind: loss, at: 0s, rate: 0.02}
  - {kind: crash, at: 6s, for: 4s, count: 6}
`

func mqLoadOf(s *Sim) *mqLoad {
	for _, t := range s.tasks {
		if l, ok := t.(*mqLoad); ok {
			return l
		}
	}
	return nil
}

func mqRun(seed string) string { return strings.Replace(mqScenario, "%d", seed, 1) }

// TestMQSmall: apps/mq's overlay core and the simulator's engine at 60
// nodes through loss, the scenario's crashes and the workload's own
// crashes of every queue host and consumer; the invariants of mq.go
// hold on several seeds, and a seed gives the same trace twice.
func TestMQSmall(t *testing.T) {
	hashes := map[string]string{}
	for _, seed := range []string{"1", "2", "3", "1"} {
		sc, err := ParseScenario([]byte(mqRun(seed)))
		if err != nil {
			t.Fatal(err)
		}
		s, res := runSim(t, sc, Options{}, nil)
		l := mqLoadOf(s)
		t.Logf("seed %s: %d hosts, %d acknowledged, %d processed, %d redelivered (%d skipped by id), dead letters %d poison + %d other, crashes %d, trace %s",
			seed, len(l.hosts), l.published, len(l.processed), l.redelivered, l.skipped, l.deadPoison, l.deadOther, res.Stats.Crashes, res.TraceHash)
		if l.published != 2000 || l.deadPoison == 0 || l.skipped == 0 || res.Stats.Crashes == 0 {
			t.Fatalf("seed %s: too little happened", seed)
		}
		if h, ok := hashes[seed]; ok && h != res.TraceHash {
			t.Fatalf("seed %s: trace %s, then %s", seed, h, res.TraceHash)
		}
		hashes[seed] = res.TraceHash
	}
}

// TestMQLostMessageCaught: queue hosts that do not keep the messages
// they acknowledge lose them in their crashes, and the run fails on
// "nothing acknowledged lost".
func TestMQLostMessageCaught(t *testing.T) {
	sc, err := ParseScenario([]byte(mqRun("1")))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mqLoadOf(s).forget = true
	_, err = s.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "lost") && !strings.Contains(err.Error(), "never") && !strings.Contains(err.Error(), "twice") {
		t.Fatalf("run with forgetful hosts: %v", err)
	}
	t.Log(err)
}

// TestMQ1000 runs sim/scenarios/mq-1000.yaml.
func TestMQ1000(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 nodes: not under -short")
	}
	s, res := runFile(t, "scenarios/mq-1000.yaml", Options{}, nil)
	l := mqLoadOf(s)
	t.Logf("virtual %s, %d hosts, %d acknowledged, %d processed, %d redelivered (%d skipped by id), dead letters %d poison + %d other, crashes %d, hash %s",
		res.Virtual, len(l.hosts), l.published, len(l.processed), l.redelivered, l.skipped, l.deadPoison, l.deadOther, res.Stats.Crashes, res.TraceHash)
	if l.published != 20000 || l.deadPoison == 0 {
		t.Fatal("too little happened")
	}
}
