package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// TestChainServe runs `chain serve` and talks to it: status, fund, pass
// mint and show, and node verbs it refuses.
func TestChainServe(t *testing.T) {
	cleanEnv(t)
	dir := sockDir(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		root := newRoot()
		root.SetOut(&out)
		root.SetArgs([]string{"--dir", dir, "chain", "serve", "127.0.0.1:0"})
		done <- root.ExecuteContext(ctx)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("chain serve: %v", err)
		}
	}()
	eventually(t, "chain serve answers", func() error {
		s, err := control.NewClient(dir).Status(context.Background())
		if err != nil {
			return err
		}
		if s.ChainServed == "" || s.Wallet != "" {
			return fmt.Errorf("status %+v", s)
		}
		return nil
	})
	if o, err := run(t, "--dir", dir, "chain", "fund", "0x1111111111111111111111111111111111111111"); err != nil || !strings.Contains(o, "funded") {
		t.Errorf("fund: %v, %q", err, o)
	}
	if _, err := run(t, "--dir", dir, "ping", "bob"); !errors.Is(err, control.ErrUnsupported) || !strings.Contains(err.Error(), "only serves a chain") {
		t.Errorf("ping on a chain-only process: %v", err)
	}
	// It holds the chain's dev account, the passes' admin: it mints, to
	// a wallet named with --to, and has no wallet of its own to list.
	if o, err := run(t, "--dir", dir, "pass", "mint", "2a/64", "--to", "0x1111111111111111111111111111111111111111"); err != nil || !strings.Contains(o, "pass 1: 2a/64, held by 0x1111111111111111111111111111111111111111") {
		t.Errorf("pass mint: %v, %q", err, o)
	}
	if o, err := run(t, "--dir", dir, "pass", "show", "2a.1/128"); err != nil || !strings.Contains(o, "prefix    2a/64") {
		t.Errorf("pass show: %v, %q", err, o)
	}
	if _, err := run(t, "--dir", dir, "pass", "mint", "2b/64"); !errors.Is(err, control.ErrBadRequest) || !strings.Contains(err.Error(), "--to") {
		t.Errorf("pass mint without --to: %v", err)
	}
	if _, err := run(t, "--dir", dir, "pass", "list"); !errors.Is(err, control.ErrUnsupported) || !strings.Contains(err.Error(), "holds no wallet") {
		t.Errorf("pass list on a chain-only process: %v", err)
	}
}
