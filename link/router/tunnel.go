package router

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
)

// Tunnels between segments. A router whose table has no route for a
// frame's destination asks its TunnelFinder (in a node, the network pass
// on chain that holds the locator) for the router of the destination's
// segment, and sends the frame straight to that router's underlay
// address: the segments need no common neighbor, only the underlay (UDP
// over the internet). The answer is cached per prefix. A tunnel in use
// that is older than the refresh interval (Config.TunnelRefresh) is
// asked for again in the background while frames keep going to the
// address it has, so a segment whose router moved (a new address, or
// another router in the pass) is followed within that interval; the
// new answer replaces the old, an answer that the segment has no router
// (ErrNoTunnel) drops it, and any other failure (the chain unreachable)
// keeps it until tunnelTTL after it was last confirmed. Frames that
// arrive while a first lookup runs wait in a small queue (a few per
// destination; more are dropped and counted as no-route), and a failed
// first lookup is remembered for tunnelNegativeTTL, during which frames
// to that locator get unreachable frames at once.

// TunnelFinder finds the router of the segment that holds dst. It may
// block (a chain lookup); the router calls it on a goroutine of its
// own, at most once per destination locator at a time.
type TunnelFinder interface {
	FindTunnel(ctx context.Context, dst locator.Locator) (Tunnel, error)
}

// TunnelFunc adapts a function to TunnelFinder.
type TunnelFunc func(ctx context.Context, dst locator.Locator) (Tunnel, error)

// FindTunnel implements TunnelFinder.
func (f TunnelFunc) FindTunnel(ctx context.Context, dst locator.Locator) (Tunnel, error) {
	return f(ctx, dst)
}

// Tunnel is the way to a remote segment: the prefix it holds and the
// underlay address of its router.
type Tunnel struct {
	Prefix locator.Prefix
	Router netip.AddrPort
}

// ErrNoTunnel is what a TunnelFinder returns when no segment holds the
// locator.
var ErrNoTunnel = errors.New("router: no tunnel")

// DefaultTunnelRefresh is the default Config.TunnelRefresh.
const DefaultTunnelRefresh = 30 * time.Second

const (
	tunnelTTL         = 5 * time.Minute
	tunnelNegativeTTL = 10 * time.Second
	tunnelLookup      = 5 * time.Second
	tunnelQueue       = 8  // frames held per destination during a lookup
	tunnelPendingMax  = 64 // destinations looked up at once
)

// tunnels is a router's tunnel state; nil without a TunnelFinder.
type tunnels struct {
	find    TunnelFinder
	refresh time.Duration   // Config.TunnelRefresh
	ctx     context.Context // cancelled when the endpoint shuts down
	cancel  context.CancelFunc
	wg      sync.WaitGroup // lookups and refreshes

	mu       sync.Mutex
	closed   bool
	routes   []tunnelRoute                // learned tunnels, any order
	failed   map[link.Locator]time.Time   // failed lookups, until when
	inFlight map[link.Locator][]heldFrame // lookups running, with the frames waiting
}

// heldFrame is a copy of a frame waiting for a lookup, with the
// underlay address it came from (where an unreachable frame goes back).
type heldFrame struct {
	frame []byte
	src   netip.AddrPort
}

type tunnelRoute struct {
	Tunnel
	until      time.Time // expiry, tunnelTTL after the last answer
	refreshAt  time.Time // ask again when used after this
	refreshing bool      // a refresh runs
}

