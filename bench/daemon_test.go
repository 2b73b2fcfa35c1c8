package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPageCopy checks that every mode runs the same bytes, and that an
// unknown mode is refused.
func TestPageCopy(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	want := bytes.Repeat([]byte("anynet\x00"), 3000) // not a multiple of 4096
	if err := os.WriteFile(src, want, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"large", "small", "none"} {
		got, err := pageCopy(src, filepath.Join(dir, mode), mode)
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if mode == "none" && got != src {
			t.Errorf("none: runs %s, want %s", got, src)
		}
		b, err := os.ReadFile(got)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, want) {
			t.Errorf("%s: copy differs (%d bytes, want %d)", mode, len(b), len(want))
		}
		if fi, _ := os.Stat(got); fi.Mode()&0o100 == 0 {
			t.Errorf("%s: copy is not executable (%v)", mode, fi.Mode())
		}
	}
	if _, err := pageCopy(src, filepath.Join(dir, "x"), "huge"); err == nil {
		t.Error("mode huge accepted")
	}
}

// TestProcSched reads this process's schedstat.
func TestProcSched(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no /proc")
	}
	run, slices, err := procSched(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if run <= 0 || slices <= 0 {
		t.Errorf("run %d ns, %d slices: this test itself ran", run, slices)
	}
}

// TestNoChainBuildSkipped: a binary whose `up` fails as a -tags nochain
// build does without --chain is told apart (the embedded-chain figure is
// skipped, not failed); any other early exit is an error with its
// stderr.
func TestNoChainBuildSkipped(t *testing.T) {
	dir := t.TempDir()
	fake := func(name, msg string) string {
		p := filepath.Join(dir, name)
		script := "#!/bin/sh\ncase \"$3\" in init) exit 0;; esac\necho '" + msg + "' >&2\nexit 1\n"
		if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg := &config{idleSettle: time.Millisecond, idleWindow: 10 * time.Second}
	nochain := fake("nochain", "anynet: naming: this binary was built with -tags nochain; give --chain URL")
	if _, err := idleDaemon(t.Context(), cfg, nochain, filepath.Join(dir, "a"), "embedded", ""); !errors.Is(err, errNoChainBuild) {
		t.Fatalf("nochain binary: %v, want errNoChainBuild", err)
	}
	broken := fake("broken", "anynet: something else")
	_, err := idleDaemon(t.Context(), cfg, broken, filepath.Join(dir, "b"), "embedded", "")
	if err == nil || errors.Is(err, errNoChainBuild) || !strings.Contains(err.Error(), "something else") {
		t.Fatalf("broken binary: %v, want its own error", err)
	}
}
