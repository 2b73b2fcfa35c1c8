package sim

import (
	"fmt"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
)

// Overlay routing (scenario "routing: {enabled: true}"): node i of the
// first Topology.Segments nodes is the overlay router of segment i (a
// link.RoleRouter originating the segment's subnet, segmentPrefix(i)),
// its neighbors the routers of the segments its core links join; every
// other node is a host of its segment, attached to that router at the
// locator locator.Assign gives it there, with hole punching off (unless
// Routing.Punch), so that everything a host sends to another host goes
// through routers.
// Workloads then run between hosts only, reaching each other by locator
// (link.Endpoint.AddRoutedPeer): every frame crosses the source's
// router, the routers on the path-vector route, and the destination's
// router.
//
// Routing runs off link.Endpoint.Tick, whose adverts, attaches and hold
// timers transport.Sessions.NextDeadline does not cover: every node
// incarnation also gets a routing tick every Routing.Advert, from its
// start (routingTick).

// Routing is a scenario's overlay routing.
type Routing struct {
	// Enabled puts a router in every segment.
	Enabled bool `yaml:"enabled"`
	// Advert is link.Routing.AdvertInterval (default 1s).
	Advert Duration `yaml:"advert"`
	// Hold is link.Routing.HoldTime (default 3 × Advert).
	Hold Duration `yaml:"hold"`
	// Punch lets hosts that talk through routers move to a direct path
	// by the hole punching their routers coordinate (link's NAT
	// traversal); off, everything between hosts goes through routers.
	Punch bool `yaml:"punch"`
}

func (r *Routing) validate(sc *Scenario) error {
	if !r.Enabled {
		return nil
	}
	if r.Advert <= 0 {
		r.Advert = Duration(link.DefaultAdvertInterval)
	}
	if r.Hold <= 0 {
		r.Hold = 3 * r.Advert
	}
	if sc.Nodes < sc.Topology.Segments+2 {
		return fmt.Errorf("%w: routing needs a router per segment (%d) and at least 2 hosts, have %d nodes", ErrScenario, sc.Topology.Segments, sc.Nodes)
	}
	return nil
}

// segmentPrefix is segment i's subnet: segment field i+1, subnet 1,
// 128 bits.
func segmentPrefix(i int) locator.Prefix {
	return locator.MustPrefix(locator.New(uint64(i)+1, 1, [12]byte{}, 0), locator.SubnetPrefixBits)
}

// overlay is the routed layout of a run; nil without routing.
type overlay struct {
	advert, hold time.Duration
	segs         int
	prefix       []locator.Prefix
	loc          []locator.Locator // per node
	neighbors    [][]int32         // per segment: routers of adjacent segments
	// past sums the link counters of routers' finished incarnations.
	past []link.Stats
	// hostDirect counts frames a host sent to a node other than its own
	// router (the router of segment i is node i).
	hostDirect uint64
}

// newOverlay places routers (nodes 0…segs-1, one per segment, on links
// of class "router") and hosts (the rest, over the segments that have
// hosts) and gives every node its locator.
func newOverlay(s *Sim, hostSegs []int) (*overlay, error) {
	r := s.sc.Routing
	o := &overlay{advert: time.Duration(r.Advert), hold: time.Duration(r.Hold), segs: s.net.segs}
	nw := s.net
	rc := s.sc.Topology.Classes["router"]
	for i := range nw.nodeSeg {
		if i < o.segs {
			nw.nodeSeg[i] = int32(i)
			nw.up[i] = hop{name: "router", class: &rc, lat: int64(rc.Latency)}
			nw.downl[i] = hop{name: "router", class: &rc, lat: int64(rc.Latency)}
		} else {
			nw.nodeSeg[i] = int32(hostSegs[(i-o.segs)%len(hostSegs)])
		}
	}
	o.prefix = make([]locator.Prefix, o.segs)
	for i := range o.prefix {
		o.prefix[i] = segmentPrefix(i)
	}
	o.neighbors = make([][]int32, o.segs)
	for _, e := range nw.edges {
		o.neighbors[e.a] = append(o.neighbors[e.a], int32(e.b))
		o.neighbors[e.b] = append(o.neighbors[e.b], int32(e.a))
	}
	o.loc = make([]locator.Locator, len(s.nodes))
	for i, n := range s.nodes {
		l, err := locator.Assign(o.prefix[nw.nodeSeg[i]], [32]byte(n.key.Public), 0)
		if err != nil {
			return nil, fmt.Errorf("sim: locator of node %d: %w", i, err)
		}
		o.loc[i] = l
	}
	o.past = make([]link.Stats, o.segs)
	return o, nil
}

