package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/anynet/anynet/apps/im"
)

// imChurn is small enough for every CI run and has everything that goes
// wrong: 20 % loss, two waves of crashes with restarts (senders and
// recipients; the first long enough for mailboxes to matter), and a
// partition that heals. The last message is offered at 40 s; the run
// lasts long enough after it for a message that went to a mailbox to be
// fetched (every minute, sooner after a failed fetch) and its receipt to
// cross the lossy network: at 150 s, 5 seeds of 24 ended with such a
// receipt still on its way; at 240 s none did.
const imChurn = `
name: im-churn
seed: 4
nodes: 60
duration: 240s
topology: {generator: transit-stub, segments: 8, transit: 2}
tcp: {buffer: 16KiB}
workload:
  - {kind: im, messages: 600, conversations: 80, start: 100ms, spread: 40s}
faults:
  - {kind: loss, at: 0s, rate: 0.2}
  - {kind: crash, at: 5s, for: 40s, count: 8}
  - {kind: crash, at: 25s, for: 8s, count: 8}
  - {kind: partition, at: 12s, for: 20s, fraction: 0.4}
expect: {all_delivered: true}
`

// TestIMDeliversUnderChurn: every message a running sender accepted is
// delivered, exactly once and in order per conversation (the run would
// end with an *InvariantError otherwise), through loss, crashes of
// senders and recipients, and a partition; and the run repeats byte for
// byte with its seed.
func TestIMDeliversUnderChurn(t *testing.T) {
	a, err := runScenario(t, imChurn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := a.Stats
	figures := func(st *Stats) string {
		return fmt.Sprintf("drops %v, crashes %d, im: accepted %d delivered %d stored %d (%d items fetched) after-crash %d refused %d dups %d deposited %d conns %d downs %d",
			st.Drops, st.Crashes, st.IMAccepted, st.IMDelivered, st.IMStored, st.IMFromMailbox, st.IMAfterCrash, st.IMRefused, st.IMDuplicates, st.IMDeposited, st.ServiceConns, st.ServiceDowns)
	}
	t.Logf("events %d, %s, hash %s", a.Events, figures(st), a.TraceHash)
	if st.IMDelivered != st.IMAccepted || st.IMStored != st.IMAccepted || st.IMAccepted+st.IMRefused != 600 {
		t.Fatalf("accepted %d, delivered %d, stored %d, refused %d", st.IMAccepted, st.IMDelivered, st.IMStored, st.IMRefused)
	}
	if len(st.IMLatency) != st.IMDelivered {
		t.Fatalf("%d latencies for %d deliveries", len(st.IMLatency), st.IMDelivered)
	}
	// The faults happened and hit the workload: otherwise this proves
	// nothing about them.
	if st.Drops["loss"] == 0 || st.Drops["partition"] == 0 || st.Crashes == 0 || st.IMRefused == 0 ||
		st.IMAfterCrash == 0 || st.ServiceDowns == 0 || st.IMDeposited == 0 || st.IMFromMailbox == 0 || st.IMDuplicates == 0 {
		t.Fatalf("the faults did not touch the workload: %s", figures(st))
	}
	b, err := runScenario(t, imChurn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.TraceHash != b.TraceHash || a.Events != b.Events || b.Stats.IMDelivered != st.IMDelivered {
		t.Fatalf("same seed, different runs: %s (%d events) vs %s (%d events)", a.TraceHash, a.Events, b.TraceHash, b.Events)
	}
	c, err := runScenario(t, imChurn, Options{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if c.TraceHash == a.TraceHash {
		t.Fatalf("seeds 4 and 5 gave the same trace %s", a.TraceHash)
	}
}

// TestIMUndelivered: a message that cannot arrive (its recipient is down
// to the end) breaks expect.all_delivered with an *InvariantError that
// names the seed.
func TestIMUndelivered(t *testing.T) {
	res, err := runScenario(t, `
name: im-lost
seed: 9
nodes: 2
duration: 30s
workload:
  - {kind: im, messages: 3, conversations: 1, start: 2s, spread: 1s}
faults:
  - {kind: crash, at: 1s, count: 1}
expect: {all_delivered: true}
`, Options{})
	var ie *InvariantError
	if !errors.As(err, &ie) || ie.Seed != 9 {
		t.Fatalf("run: %v, want an invariant error with seed 9", err)
	}
	t.Log(err)
	// The JSON summary (anynet sim run --json) says so too.
	var b bytes.Buffer
	if err := res.WriteJSON(&b, err); err != nil {
		t.Fatal(err)
	}
	var j struct {
		OK        bool   `json:"ok"`
		Seed      uint64 `json:"seed"`
		Violation string `json:"violation"`
		TraceHash string `json:"trace_hash"`
	}
	if err := json.Unmarshal(b.Bytes(), &j); err != nil || j.OK || j.Seed != 9 || !strings.Contains(j.Violation, "--seed 9") || j.TraceHash != res.TraceHash {
		t.Fatalf("json summary %s: %+v %v", b.String(), j, err)
	}
}

// TestIMEventInvariants hands the workload's checks events a correct
// core never reports: each must be refused as a violated invariant.
func TestIMEventInvariants(t *testing.T) {
	build := func(t *testing.T) (*imLoad, []*imMsg) {
		sc, err := ParseScenario([]byte(`
name: im-unit
seed: 2
nodes: 2
workload:
  - {kind: im, messages: 3, conversations: 1, start: 1s}
`))
		if err != nil {
			t.Fatal(err)
		}
		s, err := New(context.Background(), sc, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		var l *imLoad
		for _, tk := range s.tasks {
			if tk, ok := tk.(*imLoad); ok {
				l = tk
			}
		}
		ms := make([]*imMsg, 3)
		for _, m := range l.msgs {
			ms[int(m.text[8]-'0')] = m // "message N …"
		}
		for _, m := range ms {
			err := l.observe(Observation{Node: m.from.self.Wallet, Cmd: im.SendCmd{To: m.to.self.Wallet, ID: m.id, Text: m.text}})
			if err != nil {
				t.Fatal(err)
			}
		}
		return l, ms
	}
	shown := func(m *imMsg) Observation {
		return Observation{Node: m.to.self.Wallet, Then: func(Command) {},
			Event: im.Event{Kind: im.EventRequest, Peer: m.from.self.Wallet, Message: im.Message{ID: m.id, Text: m.text}}}
	}
	edit := func(o Observation, f func(e *im.Event)) Observation {
		e := o.Event.(im.Event)
		f(&e)
		o.Event = e
		return o
	}
	cases := []struct {
		name string
		feed func(ms []*imMsg) []Observation
	}{
		{"out of order", func(ms []*imMsg) []Observation { return []Observation{shown(ms[1]), shown(ms[0])} }},
		{"wrong sender", func(ms []*imMsg) []Observation {
			return []Observation{edit(shown(ms[0]), func(e *im.Event) { e.Peer = ms[0].to.self.Wallet })}
		}},
		{"altered text", func(ms []*imMsg) []Observation {
			return []Observation{edit(shown(ms[0]), func(e *im.Event) { e.Message.Text += "!" })}
		}},
		{"never offered", func(ms []*imMsg) []Observation {
			return []Observation{edit(shown(ms[0]), func(e *im.Event) { e.Message.ID[0] ^= 1 })}
		}},
		{"shown to another", func(ms []*imMsg) []Observation {
			o := shown(ms[0])
			o.Node = ms[0].from.self.Wallet
			return []Observation{o}
		}},
		{"receipt before shown", func(ms []*imMsg) []Observation {
			return []Observation{{Node: ms[0].from.self.Wallet, Event: im.Event{Kind: im.EventReceipt, Message: im.Message{ID: ms[0].id, Status: im.Delivered}}}}
		}},
		{"failed", func(ms []*imMsg) []Observation {
			return []Observation{{Node: ms[0].from.self.Wallet, Event: im.Event{Kind: im.EventReceipt, Message: im.Message{ID: ms[0].id, Status: im.Failed}}}}
		}},
		{"shown twice", func(ms []*imMsg) []Observation {
			return []Observation{shown(ms[0]), shown(ms[1]), shown(ms[2]), shown(ms[0])}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, ms := build(t)
			var err error
			for _, o := range tc.feed(ms) {
				if err = l.observe(o); err != nil {
					break
				}
			}
			if err == nil {
				t.Fatal("passed")
			}
			t.Log(err)
		})
	}
	t.Run("in order", func(t *testing.T) {
		l, ms := build(t)
		for _, m := range ms {
			if err := l.observe(shown(m)); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, pending := oldest(&l.led); l.s.stats.IMStored != 3 || !pending {
			t.Fatalf("stored %d, pending %v before any receipt", l.s.stats.IMStored, pending)
		}
	})
}

// TestIM1000 runs sim/scenarios/im-1000.yaml: 1,000 nodes, 10 % loss,
// churn and a partition; every accepted message must be delivered.
func TestIM1000(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 nodes: not under -short")
	}
	_, res := runFile(t, "scenarios/im-1000.yaml", Options{}, nil)
	st := res.Stats
	t.Logf("virtual %s, %d events, im: %d/%d delivered (%d after a crash), %d refused, %d dups, p50 %s p99 %s, hash %s",
		res.Virtual, res.Events, st.IMDelivered, st.IMAccepted, st.IMAfterCrash, st.IMRefused, st.IMDuplicates,
		percentile(st.IMLatency, 50), percentile(st.IMLatency, 99), res.TraceHash)
	if st.IMAccepted < 9000 || st.IMDelivered != st.IMAccepted || st.Crashes != 180 || st.Drops["partition"] == 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestFaultsFile runs sim/scenarios/faults.yaml: transfers and instant
// messages together through loss, crashes, a partition and a link down.
func TestFaultsFile(t *testing.T) {
	_, res := runFile(t, "scenarios/faults.yaml", Options{}, nil)
	st := res.Stats
	t.Logf("transfers %d/%d, im %d/%d delivered (%d refused, %d from a mailbox), drops %v", st.TransfersDone, st.Transfers,
		st.IMDelivered, st.IMAccepted, st.IMRefused, st.IMFromMailbox, st.Drops)
	if st.TransfersDone != st.Transfers || st.IMAccepted == 0 || st.IMDelivered != st.IMAccepted || st.Drops["partition"] == 0 {
		t.Fatalf("stats %+v", st)
	}
}

// imConsent is im-consent-1000.yaml at 60 nodes, for every CI run.
const imConsent = `
name: im-consent
seed: 3
nodes: 60
duration: 90s
topology: {generator: transit-stub, segments: 8, transit: 2}
tcp: {buffer: 16KiB}
workload:
  - {kind: im, messages: 400, conversations: 60, start: 100ms, spread: 20s, block: 0.2, allow: 0.4, read: true, attach: 0.2,
     groups: 6, group_size: 5, group_messages: 60}
faults:
  - {kind: loss, at: 0s, rate: 0.05}
  - {kind: crash, at: 5s, for: 10s, count: 6}
expect: {all_delivered: true}
`

// TestIMConsent: a blocked sender's messages never reach the user and
// fail as blocked; allowed senders' come as messages, the others' as
// requests; read receipts name only messages shown; every other
// accepted message is delivered, each file offered downloaded once and
// verified, each group post shown once to each member of its epoch
// (the run fails with an *InvariantError otherwise).
func TestIMConsent(t *testing.T) {
	res, err := runScenario(t, imConsent, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := res.Stats
	t.Logf("im: accepted %d delivered %d blocked %d read %d downloads %d group shown %d, hash %s", st.IMAccepted, st.IMDelivered,
		st.IMBlocked, st.IMRead, st.IMDownloads, st.IMGroupShown, res.TraceHash)
	if st.IMBlocked == 0 || st.IMRead == 0 || st.IMDelivered == 0 || st.IMDelivered+st.IMBlocked > st.IMAccepted || st.IMDownloads == 0 || st.IMGroupShown == 0 {
		t.Fatalf("consent did not show: %+v", st)
	}
}

// TestIMConsent1000 runs sim/scenarios/im-consent-1000.yaml.
func TestIMConsent1000(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 nodes: not under -short")
	}
	_, res := runFile(t, "scenarios/im-consent-1000.yaml", Options{}, nil)
	st := res.Stats
	t.Logf("virtual %s, im: accepted %d delivered %d blocked %d read %d, hash %s", res.Virtual, st.IMAccepted, st.IMDelivered, st.IMBlocked, st.IMRead, res.TraceHash)
	if st.IMBlocked == 0 || st.IMRead == 0 || st.IMDelivered < 4000 {
		t.Fatalf("stats %+v", st)
	}
}
