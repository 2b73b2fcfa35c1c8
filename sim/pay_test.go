package sim

import (
	"context"
	"strings"
	"testing"
)

const payScenario = `
name: pay-small
seed: %d
nodes: 60
duration: 40s
topology: {generator: transit-stub, segments: 6, transit: 2}
workload:
  - {kind: pay, messages: 2000, per_node: true, start: 1s, spread: 10s, cheat: 0.1}
faults:
  - {kind: loss, at: 0s, rate: 0.05}
  - {kind: crash, at: 4s, for: 4s, count: 6}
`

func payLoadOf(s *Sim) *payLoad {
	for _, t := range s.tasks {
		if l, ok := t.(*payLoad); ok {
			return l
		}
	}
	return nil
}

// TestPaySmall: apps/pay's core at 60 nodes through loss and crashes,
// with cheating payees; the invariants of pay.go hold on several seeds.
func TestPaySmall(t *testing.T) {
	for _, seed := range []int{1, 2, 3} {
		sc, err := ParseScenario([]byte(strings.Replace(payScenario, "%d", string(rune('0'+seed)), 1)))
		if err != nil {
			t.Fatal(err)
		}
		s, _ := runSim(t, sc, Options{}, nil)
		l := payLoadOf(s)
		t.Logf("seed %d: payments %d, vouchers received %d, acks %d, cheaters caught %d", seed, l.payments, l.received, l.acked, l.caught)
		if l.payments < 1500 || l.received == 0 || l.acked == 0 || l.caught == 0 {
			t.Fatalf("seed %d: too little happened", seed)
		}
	}
}

// TestPayLostVoucherCaught: payees that do not keep what they
// acknowledged (their store writes dropped) lose vouchers in the crash
// wave, and the run fails on the invariant "nothing acknowledged is
// lost".
func TestPayLostVoucherCaught(t *testing.T) {
	sc, err := ParseScenario([]byte(strings.Replace(strings.Replace(payScenario, "%d", "1", 1), "cheat: 0.1", "cheat: 0", 1)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	payLoadOf(s).forget = true
	_, err = s.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "honest payee") {
		t.Fatalf("run with forgetful payees: %v", err)
	}
	t.Log(err)
}

// TestPay1000 runs sim/scenarios/pay-1000.yaml.
func TestPay1000(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 nodes: not under -short")
	}
	s, res := runFile(t, "scenarios/pay-1000.yaml", Options{}, nil)
	l := payLoadOf(s)
	t.Logf("virtual %s, payments %d, vouchers received %d, acks %d, cheaters caught %d, hash %s", res.Virtual, l.payments, l.received, l.acked, l.caught, res.TraceHash)
	if l.payments < 18000 || l.caught == 0 {
		t.Fatal("too little happened")
	}
}
