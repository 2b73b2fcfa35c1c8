package stack

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/naming"
)

// Several NICs (Node.NICs): a host with more than one underlay — two
// networks that share nothing, each with its own routers — has one
// locator per NIC (package link, "Several NICs"). NIC 0 is Node.Underlay
// (or ListenAddr) with Node.Routing; NICs[i-1] is NIC i, with its
// locator from locator.Assign(subnet, node key, i). Publish writes every
// NIC's locator and underlay endpoint into the DID document, and a
// routed host resolving a peer that lists several locators picks the
// one nearest its own (the longest common prefix), so a peer on either
// network reaches the host at the locator of the NIC it shares.

// NIC is one more network interface of a node: an underlay, and the
// node's routing attachment on it (link.NIC).
type NIC struct {
	// Underlay carries the NIC's frames. If nil, Up opens a UDP socket
	// on ListenAddr. The node owns it once Up is called.
	Underlay link.Underlay
	// ListenAddr is the UDP address used when Underlay is nil; empty
	// means ":0".
	ListenAddr string
	// Locator is the node's locator on this NIC, in its routers' subnet:
	// locator.Assign(subnet, node key, i) for NIC i.
	Locator locator.Locator
	// Routers are the routers the node attaches to over this NIC.
	Routers []link.RouterPeer
	// PublishAddr is the NIC's underlay endpoint that Publish writes.
	// Zero means the underlay's own address (loopback for a wildcard
	// listener), as Node.PublishAddr.
	PublishAddr netip.AddrPort
}

// openNICs opens the underlays of n.NICs that need a UDP socket and
// returns the link's NICs and every NIC's underlay, which the node owns
// once up. On error it closes what it opened.
func (n *Node) openNICs(ctx context.Context, mtu int, log *slog.Logger) ([]link.NIC, []link.Underlay, error) {
	if len(n.NICs) == 0 {
		return nil, nil, nil
	}
	nics := make([]link.NIC, 0, len(n.NICs))
	owned := make([]link.Underlay, 0, len(n.NICs))
	for i, c := range n.NICs {
		u := c.Underlay
		if u == nil {
			var err error
			if u, err = openUDP(ctx, c.ListenAddr, mtu, log); err != nil {
				for j, o := range owned { // only what this call opened
					if n.NICs[j].Underlay == nil {
						o.Close()
					}
				}
				return nil, nil, fmt.Errorf("stack: NIC %d: %w", i+1, err)
			}
		}
		owned = append(owned, u)
		nics = append(nics, link.NIC{Underlay: u, Locator: c.Locator, Routers: c.Routers})
	}
	return nics, owned, nil
}

func closeAll(us []link.Underlay) {
	for _, u := range us {
		u.Close()
	}
}

// Locators returns this node's locators, one per NIC that has one, NIC
// 0 (Routing.Locator) first. It does not need the node to be up.
func (n *Node) Locators() []locator.Locator {
	var out []locator.Locator
	if !n.Routing.Locator.IsZero() {
		out = append(out, n.Routing.Locator)
	}
	for _, c := range n.NICs {
		if !c.Locator.IsZero() {
			out = append(out, c.Locator)
		}
	}
	return out
}

// Endpoints returns this node's underlay endpoints, one per NIC, NIC 0
// (Self().Addr) first; what Publish writes. Valid after Up.
func (n *Node) Endpoints() []netip.AddrPort {
	r, _ := n.current()
	if r == nil {
		return nil
	}
	return n.endpoints(r)
}

// endpoints returns the endpoint of every NIC, as published.
func (n *Node) endpoints(r *running) []netip.AddrPort {
	out := []netip.AddrPort{n.publishAddr(r)}
	for i, u := range r.nics {
		a := n.NICs[i].PublishAddr
		if !a.IsValid() {
			a = reachable(u.LocalAddr())
		}
		out = append(out, a)
	}
	return out
}

// allRouters returns the routers of every NIC, NIC 0 first.
func (n *Node) allRouters() []link.RouterPeer {
	out := append([]link.RouterPeer(nil), n.Routing.Routers...)
	for _, c := range n.NICs {
		out = append(out, c.Routers...)
	}
	return out
}

// nearestLocator returns the locator of locs that shares the longest
// prefix with one of mine; on a tie the later (more recently published)
// one. With mine empty it is the last.
func nearestLocator(locs []locator.Locator, mine []locator.Locator) locator.Locator {
	best, bestLen := locator.Locator{}, -1
	for _, l := range locs {
		n := 0
		for _, m := range mine {
			n = max(n, locator.CommonPrefixLen(l, m))
		}
		if n >= bestLen {
			best, bestLen = l, n
		}
	}
	return best
}

// staleLocators returns the locators of doc that this node key holds
// (their host field is its HostID in a subnet the locator lies in, so
// they are Assign's for this key) and that are not among current: what a
// node published before it moved or dropped a NIC. Locators of other
// nodes of the wallet (anycast) are left alone. Publish revokes them, so
// that a peer choosing the nearest locator does not choose a stale one.
func staleLocators(doc *naming.Document, key [32]byte, current []locator.Locator) []string {
	var out []string
	for _, s := range doc.Locators {
		l, err := locator.Parse(s)
		if err != nil || slices.Contains(current, l) || !assignedTo(l, key) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// assignedTo reports whether l's host field is key's HostID in one of
// the subnet prefixes that contain it.
func assignedTo(l locator.Locator, key [32]byte) bool {
	for bits := 0; bits <= locator.SubnetPrefixBits; bits++ {
		p, err := locator.PrefixFrom(l, bits)
		if err == nil && locator.HostID(p, key) == l.Host() {
			return true
		}
	}
	return false
}
