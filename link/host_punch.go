package link

import (
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// This file is the host's side of NAT traversal (doc.go, "NAT
// traversal"): which of its routed peers it tries to reach directly,
// the probes it sends them, and the switch between the routed and the
// direct path. Package link/router's punch.go is the router's side.
//
//  1. A host that opened a frame from a peer through routers keeps a
//     directPath for it (notePath, the learnPath hook). While the peer
//     talks, every punchRetry the host asks its router for a direct
//     path to the peer's locator (ControlPunchAsk).
//  2. The routers pair the asks of both hosts (link/router) and tell each the
//     other's observed underlay address (ControlPunch); a host asked by
//     its router on a peer's behalf (ControlPunchAsk from the router)
//     asks back, which is its consent. A host with Routing.DisablePunch
//     never asks and ignores both.
//  3. Told an address, the host sends the peer probes there, straight
//     over the underlay: empty data messages of their session (a
//     transport keepalive), every Tick for a hold time. Both hosts'
//     probes open their own NAT towards the other, so one gets through.
//  4. The first authenticated frame that arrives without locators makes
//     the peer direct (learnPath, as roaming does): its frames go to the
//     address the frame came from. Frames that still arrive through the
//     routers do not switch it back while a direct frame came within the
//     hold time, so that the paths do not flap while in-flight frames
//     drain. Nothing above the link notices: TCP connections are named by
//     identity addresses, not locators, and carry on.
//  5. A direct peer gets a probe every advert interval, which keeps both
//     NAT mappings alive (Linux drops an unanswered UDP mapping after
//     30 s). If no direct frame came for the hold time, the peer falls
//     back to its routed path, which the routers kept all along (the
//     host's attaches keep its router's NAT mapping alive the same way),
//     and punching starts over after punchRetry.

// punchRetryIntervals is the least time, in advert intervals, between
// two punch asks of a host for one peer.
const punchRetryIntervals = 10

// punchTable is a host's NAT traversal state: its per-peer paths.
type punchTable struct {
	disabled bool          // Routing.DisablePunch
	retry    time.Duration // between two asks for one peer

	npaths atomic.Int64  // len(paths), read without the lock
	tick   atomic.Uint64 // counts Ticks (tickPunch); written under mu

	mu    sync.Mutex            // guards the fields below; taken after routing.mu, never before
	now   time.Time             // the last Tick's time: the receive path's clock
	paths map[*peer]*directPath // a host's routed peers
}

// directPath is what a host knows about reaching one routed peer
// directly.
type directPath struct {
	routed     Locator        // the peer's locator: the way through routers
	direct     bool           // the peer's frames go straight to addr
	addr       netip.AddrPort // where the last direct frame came from
	cand       netip.AddrPort // where the router sees the peer
	probeUntil time.Time      // probing cand until then
	lastProbe  time.Time      // last probe sent
	lastDirect time.Time      // last authenticated frame without locators
	lastRouted time.Time      // last authenticated frame through routers
	lastAsk    time.Time      // last punch ask sent for this peer
	lastCand   time.Time      // last candidate address the peer sent (host_punch_peer.go)
}

func (pt *punchTable) init(cfg Routing, interval time.Duration) {
	pt.disabled = cfg.DisablePunch
	pt.retry = punchRetryIntervals * interval
	pt.paths = make(map[*peer]*directPath)
}

// routedNote is what notePath recorded of a frame through routers from
// a peer with no live direct path: the source locator, in the Tick
// numbered tick. Until the next Tick, or until a direct frame comes
// (which clears peer.routed), another such frame from src would change
// nothing, so notePath returns at once, without the lock: a routed
// flow takes the lock once per peer and Tick, not once per frame.
type routedNote struct {
	tick uint64
	src  Locator
}

// punching reports whether this endpoint is a host that punches.
func (rt *routing) punching() bool { return rt.role == RoleHost && !rt.punch.disabled }

// notePath is the learnPath hook: it records which way an authenticated
// frame from p with header h came, and reports true when p's path must
// stay as it is, a live direct path that a frame through routers does not
// replace. learn has already moved p.addr to the frame's source; for such
// a frame notePath moves it back. It runs for every frame a host opens,
// so it reads the clock of the last Tick, which is precise enough for
// hold times.
func (e *Endpoint) notePath(p *peer, h *Header) bool {
	rt := e.rt
	pt := &rt.punch
	if !rt.punching() || (h.Src == nil && pt.npaths.Load() == 0) {
		return false
	}
	if h.Src != nil { // the fast path: nothing new since this Tick's first such frame
		if n := p.routed.Load(); n != nil && n.tick == pt.tick.Load() && n.src == *h.Src {
			return false
		}
	}
	pt.mu.Lock()
	defer pt.mu.Unlock()
	now := pt.now
	if now.IsZero() {
		now = e.now()
	}
	d := pt.paths[p]
	if h.Src != nil {
		if d == nil {
			d = &directPath{}
			pt.paths[p] = d
			pt.npaths.Store(int64(len(pt.paths)))
		}
		d.routed, d.lastRouted = *h.Src, now
		if d.direct && now.Sub(d.lastDirect) <= rt.hold {
			p.mu.Lock()
			p.addr.store(d.addr)
			p.mu.Unlock()
			return true
		}
		if d.direct {
			d.direct = false
			e.stats.pathsFallback.Add(1)
			e.pathChanged()
		}
		if n := p.routed.Load(); n == nil || n.tick != pt.tick.Load() || n.src != d.routed {
			p.routed.Store(&routedNote{tick: pt.tick.Load(), src: d.routed}) // once per Tick and peer
		}
		return false
	}
	if d == nil {
		return false
	}
	p.routed.Store(nil) // a direct frame: routed ones look under the lock again
	d.addr, d.lastDirect = p.endpoint(), now
	if !d.direct {
		d.direct = true
		d.probeUntil = time.Time{}
		e.stats.pathsDirect.Add(1)
		e.pathChanged()
		e.log.Debug("direct path", "peer", p.ident, "addr", d.addr)
	}
	return false
}

// tickPunch runs a host's NAT traversal timers: direct paths that went
// quiet fall back to routers, probes go out, and asks for peers that
// talk through routers.
func (e *Endpoint) tickPunch() {
	rt := e.rt
	if !rt.punching() {
		return
	}
	type probe struct {
		p    *peer
		addr netip.AddrPort
	}
	type ask struct {
		loc Locator // the peer's
		nic int     // through whose default router
	}
	var (
		probes []probe
		asks   []ask
	)
	now := e.now()
	idle := 2 * rt.punch.retry
	pt := &rt.punch
	pt.mu.Lock()
	pt.now = now
	pt.tick.Add(1) // notePath's fast path looks under the lock again
	for p, d := range pt.paths {
		switch {
		case d.direct && now.Sub(d.lastDirect) > rt.hold:
			d.direct, d.lastAsk = false, now
			l := d.routed
			p.loc.Store(&l)
			e.stats.pathsFallback.Add(1)
			e.pathChanged()
			e.log.Debug("direct path lost, back through routers", "peer", p.ident)
		case d.direct:
			if now.Sub(d.lastProbe) >= rt.interval {
				d.lastProbe = now
				probes = append(probes, probe{p, d.addr})
			}
		case now.Before(d.probeUntil):
			d.lastProbe = now
			probes = append(probes, probe{p, d.cand})
		case now.Sub(d.lastRouted) > idle && now.Sub(d.lastDirect) > idle:
			delete(pt.paths, p)
			pt.npaths.Store(int64(len(pt.paths)))
		case now.Sub(d.lastRouted) <= pt.retry && p.verified.Load() && p.loc.Load() != nil &&
			(d.lastAsk.IsZero() || now.Sub(d.lastAsk) >= pt.retry):
			d.lastAsk = now
			asks = append(asks, ask{d.routed, int(p.nic.Load())})
		}
	}
	pt.mu.Unlock()
	for _, pr := range probes {
		e.sendProbe(pr.p, pr.addr)
	}
	for _, a := range asks {
		e.sendAsk(a.loc, a.nic)
	}
}

// sendAsk asks the default router of NIC nic, the one the peer at loc
// is reached through, for a direct path to it.
func (e *Endpoint) sendAsk(loc Locator, nic int) {
	if l := e.rt.defaultLink(nic); l != nil {
		e.stats.punchAsks.Add(1)
		e.sendControl(l, AppendControl(nil, ControlPunchAsk, loc[:]))
	}
}

// receivePunch acts on a punch message from the host's router l: an ask
// on a peer's behalf, which the host answers with an ask of its own
// unless it asked within the hold time, or a peer's address, which it
// starts probing.
func (e *Endpoint) receivePunch(l *routerLink, kind ControlKind, body []byte) {
	rt := e.rt
	now := e.now()
	pt := &rt.punch
	switch kind {
	case ControlPunchAsk:
		pt.mu.Lock()
		_, d := pt.pathAt(Locator(body))
		answer := d != nil && !d.direct && (d.lastAsk.IsZero() || now.Sub(d.lastAsk) > rt.hold)
		if answer {
			d.lastAsk = now
		}
		pt.mu.Unlock()
		if answer {
			e.stats.punchAsks.Add(1)
			e.sendControl(l, AppendControl(nil, ControlPunchAsk, body))
		}
	case ControlPunch:
		loc, addr, err := parsePunch(body)
		if err != nil {
			return
		}
		pt.mu.Lock()
		p, d := pt.pathAt(*loc)
		probe := d != nil && !d.direct
		addr = OnNIC(addr, l.nic) // several NICs (nic.go): out of the router's
		if probe {
			d.cand, d.probeUntil, d.lastProbe = addr, now.Add(rt.hold), now
		}
		pt.mu.Unlock()
		if probe {
			e.sendProbe(p, addr)
		}
	case ControlPunchSelf:
		loc, addr, err := parsePunch(body)
		if err != nil {
			return
		}
		pt.mu.Lock()
		p, d := pt.pathAt(*loc)
		tell := d != nil && !d.direct
		pt.mu.Unlock()
		if tell {
			e.sendCandidate(p, addr)
		}
	}
}

// pathAt returns the routed peer at loc and its path, if any.
func (pt *punchTable) pathAt(loc Locator) (*peer, *directPath) {
	for p, d := range pt.paths {
		if d.routed == loc {
			return p, d
		}
	}
	return nil, nil
}

// sendProbe sends p an empty data message of their session (a transport
// keepalive) straight to dst, without locators.
func (e *Endpoint) sendProbe(p *peer, dst netip.AddrPort) {
	buf := e.bufs.get()
	defer e.bufs.put(buf)
	putHeader(*buf, FrameTransport, DefaultHopLimit)
	frame, err := e.sessions.Seal((*buf)[:MinFrameHeader], p.transportPeer(), nil)
	if err != nil {
		return
	}
	e.stats.punchProbes.Add(1)
	e.sendFrames(dst, frame)
}

// defaultLink returns a host's default router link on NIC nic: the
// first one up, else the first.
func (rt *routing) defaultLink(nic int) *routerLink {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	var first *routerLink
	for _, l := range rt.links {
		if l.nic != nic {
			continue
		}
		if l.up {
			return l
		}
		if first == nil {
			first = l
		}
	}
	return first
}

// DirectPath reports whether frames to the peer at ident go straight to
// an underlay address that hole punching found, rather than through
// routers, and which.
func (e *Endpoint) DirectPath(ident netip.Addr) (netip.AddrPort, bool) {
	p := e.peers.byIdent(ident)
	if p == nil || e.rt == nil || p.loc.Load() != nil {
		return netip.AddrPort{}, false
	}
	pt := &e.rt.punch
	pt.mu.Lock()
	d := pt.paths[p]
	ok := d != nil && d.direct
	pt.mu.Unlock()
	if !ok {
		return netip.AddrPort{}, false
	}
	return p.endpoint(), true
}
