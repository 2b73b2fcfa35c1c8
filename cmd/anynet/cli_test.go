package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cleanEnv isolates a test from the user's environment and files.
func cleanEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "ANYNET_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
}

// run executes the CLI in process.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := root.ExecuteContext(ctx)
	return out.String(), err
}

// sockDir is a short temporary directory: unix socket paths are limited
// to about 100 bytes.
func sockDir(t *testing.T) string {
	d, err := os.MkdirTemp("", "anynet")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func initNode(t *testing.T, dir, name string) {
	t.Helper()
	t.Setenv("ANYNET_PASSPHRASE", "test passphrase")
	if out, err := run(t, "--dir", dir, "init", "--scrypt", "light", "--name", name); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	os.Unsetenv("ANYNET_PASSPHRASE")
}

func listing(t *testing.T, dir string) string {
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil {
			fi, _ := d.Info()
			b.WriteString(p)
			if fi != nil && !d.IsDir() {
				b.WriteString(" " + fi.ModTime().String())
			}
			b.WriteString("\n")
		}
		return nil
	})
	return b.String()
}

// TestBadInput: each mistake is one line naming the problem and the fix,
// and leaves the data directory as it was.
func TestBadInput(t *testing.T) {
	cleanEnv(t)
	ready := sockDir(t)
	initNode(t, filepath.Join(ready, "n"), "alice")
	initialised := filepath.Join(ready, "n")

	busy, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	emptyPass := filepath.Join(sockDir(t), "pass")
	os.WriteFile(emptyPass, []byte("\n"), 0o600)

	neverMade := filepath.Join(sockDir(t), "new")

	corrupt := sockDir(t)
	os.WriteFile(filepath.Join(corrupt, "config.yaml"), []byte("listen: [oops\n"), 0o600)

	corruptKeys := filepath.Join(sockDir(t), "ck")
	initNode(t, corruptKeys, "carol")
	keys, _ := filepath.Glob(filepath.Join(corruptKeys, "keystore", "*"))
	for _, k := range keys {
		os.WriteFile(k, []byte(`{"address": "trunc`), 0o600)
	}
	goodPass := filepath.Join(sockDir(t), "good")
	os.WriteFile(goodPass, []byte("test passphrase\n"), 0o600)

	tests := []struct {
		name string
		env  map[string]string
		args []string
		dir  string // checked unchanged, if set
		want []string
	}{
		{"invalid flag", nil, []string{"up", "--bogus"}, "", []string{"unknown flag: --bogus", "anynet up --help"}},
		{"invalid flag value", nil, []string{"--dir", initialised, "up", "--log-level", "loud"}, initialised, []string{`log-level "loud"`, "debug, info, warn, error"}},
		{"missing passphrase", nil, []string{"--dir", neverMade, "init"}, "", []string{"no passphrase", "ANYNET_PASSPHRASE", "--passphrase-file"}},
		{"empty passphrase file", nil, []string{"--dir", filepath.Join(sockDir(t), "new"), "init", "--passphrase-file", emptyPass}, "", []string{"is empty", "write the passphrase"}},
		{"missing passphrase file", nil, []string{"--dir", filepath.Join(sockDir(t), "new"), "init", "--passphrase-file", "/nonexistent/pass"}, "", []string{"passphrase file", "--passphrase-file"}},
		{"wrong passphrase", map[string]string{"ANYNET_PASSPHRASE": "wrong"}, []string{"--dir", initialised, "up", "--headless"}, initialised, []string{"wrong passphrase", "ANYNET_PASSPHRASE"}},
		{"port in use", map[string]string{"ANYNET_PASSPHRASE": "test passphrase"}, []string{"--dir", initialised, "up", "--headless", "--listen", busy.LocalAddr().String()}, initialised, []string{"is taken by another process", "--listen"}},
		{"corrupt config", nil, []string{"--dir", corrupt, "status"}, corrupt, []string{"not valid YAML", "fix it or move it away"}},
		{"unknown config key", map[string]string{"ANYNET_LISTN": ":1"}, []string{"status"}, "", []string{"ANYNET_LISTN", "did you mean ANYNET_LISTEN"}},
		{"missing data dir", nil, []string{"--dir", "/nonexistent/anynet", "up"}, "", []string{"/nonexistent/anynet does not exist", "anynet --dir /nonexistent/anynet init"}},
		{"init twice", map[string]string{"ANYNET_PASSPHRASE": "x"}, []string{"--dir", initialised, "init", "--scrypt", "light"}, initialised, []string{"already initialised", "another --dir"}},
		{"no node running", nil, []string{"--dir", initialised, "status"}, initialised, []string{"no node running in " + initialised + " (start one with `anynet up`)"}},
		{"ping count", nil, []string{"--dir", initialised, "ping", "-c", "0", "bob"}, initialised, []string{"--count 0", "1 to 100"}},
		{"import missing", map[string]string{"ANYNET_PASSPHRASE": "x"}, []string{"--dir", filepath.Join(sockDir(t), "imp"), "init", "--import", "/nonexistent/key"}, "", []string{"--import /nonexistent/key: no such file"}},
		{"pass prefix length", nil, []string{"--dir", initialised, "pass", "mint", "2a/300"}, initialised, []string{`prefix "2a/300"`, "length must be 0 to 256", "e.g. 2a.1/128"}},
		{"pass prefix too long", nil, []string{"--dir", initialised, "pass", "mint", "2a.1.0.0/256"}, initialised, []string{`prefix "2a.1.0.0/256"`, "at most 255 bits"}},
		{"pass prefix bits past length", nil, []string{"--dir", initialised, "pass", "subdivide", "1", "2a.1/8"}, initialised, []string{`prefix "2a.1/8"`, "bits set past /8"}},
		{"pass prefix not hex", nil, []string{"--dir", initialised, "pass", "mint", "zz/8"}, initialised, []string{`prefix "zz/8"`, "not hex"}},
		{"pass id", nil, []string{"--dir", initialised, "pass", "transfer", "first", "0x1111111111111111111111111111111111111111"}, initialised, []string{`pass ID "first"`, "anynet pass list"}},
		{"pass id zero", nil, []string{"--dir", initialised, "pass", "subdivide", "0", "2a.1/128"}, initialised, []string{`pass ID "0"`, "from 1"}},
		{"pass show what", nil, []string{"--dir", initialised, "pass", "show", "2a.1"}, initialised, []string{`"2a.1" is neither a pass ID, a prefix`, "has 2 fields"}},
		{"pass router endpoint", nil, []string{"--dir", initialised, "pass", "routers", "1", "localhost:4747"}, initialised, []string{`router endpoint "localhost:4747"`, "want ip:port"}},
		{"pass routers none", nil, []string{"--dir", initialised, "pass", "routers", "1"}, initialised, []string{"give the routers' endpoints", "--clear"}},
		{"corrupt keystore", map[string]string{"ANYNET_PASSPHRASE": "test passphrase"}, []string{"--dir", corruptKeys, "up", "--headless"}, corruptKeys, []string{"cannot be read", "not JSON", "restore them from a backup"}},
		{"long name", map[string]string{"ANYNET_PASSPHRASE": "x"}, []string{"--dir", filepath.Join(sockDir(t), "long"), "init", "--scrypt", "light", "--name", strings.Repeat("a", 300)}, "", []string{"(300 characters)", "one label such as alice"}},
		// The flag beats the environment: the right passphrase from the
		// file unlocks the wallet, and the start fails later, on the port.
		{"passphrase file beats env", map[string]string{"ANYNET_PASSPHRASE": "wrong"}, []string{"--dir", initialised, "up", "--headless", "--passphrase-file", goodPass, "--listen", busy.LocalAddr().String()}, initialised, []string{"is taken by another process"}},
		{"pass without node", nil, []string{"--dir", initialised, "pass", "list"}, initialised, []string{"no node running in " + initialised}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var before string
			if tt.dir != "" {
				before = listing(t, tt.dir)
			}
			out, err := run(t, tt.args...)
			if err != nil {
				err = rootErr(err)
			}
			if err == nil {
				t.Fatalf("no error; output:\n%s", out)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans lines: %q", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if _, err := os.Stat(neverMade); err == nil {
				t.Errorf("%s was created by a command that failed", neverMade)
			}
			if tt.dir != "" {
				if after := listing(t, tt.dir); after != before {
					t.Errorf("data directory changed:\nbefore\n%s\nafter\n%s", before, after)
				}
			}
		})
	}
}

