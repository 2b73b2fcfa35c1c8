package tui

import (
	"context"
	"fmt"
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

// vpnSnap is the VPN view's answer: the status, and the exits on chain
// (read on entry and ctrl+r only: full).
type vpnSnap struct {
	v     VPN
	exits []VPNExit
	full  bool
}

// vpnView is the VPN view (a snapshot view): it polls the counters and
// keeps the exits on chain between full reads.
var vpnView = func() *snapSpec {
	s := snapshot("vpn", "VPN exits are not available through this backend", "exit",
		func(b VPNBackend, ctx context.Context, full bool) (vpnSnap, error) {
			v, err := b.VPN(ctx)
			if err != nil || !full {
				return vpnSnap{v: v}, err
			}
			l, err := b.VPNExits(ctx)
			if err != nil {
				return vpnSnap{}, fmt.Errorf("exits: %w", err)
			}
			return vpnSnap{v, l, true}, nil
		}, (*model).vpnPage)
	s.merge = func(old, fresh any) any {
		o, f := old.(vpnSnap), fresh.(vpnSnap)
		if !f.full {
			f.exits, f.full = o.exits, o.full
		}
		return f
	}
	return s
}()
