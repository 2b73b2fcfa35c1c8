package link

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/transport"
)

// This file is the host's side of routing: what a node is (host or
// router), the routers a host attaches to, and the control messages
// (doc.go, "Routing") it exchanges with them. A router's forwarding,
// route table, adverts, tunnels and punch pairing are package
// link/router's, behind the Forwarder interface (forwarder.go).

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
	// HoldIntervals is the default hold time in advert intervals: a
	// neighbor not heard from for that long is down.
	HoldIntervals = 3
	// unreachableHold is how long an unreachable signal for a peer
	// stands (Endpoint.Unreachable) and how long an outbound SYN is kept
	// to fail its dial when one comes.
	unreachableHold = 10 * time.Second
	// synRing is how many recent SYNs are kept per routed destination.
	synRing = 4
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
	// hosts attach to it (read by its Forwarder). Ignored for a host.
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

// routing is an endpoint's routing state, the host's side; nil when
// Config.Routing is the zero value. A router node has one too, for its
// own locator and the routed peers it talks to itself, but no links:
// its neighbors are its Forwarder's.
type routing struct {
	role     Role
	local    Locator   // this node's locator; zero if none
	nics     []Locator // a host's locator on each NIC, NIC 0 first; nil with one NIC (nic.go)
	interval time.Duration
	hold     time.Duration

	// hops is a host's default router on each NIC, nextHop's answer
	// read without the lock; setHopsLocked rebuilds it whenever links
	// come, go up or go down.
	hops atomic.Pointer[[]*peer]

	mu       sync.RWMutex             // guards the fields below
	links    []*routerLink            // a host's Routing.Routers, in order
	byKey    map[[32]byte]*routerLink // the same, by node key
	dests    map[Locator]*destination // routed peers' recent SYNs and unreachable signals
	lastSend time.Time                // last periodic attaches
	dirty    bool                     // something changed: attaches owed at the next Tick
	punch    punchTable               // NAT traversal (host_punch.go); its own lock
}

