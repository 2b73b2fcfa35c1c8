package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// TestAttachTUI is the daemon-and-clients test: `anynet up --headless`
// runs alice as a process of its own (bob beside it, on alice's chain);
// `anynet ui` in tmux attaches the TUI to alice over her control socket,
// chats to bob from the Chat view, and quits; alice's node keeps running
// and serving: it answers status, receives bob's reply, and `anynet up`
// on a terminal, finding the node running, opens the TUI on it, which
// shows that reply, and quits leaving the node running still.
func TestAttachTUI(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary, runs two nodes and the TUI in tmux")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux not installed (.ci/run installs it)")
	}
	bin := binary(t)
	root := sockDir(t)
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	c := newCLI(t, bin, root)
	c.must("--dir", a, "init", "--scrypt", "light", "--name", "alice")
	c.must("--dir", b, "init", "--scrypt", "light", "--name", "bob")
	alice := c.start("alice", "--dir", a, "up", "--headless", "--listen", "127.0.0.1:0", "--serve-chain", "127.0.0.1:0")
	chain := c.chain(a)
	c.start("bob", "--dir", b, "up", "--headless", "--listen", "127.0.0.1:0", "--chain", chain.URL)
	eventually(t, "alice resolves bob, and alice's name is hers", func() error {
		var r control.Resolved
		if err := c.json(&r, "--dir", a, "resolve", "bob"); err != nil {
			return err
		}
		if len(r.Underlay) == 0 {
			return fmt.Errorf("bob publishes no endpoint yet: %+v", r)
		}
		var s control.Status
		if err := c.json(&s, "--dir", a, "status"); err != nil || s.Name != "alice.anynet" {
			return fmt.Errorf("alice's status %+v, %v", s, err)
		}
		return nil
	})
	var st control.Status
	if err := c.json(&st, "--dir", a, "status"); err != nil {
		t.Fatal(err)
	}

	sock := filepath.Join(root, "tmux.sock")
	tm := func(args ...string) (string, error) {
		out, err := exec.Command(tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	t.Cleanup(func() { tm("kill-server") })
	attach := func(session, verb string) func() string {
		shell := fmt.Sprintf("env -i HOME=%s PATH=%s TERM=xterm-256color XDG_CONFIG_HOME=%s %s --dir %s %s",
			root, os.Getenv("PATH"), filepath.Join(root, "config"), bin, a, verb)
		if out, err := tm("new-session", "-d", "-s", session, "-x", "100", "-y", "30", shell); err != nil {
			t.Fatalf("tmux: %v\n%s", err, out)
		}
		return func() string { s, _ := tm("capture-pane", "-p", "-t", session); return s }
	}
	see := func(screen func() string, what, want string) {
		t.Helper()
		eventually(t, what, func() error {
			if s := screen(); !strings.Contains(s, want) {
				return fmt.Errorf("no %q on screen:\n%s", want, s)
			}
			return nil
		})
	}
	detach := func(session string) {
		t.Helper()
		tm("send-keys", "-t", session, "C-c")
		eventually(t, "the TUI quits", func() error {
			if _, err := tm("has-session", "-t", session); err == nil {
				return fmt.Errorf("session %s still there", session)
			}
			return nil
		})
	}

	screen := attach("ui1", "ui")
	see(screen, "the TUI shows alice's node over the socket", st.Wallet)
	tm("send-keys", "-t", "ui1", "3")
	see(screen, "the chat view", "Conversations")
	tm("send-keys", "-t", "ui1", "-l", "@bob hello from the attached TUI")
	tm("send-keys", "-t", "ui1", "Enter")
	eventually(t, "bob gets the TUI's message", func() error {
		var msgs []control.ChatMessage
		if err := c.json(&msgs, "--dir", b, "chat", "read", "alice"); err != nil {
			return err
		}
		for _, m := range msgs {
			if m.Text == "hello from the attached TUI" {
				return nil
			}
		}
		return fmt.Errorf("not there yet: %+v", msgs)
	})
	detach("ui1")

	// The node outlived its TUI, and still serves.
	if err := alice.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("alice's node exited with the TUI: %v", err)
	}
	var after control.Status
	if err := c.json(&after, "--dir", a, "status"); err != nil || after.Wallet != st.Wallet || !after.Started.Equal(st.Started) {
		t.Fatalf("alice's node after the TUI quit: %+v, %v", after, err)
	}
	c.must("--dir", b, "chat", "send", "alice", "bob", "answers")
	eventually(t, "alice's node receives bob's answer", func() error {
		out, err := c.run("--dir", a, "chat", "read", "bob", "--json")
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		var msgs []control.ChatMessage
		if err := json.Unmarshal([]byte(out), &msgs); err != nil {
			return err
		}
		for _, m := range msgs {
			if m.Text == "bob answers" {
				return nil
			}
		}
		return fmt.Errorf("not there yet: %+v", msgs)
	})
	screen = attach("ui2", "up")
	see(screen, "`anynet up` opens the TUI on the running node", st.Wallet)
	tm("send-keys", "-t", "ui2", "3")
	see(screen, "a second TUI shows bob's answer", "bob answers")
	detach("ui2")
	if err := c.json(&after, "--dir", a, "status"); err != nil || !after.Started.Equal(st.Started) {
		t.Fatalf("alice's node after the second TUI: %+v, %v", after, err)
	}
}

// TestUpOneStep: `anynet up` on a terminal with no node running starts
// the node and opens the TUI on it in one step, as before; quitting the
// TUI stops the node (and frees its socket).
func TestUpOneStep(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary and runs a node with the TUI in tmux")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux not installed (.ci/run installs it)")
	}
	bin := binary(t)
	root := sockDir(t)
	dir := filepath.Join(root, "c")
	c := newCLI(t, bin, root)
	c.must("--dir", dir, "init", "--scrypt", "light", "--name", "carol")
	sock := filepath.Join(root, "tmux.sock")
	tm := func(args ...string) (string, error) {
		out, err := exec.Command(tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	t.Cleanup(func() { tm("kill-server") })
	shell := fmt.Sprintf("env -i HOME=%s PATH=%s TERM=xterm-256color XDG_CONFIG_HOME=%s ANYNET_PASSPHRASE='e2e passphrase' %s --dir %s up --listen 127.0.0.1:0",
		root, os.Getenv("PATH"), filepath.Join(root, "config"), bin, dir)
	if out, err := tm("new-session", "-d", "-s", "up", "-x", "100", "-y", "30", shell); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	eventually(t, "the TUI shows carol's node", func() error {
		s, _ := tm("capture-pane", "-p", "-t", "up")
		if !strings.Contains(s, "carol.anynet") || !strings.Contains(s, "Identity") {
			return fmt.Errorf("screen:\n%s", s)
		}
		return nil
	})
	var st control.Status
	if err := c.json(&st, "--dir", dir, "status"); err != nil || st.Name != "carol.anynet" {
		t.Fatalf("status while the TUI runs: %+v, %v", st, err)
	}
	tm("send-keys", "-t", "up", "q")
	eventually(t, "up ends with its TUI", func() error {
		if _, err := tm("has-session", "-t", "up"); err == nil {
			return fmt.Errorf("still running")
		}
		return nil
	})
	if out, err := c.run("--dir", dir, "status"); err == nil || !strings.Contains(out, "no node running") {
		t.Errorf("status after quitting `up`: %v\n%s", err, out)
	}
}
