package tuiadapter

import (
	"context"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
)

var _ tui.VPNBackend = (*Backend)(nil)

// vpnView converts the control API's VPN status.
func vpnView(s control.VPNStatus) tui.VPN {
	var v tui.VPN
	if e := s.Exit; e != nil {
		v.Exit = &tui.VPNExitRole{Advert: e.Advert, Published: e.Published, PublishError: e.PublishError,
			Sessions: e.Sessions, Refused: e.Refused, Up: e.Up, Down: e.Down}
	}
	if p := s.Proxy; p != nil {
		v.Proxy = &tui.VPNProxy{Addr: p.Addr, Exits: p.Exits, InUse: p.InUse, Sessions: p.Sessions,
			Failovers: p.Failovers, Up: p.Up, Down: p.Down}
	}
	return v
}

// VPN implements tui.VPNBackend.
func (b *Backend) VPN(ctx context.Context) (tui.VPN, error) {
	s, err := b.C.VPNStatus(ctx)
	if err != nil {
		return tui.VPN{}, err
	}
	return vpnView(s), nil
}

// VPNExits implements tui.VPNBackend.
func (b *Backend) VPNExits(ctx context.Context) ([]tui.VPNExit, error) {
	l, err := b.C.VPNExits(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]tui.VPNExit, 0, len(l))
	for _, e := range l {
		out = append(out, tui.VPNExit{Wallet: e.Wallet, Region: e.Region, Price: e.Price, Policy: e.Policy})
	}
	return out, nil
}
