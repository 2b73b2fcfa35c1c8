package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// TestVPNVerbs: alice runs `anynet up --exit`, bob `anynet up --proxy
// … --proxy-exits auto` on her chain; bob finds her exit with `anynet
// exit find`, curl --socks5-hostname through his proxy port reaches a
// web server on loopback (alice's policy allows loopback), and `exit
// status` and `proxy status` count the session.
func TestVPNVerbs(t *testing.T) {
	cleanEnv(t)
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	curl, err := exec.LookPath("curl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is required under CI")
		}
		t.Skip("curl not installed")
	}
	root := sockDir(t)
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	initNode(t, a, "alice")
	initNode(t, b, "bob")
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

	upInProcess(t, a, "--serve-chain", "127.0.0.1:0", "--exit", "--exit-allow", "127.0.0.0/8", "--exit-region", "lab", "--exit-price", "free")
	var chain control.ChainInfo
	decode(&chain, "--dir", a, "chain", "info")
	var as control.Status
	decode(&as, "--dir", a, "status")
	eventually(t, "alice's exit advertised", func() error {
		var e control.VPNExitStatus
		decode(&e, "--dir", a, "exit", "status")
		if !e.Published {
			return fmt.Errorf("not yet: %s", e.PublishError)
		}
		return nil
	})
	upInProcess(t, b, "--chain", chain.URL, "--proxy", "127.0.0.1:0", "--proxy-exits", "auto")

	if out := must("--dir", b, "exit", "find"); !strings.Contains(out, as.Wallet) || !strings.Contains(out, "lab") {
		t.Errorf("exit find: %q", out)
	}
	var p control.VPNProxyStatus
	decode(&p, "--dir", b, "proxy", "status")
	if len(p.Exits) != 1 || !strings.EqualFold(p.Exits[0], as.Wallet) {
		t.Fatalf("bob's proxy exits %v; want alice's %s", p.Exits, as.Wallet)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "through alice") })}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, curl, "-sS", "--max-time", "30", "--socks5-hostname", p.Addr, "http://localhost:"+port+"/").CombinedOutput()
	if err != nil || string(out) != "through alice" {
		t.Fatalf("curl through bob's proxy: %v, %q", err, out)
	}
	if out := must("--dir", b, "proxy", "status"); !strings.Contains(out, "in use") || !strings.Contains(out, as.Wallet) {
		t.Errorf("proxy status:\n%s", out)
	}
	decode(&p, "--dir", b, "proxy", "status")
	if p.Sessions != 1 || !strings.EqualFold(p.InUse, as.Wallet) {
		t.Errorf("proxy status %+v", p)
	}
	var e control.VPNExitStatus
	decode(&e, "--dir", a, "exit", "status")
	if e.Sessions != 1 || e.Down == 0 {
		t.Errorf("exit status %+v", e)
	}
	if _, err := run(t, "--dir", a, "proxy", "status"); err == nil || !strings.Contains(err.Error(), "serves no proxy") {
		t.Errorf("proxy status on alice: %v", err)
	}
}
