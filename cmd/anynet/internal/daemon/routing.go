package daemon

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/route"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
)

// This file places the node in a routed segment (link.Routing):
//
//   - route-prefix set: the node is a router originating that subnet, at
//     the locator locator.Assign gives its node key there; the routers
//     of `routers` are its neighbors.
//   - else, `routers` set: the node is a host attached to them, at the
//     locator locator.Assign gives its node key in the first router's
//     subnet (the router checks exactly that).
//   - neither: no routing; peers are reached directly.
//
// A router of `routers` is "0x<wallet>@<ip:port>"; its node key and
// subnet (the first 128 bits of its locator) are read from its wallet's
// DID document, so it must be up and published first. Options.Routers
// passes them instead (the demo, which starts the router itself).

// Router is a router to attach to, fully known.
type Router struct {
	Wallet  common.Address
	NodeKey transport.PublicKey
	Addr    netip.AddrPort
	// Subnet is the router's subnet, where its hosts take locators.
	Subnet locator.Prefix
}

func (r Router) peer() link.RouterPeer {
	return link.RouterPeer{Wallet: r.Wallet, NodeKey: r.NodeKey, Addr: r.Addr}
}

// routing returns the node's link.Routing for node key key.
func (d *Daemon) routing(ctx context.Context, o Options, key transport.NodeKey) (link.Routing, error) {
	routers := o.Routers
	if routers == nil {
		for _, s := range d.cfg.Routers {
			r, err := d.routerOnChain(ctx, s)
			if err != nil {
				return link.Routing{}, err
			}
			routers = append(routers, r)
		}
	}
	rt := link.Routing{DisablePunch: d.cfg.DisablePunch}
	for _, r := range routers {
		rt.Routers = append(rt.Routers, r.peer())
	}
	switch {
	case d.cfg.RoutePrefix != "":
		p, err := locator.ParsePrefix(d.cfg.RoutePrefix)
		if err != nil {
			return link.Routing{}, fmt.Errorf("%w: route-prefix %q: %v", config.ErrInvalid, d.cfg.RoutePrefix, err)
		}
		rt.Role, rt.Prefixes = link.RoleRouter, []locator.Prefix{p}
		if rt.Locator, err = locator.Assign(p, key.Public, 0); err != nil {
			return link.Routing{}, fmt.Errorf("%w: route-prefix %q: %v", config.ErrInvalid, d.cfg.RoutePrefix, err)
		}
	case len(routers) > 0:
		loc, err := locator.Assign(routers[0].Subnet, key.Public, 0)
		if err != nil {
			return link.Routing{}, fmt.Errorf("daemon: locator in router %s's subnet %s: %w", routers[0].Wallet.Hex(), routers[0].Subnet, err)
		}
		rt.Locator = loc
	}
	return rt, nil
}

// routerOnChain completes a `routers` entry from the router's DID
// document: the node key published with that endpoint (or its only
// valid node key) and the subnet of its locator.
func (d *Daemon) routerOnChain(ctx context.Context, s string) (Router, error) {
	w, addr, err := config.ParsePeer(s)
	if err != nil {
		return Router{}, err
	}
	r := Router{Wallet: common.HexToAddress(w), Addr: addr}
	fail := func(what string) (Router, error) {
		return Router{}, fmt.Errorf("%w: router %s: its DID document %s (start the router first and let it publish)", ErrRouter, s, what)
	}
	doc, err := d.names.DIDDocument(ctx, r.Wallet)
	if err != nil {
		return Router{}, fmt.Errorf("%w: router %s: DID document: %v", ErrRouter, s, err)
	}
	var key *[32]byte
	for _, u := range doc.Underlays {
		if u.Addr == addr && u.HasKey() && doc.KeyStatus(u.NodeKey) == naming.KeyValid {
			k := u.NodeKey
			key = &k
		}
	}
	if key == nil && len(doc.NodeKeys) == 1 {
		k := doc.NodeKeys[0]
		key = &k
	}
	if key == nil {
		return fail("names no valid node key for " + addr.String())
	}
	r.NodeKey = transport.PublicKey(*key)
	for i := len(doc.Locators) - 1; i >= 0; i-- {
		l, err := locator.Parse(doc.Locators[i])
		if err != nil {
			continue
		}
		if r.Subnet, err = locator.PrefixFrom(l, locator.SubnetPrefixBits); err == nil {
			return r, nil
		}
	}
	return fail("publishes no locator")
}

// RouterInfo returns how hosts attach to this node, if it is a router
// (route-prefix set), and false otherwise.
func (d *Daemon) RouterInfo() (Router, bool) {
	rt := d.node.Routing
	if rt.Role != link.RoleRouter || len(rt.Prefixes) == 0 {
		return Router{}, false
	}
	self := d.node.Self()
	if self.NodeKey == nil {
		return Router{}, false
	}
	return Router{Wallet: d.wallet, NodeKey: *self.NodeKey, Addr: self.Addr, Subnet: rt.Prefixes[0]}, true
}

// LinkStats returns the link endpoint's counters (zero before Up).
func (d *Daemon) LinkStats() link.Stats { return d.node.LinkStats() }

// Attached reports whether this host's attachment to one of its routers
// stands; false for a node without routers.
func (d *Daemon) Attached() bool { return d.node.Attached() }

// routes is the routing part of Routes.
func (d *Daemon) routes() control.Routes {
	rt := d.node.Routing
	switch {
	case rt.Role == link.RoleRouter:
		r := control.Routes{Available: true, Role: "router", Locator: rt.Locator.String()}
		r.Note = fmt.Sprintf("router at %s: hosts attach in %s; frames for other locators are forwarded unopened", rt.Locator, prefixList(rt.Prefixes))
		self := d.node.Self()
		for _, e := range d.node.Routes() {
			hop := d.hopName(e.NextHop, self.NodeKey)
			r.Table = append(r.Table, control.Route{Prefix: e.Prefix.String(), NextHop: hop, Self: hop == "", Metric: e.Metric})
		}
		return r
	case len(rt.Routers) > 0:
		r := control.Routes{Available: true, Role: "host", Locator: rt.Locator.String(), Attached: d.Attached()}
		state := "attached to"
		if !r.Attached {
			state = "not attached (yet) to"
		}
		r.Note = fmt.Sprintf("host at %s, %s router %s: peers whose DID document lists a locator are reached through it, others directly", rt.Locator, state, common.Address(rt.Routers[0].Wallet).Hex())
		return r
	}
	return control.Routes{Note: "no routers: every peer is reached directly over the UDP underlay at the endpoint its DID document publishes (or a static --peer); attach to one with --router"}
}

// hopName names a route's next hop: "" for this router, a router's
// wallet, or its node key.
func (d *Daemon) hopName(id route.ID, self *transport.PublicKey) string {
	if self != nil && id == route.ID(*self) {
		return ""
	}
	for _, p := range d.node.Routing.Routers {
		if route.ID(p.NodeKey) == id {
			return common.Address(p.Wallet).Hex()
		}
	}
	return fmt.Sprintf("key:%x…", id[:8])
}

func prefixList(ps []locator.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}
