//go:build !nochain

package tuiadapter

import (
	"context"
	"fmt"
	"testing"
)

// TestPeersAfterChat: once alice chatted with bob, the TUI's Peers table
// (over alice's control socket) shows bob by name, up, with bytes each
// way and a last activity.
func TestPeersAfterChat(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two daemons")
	}
	_, bob, a, _ := daemons(t)
	ctx := context.Background()
	if _, err := a.Send(ctx, "bob", "hello bob"); err != nil {
		t.Fatal(err)
	}
	until(t, "bob in alice's Peers with bytes", func() error {
		ps, err := a.Peers(ctx)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.Wallet == bob.Wallet() {
				if p.Name != "bob.anynet" || !p.Up || p.BytesIn == 0 || p.BytesOut == 0 || p.Seen.IsZero() {
					return fmt.Errorf("bob: %+v", p)
				}
				return nil
			}
		}
		return fmt.Errorf("no bob among %+v", ps)
	})
}