// lineHas reports whether a line of out holds all of parts.
func lineHas(out string, parts ...string) bool {
	for line := range strings.SplitSeq(out, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}

// rootErr is what main prints after "anynet: ".
func rootErr(err error) error { return err }

// TestDemoHeadless runs the demo for one round: four named nodes in two
// segments, attached to their routers, that reach each other by name
// through the embedded chain and through the routers (and the tunnel
// between the segments), and chat bots.
func TestDemoHeadless(t *testing.T) {
	cleanEnv(t)
	if testing.Short() {
		t.Skip("starts a chain and four nodes")
	}
	out, err := run(t, "demo", "--headless", "--rounds", "1")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, name := range []string{"bob", "carol", "dave"} {
		want := name + ` here: got \"hello ` + name + `, round 1\" from alice.anynet`
		if !strings.Contains(out, want) {
			t.Errorf("no answer from %s's bot (want %q) in:\n%s", name, want, out)
		}
	}
	if !strings.Contains(out, "no static peers") {
		t.Errorf("output:\n%s", out)
	}
	// Every exchange went through the routers, found by name alone:
	// carol is in alice's segment (r1), bob and dave in r2's, reached
	// through the tunnel r1 found from r2's pass on chain.
	// Each exchange may end on the direct path the hosts punched: carol's
	// paired by r1, bob's and dave's traded across the tunnel.
	for name, via := range map[string][]string{
		"bob":   {"via r1 → r2, a tunnel (", "(a hole punched across r1 → r2)"},
		"carol": {"via router r1 (", "(a hole punched through r1)"},
		"dave":  {"via r1 → r2, a tunnel (", "(a hole punched across r1 → r2)"},
	} {
		if !lineHas(out, "alice → "+name+".anynet", via[0]) && (len(via) == 1 || !lineHas(out, "alice → "+name+".anynet", via[1])) {
			t.Errorf("alice → %s did not go %q in:\n%s", name, via, out)
		}
	}
	for _, r := range []string{"r1", "r2"} {
		if strings.Contains(out, "router "+r+": 0 frames forwarded") {
			t.Errorf("router %s forwarded nothing:\n%s", r, out)
		}
	}
}

// init --help names the --name flag's value as a string, not "up".
func TestInitHelpFlags(t *testing.T) {
	cleanEnv(t)
	out, err := run(t, "init", "--help")
	if err != nil {
		t.Fatal(err)
	}
	if !lineHas(out, "--name string") || strings.Contains(out, "--name up") {
		t.Errorf("init --help:\n%s", out)
	}
}

// TestServiceVerbs: install refuses without a passphrase file, before
// touching the service manager; status answers without a manager (it
// says not installed, and that no node answers).
func TestServiceVerbs(t *testing.T) {
	cleanEnv(t)
	dir := sockDir(t)
	t.Setenv("HOME", dir)
	initNode(t, dir, "svc")
	out, err := run(t, "--dir", dir, "service", "install")
	if err == nil || !strings.Contains(err.Error(), "--passphrase-file") {
		t.Errorf("install without a passphrase file: %v\n%s", err, out)
	}
	out, err = run(t, "--dir", dir, "service", "status")
	if err != nil || !strings.Contains(out, "not installed") || !strings.Contains(out, "not answering") {
		t.Errorf("status: %v\n%s", err, out)
	}
}
