package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/mq/mqtest"
	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/keyproc"
	"github.com/anynet/anynet/internal/testpar"
)

// waitFor bounds how long the end-to-end test waits for a node to reach a
// state (not a timing assertion: on a loaded machine it only waits
// longer, up to this bound).
const waitFor = 3 * time.Minute

// built holds the binaries the end-to-end tests share: the normal build
// and the `-tags nochain` one (TestNoChainBuild), each built once. A
// full run starts both builds from TestMain, so that they go on while
// the in-process tests run; with -run, -short or -list a test builds
// what it needs when it first asks.
var built struct {
	dir     string
	full    lazyBuild
	nochain lazyBuild
}

// lazyBuild is one `go build` of this package, done once.
type lazyBuild struct {
	once sync.Once
	bin  string
	err  error
}

// get builds (or waits for) the binary.
func (b *lazyBuild) get(name string, tags ...string) (string, error) {
	b.once.Do(func() {
		b.bin = filepath.Join(built.dir, name)
		args := append([]string{"build"}, tags...)
		out, err := exec.Command("go", append(args, "-o", b.bin, ".")...).CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("go build %v: %v\n%s", tags, err, out)
		}
	})
	return b.bin, b.err
}

func TestMain(m *testing.M) {
	if keyproc.IsChild(os.Args) { // in-process `up` re-executes this binary to open its key
		os.Exit(keyproc.Main(os.Stdin, os.Stdout))
	}
	if f := os.Getenv(mqCrashConsumerEnv); f != "" { // TestMQCrashKill9Node's consumer
		mqtest.Consume(f, os.Getenv(mqCrashURLEnv))
	}
	var err error
	if built.dir, err = os.MkdirTemp("", "anynet-bin"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The parallel tests run nodes as processes and wait on them far more
	// than they use the CPU: four at once.
	testpar.AtLeast(4)
	if !testing.Short() && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.list").Value.String() == "" {
		go func() { // one build at a time: they share most of the work
			built.full.get("anynet")
			built.nochain.get("anynet-nochain", "-tags", "nochain")
		}()
	}
	code := m.Run()
	os.RemoveAll(built.dir)
	os.Exit(code)
}

