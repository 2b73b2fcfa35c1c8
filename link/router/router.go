package router

import (
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/route"
)

// This file is the router's state and its control plane: its neighbors,
// the hosts attached to it, and the control messages (package link's
// doc, "Routing") by which routers exchange route adverts and hosts
// attach. forward.go is the data plane, tunnel.go the way to other
// segments, punch.go the pairing of hosts' punch asks.

const (
	// unreachableBurst bounds the unreachable frames a router sends per
	// advert interval, so a flood of undeliverable frames cannot turn it
	// into an amplifier.
	unreachableBurst = 64
	// handshakeRetry is the least time between two handshakes a
	// neighbor's control messages start; the transport retransmits in
	// between.
	handshakeRetry = 5 * time.Second
)

// Config configures a Router beyond the node's link.Routing (its
// locator, prefixes, neighbors and intervals), which the endpoint hands
// it.
type Config struct {
	// Tunnels finds the router of another segment when no route holds a
	// frame's destination (tunnel.go); nil means such frames are
	// unreachable.
	Tunnels TunnelFinder
	// TunnelRefresh is how old a tunnel in use may get before the
	// router asks Tunnels again, in the background, so that it follows
	// a segment whose router moved. Zero means DefaultTunnelRefresh.
	TunnelRefresh time.Duration
}

// Router forwards frames for other nodes: it is the link.Forwarder of a
// router node's endpoint (link.Config.Router). Build it with New, then
// hand it to link.New, which starts it.
type Router struct {
	cfg Config

	// Set by Start, read-only after.
	port     link.Port
	self     route.ID
	local    link.Locator
	prefixes []locator.Prefix
	interval time.Duration
	hold     time.Duration
	ctlMax   int // the largest control message a control frame carries

	mu        sync.RWMutex // guards the fields below
	speaker   *route.Speaker
	links     []*neighbor                  // Routing.Routers, in order
	byKey     map[route.ID]*neighbor       // the same, by node key
	attached  map[link.Locator]*attachment // hosts attached here
	lastSend  time.Time                    // last periodic adverts
	dirty     bool                         // adverts owed at the next Tick
	unreachN  int                          // unreachable frames sent since unreachAt
	unreachAt time.Time                    // start of the current rate-limit window
	advertGen uint16                       // generation of the last adverts sent

	punch punchTable // hosts' pending punch asks (punch.go); its own lock
	tun   *tunnels   // between segments (tunnel.go); nil without Config.Tunnels
	meter meter      // forwarded traffic (meter.go); its own lock

	routes routeCache // NextHop's cache (routecache.go); lock-free
}

var (
	_ link.Forwarder    = (*Router)(nil)
	_ link.ForwardMeter = (*Router)(nil)
)

// neighbor is a router this router exchanges adverts with.
type neighbor struct {
	cfg      link.RouterPeer
	p        link.PeerRef
	up       bool            // heard from within the hold time
	heard    time.Time       // when it was last heard from
	lastInit time.Time       // when a control message last started a handshake
	adverts  route.Assembler // the neighbor's table, part by part
}

// attachment is a host attached to this router, with a record of its
// own (link.ControlMessage.Attachment) holding its session and address.
type attachment struct {
	p    link.PeerRef
	seen time.Time
}

// New returns a router; link.New starts it.
func New(cfg Config) *Router {
	return &Router{cfg: cfg}
}

// Start implements link.Forwarder: it reads the node's routing
// configuration and registers its neighbors as peers of the endpoint.
func (r *Router) Start(p link.Port) error {
	if r.port != nil {
		return fmt.Errorf("router: started twice")
	}
	rc := p.Routing()
	r.port = p
	r.self = route.ID(p.NodeKey())
	r.speaker = route.NewSpeaker(r.self)
	for _, pr := range rc.Prefixes {
		r.speaker.Originate(pr)
	}
	r.local = link.Locator(rc.Locator)
	r.prefixes = rc.Prefixes
	r.interval, r.hold = rc.AdvertInterval, rc.HoldTime
	if r.interval == 0 {
		r.interval = link.DefaultAdvertInterval
	}
	if r.hold == 0 {
		r.hold = link.HoldIntervals * r.interval
	}
	r.ctlMax = p.ControlRoom()
	r.byKey = make(map[route.ID]*neighbor)
	r.attached = make(map[link.Locator]*attachment)
	r.punch.init()
	r.tun = newTunnels(r.cfg.Tunnels, r.cfg.TunnelRefresh)
	for _, rp := range rc.Routers { // the neighbors
		ref, err := p.Neighbor(rp)
		if err != nil {
			return err
		}
		n := &neighbor{cfg: rp, p: ref}
		r.links = append(r.links, n)
		r.byKey[route.ID(rp.NodeKey)] = n
	}
	r.dirty = true
	return nil
}

