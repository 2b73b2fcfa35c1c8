package link

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/route"
	"github.com/anynet/anynet/transport"
)

// This file is the routing role and its control plane: what a node is
// (host or router), which routers it talks to, and the control messages
// (doc.go, "Routing") by which routers exchange route adverts and hosts
// attach to their router. router_forward.go is the data plane.

// Role says whether an endpoint forwards frames for other nodes.
type Role uint8

const (
	// RoleHost (the default) opens frames addressed to it and sends the
	// rest of its locator-addressed frames to its attachment router.
	RoleHost Role = iota
	// RoleRouter also forwards frames addressed to other locators, by
	// longest-prefix match, without opening them.
	RoleRouter
)

// String returns "host" or "router".
func (r Role) String() string {
	switch r {
	case RoleHost:
		return "host"
	case RoleRouter:
		return "router"
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

const (
	// DefaultAdvertInterval is how often a router sends its adverts to
	// its neighbors, and a host its attach to its routers, when nothing
	// changed.
	DefaultAdvertInterval = time.Second
	// holdIntervals is the default hold time in advert intervals: a
	// neighbor not heard from for that long is down.
	holdIntervals = 3
	// unreachableHold is how long an unreachable signal for a peer
	// stands (Endpoint.Unreachable) and how long an outbound SYN is kept
	// to fail its dial when one comes.
	unreachableHold = 10 * time.Second
	// synRing is how many recent SYNs are kept per routed destination.
	synRing = 4
	// unreachableBurst bounds the unreachable frames a router sends per
	// advert interval, so a flood of undeliverable frames cannot turn it
	// into an amplifier.
	unreachableBurst = 64
)

// Routing places an endpoint in a routed segment. The zero value is a
// host without a locator, which reaches peers only directly, as before
// routing existed.
type Routing struct {
	// Role is RoleHost (the default) or RoleRouter.
	Role Role
	// Locator is this node's locator on its underlay (its NIC). Frames
	// whose destination locator is another one are forwarded (a router)
	// or dropped (a host). A host gets it from its router's subnet with
	// locator.Assign, which its router checks. Zero means none: the node
	// cannot be reached through routers.
	Locator locator.Locator
	// Prefixes are the prefixes a router originates: the subnets whose
	// hosts attach to it. Ignored for a host.
	Prefixes []locator.Prefix
	// Routers are the routers this node talks to directly. For a host,
	// its attachment routers: the first one heard from within HoldTime
	// (or the first, if none) is its default route. For a router, its
	// neighbors in the segment, with which it exchanges adverts.
	Routers []RouterPeer
	// AdvertInterval is the period of adverts and attaches. Zero means
	// DefaultAdvertInterval.
	AdvertInterval time.Duration
	// HoldTime is how long a router neighbor, an attached host or an
	// attachment router stays up without being heard from. Zero means
	// three AdvertIntervals.
	HoldTime time.Duration
	// DisablePunch, for a host, keeps its routed peers relayed: it never
	// asks its router for a direct path and ignores the router's punch
	// messages (host_punch.go). The default is to punch when the peer allows
	// it too.
	DisablePunch bool
	// Tunnels, for a router, finds the router of another segment when
	// no route holds a frame's destination (router_tunnel.go); nil means such
	// frames are unreachable.
	Tunnels TunnelFinder
	// TunnelRefresh is how old a tunnel in use may get before the
	// router asks Tunnels again, in the background, so that it follows
	// a segment whose router moved. Zero means DefaultTunnelRefresh.
	TunnelRefresh time.Duration
}

// RouterPeer is a router reached directly over the underlay. Its node
// key names it in route paths and must be known.
type RouterPeer struct {
	Wallet  [20]byte
	NodeKey transport.PublicKey
	Addr    netip.AddrPort
}

func (r *Routing) enabled() bool {
	return r.Role != RoleHost || !r.Locator.IsZero() || len(r.Routers) > 0
}

func (r *Routing) validate() error {
	switch r.Role {
	case RoleHost, RoleRouter:
	default:
		return fmt.Errorf("%w: role %d", ErrRouting, r.Role)
	}
	if r.Role == RoleRouter && len(r.Prefixes) > 0 && r.Locator.IsZero() {
		return fmt.Errorf("%w: a router that originates prefixes needs a Locator", ErrRouting)
	}
	if r.AdvertInterval < 0 || r.HoldTime < 0 {
		return fmt.Errorf("%w: negative interval", ErrRouting)
	}
	for _, p := range r.Routers {
		if !p.Addr.IsValid() {
			return fmt.Errorf("%w: router %x without an underlay address", ErrRouting, p.Wallet)
		}
	}
	return nil
}

// router is an endpoint's routing state; nil when Config.Routing is the
// zero value.
type router struct {
	role     Role
	self     route.ID
	local    Locator   // this node's locator; zero if none
	nics     []Locator // a host's locator on each NIC, NIC 0 first; nil with one NIC (nic.go)
	prefixes []locator.Prefix
	interval time.Duration
	hold     time.Duration

	mu        sync.RWMutex // guards the fields below
	speaker   *route.Speaker
	links     []*routerLink            // Routing.Routers, in order
	byKey     map[route.ID]*routerLink // the same, by node key
	attached  map[Locator]*attachment  // a router's hosts
	dests     map[Locator]*destination // routed peers' recent SYNs and unreachable signals
	lastSend  time.Time                // last periodic adverts or attaches
	dirty     bool                     // something changed: control messages owed at the next Tick
	unreachN  int                      // unreachable frames sent since unreachAt
	unreachAt time.Time                // start of the current rate-limit window
	punch     punchTable               // NAT traversal (host_punch.go, router_punch.go); its own lock

	advertGen uint16 // generation of the last adverts sent
	advertMax int    // the largest advert message a control frame carries

	tun *tunnels // between segments (router_tunnel.go); nil without Routing.Tunnels
}

// routerLink is a router this node talks to directly.
type routerLink struct {
	cfg      RouterPeer
	p        *peer
	nic      int             // the NIC the router is on (nic.go)
	loc      Locator         // a host's locator on that NIC, which it attaches with
	up       bool            // heard from within the hold time
	heard    time.Time       // when it was last heard from
	lastInit time.Time       // when a control message last started a handshake
	adverts  route.Assembler // the neighbor's table, part by part
}

// attachment is a host attached to this router. p is the attachment's
// own peer, holding the host's session and address as its attaches
// bring them: the peer table keeps one peer per wallet, and two nodes
// of one wallet (anycast instances) may attach to the same router.
type attachment struct {
	p    *peer
	seen time.Time
}

// attach records, with rt.mu held, that the node of table peer p with
// session tp, seen at src, attached at loc.
func (rt *router) attach(loc Locator, p *peer, tp *transport.Peer, src netip.AddrPort, now time.Time) {
	if a := rt.attached[loc]; a != nil && a.p.transportPeer() == tp {
		a.p.mu.Lock()
		a.p.addr = src
		a.p.mu.Unlock()
		a.seen = now
		return
	}
	rt.attached[loc] = &attachment{p: &peer{wallet: p.wallet, ident: p.ident, tp: tp, addr: src}, seen: now}
}

// destination is what a node remembers about a locator it sends to
// through routers.
type destination struct {
	syns    [synRing]sentSYN
	next    int
	unreach *UnreachableError
	at      time.Time // when unreach arrived
}

// sentSYN is the start of an outbound TCP SYN: the IPv6 header and the
// TCP ports, which an ICMPv6 error must quote.
type sentSYN struct {
	hdr [48]byte
	at  time.Time
}

// newRouter builds the routing state and registers Routing.Routers, and
// those of the NICs past NIC 0 (nic.go), as peers of e.
func (e *Endpoint) newRouter(cfg Routing, nics []NIC) (*router, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	rt := &router{
		role:     cfg.Role,
		self:     route.ID(e.sessions.PublicKey()),
		local:    Locator(cfg.Locator),
		prefixes: cfg.Prefixes,
		interval: cfg.AdvertInterval,
		hold:     cfg.HoldTime,
		speaker:  route.NewSpeaker(route.ID(e.sessions.PublicKey())),
		byKey:    make(map[route.ID]*routerLink),
		attached: make(map[Locator]*attachment),
		dests:    make(map[Locator]*destination),
		// A control message (kind byte, then the advert) fills at most
		// what a data packet would: the frame buffer and the underlay
		// MTU leave room for the netstack MTU past the full header.
		advertMax: int(e.maxMTU) - 1,
	}
	if cfg.Role == RoleRouter {
		rt.tun = newTunnels(cfg.Tunnels, cfg.TunnelRefresh)
	}
	if rt.interval == 0 {
		rt.interval = DefaultAdvertInterval
	}
	if rt.hold == 0 {
		rt.hold = holdIntervals * rt.interval
	}
	rt.punch.init(cfg, rt.interval)
	for _, p := range cfg.Prefixes {
		rt.speaker.Originate(p)
	}
	for _, rp := range cfg.Routers {
		if err := e.addRouterLink(rt, rp, 0, rt.local); err != nil {
			return nil, err
		}
	}
	if len(nics) > 0 { // several NICs (nic.go)
		if err := e.addNICRouters(rt, nics); err != nil {
			return nil, err
		}
	}
	rt.dirty = true
	return rt, nil
}

// addRouterLink registers rp, a router on NIC nic, as a peer of e and a
// link of rt; loc is this node's locator on that NIC.
func (e *Endpoint) addRouterLink(rt *router, rp RouterPeer, nic int, loc Locator) error {
	key := rp.NodeKey
	if err := e.AddPeer(rp.Wallet, &key, rp.Addr); err != nil {
		return fmt.Errorf("link: router %x: %w", rp.Wallet, err)
	}
	l := &routerLink{cfg: rp, p: e.peers.byIdent(IdentityAddr(rp.Wallet)), nic: nic, loc: loc}
	rt.links = append(rt.links, l)
	rt.byKey[route.ID(rp.NodeKey)] = l
	return nil
}

// AddRoutedPeer tells the endpoint to reach wallet through routers, at
// loc: its frames carry loc as destination locator and go to the
// attachment router. key, if known, makes the handshake IK. It fails
// with ErrRouting on an endpoint without routers or without a locator
// of its own (the way back).
func (e *Endpoint) AddRoutedPeer(wallet [20]byte, key *transport.PublicKey, loc locator.Locator) error {
	rt := e.rt
	if rt == nil || (len(rt.links) == 0 && rt.role == RoleHost) {
		return fmt.Errorf("%w: a routed peer needs Routing.Routers", ErrRouting)
	}
	l := Locator(loc)
	nic := rt.nicFor(&l) // several NICs (nic.go): the nearest locator's
	if rt.localOf(nic).isZero() {
		return fmt.Errorf("%w: a routed peer needs Routing.Locator, the way back", ErrRouting)
	}
	next, ok := e.nextHop(&l, nic)
	if !ok {
		next = rt.links[0].cfg.Addr
	}
	if err := e.AddPeer(wallet, key, next); err != nil {
		return err
	}
	p := e.peers.byIdent(IdentityAddr(wallet))
	p.nic.Store(uint32(nic))
	p.loc.Store(&l)
	return nil
}

// Attached reports whether a host's attachment to one of its routers
// stands: the router acknowledged its locator within the hold time.
func (e *Endpoint) Attached() bool {
	if e.rt == nil {
		return false
	}
	e.rt.mu.RLock()
	defer e.rt.mu.RUnlock()
	for _, l := range e.rt.links {
		if l.up {
			return true
		}
	}
	return false
}

// Routes returns a router's route table, longest prefix first.
func (e *Endpoint) Routes() []route.Route {
	if e.rt == nil {
		return nil
	}
	e.rt.mu.RLock()
	defer e.rt.mu.RUnlock()
	return e.rt.speaker.Routes()
}

// Unreachable returns the unreachable signal that stands for the peer at
// ident, an *UnreachableError, or nil if none arrived in the last
// seconds. The stack wraps it into a failed dial's error.
func (e *Endpoint) Unreachable(ident netip.Addr) error {
	p := e.peers.byIdent(ident)
	if e.rt == nil || p == nil {
		return nil
	}
	loc := p.loc.Load()
	if loc == nil {
		return nil
	}
	rt := e.rt
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	d := rt.dests[*loc]
	if d == nil || d.unreach == nil || e.now().Sub(d.at) > unreachableHold {
		return nil
	}
	return d.unreach
}

// controlOut is one control message owed to a router link.
type controlOut struct {
	l   *routerLink
	msg []byte
}

// tickRouting runs the routing timers: neighbors and hosts not heard
// from within the hold time go down, and adverts (a router) or attaches
// (a host) go out when something changed or the interval passed.
func (e *Endpoint) tickRouting() {
	rt := e.rt
	if rt == nil {
		return
	}
	now := e.now()
	rt.mu.Lock()
	for _, l := range rt.links {
		if l.up && now.Sub(l.heard) > rt.hold {
			l.up = false
			if rt.role == RoleRouter && rt.speaker.NeighborDown(route.ID(l.cfg.NodeKey)) {
				rt.dirty = true
			}
			e.log.Debug("router down", "wallet", fmt.Sprintf("%x", l.cfg.Wallet))
		}
	}
	for loc, a := range rt.attached {
		if now.Sub(a.seen) > rt.hold {
			delete(rt.attached, loc)
		}
	}
	for loc, d := range rt.dests {
		if now.Sub(d.at) > unreachableHold && now.Sub(d.syns[(d.next+synRing-1)%synRing].at) > unreachableHold {
			delete(rt.dests, loc)
		}
	}
	var out []controlOut
	if rt.dirty || now.Sub(rt.lastSend) >= rt.interval {
		out = rt.controlLocked()
		rt.dirty = false
		rt.lastSend = now
	}
	rt.mu.Unlock()
	for _, o := range out {
		e.sendControl(o.l, o.msg)
	}
	e.tickPunch() // NAT traversal (host_punch.go)
}

// controlLocked builds the control messages owed to every router link:
// a router's adverts, or a host's attach.
func (rt *router) controlLocked() []controlOut {
	if rt.role == RoleRouter {
		return rt.advertsLocked()
	}
	// A host attaches to each router with its locator on the router's
	// NIC: Routing.Locator, with one NIC.
	var out []controlOut
	var msg []byte
	for _, l := range rt.links {
		if l.loc.isZero() {
			continue
		}
		if msg == nil || Locator(msg[1:]) != l.loc {
			msg = appendControl(nil, controlAttach, l.loc[:])
		}
		out = append(out, controlOut{l, msg})
	}
	return out
}

// advertsLocked builds a router's adverts for every neighbor: its full
// table, in as many control messages as it takes for each to fit a
// control frame (route.Split), all of one generation.
func (rt *router) advertsLocked() []controlOut {
	rt.advertGen++
	parts, err := route.Split(rt.speaker.Adverts(), rt.advertGen, rt.advertMax)
	if err != nil {
		return nil
	}
	msgs := make([][]byte, 0, len(parts))
	for _, m := range parts {
		b, err := route.Encode(appendControl(nil, controlAdvert, nil), m)
		if err != nil {
			return nil
		}
		msgs = append(msgs, b)
	}
	out := make([]controlOut, 0, len(rt.links)*len(msgs))
	for _, l := range rt.links {
		for _, msg := range msgs {
			out = append(out, controlOut{l, msg})
		}
	}
	return out
}

// sendControl seals msg for the router link l and sends it in a control
// frame. Without a session it starts a handshake (at most once per
// handshakeRetry) and drops msg: the next Tick sends a fresh one.
func (e *Endpoint) sendControl(l *routerLink, msg []byte) {
	tp, dst := l.p.route()
	buf := e.bufs.get()
	defer e.bufs.put(buf)
	putHeader(*buf, FrameControl, 1)
	frame, err := e.sessions.Seal((*buf)[:MinFrameHeader], tp, msg)
	if err != nil {
		if !errors.Is(err, transport.ErrNoSession) {
			e.log.Debug("seal control", "err", err)
			return
		}
		now := e.now()
		e.rt.mu.Lock()
		start := l.lastInit.IsZero() || now.Sub(l.lastInit) >= handshakeRetry
		if start {
			l.lastInit = now
		}
		e.rt.mu.Unlock()
		if start {
			e.startHandshake(l.p)
		}
		return
	}
	e.stats.controlSent.Add(1)
	e.sendFrames(dst, frame)
}

// receiveControl opens a control frame from a router link or an
// attaching host and acts on it.
func (e *Endpoint) receiveControl(h *Header, msg []byte, src netip.AddrPort) {
	if h.Dst != nil || h.Src != nil {
		e.stats.droppedControl.Add(1)
		return
	}
	srcKey := addrKey(src)
	res, err := e.sessions.Receive(nil, msg, srcKey[:])
	if err != nil || res.Kind != transport.KindData || res.Peer == nil {
		e.countOpenDrop(err, msg, src, h)
		if err == nil {
			e.stats.droppedControl.Add(1)
		}
		return
	}
	p, err := e.peers.learn(res.Peer, src)
	if err != nil {
		e.stats.droppedControl.Add(1)
		return
	}
	e.flushQueue(p) // the message may have confirmed a responder's session
	kind, body, err := parseControl(res.Payload)
	if err != nil {
		e.stats.droppedControl.Add(1)
		return
	}
	key, _ := res.Peer.NodeKey()
	id := route.ID(key)
	now := e.now()
	rt := e.rt
	var reply []byte
	var punch []controlOut // NAT traversal (router_punch.go, host_punch.go)
	hostPunch := false
	rt.mu.Lock()
	l := rt.byKey[id]
	switch {
	case kind == controlPunchAsk && rt.role == RoleRouter:
		punch, err = e.coordinatePunchLocked(p, Locator(body), now)
	case (kind == controlPunchRelayAsk || kind == controlPunchRelay) && rt.role == RoleRouter && l != nil:
		punch, err = e.receivePunchRelayLocked(kind, body, now)
	case (kind == controlPunchAsk || kind == controlPunch || kind == controlPunchSelf) && rt.role == RoleHost && l != nil:
		hostPunch = true
	case kind == controlAdvert && rt.role == RoleRouter && l != nil:
		m, derr := route.Decode(body)
		if derr != nil {
			err = derr
			break
		}
		if !l.up {
			l.up = true
			rt.speaker.SetNeighbor(id, 1)
			rt.dirty = true // greet the new neighbor at once
		}
		l.heard = now
		if adverts, full := l.adverts.Add(m); full && rt.speaker.Receive(id, adverts) {
			rt.dirty = true
		}
	case kind == controlAttach && rt.role == RoleRouter:
		loc := Locator(body)
		if !rt.mayAttach(locator.Locator(loc), key) {
			err = fmt.Errorf("%w: locator %s not assigned to this host here", ErrMalformedFrame, locator.Locator(loc))
			break
		}
		rt.attach(loc, p, res.Peer, src, now)
		reply = appendControl(nil, controlAttachAck, body)
	case kind == controlAttachAck && rt.role == RoleHost && l != nil && Locator(body) == l.loc:
		if !l.up {
			e.log.Debug("attached", "router", fmt.Sprintf("%x", l.cfg.Wallet))
		}
		l.up, l.heard = true, now
	default:
		err = fmt.Errorf("%w: control kind %d from %x", ErrMalformedFrame, kind, id[:4])
	}
	out := []controlOut(nil)
	if rt.dirty {
		out = rt.controlLocked()
		rt.dirty = false
		rt.lastSend = now
	}
	rt.mu.Unlock()
	if err != nil {
		e.stats.droppedControl.Add(1)
		e.log.Debug("control refused", "src", src, "err", err)
		return
	}
	e.stats.controlReceived.Add(1)
	if reply != nil {
		e.sendControl(&routerLink{p: p, lastInit: now}, reply)
	}
	for _, o := range out {
		e.sendControl(o.l, o.msg)
	}
	for _, o := range punch {
		e.sendControl(o.l, o.msg)
	}
	if hostPunch && rt.punching() {
		e.receivePunch(l, kind, body)
	}
}

// mayAttach reports whether a host with node key key may attach at loc:
// loc lies in one of the router's prefixes and its host field is the
// host's own HostID there (locator.Assign), so no host can take another's
// locator.
func (rt *router) mayAttach(loc locator.Locator, key [32]byte) bool {
	for _, p := range rt.prefixes {
		if p.Contains(loc) && locator.HostID(p, key) == loc.Host() {
			return true
		}
	}
	return false
}

func (l *Locator) isZero() bool { return *l == Locator{} }
