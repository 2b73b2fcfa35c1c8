package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/naming"
)

// TestNoChainBuild: a `-tags nochain` binary (no embedded chain linked)
// has no demo, sim or chain serve; its `up` without --chain fails with
// naming.ErrNoEmbeddedChain's message; with --chain URL of a chain that
// the normal build serves it comes up, funds its wallet from the faucet
// and publishes, and the serving node resolves and pings it.
func TestNoChainBuild(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary twice and runs two nodes")
	}
	bin := binary(t)
	nochain := nochainBinary(t)
	root := sockDir(t)
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	full := newCLI(t, bin, root)
	lean := full
	lean.bin = nochain

	for _, c := range []struct {
		args []string
		verb string
	}{{[]string{"--help"}, "demo"}, {[]string{"--help"}, "sim"}, {[]string{"chain", "--help"}, "serve"}} {
		out := lean.must(c.args...)
		if !strings.Contains(out, "Available Commands:") || strings.Contains(out, "\n  "+c.verb+" ") {
			t.Errorf("nochain %v lists %q:\n%s", c.args, c.verb, out)
		}
		if out := full.must(c.args...); !strings.Contains(out, "\n  "+c.verb+" ") {
			t.Errorf("the normal build's %v does not list %q:\n%s", c.args, c.verb, out)
		}
	}
	lean.must("--dir", b, "init", "--scrypt", "light", "--name", "bob")
	out, err := lean.run("--dir", b, "up", "--headless", "--listen", "127.0.0.1:0")
	if err == nil || !strings.Contains(out, naming.ErrNoEmbeddedChain.Error()) {
		t.Fatalf("nochain up without --chain: err %v, want %q:\n%s", err, naming.ErrNoEmbeddedChain, out)
	}

	full.must("--dir", a, "init", "--scrypt", "light", "--name", "alice")
	full.start("alice", "--dir", a, "up", "--headless", "--listen", "127.0.0.1:0", "--serve-chain", "127.0.0.1:0")
	chain := full.chain(a)
	lean.start("bob", "--dir", b, "up", "--headless", "--listen", "127.0.0.1:0", "--chain", chain.URL)
	var bs control.Status
	eventually(t, "bob's status", func() error { return lean.json(&bs, "--dir", b, "status") })
	if bs.Chain != chain.URL {
		t.Errorf("bob's chain = %q, want %q", bs.Chain, chain.URL)
	}
	eventually(t, "alice resolves bob", func() error {
		var r control.Resolved
		if err := full.json(&r, "--dir", a, "resolve", "bob"); err != nil {
			return err
		}
		if len(r.Underlay) == 0 || r.Wallet != bs.Wallet {
			return fmt.Errorf("bob not published yet: %+v", r)
		}
		return nil
	})
	if out := full.must("--dir", a, "ping", "-c", "2", "bob"); !strings.Contains(out, "reply from bob") {
		t.Errorf("ping bob:\n%s", out)
	}
}
