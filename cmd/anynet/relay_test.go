package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
	"github.com/anynet/anynet/cmd/anynet/internal/tuiadapter"
)

// TestRelayVerbs drives relay incentives through the CLI against three
// nodes started with `anynet up`: alice a Guardian (she embeds and
// serves the chain, deploys RelayCredits and names it in her DID entry),
// bob an Edge, carol a WatchDog probing bob with flows alice echoes.
// After an epoch alice's status shows it settled and committed; `anynet
// relay score EPOCH` on carol's node recomputes it from alice's
// published evidence and says match; bob claims and withdraws; his
// status shows the score, its fee and the claim; an epoch nobody
// settled is a one-line error.
func TestRelayVerbs(t *testing.T) {
	cleanEnv(t)
	if testing.Short() {
		t.Skip("starts a chain, three nodes and a real epoch")
	}
	root := sockDir(t)
	dirs := map[string]string{}
	wallets := map[string]string{}
	hex := regexp.MustCompile(`wallet +(0x[0-9a-fA-F]{40})`)
	for _, n := range []string{"alice", "bob", "carol"} {
		dirs[n] = filepath.Join(root, n)
		t.Setenv("ANYNET_PASSPHRASE", "test passphrase")
		out, err := run(t, "--dir", dirs[n], "init", "--scrypt", "light", "--name", n)
		if err != nil {
			t.Fatalf("init: %v\n%s", err, out)
		}
		m := hex.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("init printed no wallet:\n%s", out)
		}
		wallets[n] = m[1]
	}
	t.Setenv("ANYNET_PASSPHRASE", "test passphrase")
	must := func(args ...string) string {
		t.Helper()
		out, err := run(t, args...)
		if err != nil {
			t.Fatalf("anynet %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	decode := func(v any, args ...string) error {
		out, err := run(t, append(args, "--json")...)
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return json.Unmarshal([]byte(out), v)
	}
	published := func(dir string) {
		eventually(t, dir+" published", func() error {
			var s control.Status
			if err := decode(&s, "--dir", dir, "status"); err != nil {
				return err
			}
			if s.Published == "" {
				return fmt.Errorf("not yet: %s", s.PublishError)
			}
			return nil
		})
	}
	const epochLen = 10 * time.Second
	epochFlag := "--relay-epoch=" + epochLen.String()
	upInProcess(t, dirs["alice"], "--serve-chain", "127.0.0.1:0", "--relay-role", "guardian", "--relay-watchdog", wallets["carol"], "--relay-fee-bps", "250", epochFlag)
	var chain control.ChainInfo
	if err := decode(&chain, "--dir", dirs["alice"], "chain", "info"); err != nil {
		t.Fatal(err)
	}
	published(dirs["alice"])
	upInProcess(t, dirs["bob"], "--chain", chain.URL, "--relay-role", "edge", "--relay-guardian", wallets["alice"], epochFlag)
	upInProcess(t, dirs["carol"], "--chain", chain.URL, "--relay-role", "watchdog", "--relay-guardian", wallets["alice"],
		"--relay-edge", wallets["bob"], "--relay-probe-partner", wallets["alice"], epochFlag)
	published(dirs["bob"])
	published(dirs["carol"])
	// bob, the Edge, stakes: unstaked endpoints' receipts earn him up to
	// what it backs.
	if out := must("--dir", dirs["bob"], "relay", "stake", "0.1eth"); !strings.Contains(out, "staked    100000000000000000 wei") || !strings.Contains(out, "backs 1717986918 bytes an epoch") {
		t.Fatalf("relay stake:\n%s", out)
	}

	epoch := uint64(time.Now().UnixNano()/int64(epochLen)) + 1
	eventually(t, "the epoch committed", func() error {
		var s control.RelayStatus
		if err := decode(&s, "--dir", dirs["alice"], "relay", "status"); err != nil {
			return err
		}
		for _, e := range s.Settled {
			if e.Epoch == epoch && e.Tx != "" {
				return nil
			}
		}
		return fmt.Errorf("epoch %d not committed: %+v", epoch, s.Settled)
	})
	ep := strconv.FormatUint(epoch, 10)
	out := must("--dir", dirs["carol"], "relay", "score", ep)
	if !strings.Contains(out, "\nmatch\n") || !strings.Contains(out, wallets["bob"]) || !strings.Contains(out, " ok ") {
		t.Fatalf("relay score:\n%s", out)
	}
	if !strings.Contains(out, "stakes at block") || !strings.Contains(out, "match the contract's") {
		t.Fatalf("relay score shows no stake snapshot:\n%s", out)
	}
	out = must("--dir", dirs["bob"], "relay", "claim", ep, "--withdraw")
	if !strings.Contains(out, "claimed") || !strings.Contains(out, "withdrawn") {
		t.Fatalf("relay claim:\n%s", out)
	}
	out = must("--dir", dirs["bob"], "relay", "status")
	if !strings.Contains(out, "roles     edge") || !strings.Contains(out, "fee 250 bps") || !strings.Contains(out, "scores (recomputed") || !strings.Contains(out, "match") || !strings.Contains(out, "0x") {
		t.Fatalf("relay status:\n%s", out)
	}
	// The TUI's Relay view (through its adapter, over the same control
	// API) shows bob's earnings and score with the evidence behind it,
	// carol's probes of bob and alice's commitment.
	tr, err := tuiadapter.New(dirs["bob"]).Relay(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var scored *tui.RelayScore
	for i := range tr.Scores {
		if tr.Scores[i].Epoch == epoch {
			scored = &tr.Scores[i]
		}
	}
	if tr.Roles != "edge" || tr.FeeBps != 250 || scored == nil || scored.Status != "ok" || !scored.Match || !scored.Claimed ||
		scored.Probes == 0 || scored.Answered == 0 || scored.Endpoints == 0 || scored.Delivered == 0 || !strings.HasSuffix(scored.Fee, " ETH") {
		t.Fatalf("TUI relay view of bob: %+v (epoch %d: %+v)", tr, epoch, scored)
	}
	if tr, err = tuiadapter.New(dirs["carol"]).Relay(t.Context()); err != nil || !slices.ContainsFunc(tr.Probes, func(p tui.RelayProbes) bool {
		return p.Epoch == epoch && strings.EqualFold(p.Edge, wallets["bob"]) && p.Answered > 0
	}) {
		t.Fatalf("TUI relay view of carol: %+v, %v", tr, err)
	}
	if tr, err = tuiadapter.New(dirs["alice"]).Relay(t.Context()); err != nil || !slices.ContainsFunc(tr.Settled, func(e tui.RelaySettled) bool {
		return e.Epoch == epoch && e.Edges > 0 && e.Receipts > 0 && e.Probes > 0 && strings.HasPrefix(e.Commit, "0x")
	}) {
		t.Fatalf("TUI relay view of alice: %+v, %v", tr, err)
	}
	must("--dir", dirs["bob"], "relay", "unstake", "0.04eth")
	if out := must("--dir", dirs["bob"], "relay", "stake"); !strings.Contains(out, "staked    60000000000000000 wei") || !strings.Contains(out, "unstaking 40000000000000000 wei") {
		t.Fatalf("relay stake after unstake:\n%s", out)
	}
	if out, err := run(t, "--dir", dirs["bob"], "relay", "unstake", "--withdraw"); err == nil || !strings.Contains(out+err.Error(), "locked") {
		t.Fatalf("withdrawal before the delay: %v\n%s", err, out)
	}
	if out, err := run(t, "--dir", dirs["carol"], "relay", "score", strconv.FormatUint(epoch+1000, 10)); err == nil || !strings.Contains(out+err.Error(), "no published evidence") {
		t.Fatalf("score of an unsettled epoch: %v\n%s", err, out)
	}
}
