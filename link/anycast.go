package link

import (
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/route"
	"github.com/anynet/anynet/transport"
)

// Anycast (see doc.go): several nodes, each with its own node key and
// binding, serve one wallet. The wallet's identity address names an
// owner peer that holds an anycastGroup instead of a session; each
// instance is a peer of its own (its transport.Peer, underlay address,
// locator, queue), reachable through the transport-peer map but not the
// identity map. Outbound packets pick an instance per flow (pick);
// inbound packets from any instance are delivered as the wallet's.

// Anycast defaults (AnycastConfig).
const (
	DefaultProbeAfter     = time.Second
	DefaultFailAfter      = 3 * time.Second
	DefaultRetryAfter     = 5 * time.Second
	DefaultRefreshAfter   = time.Minute
	DefaultPinIdle        = 10 * time.Minute
	anycastSweepInterval  = time.Second
	anycastMinRTTSample   = time.Nanosecond
	anycastAmbiguousAfter = handshakeRetry // a later answer may be to a retransmission
)

// AnycastConfig tunes how a sender spreads flows over the instances of
// a wallet (AddInstances). Zero fields mean the defaults.
type AnycastConfig struct {
	// Hysteresis keeps new flows on the preferred instance until another
	// one is clearly and lastingly nearer. Zero means
	// route.DefaultHysteresis.
	Hysteresis route.Hysteresis
	// ProbeAfter: an instance that was sent packets and has answered
	// nothing for this long gets a handshake as a probe.
	ProbeAfter time.Duration
	// FailAfter: an instance silent this long after packets were sent to
	// it, or whose handshake is unanswered this long, has failed: its
	// flows are unpinned and new flows go elsewhere.
	FailAfter time.Duration
	// RetryAfter is how often a failed instance is probed again.
	RetryAfter time.Duration
	// RefreshAfter is how often a live instance's RTT is measured again.
	RefreshAfter time.Duration
	// PinIdle is how long a flow with no packet either way stays pinned.
	PinIdle time.Duration
}

func (c AnycastConfig) withDefaults() AnycastConfig {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.ProbeAfter, DefaultProbeAfter)
	def(&c.FailAfter, DefaultFailAfter)
	def(&c.RetryAfter, DefaultRetryAfter)
	def(&c.RefreshAfter, DefaultRefreshAfter)
	def(&c.PinIdle, DefaultPinIdle)
	return c
}

// Instance is one node serving an anycast wallet: its node key and
// either its underlay address or, for a node reached through routers,
// its locator.
type Instance struct {
	NodeKey transport.PublicKey
	Addr    netip.AddrPort
	Locator locator.Locator
}

// InstanceStatus is what the sender knows of one instance (Instances).
type InstanceStatus struct {
	NodeKey   transport.PublicKey
	Addr      netip.AddrPort
	Live      bool          // a session answered and the instance has not failed since
	Failed    bool          // it failed and is probed every RetryAfter
	RTT       time.Duration // smoothed handshake round trip; zero if not measured
	Preferred bool          // new flows go to it
}

// anycastState is the endpoint's list of anycast groups.
type anycastState struct {
	cfg    AnycastConfig
	mu     sync.Mutex // guards groups
	groups []*anycastGroup
}

// anycastGroup is the sender's state for one anycast wallet.
type anycastGroup struct {
	owner *peer // the wallet's peer in the identity map

	mu        sync.Mutex // guards the fields below and the instances' guarded fields
	sel       *route.Selector[flowKey]
	inst      []*peer // in the order they were added
	live      int     // instances live
	lastUse   map[flowKey]time.Time
	lastSweep time.Time
	queue     [][]byte // packets waiting for a first live instance, or behind those leaving, oldest first
	queuedAt  time.Time
	flushing  bool // a flush (flushGroup) is sending what it took; it takes what is queued meanwhile too
	// replaced: AddPeer made the wallet a plain peer (dropGroupLocked);
	// a packet that still reaches the group's queue is written again,
	// to the peer (flushGroup).
	replaced bool
}

// instance is an instance peer's anycast state.
type instance struct {
	g   *anycastGroup
	id  route.ID
	loc locator.Locator // for the selector's tie-break; zero for a direct instance
	// awaitSince is the time (Endpoint.now, Unix ns) of the first packet
	// sent to the instance since it was last heard from; 0 if none.
	awaitSince atomic.Int64
	liveFast   atomic.Bool // live, for the receive path's fast check

	// Guarded by g.mu.
	live, failed bool
	rtt          time.Duration
	probeAt      time.Time // when the unanswered probe went; zero if none
	lastProbe    time.Time
	syns         []sentPacket // the last SYNs sent, oldest first
}

