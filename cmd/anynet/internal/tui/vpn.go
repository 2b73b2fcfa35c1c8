package tui

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// VPNBackend is the VPN view's: the node's exit and proxy (apps/vpn)
// and the exits advertised on chain. A Backend without it shows the
// view saying so. Same rules as Backend.
type VPNBackend interface {
	// VPN returns what the node's exit and proxy are doing.
	VPN(ctx context.Context) (VPN, error)
	// VPNExits lists the exits advertised on chain.
	VPNExits(ctx context.Context) ([]VPNExit, error)
}

// VPN is the node's exit role and proxy; a nil part is not running.
type VPN struct {
	Exit  *VPNExitRole
	Proxy *VPNProxy
}

// VPNExitRole is the node's exit.
type VPNExitRole struct {
	Advert       string // the AnynetExit entry
	Published    bool
	PublishError string
	Sessions     uint64
	Refused      uint64
	Up, Down     uint64 // bytes clients → destinations, and back
}

// VPNProxy is the node's SOCKS5/HTTP proxy.
type VPNProxy struct {
	Addr      string
	Exits     []string // in the order tried
	InUse     string   // the exit of the last session
	Sessions  uint64
	Failovers uint64
	Up, Down  uint64
}

// VPNExit is an exit advertised on chain.
type VPNExit struct {
	Wallet, Region, Price, Policy string
}

// vpnState is the VPN view's.
type vpnState struct {
	v      VPN
	exits  []VPNExit
	loaded bool
	off    string // why there is nothing to show
	sel    int    // the selected exit on chain
}

type (
	vpnMsg struct {
		v   VPN
		err error
	}
	vpnExitsMsg struct {
		l   []VPNExit
		err error
	}
)

// refreshVPN re-reads the status; the exits on chain only on entry and
// ctrl+r (chain, withExits).
func (m *model) refreshVPN(withExits bool) tea.Cmd {
	vb, ok := m.b.(VPNBackend)
	if !ok {
		m.vpn.off = "VPN exits are not available through this backend"
		return nil
	}
	cmds := []tea.Cmd{m.call("vpn", func(ctx context.Context) tea.Msg {
		v, err := vb.VPN(ctx)
		return vpnMsg{v, err}
	})}
	if withExits {
		cmds = append(cmds, m.call("vpnexits", func(ctx context.Context) tea.Msg {
			l, err := vb.VPNExits(ctx)
			return vpnExitsMsg{l, err}
		}))
	}
	return tea.Batch(cmds...)
}

func (m *model) updateVPN(msg tea.KeyMsg) tea.Cmd {
	s := &m.vpn
	switch {
	case key.Matches(msg, m.keys.Up):
		s.sel = max(s.sel-1, 0)
	case key.Matches(msg, m.keys.Down):
		s.sel = min(s.sel+1, max(len(s.exits)-1, 0))
	case key.Matches(msg, m.keys.Refresh):
		return m.refreshVPN(true)
	}
	return nil
}

func (m *model) vpnResult(msg tea.Msg) tea.Cmd {
	s := &m.vpn
	switch msg := msg.(type) {
	case vpnMsg:
		m.inflight["vpn"] = false
		if m.failed("vpn", msg.err) {
			return nil
		}
		s.v, s.loaded, s.off = msg.v, true, ""
	case vpnExitsMsg:
		m.inflight["vpnexits"] = false
		if m.failed("exits", msg.err) {
			return nil
		}
		s.exits = msg.l
		s.sel = min(s.sel, max(len(s.exits)-1, 0))
	}
	return nil
}

func (m *model) vpnHelp() []key.Binding {
	pick := m.keys.Up
	pick.SetHelp("↑/↓", "exit")
	return []key.Binding{pick, m.keys.Refresh}
}
