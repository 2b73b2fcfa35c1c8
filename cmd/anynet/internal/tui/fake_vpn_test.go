package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// The fake backend's VPN: an exit that is on chain, a proxy through two
// exits (the second in use after a failover), three exits on chain.
var _ VPNBackend = (*fakeBackend)(nil)

func (f *fakeBackend) VPN(context.Context) (VPN, error) {
	if err := f.fail["VPN"]; err != nil {
		return VPN{}, err
	}
	return VPN{
		Exit: &VPNExitRole{Advert: "v=1 region=eu price=0.002eth/GB policy=open;ports=80,443", Published: true,
			Sessions: 12, Refused: 3, Up: 1_200_000, Down: 48_500_000},
		Proxy: &VPNProxy{Addr: "127.0.0.1:1080", Exits: []string{"exit1.anynet", "0x00000000000000000000000000000000000000e2"},
			InUse: "0x00000000000000000000000000000000000000e2", Sessions: 40, Failovers: 1, Up: 300_000, Down: 9_000_000},
	}, nil
}

func (f *fakeBackend) VPNExits(context.Context) ([]VPNExit, error) {
	return []VPNExit{
		{Wallet: "0x00000000000000000000000000000000000000e1", Region: "eu", Price: "0.002eth/GB", Policy: "open;ports=80,443"},
		{Wallet: "0x00000000000000000000000000000000000000e2", Region: "us", Price: "free", Policy: "open"},
		{Wallet: "0x00000000000000000000000000000000000000e3", Policy: "wallets=2;bytes=1073741824/1h0m0s"},
	}, nil
}

// TestVPNView: the VPN view shows the exit (advert, on chain, counters),
// the proxy (port, exits in order with the one in use marked,
// failovers) and the exits on chain, ↓ selecting one; a failing backend
// shows its error on the status line.
func TestVPNView(t *testing.T) {
	m := newTestModel(t, newFake(), 100, 24)
	start(m)
	drive(m, keys("7"))
	if m.current != viewVPN {
		t.Fatalf("view %s", m.current)
	}
	drive(m, keyDown)
	frame := m.View()
	for _, s := range []string{"v=1 region=eu", "on chain", "12 sessions · 3 refused · ↑ 1.2 MB · ↓ 48.5 MB",
		"SOCKS5 and HTTP on 127.0.0.1:1080", "exit1.anynet → 0x0000…00E2 (in use)", "1 failovers",
		"Exits on chain (3)", "▸ 0x0000…00E2  us"} {
		if !strings.Contains(frame, s) {
			t.Errorf("%q missing:\n%s", s, frame)
		}
	}
	golden.RequireEqual(t, frame)

	f := newFake()
	f.fail = map[string]error{"VPN": context.DeadlineExceeded}
	m = newTestModel(t, f, 100, 24)
	start(m)
	drive(m, keys("7"))
	if frame := m.View(); !strings.Contains(frame, "vpn") || !strings.Contains(frame, "deadline") {
		t.Errorf("the error is not on the status line:\n%s", frame)
	}
}