// routerLink is a router a host attaches to.
type routerLink struct {
	cfg      RouterPeer
	p        *peer
	nic      int       // the NIC the router is on (nic.go)
	loc      Locator   // the host's locator on that NIC, which it attaches with
	up       bool      // heard from within the hold time
	heard    time.Time // when it was last heard from
	lastInit time.Time // when a control message last started a handshake
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

// newRouting builds the routing state and registers a host's
// Routing.Routers, and those of the NICs past NIC 0 (nic.go), as peers
// of e. A router's Routing.Routers are its Forwarder's neighbors.
func (e *Endpoint) newRouting(cfg Routing, nics []NIC) (*routing, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	rt := &routing{
		role:     cfg.Role,
		local:    Locator(cfg.Locator),
		interval: cfg.AdvertInterval,
		hold:     cfg.HoldTime,
		byKey:    make(map[[32]byte]*routerLink),
		dests:    make(map[Locator]*destination),
	}
	if rt.interval == 0 {
		rt.interval = DefaultAdvertInterval
	}
	if rt.hold == 0 {
		rt.hold = HoldIntervals * rt.interval
	}
	rt.punch.init(cfg, rt.interval)
	if cfg.Role == RoleHost {
		for _, rp := range cfg.Routers {
			if err := e.addRouterLink(rt, rp, 0, rt.local); err != nil {
				return nil, err
			}
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
func (e *Endpoint) addRouterLink(rt *routing, rp RouterPeer, nic int, loc Locator) error {
	key := rp.NodeKey
	if err := e.AddPeer(rp.Wallet, &key, rp.Addr); err != nil {
		return fmt.Errorf("link: router %x: %w", rp.Wallet, err)
	}
	l := &routerLink{cfg: rp, p: e.peers.byIdent(IdentityAddr(rp.Wallet)), nic: nic, loc: loc}
	rt.mu.Lock()
	rt.links = append(rt.links, l)
	rt.byKey[rp.NodeKey] = l
	rt.setHopsLocked()
	rt.mu.Unlock()
	return nil
}

// setHopsLocked rebuilds rt.hops from the links, with rt.mu held for
// writing: on each NIC, the first of its routers that is up, else the
// first of its routers.
func (rt *routing) setHopsLocked() {
	var hops []*peer
	for _, l := range rt.links {
		for len(hops) <= l.nic {
			hops = append(hops, nil)
		}
		if hops[l.nic] == nil {
			hops[l.nic] = l.p
		}
	}
	for i := len(rt.links) - 1; i >= 0; i-- {
		if l := rt.links[i]; l.up {
			hops[l.nic] = l.p
		}
	}
	rt.hops.Store(&hops)
}

// canRoute reports whether this node can reach peers through routers:
// a host with routers, or a router.
func (rt *routing) canRoute() bool {
	return rt != nil && (len(rt.links) > 0 || rt.role == RoleRouter)
}

// AddRoutedPeer tells the endpoint to reach wallet through routers, at
// loc: its frames carry loc as destination locator and go to the
// attachment router. key, if known, makes the handshake IK. It fails
// with ErrRouting on an endpoint without routers or without a locator
// of its own (the way back).
func (e *Endpoint) AddRoutedPeer(wallet [20]byte, key *transport.PublicKey, loc locator.Locator) error {
	rt := e.rt
	if !rt.canRoute() {
		return fmt.Errorf("%w: a routed peer needs Routing.Routers", ErrRouting)
	}
	l := Locator(loc)
	nic := rt.nicFor(&l) // several NICs (nic.go): the nearest locator's
	if rt.localOf(nic).isZero() {
		return fmt.Errorf("%w: a routed peer needs Routing.Locator, the way back", ErrRouting)
	}
	next, ok := e.nextHop(&l, nic)
	if !ok && len(rt.links) > 0 {
		next = rt.links[0].cfg.Addr
	}
	return e.addPeer(wallet, key, next, &l, nic)
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

// tickRouting runs the routing timers: attachment routers not heard
// from within the hold time go down, and a host's attaches go out when
// something changed or the interval passed; a router's Forwarder runs
// its own.
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
			rt.setHopsLocked()
			e.pathChanged()
			e.log.Debug("router down", "wallet", fmt.Sprintf("%x", l.cfg.Wallet))
		}
	}
	for loc, d := range rt.dests {
		if now.Sub(d.at) > unreachableHold && now.Sub(d.syns[(d.next+synRing-1)%synRing].at) > unreachableHold {
			delete(rt.dests, loc)
		}
	}
	var out []controlOut
	if rt.dirty || now.Sub(rt.lastSend) >= rt.interval {
		out = rt.attachesLocked()
		rt.dirty = false
		rt.lastSend = now
	}
	rt.mu.Unlock()
	for _, o := range out {
		e.sendControl(o.l, o.msg)
	}
	if e.fwd != nil {
		e.fwd.Tick(now)
	}
	e.tickPunch() // NAT traversal (host_punch.go)
}

// attachesLocked builds a host's attach for every router link: its
// locator on the router's NIC (Routing.Locator, with one NIC).
func (rt *routing) attachesLocked() []controlOut {
	var out []controlOut
	var msg []byte
	for _, l := range rt.links {
		if l.loc.isZero() {
			continue
		}
		if msg == nil || Locator(msg[1:]) != l.loc {
			msg = AppendControl(nil, ControlAttach, l.loc[:])
		}
		out = append(out, controlOut{l, msg})
	}
	return out
}

// sendControl seals msg for the router link l and sends it in a control
// frame. Without a session it starts a handshake (at most once per
// handshakeRetry) and drops msg: the next Tick sends a fresh one.
func (e *Endpoint) sendControl(l *routerLink, msg []byte) {
	if err := e.sealControl(l.p, msg); !errors.Is(err, transport.ErrNoSession) {
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
}

// receiveControl opens a control frame from a router link or, on a
// router, a neighbor or an attaching host, and acts on it: a router's
// Forwarder takes every control message, a host those of its routers.
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
	if e.fwd != nil {
		err = e.fwd.Control(&ControlMessage{From: PeerRef{p}, Session: res.Peer, Key: key, Kind: kind, Body: body, Src: src})
	} else {
		err = e.hostControl(key, kind, body)
	}
	if err != nil {
		e.stats.droppedControl.Add(1)
		e.log.Debug("control refused", "src", src, "err", err)
		return
	}
	e.stats.controlReceived.Add(1)
}

// hostControl acts on a control message from one of a host's routers,
// the one with node key key.
func (e *Endpoint) hostControl(key [32]byte, kind ControlKind, body []byte) error {
	rt := e.rt
	now := e.now()
	rt.mu.Lock()
	l := rt.byKey[key]
	switch {
	case l == nil:
		rt.mu.Unlock()
		return fmt.Errorf("%w: control kind %d from %x, not a router of this host", ErrMalformedFrame, kind, key[:4])
	case kind == ControlAttachAck && Locator(body) == l.loc:
		if !l.up {
			e.log.Debug("attached", "router", fmt.Sprintf("%x", l.cfg.Wallet))
			e.pathChanged()
			l.up = true
			rt.setHopsLocked()
		}
		l.heard = now
		rt.mu.Unlock()
		return nil
	case kind == ControlPunchAsk || kind == ControlPunch || kind == ControlPunchSelf:
		rt.mu.Unlock()
		if rt.punching() {
			e.receivePunch(l, kind, body) // NAT traversal (host_punch.go)
		}
		return nil
	}
	rt.mu.Unlock()
	return fmt.Errorf("%w: control kind %d from router %x", ErrMalformedFrame, kind, key[:4])
}

func (l *Locator) isZero() bool { return *l == Locator{} }
