package sim

import (
	"testing"
)

// churnOf returns the joiners and the leavers of a run.
func churnOf(s *Sim) (joined, left map[*node]bool) {
	joined, left = map[*node]bool{}, map[*node]bool{}
	for _, t := range s.tasks {
		if c, ok := t.(*churn); ok {
			for _, n := range c.nodes {
				if c.leave {
					left[n] = true
				} else {
					joined[n] = true
				}
			}
		}
	}
	return joined, left
}

// checkChurn checks what churn must leave behind: every joiner came up
// and, between them, sent or received a transfer that completed and an
// IM message that was delivered; every leaver is down; no abandoned
// transfer has an end that stayed; every transfer completed or was
// abandoned.
func checkChurn(t *testing.T, s *Sim, res *Result, joins, leaves int) {
	t.Helper()
	st := res.Stats
	joined, left := churnOf(s)
	if st.Joins != joins || st.Leaves != leaves || len(joined) != joins || len(left) != leaves {
		t.Fatalf("joins %d (%d drawn), leaves %d (%d drawn); want %d, %d", st.Joins, len(joined), st.Leaves, len(left), joins, leaves)
	}
	for n := range joined {
		if n.down || n.late {
			t.Errorf("joiner %d is not up at the end", n.id)
		}
	}
	for n := range left {
		if !n.down || !n.left {
			t.Errorf("leaver %d is up at the end", n.id)
		}
	}
	joinerDone, abandoned := 0, 0
	for _, tk := range s.tasks {
		tr, ok := tk.(*transfer)
		if !ok {
			continue
		}
		switch tr.phase {
		case phaseDone:
			if joined[tr.src] || joined[tr.dst] {
				joinerDone++
			}
		case phaseAbandoned:
			abandoned++
			if !left[tr.src] && !left[tr.dst] {
				t.Errorf("transfer %d (%d → %d) abandoned though neither end left", tr.id, tr.src.id, tr.dst.id)
			}
		default:
			t.Errorf("transfer %d neither complete nor abandoned", tr.id)
		}
	}
	if joinerDone == 0 {
		t.Errorf("no transfer from or to a joiner completed")
	}
	if abandoned == 0 || abandoned != st.TransfersAbandoned || st.TransfersDone+abandoned != st.Transfers {
		t.Errorf("transfers: %d done + %d abandoned (counted %d) of %d", st.TransfersDone, abandoned, st.TransfersAbandoned, st.Transfers)
	}
	imJoiner := 0
	for _, tk := range s.tasks {
		if l, ok := tk.(*imLoad); ok {
			for k, it := range l.led.items {
				if it.acked && (joined[s.nodes[it.stream.from]] || joined[s.nodes[it.stream.to]]) {
					imJoiner++
				}
				if it.excused && it.done {
					t.Errorf("im message %s both delivered and abandoned", k.id)
				}
			}
		}
	}
	if st.IMMessages > 0 && (imJoiner == 0 || st.IMAbandoned == 0) {
		t.Errorf("im: %d delivered from or to joiners, %d abandoned", imJoiner, st.IMAbandoned)
	}
}

// TestChurnRouted runs churn-joins.yaml: 20 hosts join and 15 leave a
// routed transit-stub network while transfers and IM messages run.
func TestChurnRouted(t *testing.T) {
	s, res := runFile(t, "scenarios/churn-joins.yaml", Options{}, nil)
	checkChurn(t, s, res, 20, 15)
	if res.Stats.HostDirect != 0 {
		t.Errorf("hosts sent %d frames to other nodes than their router", res.Stats.HostDirect)
	}
}

const churnDirect = `
name: churn-direct
seed: 4
nodes: 40
duration: 120s
topology: {generator: star, segments: 4}
tcp: {buffer: 16KiB}
workload:
  - {kind: join, rate: 0.5, start: 1s, spread: 20s}
  - {kind: leave, nodes: 6, start: 5s, spread: 10s}
  - {kind: tcp, transfers: 60, bytes: 16KiB, start: 100ms, spread: 30s}
  - {kind: im, messages: 100, conversations: 30, start: 100ms, spread: 30s}
faults:
  - {kind: crash, at: 8s, for: 5s, count: 4}
expect: {all_complete: true, all_delivered: true}
`

// TestChurnDirect: joins at a rate and leaves without routers, with
// crashes on top (a crash's restart never brings a leaver back).
func TestChurnDirect(t *testing.T) {
	sc, err := ParseScenario([]byte(churnDirect))
	if err != nil {
		t.Fatal(err)
	}
	s, res := runSim(t, sc, Options{}, nil)
	checkChurn(t, s, res, 10, 6)
}
