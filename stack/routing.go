package stack

import (
	"net/netip"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/route"
	"github.com/anynet/anynet/link/router"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
)

// The routed path (Node.Routing):
//
// A node that is an attached host — role host, a locator and at least one
// router in Node.Routing — reaches a peer found on chain through its
// routers whenever the peer's DID document lists a locator
// (did/svc/AnynetLocator): the peer is added with AddRoutedPeer at that
// locator (of several, the one sharing the longest prefix with one of
// this node's, the most recent on a tie: nics.go), and the underlay endpoint in the document is not dialed. A
// node that is not an attached host, or a peer that publishes no
// locator, falls back to the direct underlay endpoint. Publish writes the
// node's locator and its routers' underlay endpoints
// (did/svc/AnynetRouter) when Routing has them, so both ends of a routed
// pair find each other by name alone. The answering side needs no
// lookup: it learns the way back from the source locator of the first
// frame it opens (package link, "Routing").

// addPeer tells ep how to reach p: straight at its underlay address, or,
// without one, through the node's routers at its locator.
func addPeer(ep *link.Endpoint, p Peer) error {
	if !p.Addr.IsValid() && !p.Locator.IsZero() {
		return ep.AddRoutedPeer(p.Wallet, p.NodeKey, p.Locator)
	}
	return ep.AddPeer(p.Wallet, p.NodeKey, p.Addr)
}

// routedHost reports whether the node is a host attached to routers
// with a locator of its own: the one case in which it prefers a peer's
// published locator to its underlay endpoint.
func (n *Node) routedHost() bool {
	r := n.Routing
	if r.Role != link.RoleHost {
		return false
	}
	if !r.Locator.IsZero() && len(r.Routers) > 0 {
		return true
	}
	for _, c := range n.NICs { // several NICs (nics.go)
		if !c.Locator.IsZero() && len(c.Routers) > 0 {
			return true
		}
	}
	return false
}

// docLocator returns the locator of doc that parses and shares the
// longest prefix with one of mine (this node's locators), the most
// recently published on a tie, if any: with several NICs on each side,
// the one on a network both share (nics.go). With key, only the
// locators assigned to that node key count (their host field is its
// HostID, as locator.Assign makes it), when there are any: in a
// document that several nodes share (anycast), the locator of the node
// whose key the handshake will expect.
func docLocator(doc *naming.Document, mine []locator.Locator, key *transport.PublicKey) (locator.Locator, bool) {
	var locs, keyed []locator.Locator
	for _, s := range doc.Locators {
		l, err := locator.Parse(s)
		if err != nil || l.IsZero() {
			continue
		}
		locs = append(locs, l)
		if key != nil && assignedTo(l, *key) {
			keyed = append(keyed, l)
		}
	}
	if len(keyed) > 0 {
		locs = keyed
	}
	if len(locs) == 0 {
		return locator.Locator{}, false
	}
	return nearestLocator(locs, mine), true
}

// Attached reports whether this host's attachment to one of its routers
// stands (link.Endpoint.Attached); false before Up or without routers.
func (n *Node) Attached() bool {
	r, _ := n.current()
	return r != nil && r.ep.Attached()
}

// Routers returns this node's router links and where they stand
// (link.Endpoint.Routers); nil before Up or without routers.
func (n *Node) Routers() []link.RouterStatus {
	r, _ := n.current()
	if r == nil {
		return nil
	}
	return r.ep.Routers()
}

// Routes returns a router's route table, longest prefix first
// (router.Router.Routes); nil before Up or for a host.
func (n *Node) Routes() []route.Route {
	r, _ := n.current()
	if r == nil || r.router == nil {
		return nil
	}
	return r.router.Routes()
}

// Tunnels returns the tunnels to other segments a router has learned
// (router.Router.Tunnels); nil before Up or for a host.
func (n *Node) Tunnels() []router.Tunnel {
	r, _ := n.current()
	if r == nil || r.router == nil {
		return nil
	}
	return r.router.Tunnels()
}

// DirectPath reports whether this host reaches wallet straight at an
// underlay address that hole punching found (link.Endpoint.DirectPath)
// rather than through its routers, and which.
func (n *Node) DirectPath(wallet common.Address) (netip.AddrPort, bool) {
	r, _ := n.current()
	if r == nil {
		return netip.AddrPort{}, false
	}
	return r.ep.DirectPath(link.IdentityAddr(wallet))
}

// RoutedTraffic returns what this host exchanged with each peer through
// each of its routers since it started (link.Endpoint.RoutedTraffic),
// for proof of relay; nil before Up, on a router, or without routers.
func (n *Node) RoutedTraffic() []link.RoutedTraffic {
	r, _ := n.current()
	if r == nil {
		return nil
	}
	return r.ep.RoutedTraffic()
}

// Forwarded returns what a router forwarded per (source, destination)
// locator since it started (router.Router.Forwarded); nil before Up or
// for a host.
func (n *Node) Forwarded() []router.Forwarded {
	r, _ := n.current()
	if r == nil || r.router == nil {
		return nil
	}
	return r.router.Forwarded()
}