// AddInstances tells the endpoint that the wallet is served by several
// nodes, each with its own node key (IK handshakes). Packets to the
// wallet's identity address then go, flow by flow, to the nearest live
// instance (see "Anycast" in doc.go). It replaces what the endpoint knew
// of the wallet (AddPeer or AddInstances); AddPeer in turn replaces the
// instances. Packets that waited for what is replaced wait for what
// replaces it, ahead of those written after. An instance without Addr
// is reached through routers at its Locator, as AddRoutedPeer.
func (e *Endpoint) AddInstances(wallet [20]byte, ins []Instance) error {
	if len(ins) == 0 {
		return fmt.Errorf("link: anycast %x: no instances", wallet)
	}
	var self locator.Locator
	if e.rt != nil {
		self = locator.Locator(e.rt.local)
	}
	g := &anycastGroup{
		sel:     route.NewSelector[flowKey](self, e.any.cfg.Hysteresis),
		lastUse: make(map[flowKey]time.Time),
	}
	seen := make(map[transport.PublicKey]bool, len(ins))
	for _, in := range ins {
		if seen[in.NodeKey] {
			continue
		}
		seen[in.NodeKey] = true
		key := in.NodeKey
		p, err := e.instancePeer(wallet, in) // instance.go
		if err != nil {
			return fmt.Errorf("link: anycast %x: %w", wallet, err)
		}
		p.inst = &instance{g: g, id: route.ID(key), loc: in.Locator}
		g.inst = append(g.inst, p)
	}
	now := e.now()
	into, err := e.peers.setGroup(wallet, g, now)
	if err != nil {
		return err
	}
	if into == g {
		e.any.mu.Lock()
		e.any.groups = append(e.any.groups, g)
		e.any.mu.Unlock()
	}
	// What waited for a dropped instance, or for the peer the group
	// replaced, leaves once an instance is live; the probes start now.
	e.flushGroup(into, now)
	return nil
}

// setGroup makes g the wallet's anycast group, replacing a plain peer,
// and returns it: what waited for the peer's session waits in g's queue
// for the caller's flushGroup. If the wallet has a group already, that
// group takes g's instances instead (mergeLocked), so that pins and
// measurements survive a new resolution of the same wallet, and
// setGroup returns it.
func (t *peerTable) setGroup(wallet [20]byte, g *anycastGroup, now time.Time) (*anycastGroup, error) {
	ident := IdentityAddr(wallet)
	t.mu.Lock()
	defer t.mu.Unlock()
	owner := t.ident[ident]
	switch {
	case owner == nil:
		owner = &peer{wallet: wallet, ident: ident}
		t.ident[ident] = owner
	case owner.wallet != wallet:
		return nil, fmt.Errorf("%w: %x and %x", ErrIdentityCollision, owner.wallet, wallet)
	case owner.grp.Load() != nil:
		into := owner.grp.Load()
		t.mergeLocked(into, g.inst, now)
		return into, nil
	default:
		// The peer keeps its session, out of byTP: a write that looked
		// before the group was stored seals with it, or queues and
		// finds the group (Endpoint.hold, moved).
		owner.mu.Lock()
		delete(t.byTP, owner.tp)
		g.queue, g.queuedAt = t.takeLocked(owner), owner.queuedAt
		owner.lastStart = time.Time{}
		owner.waiting.Store(owner.flushing)
		owner.mu.Unlock()
	}
	g.owner = owner
	for _, p := range g.inst {
		p.inst.g = g
		t.byTP[p.tp] = p
	}
	owner.grp.Store(g)
	return g, nil
}

// mergeLocked makes next the instances of g: an instance already there
// keeps its state and pins (its address or locator follows next), a new
// one is added, and one missing from next is dropped as if it failed:
// what waited for it waits in g's queue for the caller's flushGroup.
// t.mu is held.
func (t *peerTable) mergeLocked(g *anycastGroup, next []*peer, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	keep := make([]*peer, 0, len(next))
	for _, n := range next {
		if old := g.byID(n.inst.id); old != nil {
			old.mu.Lock()
			old.addr.store(n.addr.load())
			old.mu.Unlock()
			old.nic.Store(n.nic.Load())
			old.loc.Store(n.loc.Load())
			keep = append(keep, old)
			continue
		}
		n.inst.g = g
		t.byTP[n.tp] = n
		keep = append(keep, n)
	}
	for _, old := range g.inst {
		if !slices.Contains(keep, old) {
			g.failLocked(t, old, now)
			if t.byTP[old.tp] == old {
				delete(t.byTP, old.tp)
			}
		}
	}
	g.inst = keep
}

// dropGroupLocked turns owner back into a plain peer, which has its
// session already, and reports whether packets now wait for it: the
// instances are dropped as if they failed (failLocked), and what waited
// for them or in the group's queue waits for owner, ahead of anything
// queued for it. Owner is a plain peer again only once it waits, so a
// packet written from then on goes behind; one that still reaches the
// group's queue finds it replaced (flushGroup). t.mu is held.
func (t *peerTable) dropGroupLocked(owner *peer, now time.Time) bool {
	g := owner.grp.Load()
	if g == nil {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, p := range g.inst {
		g.failLocked(t, p, now)
		if t.byTP[p.tp] == p {
			delete(t.byTP, p.tp)
		}
	}
	owner.mu.Lock()
	t.queueFrontLocked(owner, g.queue, g.queuedAt, now)
	waits := len(owner.queue) > 0
	owner.mu.Unlock()
	g.queue, g.replaced = nil, true
	owner.grp.Store(nil)
	return waits
}

// learnInstanceLocked adds tp, a node key of owner's wallet that
// completed a handshake at src but was not among its instances, as a new
// instance; t.mu is held.
func (t *peerTable) learnInstanceLocked(owner *peer, g *anycastGroup, tp *transport.Peer, src netip.AddrPort) *peer {
	key, _ := tp.NodeKey()
	p := newPeer(owner.wallet, owner.ident, tp, src)
	p.inst = &instance{g: g, id: route.ID(key)}
	p.verified.Store(true)
	g.mu.Lock()
	g.inst = append(g.inst, p)
	g.mu.Unlock()
	t.byTP[tp] = p
	return p
}
