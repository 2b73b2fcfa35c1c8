package stack

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/router"
	"github.com/anynet/anynet/naming"
)

// Tunnels between segments: a router whose table holds no route for a
// destination looks up the network pass that holds the locator
// (naming.Client.PassFor: the deepest pass, so a subnet's own routers
// win over its parent's) and tunnels the frame over the underlay to the
// first of the pass's published router endpoints ("ip:port", see
// naming.Client.SetRouters) that parses. Package link/router caches the
// answer, queues frames while it is looked up, and asks again every
// TunnelRefresh while the tunnel is in use, so it follows a pass whose
// router endpoints change.

// routerConfig returns a router's router.Config, with tunnels from the
// chain when it has Names and no finder of its own.
func (n *Node) routerConfig() router.Config {
	c := router.Config{Tunnels: n.TunnelFinder, TunnelRefresh: n.TunnelRefresh}
	if c.Tunnels == nil && n.Names != nil {
		c.Tunnels = passTunnels{n.Names}
	}
	return c
}

// passTunnels finds tunnels from network passes.
type passTunnels struct{ names *naming.Client }

func (p passTunnels) FindTunnel(ctx context.Context, dst locator.Locator) (router.Tunnel, error) {
	pass, err := p.names.PassFor(ctx, dst)
	if errors.Is(err, naming.ErrNotFound) { // no segment holds dst: a router drops its tunnel
		return router.Tunnel{}, fmt.Errorf("tunnel to %s: %w: %w", dst, router.ErrNoTunnel, err)
	}
	if err != nil {
		return router.Tunnel{}, fmt.Errorf("tunnel to %s: %w", dst, err)
	}
	return tunnelOf(pass)
}

// tunnelOf turns a pass into a tunnel to its first router endpoint.
func tunnelOf(pass *naming.Pass) (router.Tunnel, error) {
	pfx, err := locator.PrefixFrom(locator.Locator(pass.Prefix), int(pass.Len))
	if err != nil {
		return router.Tunnel{}, fmt.Errorf("%w: pass %s: %v", router.ErrNoTunnel, pass.ID, err)
	}
	for _, ep := range pass.Routers {
		if ap, err := netip.ParseAddrPort(ep); err == nil {
			return router.Tunnel{Prefix: pfx, Router: ap}, nil
		}
	}
	return router.Tunnel{}, fmt.Errorf("%w: pass %s (%s) publishes no router endpoint", router.ErrNoTunnel, pass.ID, pfx)
}
