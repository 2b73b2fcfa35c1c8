package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoTUI runs the real binary in tmux: `anynet demo` opens the TUI as
// alice; a chat message to bob gets bob's bot's answer on screen.
func TestDemoTUI(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary and runs the demo in tmux")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux not installed")
	}
	bin := binary(t)
	dir := sockDir(t)
	sock := filepath.Join(dir, "tmux.sock")
	session := "anynet-demo"
	tm := func(args ...string) (string, error) {
		out, err := exec.Command(tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	env := fmt.Sprintf("env -i HOME=%s PATH=%s TERM=xterm-256color XDG_CONFIG_HOME=%s", dir, os.Getenv("PATH"), filepath.Join(dir, "config"))
	if out, err := tm("new-session", "-d", "-s", session, "-x", "120", "-y", "35", env+" "+bin+" demo"); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		tm("send-keys", "-t", session, "C-c")
		tm("kill-server")
	})
	screen := func() string { s, _ := tm("capture-pane", "-p", "-t", session); return s }
	eventually(t, "the TUI shows alice", func() error {
		if s := screen(); !strings.Contains(s, "alice.anynet") {
			return fmt.Errorf("screen:\n%s", s)
		}
		return nil
	})
	tm("send-keys", "-t", session, "3")
	eventually(t, "the chat view", func() error {
		if s := screen(); !strings.Contains(s, "Conversations") {
			return fmt.Errorf("screen:\n%s", s)
		}
		return nil
	})
	tm("send-keys", "-t", session, "-l", "@bob hello from tmux")
	tm("send-keys", "-t", session, "Enter")
	eventually(t, "bob's bot answers on screen", func() error {
		if s := screen(); !strings.Contains(s, `bob here: got "hello from tmux"`) {
			return fmt.Errorf("screen:\n%s", s)
		}
		return nil
	})
}
