//go:build !nochain

package mq

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats.go/jetstream"
)

// natsCLIVersion is the release of the nats CLI (github.com/nats-io/natscli)
// the test drives.
const natsCLIVersion = "v0.5.0"

// natsCLI finds the real nats CLI: a `nats` on PATH that reports
// natsCLIVersion (.ci/run installs it there), or else builds it into a
// temporary directory with `go install github.com/nats-io/natscli/nats@v0.5.0`:
// outside this module, so its many dependencies stay out of go.mod (a
// tool directive would add them all), and from the module proxy and Go's
// build cache, so a warm cache makes it a link. The build gets what is
// left of the test's deadline but a minute; it skips when the build
// cannot be done (no Go toolchain, no module proxy, no time), unless
// CI=true.
func natsCLI(t *testing.T) string {
	t.Helper()
	skip := t.Skipf
	if os.Getenv("CI") == "true" {
		skip = t.Fatalf
	}
	if path, err := exec.LookPath("nats"); err == nil {
		if out, err := exec.CommandContext(t.Context(), path, "--version").Output(); err == nil && strings.TrimSpace(string(out)) == natsCLIVersion {
			return path
		}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		skip("no go command to build the nats CLI: %v", err)
	}
	dir := t.TempDir()
	ctx := t.Context()
	if end, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, end.Add(-time.Minute))
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, goBin, "install", "github.com/nats-io/natscli/nats@"+natsCLIVersion)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		skip("building the nats CLI %s (.ci/run installs it on PATH): %v\n%s", natsCLIVersion, err, out)
	}
	return filepath.Join(dir, "nats")
}

// TestNatsCLI is the Must show's "a real NATS client on bob's loopback
// port does the same", with a client nobody here wrote: the nats CLI,
// against bob's gateway. Without the gateway's password it is refused;
// with it, on bob's own queues it subscribes and publishes; on alice's,
// by name, it publishes to her stream with an id (a JetStream publish
// acknowledged by her node through the overlay), makes a durable pull
// consumer and takes the message with `consumer next`, acking it.
func TestNatsCLI(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the nats CLI")
	}
	nats := natsCLI(t)
	w := newWorld(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	home := t.TempDir() // no contexts of the user's
	run := func(url string, args ...string) (string, error) {
		t.Helper()
		c := exec.CommandContext(ctx, nats, append([]string{"--server", url, "--timeout", "20s"}, args...)...)
		c.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "PATH=" + os.Getenv("PATH")}
		out, err := c.CombinedOutput()
		return string(out), err
	}
	must := func(url string, args ...string) string {
		t.Helper()
		out, err := run(url, args...)
		if err != nil {
			t.Fatalf("nats %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}

	// No password: refused.
	if out, err := run("nats://alice.anynet@"+w.gwAddr, "pub", "orders.new", "x"); err == nil || !strings.Contains(strings.ToLower(out), "authorization violation") {
		t.Fatalf("nats without the gateway password: %v\n%s", err, out)
	}

	// Bob's own queues (the password alone, as a token): sub and pub.
	self := "nats://" + testGatewayPassword + "@" + w.gwAddr
	sub := exec.CommandContext(ctx, nats, "--server", self, "sub", "demo.hello", "--count", "1", "--raw")
	sub.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home}
	var subOut bytes.Buffer
	sub.Stdout, sub.Stderr = &subOut, &subOut
	if err := sub.Start(); err != nil {
		t.Fatal(err)
	}
	subDone := make(chan error, 1)
	go func() { subDone <- sub.Wait() }()
	// The subscription is live once bob's engine counts it; then publish.
	for !hasSub(w.bobSrv, "demo.hello") {
		select {
		case err := <-subDone:
			t.Fatalf("nats sub ended: %v\n%s", err, subOut.String())
		case <-ctx.Done():
			t.Fatal("nats sub never subscribed")
		case <-time.After(50 * time.Millisecond):
		}
	}
	must(self, "pub", "demo.hello", "hi from the nats CLI")
	select {
	case err := <-subDone:
		if err != nil || !strings.Contains(subOut.String(), "hi from the nats CLI") {
			t.Fatalf("nats sub: %v\n%s", err, subOut.String())
		}
	case <-ctx.Done():
		t.Fatalf("nats sub got nothing:\n%s", subOut.String())
	}

	// Alice's stream, by name, through the overlay.
	anc, err := w.srv.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer anc.Close()
	ajs, _ := jetstream.New(anc)
	if _, err := ajs.CreateStream(ctx, jetstream.StreamConfig{Name: "ORDERS", Subjects: []string{"orders.>"},
		Storage: jetstream.FileStorage}); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.SetPolicy(Policy{Wallets: map[common.Address]Grant{w.bob.Addr(): {
		Publish: []string{"orders.>"}, Consume: []string{"ORDERS"}}}}); err != nil {
		t.Fatal(err)
	}
	alice := GatewayURL(w.gwAddr, "alice.anynet", testGatewayPassword)
	must(alice, "pub", "--jetstream", "-H", "Nats-Msg-Id:cli-1", "orders.new", "order from the nats CLI")
	must(alice, "pub", "--jetstream", "-H", "Nats-Msg-Id:cli-1", "orders.new", "order from the nats CLI") // a duplicate
	must(alice, "consumer", "add", "ORDERS", "cli", "--pull", "--ack", "explicit", "--deliver", "all",
		"--filter", "orders.new", "--max-deliver=5", "--defaults")
	if out := must(alice, "consumer", "next", "ORDERS", "cli", "--raw"); !strings.Contains(out, "order from the nats CLI") {
		t.Fatalf("consumer next:\n%s", out)
	}
	// Acked, and one message for the two publishes with one id.
	st, err := ajs.Stream(ctx, "ORDERS")
	if err != nil {
		t.Fatal(err)
	}
	if n := st.CachedInfo().State.Msgs; n != 1 {
		t.Fatalf("ORDERS holds %d messages, want 1", n)
	}
	ci, err := ajs.Consumer(ctx, "ORDERS", "cli")
	if err != nil {
		t.Fatal(err)
	}
	info, err := ci.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.AckFloor.Stream != 1 || info.NumAckPending != 0 {
		t.Fatalf("consumer after next: ack floor %d, %d pending; want 1 and 0", info.AckFloor.Stream, info.NumAckPending)
	}
}

// hasSub reports whether s's engine has a subscription on subject.
func hasSub(s *Server, subject string) bool {
	r := s.Engine().GlobalAccount().Interest(subject)
	return r > 0
}