func newTunnels(f TunnelFinder, refresh time.Duration) *tunnels {
	if f == nil {
		return nil
	}
	if refresh <= 0 {
		refresh = DefaultTunnelRefresh
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &tunnels{find: f, refresh: refresh, ctx: ctx, cancel: cancel,
		failed: make(map[link.Locator]time.Time), inFlight: make(map[link.Locator][]heldFrame)}
}

// learn replaces the routes for tun's prefix with tun, as of now.
func (t *tunnels) learn(tun Tunnel, now time.Time) {
	t.routes = slices.DeleteFunc(live(t.routes, now), func(rt tunnelRoute) bool { return rt.Prefix == tun.Prefix })
	t.routes = append(t.routes, tunnelRoute{Tunnel: tun, until: now.Add(tunnelTTL), refreshAt: now.Add(t.refresh)})
}

// close stops new lookups, cancels the running ones and waits for them.
func (t *tunnels) close() {
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
	t.cancel()
	t.wg.Wait()
}

// lookup returns the live learned route with the longest prefix holding
// dst, or nil.
func (t *tunnels) lookup(dst link.Locator, now time.Time) *tunnelRoute {
	var best *tunnelRoute
	for i := range t.routes {
		rt := &t.routes[i]
		if now.Before(rt.until) && (best == nil || rt.Prefix.Bits() > best.Prefix.Bits()) && rt.Prefix.Contains(locator.Locator(dst)) {
			best = rt
		}
	}
	return best
}

// Tunnels returns the tunnels the router has learned and not yet
// expired.
func (r *Router) Tunnels() []Tunnel {
	if r.tun == nil {
		return nil
	}
	t, now := r.tun, r.port.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Tunnel
	for _, rt := range t.routes {
		if now.Before(rt.until) {
			out = append(out, rt.Tunnel)
		}
	}
	return out
}

// tunnelResult is what forwardTunnel did with a frame.
type tunnelResult uint8

const (
	tunnelNone tunnelResult = iota // no tunnel and none to be found: answer unreachable
	tunnelSend                     // send it to the tunnel's router
	tunnelHeld                     // held for a lookup, or dropped
)

// forwardTunnel handles a frame forward found no route for: it goes
// through a learned tunnel (tunnelSend, with the router's address),
// waits for a lookup (tunnelHeld), or is refused (tunnelNone), for the
// caller to answer unreachable.
func (r *Router) forwardTunnel(frame []byte, h *link.Header, src netip.AddrPort) (netip.AddrPort, tunnelResult) {
	t := r.tun
	if t == nil {
		return netip.AddrPort{}, tunnelNone
	}
	dst, now := *h.Dst, r.port.Now()
	t.mu.Lock()
	if rt := t.lookup(dst, now); rt != nil {
		next := rt.Router
		if !now.Before(rt.refreshAt) && !rt.refreshing && !t.closed {
			rt.refreshing = true
			t.wg.Add(1)
			go r.refreshTunnel(dst, rt.Prefix)
		}
		t.mu.Unlock()
		return next, tunnelSend
	}
	if until, ok := t.failed[dst]; ok {
		if now.Before(until) {
			t.mu.Unlock()
			return netip.AddrPort{}, tunnelNone
		}
		delete(t.failed, dst)
	}
	q, running := t.inFlight[dst]
	if !running {
		if t.closed || len(t.inFlight) >= tunnelPendingMax {
			t.mu.Unlock()
			return netip.AddrPort{}, tunnelNone
		}
		t.wg.Add(1)
		go r.findTunnel(dst)
	}
	if len(q) < tunnelQueue {
		c := append([]byte(nil), frame...)
		c[1] = h.HopLimit - 1
		q = append(q, heldFrame{c, src})
	} else {
		r.port.Count(link.CountNoRoute, 1)
	}
	t.inFlight[dst] = q
	t.mu.Unlock()
	return netip.AddrPort{}, tunnelHeld
}

// findTunnel runs one lookup, then sends the frames that waited for it
// or answers them unreachable.
func (r *Router) findTunnel(dst link.Locator) {
	t := r.tun
	defer t.wg.Done()
	tun, err := r.askTunnel(dst)
	now := r.port.Now()
	t.mu.Lock()
	q := t.inFlight[dst]
	delete(t.inFlight, dst)
	if err == nil {
		t.learn(tun, now)
	} else {
		t.failed[dst] = now.Add(tunnelNegativeTTL)
	}
	t.mu.Unlock()
	if err != nil {
		r.port.Logger().Debug("tunnel", "dst", locator.Locator(dst), "err", err)
	}
	for _, f := range q {
		if err == nil {
			r.port.SendFrame(tun.Router, f.frame)
			continue
		}
		r.port.Count(link.CountNoRoute, 1)
		var h link.Header
		if payload, perr := link.ParseHeader(f.frame, &h); perr == nil {
			r.sendUnreachable(&h, payload, link.ReasonNoRoute, f.src)
		}
	}
}

// refreshTunnel asks again for the tunnel of prefix, which holds dst and
// is in use, and replaces it with the answer: another router address, or
// none if the segment has no router any more. Any other failure keeps
// the tunnel until it expires, asking again after tunnelNegativeTTL.
func (r *Router) refreshTunnel(dst link.Locator, prefix locator.Prefix) {
	t := r.tun
	defer t.wg.Done()
	tun, err := r.askTunnel(dst)
	now := r.port.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	i := slices.IndexFunc(t.routes, func(rt tunnelRoute) bool { return rt.Prefix == prefix })
	switch {
	case err == nil:
		if i >= 0 && t.routes[i].Router != tun.Router {
			r.port.Logger().Info("tunnel moved", "prefix", prefix, "from", t.routes[i].Router, "to", tun.Router)
		}
		if i >= 0 && tun.Prefix != prefix { // the segment was subdivided or merged
			t.routes = slices.Delete(t.routes, i, i+1)
		}
		t.learn(tun, now)
	case i < 0:
	case errors.Is(err, ErrNoTunnel):
		r.port.Logger().Info("tunnel gone", "prefix", prefix, "err", err)
		t.routes = slices.Delete(t.routes, i, i+1)
	default:
		r.port.Logger().Debug("tunnel refresh", "prefix", prefix, "err", err)
		t.routes[i].refreshing = false
		t.routes[i].refreshAt = now.Add(tunnelNegativeTTL)
	}
}

// askTunnel asks the TunnelFinder for the tunnel to dst, bounded by
// tunnelLookup, and checks the answer.
func (r *Router) askTunnel(dst link.Locator) (Tunnel, error) {
	ctx, cancel := context.WithTimeout(r.tun.ctx, tunnelLookup)
	defer cancel()
	tun, err := r.tun.find.FindTunnel(ctx, locator.Locator(dst))
	if err != nil {
		return Tunnel{}, err
	}
	return tun, r.checkTunnel(tun, dst)
}

// checkTunnel refuses a tunnel that does not hold dst or leads back to
// this router.
func (r *Router) checkTunnel(tun Tunnel, dst link.Locator) error {
	switch {
	case !tun.Prefix.Contains(locator.Locator(dst)):
		return fmt.Errorf("%w: %s does not hold %s", ErrNoTunnel, tun.Prefix, locator.Locator(dst))
	case !tun.Router.IsValid():
		return fmt.Errorf("%w: no router address for %s", ErrNoTunnel, tun.Prefix)
	case tun.Router == r.port.LocalAddr():
		return fmt.Errorf("%w: %s leads back to this router", ErrNoTunnel, tun.Prefix)
	}
	return nil
}

// live returns the routes of rs that have not expired, in place.
func live(rs []tunnelRoute, now time.Time) []tunnelRoute {
	out := rs[:0]
	for _, rt := range rs {
		if now.Before(rt.until) {
			out = append(out, rt)
		}
	}
	return out
}
