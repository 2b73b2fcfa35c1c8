package link

import (
	"fmt"
	"net/netip"
	"time"
)

// RouterStatus is one router link as Endpoint.Routers reports it: a
// host's attachment router or a router's neighbor.
type RouterStatus struct {
	RouterPeer     // as configured, Addr where its frames go now
	NIC        int // the NIC it is on (nic.go)
	Up         bool
}

// Routers returns the endpoint's router links, in configuration order:
// a host's attachment routers, or a router's neighbors.
func (e *Endpoint) Routers() []RouterStatus {
	if e.fwd != nil {
		return e.fwd.Routers()
	}
	if e.rt == nil {
		return nil
	}
	e.rt.mu.RLock()
	defer e.rt.mu.RUnlock()
	out := make([]RouterStatus, 0, len(e.rt.links))
	for _, l := range e.rt.links {
		rp := l.cfg
		rp.Addr, _ = NICOf(l.p.endpoint())
		out = append(out, RouterStatus{RouterPeer: rp, NIC: l.nic, Up: l.up})
	}
	return out
}

// MoveRouter points the router link of wallet at addr, an address on its
// NIC's underlay, for a router that moved (package stack finds it in the
// router's DID document). The next attach or advert goes there at once.
// It fails with ErrRouting if no router link has that wallet.
func (e *Endpoint) MoveRouter(wallet [20]byte, addr netip.AddrPort) error {
	if e.fwd != nil {
		return e.fwd.MoveRouter(wallet, addr)
	}
	if e.rt == nil {
		return fmt.Errorf("%w: no routers", ErrRouting)
	}
	e.rt.mu.Lock()
	var l *routerLink
	for _, c := range e.rt.links {
		if c.cfg.Wallet == wallet {
			l = c
			break
		}
	}
	if l == nil {
		e.rt.mu.Unlock()
		return fmt.Errorf("%w: no router %x", ErrRouting, wallet)
	}
	l.cfg.Addr = addr
	l.lastInit = time.Time{}
	e.rt.dirty = true // attach at the next tick
	e.rt.mu.Unlock()
	l.p.mu.Lock()
	l.p.addr.store(OnNIC(addr, l.nic))
	l.p.mu.Unlock()
	e.log.Info("router moved", "wallet", fmt.Sprintf("%x", wallet), "addr", addr)
	return nil
}