// binary is the anynet command, built once into a temporary directory.
func binary(t *testing.T) string {
	t.Helper()
	bin, err := built.full.get("anynet")
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// nochainBinary is the anynet command built with `-tags nochain`, once.
func nochainBinary(t *testing.T) string {
	t.Helper()
	bin, err := built.nochain.get("anynet-nochain", "-tags", "nochain")
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

type cli struct {
	t    *testing.T
	bin  string
	env  []string
	cred *syscall.Credential // run as this user; nil: as the test
}

// run runs the binary to completion.
func (c cli) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = c.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// must runs the binary and fails the test on error.
func (c cli) must(args ...string) string {
	c.t.Helper()
	out, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("anynet %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// json runs a read verb with --json and decodes its output.
func (c cli) json(v any, args ...string) error {
	out, err := c.run(append(args, "--json")...)
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return json.Unmarshal([]byte(out), v)
}

// start runs `up` in the background; the process is stopped on cleanup.
func (c cli) start(name string, args ...string) *exec.Cmd {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	logf, err := os.Create(filepath.Join(c.t.TempDir(), name+".log"))
	if err != nil {
		c.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		logf.Close()
		if c.t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			c.t.Logf("log of %s:\n%s", name, b)
		}
	})
	return cmd
}

// newCLI runs bin with its home, configuration and passphrase under
// root, as a user's shell would, and nothing else from the test's
// environment.
func newCLI(t *testing.T, bin, root string) cli {
	return cli{t: t, bin: bin, env: []string{
		"HOME=" + root, "PATH=" + os.Getenv("PATH"),
		"XDG_CONFIG_HOME=" + filepath.Join(root, "config"),
		"ANYNET_PASSPHRASE=e2e passphrase",
	}}
}

// chain waits until the node in dir serves its embedded chain.
func (c cli) chain(dir string) control.ChainInfo {
	c.t.Helper()
	var chain control.ChainInfo
	eventually(c.t, "the chain of "+dir, func() error {
		if err := c.json(&chain, "--dir", dir, "chain", "info"); err != nil {
			return err
		}
		if chain.URL == "" {
			return fmt.Errorf("chain not served: %+v", chain)
		}
		return nil
	})
	return chain
}

// published waits until every node in dirs has its name and its DID
// document on the chain.
func (c cli) published(dirs ...string) {
	c.t.Helper()
	eventually(c.t, "names registered", func() error {
		for _, d := range dirs {
			var s control.Status
			if err := c.json(&s, "--dir", d, "status"); err != nil {
				return err
			}
			if s.Published == "" || s.Name == "" {
				return fmt.Errorf("%s not published yet", d)
			}
		}
		return nil
	})
}

// eventually retries f until it succeeds or waitFor passes.
func eventually(t *testing.T, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestTwoProcesses is the CI test of the built binary: two `anynet up
// --headless` processes with separate data directories on loopback share
// the chain the first one serves, find each other by name, ping and chat.
func TestTwoProcesses(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary and runs two nodes")
	}
	bin := binary(t)
	root := sockDir(t)
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	c := newCLI(t, bin, root)
	c.must("--dir", a, "init", "--scrypt", "light", "--name", "alice")
	c.must("--dir", b, "init", "--scrypt", "light", "--name", "bob")

	c.start("alice", "--dir", a, "up", "--headless", "--listen", "127.0.0.1:0", "--serve-chain", "127.0.0.1:0")
	chain := c.chain(a)
	c.start("bob", "--dir", b, "up", "--headless", "--listen", "127.0.0.1:0", "--chain", chain.URL)
	var bs control.Status
	eventually(t, "bob's status", func() error { return c.json(&bs, "--dir", b, "status") })
	if bs.Chain != chain.URL {
		t.Errorf("bob's chain = %q, want %q", bs.Chain, chain.URL)
	}
	// Bob's wallet starts empty on alice's chain: bob's node funds it from
	// the chain's faucet (anynet_fund) by itself before publishing.

	var r control.Resolved
	eventually(t, "alice resolves bob", func() error {
		if err := c.json(&r, "--dir", a, "resolve", "bob"); err != nil {
			return err
		}
		if len(r.Underlay) == 0 {
			return fmt.Errorf("bob publishes no endpoint yet: %+v", r)
		}
		return nil
	})
	if r.Wallet != bs.Wallet || r.Name != "bob.anynet" {
		t.Errorf("resolve bob = %+v, want wallet %s", r, bs.Wallet)
	}
	eventually(t, "bob resolves alice", func() error {
		var ra control.Resolved
		return c.json(&ra, "--dir", b, "resolve", "alice")
	})

	out := c.must("--dir", a, "ping", "-c", "3", "bob")
	if !strings.Contains(out, "reply from bob") || !strings.Contains(out, "rtt=") {
		t.Errorf("ping output:\n%s", out)
	}
	var p control.PingResult
	if err := c.json(&p, "--dir", b, "ping", "-c", "2", "alice"); err != nil {
		t.Fatal(err)
	}
	if len(p.RTTs) == 0 || p.Wallet == bs.Wallet || p.Wallet == "" {
		t.Errorf("bob pings alice: %+v", p)
	}

	c.must("--dir", a, "chat", "send", "bob", "hi", "bob")
	eventually(t, "bob reads alice's message", func() error {
		var msgs []control.ChatMessage
		if err := c.json(&msgs, "--dir", b, "chat", "read", "alice"); err != nil {
			return err
		}
		for _, m := range msgs {
			if m.Text == "hi bob" {
				return nil
			}
		}
		return fmt.Errorf("not there yet: %+v", msgs)
	})
	var convs []control.ChatConversation
	if err := c.json(&convs, "--dir", b, "chat", "list"); err != nil {
		t.Fatal(err)
	}
	if len(convs) != 1 || convs[0].Name != "alice.anynet" {
		t.Errorf("bob's conversations: %+v", convs)
	}
	// Every read verb answers in JSON.
	for _, verb := range [][]string{{"status"}, {"peers"}, {"routes"}, {"chain", "info"}} {
		var v any
		if err := c.json(&v, append([]string{"--dir", a}, verb...)...); err != nil {
			t.Errorf("%v --json: %v", verb, err)
		}
	}
	// The control socket is this user's only.
	fi, err := os.Stat(filepath.Join(a, control.SocketName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("control socket: %v, %v", fi, err)
	}
}

// TestUnprivileged: `anynet up` runs as an ordinary user — as nobody when
// the test runs as root — with no capability, on an unprivileged UDP
// port, and answers on its control socket.
func TestUnprivileged(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary and runs a node")
	}
	bin := binary(t)
	root := sockDir(t)
	var cred *syscall.Credential
	if os.Getuid() == 0 {
		cred = &syscall.Credential{Uid: 65534, Gid: 65534} // nobody
		for _, d := range []string{root, filepath.Dir(bin)} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chown(root, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(root, "n")
	c := cli{t: t, bin: bin, cred: cred, env: []string{
		"HOME=" + root, "PATH=" + os.Getenv("PATH"),
		"XDG_CONFIG_HOME=" + filepath.Join(root, "config"),
		"ANYNET_PASSPHRASE=e2e passphrase",
	}}
	c.must("--dir", dir, "init", "--scrypt", "light")
	cmd := c.start("node", "--dir", dir, "up", "--headless", "--listen", "127.0.0.1:0")
	var st control.Status
	eventually(t, "status", func() error { return c.json(&st, "--dir", dir, "status") })
	proc, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(proc), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok && strings.Trim(strings.TrimSpace(v), "0") != "" {
			t.Errorf("anynet up holds capabilities: CapEff %s", strings.TrimSpace(v))
		}
		if v, ok := strings.CutPrefix(line, "Uid:"); ok && cred != nil && !strings.HasPrefix(strings.TrimSpace(v), "65534") {
			t.Errorf("not running as nobody: Uid %s", v)
		}
	}
	ap, err := netip.ParseAddrPort(st.Underlay)
	if err != nil || ap.Port() < 1024 {
		t.Errorf("underlay %q: want an unprivileged port (%v)", st.Underlay, err)
	}
	if p, _ := netip.ParseAddrPort("0.0.0.0" + config.DefaultListen); p.Port() < 1024 {
		t.Errorf("default listen %s is a privileged port", config.DefaultListen)
	}
}