// isRouter reports whether node id is a router.
func (o *overlay) isRouter(id int32) bool { return o != nil && int(id) < o.segs }

// routerPeer is how a node names router r in link.Routing.Routers.
func routerPeer(r *node) link.RouterPeer {
	return link.RouterPeer{Wallet: r.self.Wallet, NodeKey: r.key.Public, Addr: r.self.Addr}
}

// routing is node n's link.Routing.
func (o *overlay) routing(s *Sim, n *node) link.Routing {
	seg := int(s.net.nodeSeg[n.id])
	r := link.Routing{Locator: o.loc[n.id], AdvertInterval: o.advert, HoldTime: o.hold}
	if o.isRouter(n.id) {
		r.Role = link.RoleRouter
		r.Prefixes = []locator.Prefix{o.prefix[seg]}
		for _, nb := range o.neighbors[seg] {
			r.Routers = append(r.Routers, routerPeer(s.nodes[nb]))
		}
		return r
	}
	r.Role = link.RoleHost
	r.DisablePunch = !s.sc.Routing.Punch
	r.Routers = []link.RouterPeer{routerPeer(s.nodes[seg])}
	return r
}

// routingTick ticks incarnation inc of n at t and every Advert after,
// until the incarnation ends.
func (s *Sim) routingTick(n *node, inc int, t int64) {
	s.at(t, kindTick, n.id, func() {
		if n.down || n.inc != inc {
			return
		}
		n.in.Link.Tick()
		s.settle(n)
		s.routingTick(n, inc, s.now.Load()+int64(s.rt.advert))
	})
}

// stopped books the link counters of router n's incarnation that ends.
func (o *overlay) stopped(n *node) {
	if !o.isRouter(n.id) || n.st == nil {
		return
	}
	addRouterStats(&o.past[n.id], n.st.LinkStats())
}

// addRouterStats adds the router counters of ls to p.
func addRouterStats(p *link.Stats, ls link.Stats) {
	p.FramesForwarded += ls.FramesForwarded
	p.DroppedNoRoute += ls.DroppedNoRoute
	p.DroppedHopLimit += ls.DroppedHopLimit
	p.UnreachableSent += ls.UnreachableSent
}

// addPeer makes dst reachable from n: by locator through n's router when
// the run is routed, else straight at dst's underlay address.
func (s *Sim) addPeer(n, dst *node) error {
	if s.rt == nil {
		return n.in.Link.AddPeer(dst.self.Wallet, dst.self.NodeKey, dst.self.Addr)
	}
	return n.in.Link.AddRoutedPeer(dst.self.Wallet, dst.self.NodeKey, s.rt.loc[dst.id])
}

// RouterUse is one overlay router's work over the run, summed over its
// incarnations.
type RouterUse struct {
	Node      int
	Segment   int
	Forwarded uint64 // frames passed on without opening them
	NoRoute   uint64 // frames dropped for want of a route
	HopLimit  uint64 // frames dropped with their hop limit spent
	Unreach   uint64 // unreachable frames sent back to sources
}

// finish fills st's routing counters.
func (o *overlay) finish(s *Sim, st *Stats) {
	st.Routers = st.Routers[:0]
	st.RoutedForwarded, st.RoutedNoRoute, st.RoutedHopLimit = 0, 0, 0
	for i := range o.segs {
		n := s.nodes[i]
		p := o.past[i]
		if !n.down && n.st != nil {
			addRouterStats(&p, n.st.LinkStats())
		}
		st.Routers = append(st.Routers, RouterUse{Node: i, Segment: i, Forwarded: p.FramesForwarded,
			NoRoute: p.DroppedNoRoute, HopLimit: p.DroppedHopLimit, Unreach: p.UnreachableSent})
		st.RoutedForwarded += p.FramesForwarded
		st.RoutedNoRoute += p.DroppedNoRoute
		st.RoutedHopLimit += p.DroppedHopLimit
	}
	st.HostDirect = o.hostDirect
}

// sent books a frame from src to dst: a host must send only to its own
// router.
func (o *overlay) sent(s *Sim, src, dst int32) {
	if !o.isRouter(src) && dst != s.net.nodeSeg[src] {
		o.hostDirect++
	}
}
