package stack

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/naming"
)

// Tunnels between segments: a router whose table holds no route for a
// destination looks up the network pass that holds the locator
// (naming.Client.PassFor: the deepest pass, so a subnet's own routers
// win over its parent's) and tunnels the frame over the underlay to the
// first of the pass's published router endpoints ("ip:port", see
// naming.Client.SetRouters) that parses. Package link caches the answer,
// queues frames while it is looked up, and asks again every
// Routing.TunnelRefresh while the tunnel is in use, so it follows a pass
// whose router endpoints change.

// routing returns n.Routing, with tunnels from the chain for a router
// that has Names and no finder of its own.
func (n *Node) routing() link.Routing {
	r := n.Routing
	if r.Role == link.RoleRouter && r.Tunnels == nil && n.Names != nil {
		r.Tunnels = passTunnels{n.Names}
	}
	return r
}

// passTunnels finds tunnels from network passes.
type passTunnels struct{ names *naming.Client }

func (p passTunnels) FindTunnel(ctx context.Context, dst locator.Locator) (link.Tunnel, error) {
	pass, err := p.names.PassFor(ctx, dst)
	if errors.Is(err, naming.ErrNotFound) { // no segment holds dst: a router drops its tunnel
		return link.Tunnel{}, fmt.Errorf("tunnel to %s: %w: %w", dst, link.ErrNoTunnel, err)
	}
	if err != nil {
		return link.Tunnel{}, fmt.Errorf("tunnel to %s: %w", dst, err)
	}
	return tunnelOf(pass)
}

// tunnelOf turns a pass into a tunnel to its first router endpoint.
func tunnelOf(pass *naming.Pass) (link.Tunnel, error) {
	pfx, err := locator.PrefixFrom(locator.Locator(pass.Prefix), int(pass.Len))
	if err != nil {
		return link.Tunnel{}, fmt.Errorf("%w: pass %s: %v", link.ErrNoTunnel, pass.ID, err)
	}
	for _, ep := range pass.Routers {
		if ap, err := netip.ParseAddrPort(ep); err == nil {
			return link.Tunnel{Prefix: pfx, Router: ap}, nil
		}
	}
	return link.Tunnel{}, fmt.Errorf("%w: pass %s (%s) publishes no router endpoint", link.ErrNoTunnel, pass.ID, pfx)
}
