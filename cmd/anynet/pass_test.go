package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/daemon"
)

// upInProcess runs `anynet --dir dir up --headless ...` in this process
// until the test ends.
func upInProcess(t *testing.T, dir string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		root := newRoot()
		root.SetArgs(append([]string{"--dir", dir, "up", "--headless", "--listen", "127.0.0.1:0", "--log-level", "warn"}, args...))
		done <- root.ExecuteContext(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("up in %s: %v", dir, err)
		}
	})
	eventually(t, "node in "+dir+" answers", func() error {
		_, err := control.NewClient(dir).Status(context.Background())
		return err
	})
}

// TestPassVerbs drives `anynet pass` against nodes started with `anynet
// up` on the embedded chain: alice embeds and serves it, so her node
// holds the passes' admin key (the chain's dev account) and mints; bob
// joins by URL and cannot mint. Alice mints, subdivides and transfers a
// pass to bob, bob names its routers, both read it back; every refusal
// is one line naming its cause. Then carol, started as a router for a
// prefix whose pass alice minted to carol's wallet, publishes her
// endpoint in that pass by herself.
func TestPassVerbs(t *testing.T) {
	cleanEnv(t)
	if testing.Short() {
		t.Skip("starts a chain and three nodes")
	}
	root := sockDir(t)
	a, b, r := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "r")
	initNode(t, a, "alice")
	initNode(t, b, "bob")
	initNode(t, r, "carol")
	t.Setenv("ANYNET_PASSPHRASE", "test passphrase")

	must := func(args ...string) string {
		t.Helper()
		out, err := run(t, args...)
		if err != nil {
			t.Fatalf("anynet %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	decode := func(v any, args ...string) {
		t.Helper()
		if err := json.Unmarshal([]byte(must(append(args, "--json")...)), v); err != nil {
			t.Fatalf("anynet %s --json: %v", strings.Join(args, " "), err)
		}
	}

	upInProcess(t, a, "--serve-chain", "127.0.0.1:0")
	var chain control.ChainInfo
	decode(&chain, "--dir", a, "chain", "info")
	upInProcess(t, b, "--chain", chain.URL)
	var as, bs control.Status
	decode(&as, "--dir", a, "status")
	// Bob's wallet is funded by alice's faucet (the dev account) before
	// he publishes; let that be done before alice mints with the same
	// account.
	eventually(t, "bob published", func() error {
		decode(&bs, "--dir", b, "status")
		if bs.Published == "" {
			return fmt.Errorf("not yet: %s", bs.PublishError)
		}
		return nil
	})

	// Mint, subdivide, list, transfer, routers, show.
	if out := must("--dir", a, "pass", "mint", "2a/64"); !strings.Contains(out, "pass 1: 2a/64, held by "+as.Wallet) {
		t.Errorf("mint: %q", out)
	}
	if out := must("--dir", a, "pass", "subdivide", "1", "2a.1/128"); !strings.Contains(out, "pass 2: 2a.1/128, inside pass 1") {
		t.Errorf("subdivide: %q", out)
	}
	var mine []control.Pass
	decode(&mine, "--dir", a, "pass", "list")
	if len(mine) != 2 || mine[0].ID != "1" || mine[1].ID != "2" || !mine[0].Mine || mine[1].Parent != "1" {
		t.Errorf("alice's passes: %+v", mine)
	}
	if out := must("--dir", a, "pass", "transfer", "2", bs.Wallet); !strings.Contains(out, "now held by "+bs.Wallet) {
		t.Errorf("transfer: %q", out)
	}
	decode(&mine, "--dir", b, "pass", "list")
	if len(mine) != 1 || mine[0].ID != "2" || mine[0].Prefix != "2a.1/128" || mine[0].Owner != bs.Wallet {
		t.Errorf("bob's passes: %+v", mine)
	}
	if out := must("--dir", b, "pass", "routers", "2", "127.0.0.1:4999", "[::1]:4999"); !strings.Contains(out, "routers: 127.0.0.1:4999 [::1]:4999") {
		t.Errorf("routers: %q", out)
	}
	// A locator inside 2a.1/128 is held by pass 2, the deepest.
	out := must("--dir", a, "pass", "show", "2a.1.abc.0")
	for _, want := range []string{"pass      2", "prefix    2a.1/128", "parent    1", "holder    " + bs.Wallet, "routers   127.0.0.1:4999 [::1]:4999", "children  (none)"} {
		if !strings.Contains(out, want) {
			t.Errorf("pass show lacks %q:\n%s", want, out)
		}
	}
	// A prefix next to it only by the root.
	var root1 control.Pass
	decode(&root1, "--dir", b, "pass", "show", "2a.5/128")
	if root1.ID != "1" || root1.Owner != as.Wallet || root1.Mine || !slices.Equal(root1.Children, []control.PassRef{{ID: "2", Prefix: "2a.1/128"}}) {
		t.Errorf("pass show 2a.5/128: %+v", root1)
	}

	// Refusals: one line each, naming the cause.
	for _, tt := range []struct {
		name string
		args []string
		want []string
	}{
		{"mint without the admin key", []string{"--dir", b, "pass", "mint", "2b/64"}, []string{"only the passes contract's admin", "does not hold its key", "mint where the chain is embedded"}},
		{"mint over a pass", []string{"--dir", a, "pass", "mint", "2a.7/128"}, []string{"2a.7/128 overlaps pass 1 (2a/64)", as.Wallet}},
		{"mint around a pass", []string{"--dir", a, "pass", "mint", "0/8"}, []string{"control: refused: mint 0/8: the prefix overlaps a pass already there", "passes: overlaps"}},
		{"not the holder", []string{"--dir", a, "pass", "subdivide", "2", "2a.1.1/224"}, []string{"pass 2 (2a.1/128) is held by " + bs.Wallet, "not by this node's wallet " + as.Wallet}},
		{"outside the parent", []string{"--dir", a, "pass", "subdivide", "1", "2b.1/128"}, []string{"2b.1/128 lies outside pass 1 (2a/64)"}},
		{"overlap", []string{"--dir", a, "pass", "subdivide", "1", "2a.1.8/224"}, []string{"2a.1.8/224 overlaps pass 2 (2a.1/128), already subdivided from pass 1"}},
		{"not longer", []string{"--dir", a, "pass", "subdivide", "1", "2a/64"}, []string{"is pass 1 (2a/64) itself"}},
		{"routers of another's pass", []string{"--dir", a, "pass", "routers", "2", "127.0.0.1:1"}, []string{"is held by " + bs.Wallet}},
		{"no such pass", []string{"--dir", a, "pass", "show", "99"}, []string{"no pass 99 on chain"}},
		{"no pass there", []string{"--dir", a, "pass", "show", "3f/64"}, []string{"no pass holds 3f/64"}},
		{"unknown recipient", []string{"--dir", b, "pass", "transfer", "2", "nobody"}, []string{"nobody.anynet is not registered"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := run(t, tt.args...)
			if err == nil {
				t.Fatalf("no error; output:\n%s", out)
			}
			msg := err.Error()
			t.Log(msg)
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans lines: %q", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
		})
	}

	// A router whose wallet holds the pass of its prefix publishes its
	// endpoint there on start.
	carol, err := daemon.Wallet(config.Config{Dir: r})
	if err != nil {
		t.Fatal(err)
	}
	must("--dir", a, "pass", "mint", "2c.1/128", "--to", carol.Hex())
	upInProcess(t, r, "--chain", chain.URL, "--route-prefix", "2c.1/128")
	var cs control.Status
	decode(&cs, "--dir", r, "status")
	eventually(t, "carol's endpoint in her pass", func() error {
		var p control.Pass
		if err := json.Unmarshal([]byte(must("--dir", a, "pass", "show", "2c.1/128", "--json")), &p); err != nil {
			return err
		}
		if p.Owner != carol.Hex() || !slices.Equal(p.Routers, []string{cs.Underlay}) {
			return fmt.Errorf("pass %+v, want routers [%s]", p, cs.Underlay)
		}
		return nil
	})
	// The router records what it did once its transaction is mined,
	// which may be after the pass already shows it.
	eventually(t, "carol's routes name her pass", func() error {
		if out := must("--dir", r, "routes"); !strings.Contains(out, "pass   network pass 3 names this router's endpoint "+cs.Underlay) {
			return fmt.Errorf("carol's routes:\n%s", out)
		}
		return nil
	})
}