// Routes returns the router's route table, longest prefix first.
func (r *Router) Routes() []route.Route {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.speaker == nil {
		return nil
	}
	return r.speaker.Routes()
}

// Routers implements link.Forwarder: the neighbors, in configuration
// order.
func (r *Router) Routers() []link.RouterStatus {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]link.RouterStatus, 0, len(r.links))
	for _, n := range r.links {
		rp := n.cfg
		rp.Addr = n.p.Addr()
		out = append(out, link.RouterStatus{RouterPeer: rp, Up: n.up})
	}
	return out
}

// MoveRouter implements link.Forwarder: it points the neighbor with
// wallet at addr, for a router that moved; the next advert goes there at
// once. It fails with link.ErrRouting if no neighbor has that wallet.
func (r *Router) MoveRouter(wallet [20]byte, addr netip.AddrPort) error {
	r.mu.Lock()
	var n *neighbor
	for _, c := range r.links {
		if c.cfg.Wallet == wallet {
			n = c
			break
		}
	}
	if n == nil {
		r.mu.Unlock()
		return fmt.Errorf("%w: no router %x", link.ErrRouting, wallet)
	}
	n.cfg.Addr = addr
	n.lastInit = time.Time{}
	r.dirty = true
	r.routesChanged()
	r.mu.Unlock()
	n.p.SetAddr(addr)
	r.port.Logger().Info("router moved", "wallet", fmt.Sprintf("%x", wallet), "addr", addr)
	return nil
}

// SessionUp implements link.Forwarder: a new session owes its neighbor
// the adverts at the next Tick.
func (r *Router) SessionUp() {
	r.mu.Lock()
	r.dirty = true
	r.mu.Unlock()
}

// Close implements link.Forwarder: it stops the tunnel lookups.
func (r *Router) Close() {
	if r.tun != nil {
		r.tun.close()
	}
}

// controlOut is one control message owed to a peer.
type controlOut struct {
	n   *neighbor    // a neighbor, whose lastInit paces handshakes; or nil
	p   link.PeerRef // where it goes
	msg []byte
}

// Tick implements link.Forwarder: neighbors and hosts not heard from
// within the hold time go down, and adverts go out when something
// changed or the interval passed.
func (r *Router) Tick(now time.Time) {
	r.mu.Lock()
	for _, n := range r.links {
		if n.up && now.Sub(n.heard) > r.hold {
			n.up = false
			if r.speaker.NeighborDown(route.ID(n.cfg.NodeKey)) {
				r.dirty = true
				r.routesChanged()
			}
			r.port.Logger().Debug("router down", "wallet", fmt.Sprintf("%x", n.cfg.Wallet))
		}
	}
	for loc, a := range r.attached {
		if now.Sub(a.seen) > r.hold {
			delete(r.attached, loc)
			r.routesChanged()
		}
	}
	var out []controlOut
	if r.dirty || now.Sub(r.lastSend) >= r.interval {
		out = r.advertsLocked()
		r.dirty = false
		r.lastSend = now
	}
	r.mu.Unlock()
	r.send(out)
}

