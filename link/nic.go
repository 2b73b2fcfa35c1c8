package link

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/anynet/anynet/link/locator"
)

// Several NICs (Config.NICs): a host with more than one underlay gets
// one locator per NIC, each in the subnet of the routers it attaches to
// over that NIC (doc.go, "Several NICs"). Inside the endpoint an
// underlay address says which NIC it is on: NIC 0's addresses are the
// underlay's own, so a single-NIC endpoint never sees anything else;
// NIC n's carry the IPv6 zone "nic<n>" (IPv4 addresses as IPv4-mapped
// IPv6), as a scoped IPv6 address names its interface. Every address
// that reaches a peer, a router link or a batch keeps its zone, and
// sendFrames strips it and picks the NIC's underlay, so a peer learned
// on a NIC is answered on it without the data path knowing NICs.

// NIC is one more network interface of a host: an underlay of its own
// and the host's routing attachment on it. NIC 0 is Config.Underlay
// with Config.Routing; Config.NICs[i-1] is NIC i.
type NIC struct {
	// Underlay carries the NIC's frames. Required; it must carry the
	// endpoint's MTU as Config.Underlay does.
	Underlay Underlay
	// Locator is the host's locator on this NIC: locator.Assign(subnet,
	// node key, i) in the subnet of its routers, so its NIC field is i.
	// Zero means the NIC has no routed attachment (direct peers only).
	Locator locator.Locator
	// Routers are the routers the host attaches to over this NIC, as
	// Routing.Routers; their addresses are on this NIC's underlay. A
	// router wallet may appear on one NIC only.
	Routers []RouterPeer
}

// nicZone is the zone of the addresses on NIC n > 0.
const nicZone = "nic"

// OnNIC returns the endpoint's name for underlay address addr on NIC
// nic: addr itself for NIC 0, else addr as IPv6 (IPv4 mapped) with the
// zone "nic<n>". AddPeer with such an address sends to the peer through
// that NIC.
func OnNIC(addr netip.AddrPort, nic int) netip.AddrPort {
	if nic == 0 {
		return addr
	}
	a := netip.AddrFrom16(addr.Addr().As16()).WithZone(nicZone + strconv.Itoa(nic))
	return netip.AddrPortFrom(a, addr.Port())
}

// NICOf splits an address of the endpoint (OnNIC) into the underlay's
// own address and the NIC it is on.
func NICOf(addr netip.AddrPort) (netip.AddrPort, int) {
	z := addr.Addr().Zone()
	if z == "" || !strings.HasPrefix(z, nicZone) {
		return addr, 0
	}
	n, err := strconv.Atoi(z[len(nicZone):])
	if err != nil || n <= 0 {
		return addr, 0
	}
	a := addr.Addr().WithZone("")
	if a.Is4In6() {
		a = a.Unmap()
	}
	return netip.AddrPortFrom(a, addr.Port()), n
}

// initNICs checks cfg.NICs and makes e send and receive on every NIC.
// It runs before the routing state is built (newRouting adds the NICs'
// routers) and before NIC 0's receiver is installed.
func (e *Endpoint) initNICs(cfg *Config) error {
	if cfg.Routing.Role != RoleHost {
		return fmt.Errorf("%w: a router with several NICs is not supported (Config.NICs is for hosts)", ErrRouting)
	}
	need := int(cfg.MTU) + MaxFrameHeader + TransportOverhead
	routers := make(map[[20]byte]int)
	for _, rp := range cfg.Routing.Routers {
		routers[rp.Wallet] = 0
	}
	e.nics = []Underlay{cfg.Underlay}
	for i, n := range cfg.NICs {
		nic := i + 1
		if n.Underlay == nil {
			return fmt.Errorf("link: NIC %d has no underlay", nic)
		}
		if n.Underlay.MTU() < need {
			return fmt.Errorf("link: NIC %d: underlay MTU %d too small for netstack MTU %d (need %d)", nic, n.Underlay.MTU(), cfg.MTU, need)
		}
		if !n.Locator.IsZero() && n.Locator.NIC() != uint32(nic) {
			return fmt.Errorf("%w: NIC %d has locator %s, whose NIC field is not %d (locator.Assign(subnet, key, %d))", ErrRouting, nic, n.Locator, nic, nic)
		}
		for _, rp := range n.Routers {
			if other, dup := routers[rp.Wallet]; dup {
				return fmt.Errorf("%w: router %x on NICs %d and %d", ErrRouting, rp.Wallet, other, nic)
			}
			routers[rp.Wallet] = nic
			if !rp.Addr.IsValid() {
				return fmt.Errorf("%w: router %x on NIC %d without an underlay address", ErrRouting, rp.Wallet, nic)
			}
		}
		e.nics = append(e.nics, n.Underlay)
	}
	return nil
}

