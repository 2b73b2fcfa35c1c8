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

// TestChainServe runs `chain serve` and talks to it: status, fund, and a
// node verb it refuses.
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
}