// advertsLocked builds the adverts for every neighbor: the full table,
// in as many control messages as it takes for each to fit a control
// frame (route.Split), all of one generation.
func (r *Router) advertsLocked() []controlOut {
	r.advertGen++
	parts, err := route.Split(r.speaker.Adverts(), r.advertGen, r.ctlMax)
	if err != nil {
		return nil
	}
	msgs := make([][]byte, 0, len(parts))
	for _, m := range parts {
		b, err := route.Encode(link.AppendControl(nil, link.ControlAdvert, nil), m)
		if err != nil {
			return nil
		}
		msgs = append(msgs, b)
	}
	out := make([]controlOut, 0, len(r.links)*len(msgs))
	for _, n := range r.links {
		for _, msg := range msgs {
			out = append(out, controlOut{n: n, p: n.p, msg: msg})
		}
	}
	return out
}

// send sends out's control messages. A neighbor without a session gets
// a handshake instead (at most once per handshakeRetry) and its message
// is dropped: the next Tick sends a fresh one. Any other peer's message
// without a session is dropped.
func (r *Router) send(out []controlOut) {
	for _, o := range out {
		err := r.port.SendControl(o.p, o.msg)
		if err == nil || o.n == nil {
			continue
		}
		now := r.port.Now()
		r.mu.Lock()
		start := o.n.lastInit.IsZero() || now.Sub(o.n.lastInit) >= handshakeRetry
		if start {
			o.n.lastInit = now
		}
		r.mu.Unlock()
		if start {
			r.port.Handshake(o.p)
		}
	}
}

// Control implements link.Forwarder: adverts from neighbors, attaches
// and punch asks from hosts, relayed punch messages from neighbors.
func (r *Router) Control(m *link.ControlMessage) error {
	id := route.ID(m.Key)
	now := r.port.Now()
	var out []controlOut
	var err error
	r.mu.Lock()
	n := r.byKey[id]
	switch {
	case m.Kind == link.ControlPunchAsk:
		out, err = r.coordinatePunchLocked(m.From, link.Locator(m.Body), now)
	case (m.Kind == link.ControlPunchRelayAsk || m.Kind == link.ControlPunchRelay) && n != nil:
		out, err = r.receivePunchRelayLocked(m.Kind, m.Body, now)
	case m.Kind == link.ControlAdvert && n != nil:
		adv, derr := route.Decode(m.Body)
		if derr != nil {
			err = derr
			break
		}
		if !n.up {
			n.up = true
			r.speaker.SetNeighbor(id, 1)
			r.dirty = true // greet the new neighbor at once
		}
		n.heard = now
		if adverts, full := n.adverts.Add(adv); full && r.speaker.Receive(id, adverts) {
			r.dirty = true
		}
	case m.Kind == link.ControlAttach:
		loc := link.Locator(m.Body)
		if !r.mayAttach(locator.Locator(loc), m.Key) {
			err = fmt.Errorf("%w: locator %s not assigned to this host here", link.ErrMalformedFrame, locator.Locator(loc))
			break
		}
		a := r.attachLocked(loc, m, now)
		out = append(out, controlOut{p: a, msg: link.AppendControl(nil, link.ControlAttachAck, m.Body)})
	default:
		err = fmt.Errorf("%w: control kind %d from %x", link.ErrMalformedFrame, m.Kind, id[:4])
	}
	r.routesChanged() // adverts, attaches: NextHop may answer otherwise now
	if err == nil && r.dirty {
		out = append(out, r.advertsLocked()...)
		r.dirty = false
		r.lastSend = now
	}
	r.mu.Unlock()
	if err != nil {
		return err
	}
	r.send(out)
	return nil
}

// attachLocked records, with r.mu held, that the sender of m attached
// at loc, and returns its record.
func (r *Router) attachLocked(loc link.Locator, m *link.ControlMessage, now time.Time) link.PeerRef {
	if a := r.attached[loc]; a != nil && a.p.Session() == m.Session {
		a.p.SetAddr(m.Src)
		a.seen = now
		return a.p
	}
	a := &attachment{p: m.Attachment(), seen: now}
	r.attached[loc] = a
	return a.p
}

// mayAttach reports whether a host with node key key may attach at loc:
// loc lies in one of the router's prefixes and its host field is the
// host's own HostID there (locator.Assign), so no host can take another's
// locator.
func (r *Router) mayAttach(loc locator.Locator, key [32]byte) bool {
	for _, p := range r.prefixes {
		if p.Contains(loc) && locator.HostID(p, key) == loc.Host() {
			return true
		}
	}
	return false
}
