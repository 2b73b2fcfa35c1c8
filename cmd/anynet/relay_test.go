package main

import (
	"encoding/json"
	"fmt"
	"math/big"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/relay"
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
	epochEnd := time.Unix(0, int64(epoch+1)*int64(epochLen))
	// Before settlement (the Guardian settles three graces, 3 s, after
	// the epoch ends) bob's status shows the epoch pending: its gross,
	// the Guardian's fee and the net. The last view taken after the
	// epoch ended, in a round where alice's status read after it shows
	// the epoch not yet committed, is compared below with what bob
	// claims.
	var (
		before   control.RelayPending
		beforeAt time.Time
		shown    bool
	)
	eventually(t, "the epoch committed", func() error {
		at := time.Now()
		var (
			b         control.RelayStatus
			view      control.RelayPending
			viewAfter bool
		)
		if err := decode(&b, "--dir", dirs["bob"], "relay", "status"); err != nil {
			return err
		}
		for _, p := range b.Pending {
			if p.Epoch != epoch || p.Bytes == 0 {
				continue
			}
			checkPending(t, b, p, 250)
			view, viewAfter = p, !at.Before(epochEnd)
			if !shown {
				out := must("--dir", dirs["bob"], "relay", "status")
				if !strings.Contains(out, "pending (before settlement, at full availability):") || !regexp.MustCompile(`(?m)^`+strconv.FormatUint(epoch, 10)+` +\d+ +\d+ +[0-9.]+ ETH +[0-9.]+ ETH +[0-9.]+ ETH$`).MatchString(out) {
					t.Fatalf("relay status of bob before settlement:\n%s", out)
				}
				shown = true
			}
		}
		var s control.RelayStatus
		if err := decode(&s, "--dir", dirs["alice"], "relay", "status"); err != nil {
			return err
		}
		for _, e := range s.Settled {
			if e.Epoch == epoch && e.Tx != "" {
				return nil
			}
		}
		if viewAfter {
			before, beforeAt = view, at
		}
		return fmt.Errorf("epoch %d not committed: %+v", epoch, s.Settled)
	})
	if !shown {
		t.Fatalf("bob's status never showed epoch %d pending before its settlement", epoch)
	}
	ep := strconv.FormatUint(epoch, 10)
	out := must("--dir", dirs["carol"], "relay", "score", ep)
	if !strings.Contains(out, "\nmatch\n") || !strings.Contains(out, wallets["bob"]) || !strings.Contains(out, " ok ") {
		t.Fatalf("relay score:\n%s", out)
	}
	if !strings.Contains(out, "stakes at block") || !strings.Contains(out, "match the contract's") {
		t.Fatalf("relay score shows no stake snapshot:\n%s", out)
	}
	var claim control.RelayClaim
	if err := decode(&claim, "--dir", dirs["bob"], "relay", "claim", ep, "--withdraw"); err != nil || claim.Tx == "" || claim.Withdrawn == "" {
		t.Fatalf("relay claim: %+v, %v", claim, err)
	}
	// What bob claimed is what his status showed pending after the epoch
	// ended, up to what the formula lets differ: the settled score
	// counts the receipts the Guardian got (score.go), the pending view
	// those bob had at beforeAt (observe.go), so a session's final
	// receipt in flight at beforeAt (the settled count higher) or one
	// reaching bob after he handed the epoch in (lower) moves the
	// figure by less than one receipt interval, DefaultReceiptEvery,
	// per session. At status ok (full availability, asserted below) the
	// money follows the bytes by the same formula. The pending view does
	// not apply the stake ceiling (observe.go): bob's 0.1 ETH backs far
	// more than the epoch carries, which the score must show.
	sc := claim.Score
	if claim.Amount != sc.Net || sc.Status != "ok" {
		t.Fatalf("claimed %s of score %+v", claim.Amount, sc)
	}
	if sc.Stake != "100000000000000000" || sc.Ceiling != 1717986918 || sc.Delivered >= sc.Ceiling {
		t.Fatalf("bob's stake and the ceiling it backs: %+v", sc)
	}
	if beforeAt.IsZero() {
		// A loaded machine can miss the few seconds between the epoch's
		// end and its commit; every row seen was checked above.
		t.Logf("no view of epoch %d between its end and its commit: pending and settled not compared", epoch)
	} else {
		slack := uint64(before.Sessions) * relay.DefaultReceiptEvery
		if d := max(sc.Delivered, before.Bytes) - min(sc.Delivered, before.Bytes); d > slack {
			t.Fatalf("settled %d bytes, %d shown pending at %s (%s after the epoch): %d apart, more than %d sessions' receipt interval", sc.Delivered, before.Bytes, beforeAt.Format(time.RFC3339Nano), beforeAt.Sub(epochEnd), d, before.Sessions)
		}
		if sc.Delivered == before.Bytes && (sc.Gross != before.Gross || sc.Fee != before.Fee || sc.Net != before.Net) {
			t.Fatalf("same bytes, other money: settled %+v, pending %+v", sc, before)
		}
		t.Logf("epoch %d: pending %d bytes, gross %s, fee %s, net %s wei (%s after its end); settled %d bytes, claimed %s wei", epoch, before.Bytes, before.Gross, before.Fee, before.Net, beforeAt.Sub(epochEnd).Round(time.Millisecond), sc.Delivered, claim.Amount)
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

// checkPending checks a pending epoch's money against the rules the
// status states: gross = bytes × price / 2^30, fee = gross × feeBps /
// 10^4 (both rounded down), net = gross − fee, at the Guardian's fee.
func checkPending(t *testing.T, s control.RelayStatus, p control.RelayPending, feeBps uint64) {
	t.Helper()
	num := func(v string) *big.Int {
		n, ok := new(big.Int).SetString(v, 10)
		if !ok {
			t.Fatalf("not a wei amount: %q", v)
		}
		return n
	}
	gross := new(big.Int).Mul(new(big.Int).SetUint64(p.Bytes), num(s.PricePerGiB))
	gross.Rsh(gross, 30)
	fee := new(big.Int).Mul(gross, new(big.Int).SetUint64(feeBps))
	fee.Div(fee, big.NewInt(10_000))
	net := new(big.Int).Sub(gross, fee)
	if s.FeeBps != feeBps || gross.Sign() <= 0 || num(p.Gross).Cmp(gross) != 0 || num(p.Fee).Cmp(fee) != 0 || num(p.Net).Cmp(net) != 0 {
		t.Fatalf("pending %+v at %s wei per GiB, fee %d bps: want gross %s, fee %s, net %s at %d bps", p, s.PricePerGiB, s.FeeBps, gross, fee, net, feeBps)
	}
}
