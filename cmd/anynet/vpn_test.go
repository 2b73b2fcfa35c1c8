package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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

// TestVPNPaid: alice runs a priced exit (`up --exit --exit-price 1/KiB
// --exit-credit 256KiB`), advertised in her DID document; bob's proxy
// (`--proxy-exits auto --proxy-max-price 2000/MiB`) reads her price
// there, opens a channel to her and pays under his "vpn" budget as a
// 2 MiB download flows through her exit; her node holds what he paid.
// Carol's proxy pays nothing: alice serves her about her credit, then
// refuses her (SOCKS5 reply 2, HTTP 402 with the debt).
func TestVPNPaid(t *testing.T) {
	cleanEnv(t)
	if testing.Short() {
		t.Skip("starts a chain and three nodes")
	}
	curl, err := exec.LookPath("curl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is required under CI")
		}
		t.Skip("curl not installed")
	}
	root := sockDir(t)
	a, b, c := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c")
	initNode(t, a, "alice")
	initNode(t, b, "bob")
	initNode(t, c, "carol")
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
	const size = 2 << 20
	body := strings.Repeat("x", size)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, body) })}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	url := "http://" + ln.Addr().String() + "/"
	get := func(args ...string) (string, int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, curl, append([]string{"-sS", "--max-time", "30"}, args...)...).CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}

	upInProcess(t, a, "--serve-chain", "127.0.0.1:0", "--exit", "--exit-allow", "127.0.0.0/8", "--exit-region", "lab",
		"--exit-price", "1/KiB", "--exit-credit", "256KiB")
	var chain control.ChainInfo
	decode(&chain, "--dir", a, "chain", "info")
	var as control.Status
	decode(&as, "--dir", a, "status")
	var e control.VPNExitStatus
	eventually(t, "alice's exit advertised", func() error {
		decode(&e, "--dir", a, "exit", "status")
		if !e.Published {
			return fmt.Errorf("not yet: %s", e.PublishError)
		}
		return nil
	})
	if !strings.Contains(e.Advert, "price=1/1024 credit=256") {
		t.Errorf("alice's advert %q", e.Advert)
	}
	if out := must("--dir", a, "exit", "find"); !lineHas(out, as.Wallet, "lab", "1 wei/KiB, credit 256 KiB") {
		t.Errorf("exit find:\n%s", out)
	}

	// Bob pays the advertised price.
	upInProcess(t, b, "--chain", chain.URL, "--proxy", "127.0.0.1:0", "--proxy-exits", "auto", "--proxy-max-price", "2000/MiB")
	var p control.VPNProxyStatus
	decode(&p, "--dir", b, "proxy", "status")
	if len(p.Exits) != 1 || !strings.EqualFold(p.Exits[0], as.Wallet) {
		t.Fatalf("bob's proxy exits %v; want alice's %s", p.Exits, as.Wallet)
	}
	eventually(t, "bob published", func() error { // his own transactions first
		var bs control.Status
		decode(&bs, "--dir", b, "status")
		if bs.Published == "" {
			return fmt.Errorf("not yet: %s", bs.PublishError)
		}
		return nil
	})
	must("--dir", b, "channel", "open", "alice", "1000000")
	must("--dir", b, "budget", "set", "--app", "vpn", "100000")
	if out, code := get("--socks5-hostname", p.Addr, url); code != 0 || len(out) != size {
		t.Fatalf("bob's download through alice: curl exit %d, %d bytes: %.200s", code, len(out), out)
	}
	// Both ways, whole KiB at 1 wei each, paid as the bytes flowed (the
	// last part when the tunnel closed, just after curl's end).
	var spent int64
	eventually(t, "bob paid for every KiB", func() error {
		decode(&p, "--dir", b, "proxy", "status")
		var budgets []control.PayBudget
		decode(&budgets, "--dir", b, "budget", "list")
		for _, bu := range budgets {
			if bu.App == "vpn" {
				spent, _ = strconv.ParseInt(bu.Spent, 10, 64)
			}
		}
		if want := int64(p.Up+p.Down) / 1024; spent != want || spent < size/1024 {
			return fmt.Errorf("bob's vpn budget spent %d wei; his proxy moved %d+%d bytes (%d KiB)", spent, p.Up, p.Down, want)
		}
		return nil
	})
	eventually(t, "alice holds bob's vouchers", func() error {
		var chans []control.PayChannel
		decode(&chans, "--dir", a, "channel", "status")
		if len(chans) != 1 || chans[0].Role != control.RolePayee || chans[0].Paid != strconv.FormatInt(spent, 10) {
			return fmt.Errorf("alice's channels %+v; bob spent %d", chans, spent)
		}
		return nil
	})

	// Carol pays nothing: served about her credit, then refused.
	upInProcess(t, c, "--chain", chain.URL, "--proxy", "127.0.0.1:0", "--proxy-exits", as.Wallet)
	var cp control.VPNProxyStatus
	decode(&cp, "--dir", c, "proxy", "status")
	if out, code := get("--socks5-hostname", cp.Addr, url); code == 0 || len(out) >= size {
		t.Fatalf("carol's unpaid download: curl exit %d, %d bytes", code, len(out))
	}
	if out, code := get("--socks5-hostname", cp.Addr, url); code == 0 || !strings.Contains(out, "(2)") {
		t.Errorf("carol refused through SOCKS5: curl exit %d, %.200q; want reply 2", code, out)
	}
	if out, _ := get("-o", "/dev/null", "-D", "-", "-x", "http://"+cp.Addr, url); !strings.Contains(out, " 402 ") || !strings.Contains(out, "owes") {
		t.Errorf("carol refused through the HTTP proxy:\n%s", out)
	}
	decode(&e, "--dir", a, "exit", "status")
	if e.Sessions < 2 || e.Refused < 2 {
		t.Errorf("alice's exit status %+v", e)
	}
}