// listenNICs installs e's receiver on NICs 1…n, tagging each frame's
// source with its NIC.
func (e *Endpoint) listenNICs() {
	for i := 1; i < len(e.nics); i++ {
		nic, u := i, e.nics[i]
		recv := func(frame []byte, src netip.AddrPort) { e.receive(frame, OnNIC(src, nic)) }
		if bu, ok := u.(BatchUnderlay); ok && e.gro.enabled() {
			bu.SetBatchEnd(e.flushReceived)
		} else if e.gro.enabled() { // no batch end: each frame is its own batch (gro.go)
			recv = func(frame []byte, src netip.AddrPort) {
				e.receive(frame, OnNIC(src, nic))
				e.gro.flush()
			}
		}
		u.SetReceiver(recv)
	}
}

// underlayFor returns the underlay that reaches dst, an address of the
// endpoint, and dst as that underlay knows it.
func (e *Endpoint) underlayFor(dst netip.AddrPort) (Underlay, netip.AddrPort, bool) {
	if e.nics == nil {
		return e.underlay, dst, true
	}
	a, n := NICOf(dst)
	if n >= len(e.nics) {
		return nil, dst, false
	}
	return e.nics[n], a, true
}

// addNICRouters adds the routers of NICs 1…n as router links of rt, each
// with its NIC and the host's locator there.
func (e *Endpoint) addNICRouters(rt *routing, nics []NIC) error {
	rt.nics = []Locator{rt.local}
	for i, n := range nics {
		nic := i + 1
		rt.nics = append(rt.nics, Locator(n.Locator))
		for _, rp := range n.Routers {
			rp.Addr = OnNIC(rp.Addr, nic)
			if err := e.addRouterLink(rt, rp, nic, Locator(n.Locator)); err != nil {
				return err
			}
		}
	}
	return nil
}

// nicFor returns the NIC a host reaches dst through: the one whose
// locator shares the longest prefix with dst (the lowest on a tie, as
// source address selection does), NIC 0 with a single NIC.
func (rt *routing) nicFor(dst *Locator) int {
	if rt.nics == nil {
		return 0
	}
	best, bestLen := 0, -1
	for i := range rt.nics {
		if rt.nics[i].isZero() {
			continue
		}
		if n := locator.CommonPrefixLen(locator.Locator(*dst), locator.Locator(rt.nics[i])); n > bestLen {
			best, bestLen = i, n
		}
	}
	return best
}

// localOf returns this node's locator on NIC nic.
func (rt *routing) localOf(nic int) *Locator {
	if nic == 0 || nic >= len(rt.nics) {
		return &rt.local
	}
	return &rt.nics[nic]
}

// nicOfLocal returns the NIC whose locator is l, and whether l is one of
// this node's locators.
func (rt *routing) nicOfLocal(l *Locator) (int, bool) {
	if *l == rt.local {
		return 0, true
	}
	for i := 1; i < len(rt.nics); i++ {
		if rt.nics[i] == *l && !l.isZero() {
			return i, true
		}
	}
	return 0, false
}

// isLocal reports whether l is this host's locator on one of its NICs
// besides NIC 0.
func (rt *routing) isLocal(l *Locator) bool {
	_, ok := rt.nicOfLocal(l)
	return ok
}

// AttachedOn reports whether a host's attachment to one of its routers
// on NIC nic stands (Attached, for one NIC).
func (e *Endpoint) AttachedOn(nic int) bool {
	if e.rt == nil {
		return false
	}
	e.rt.mu.RLock()
	defer e.rt.mu.RUnlock()
	for _, l := range e.rt.links {
		if l.up && l.nic == nic {
			return true
		}
	}
	return false
}

// Locators returns this node's locators, one per NIC that has one, NIC
// 0 first.
func (e *Endpoint) Locators() []locator.Locator {
	if e.rt == nil {
		return nil
	}
	var out []locator.Locator
	for i := 0; i < max(1, len(e.rt.nics)); i++ {
		if l := e.rt.localOf(i); !l.isZero() {
			out = append(out, locator.Locator(*l))
		}
	}
	return out
}
