package sim

import (
	"container/heap"
	"math/rand/v2"
)

// The simulated network: every host hangs off its segment by an access
// link (one queue each way; an overlay router's is of class "router",
// routing.go); segments are joined by core links (one queue each way). A frame from host a to host b crosses a's uplink, the
// core links on the lowest-latency segment path, and b's downlink.
//
// A loss fault drops a frame once per path. Then every hop, in order: a
// link that is down drops the frame; the class's loss draws from the
// sender's seeded generator; a frame over the hop's MTU is
// dropped; the frame waits for the transmitter (tail drop when more
// than the queue's bytes wait), takes its size over the bandwidth, then
// the latency plus uniform jitter. The path is chosen when the frame is
// sent; each hop after the first is an event of its own, so queues see
// frames in the order they arrive.

// hop is one direction of one link.
type hop struct {
	name  string
	class *LinkClass
	lat   int64 // propagation, ns
	down  bool
	busy  int64  // transmitter free at
	bytes uint64 // carried
}

type coreEdge struct {
	a, b   int
	ab, ba *hop
}

type network struct {
	segs    int
	edges   []*coreEdge
	adj     [][]int // segment → edge indexes
	nodeSeg []int32
	up      []hop // per node
	downl   []hop // per node
	routes  [][]int32
	group   []int8 // partition group per segment; nil when whole
	// hostSegs are the segments hosts live on (routing.go places hosts
	// again when the run has overlay routers).
	hostSegs []int
	loss     float64
}

func newNetwork(t *Topology, nodes int, rng *rand.Rand) (*network, error) {
	specs, hostSegs, err := generate(t, rng)
	if err != nil {
		return nil, err
	}
	nw := &network{segs: t.Segments, adj: make([][]int, t.Segments), routes: make([][]int32, t.Segments), hostSegs: hostSegs}
	for i, e := range specs {
		c := t.Classes[e.class]
		nw.edges = append(nw.edges, &coreEdge{
			a: e.a, b: e.b,
			ab: &hop{name: e.class, class: &c, lat: int64(e.latency)},
			ba: &hop{name: e.class, class: &c, lat: int64(e.latency)},
		})
		nw.adj[e.a] = append(nw.adj[e.a], i)
		nw.adj[e.b] = append(nw.adj[e.b], i)
	}
	acc := t.Classes["access"]
	nw.nodeSeg = make([]int32, nodes)
	nw.up = make([]hop, nodes)
	nw.downl = make([]hop, nodes)
	for i := range nodes {
		nw.nodeSeg[i] = int32(hostSegs[i%len(hostSegs)])
		nw.up[i] = hop{name: "access", class: &acc, lat: int64(acc.Latency)}
		nw.downl[i] = hop{name: "access", class: &acc, lat: int64(acc.Latency)}
	}
	return nw, nil
}

// route returns the edge to take from each segment towards src, i.e.
// the shortest-path tree rooted at src (computed once, until a link
// changes state).
func (nw *network) route(src int) []int32 {
	if r := nw.routes[src]; r != nil {
		return r
	}
	prev := make([]int32, nw.segs)
	dist := make([]int64, nw.segs)
	for i := range prev {
		prev[i], dist[i] = -1, -1
	}
	dist[src] = 0
	q := &distHeap{{src, 0}}
	for q.Len() > 0 {
		it := heap.Pop(q).(distItem)
		if it.d > dist[it.seg] {
			continue
		}
		for _, ei := range nw.adj[it.seg] {
			e := nw.edges[ei]
			if e.ab.down {
				continue
			}
			next := e.a
			if next == it.seg {
				next = e.b
			}
			d := it.d + e.ab.lat
			if dist[next] < 0 || d < dist[next] {
				dist[next], prev[next] = d, int32(ei)
				heap.Push(q, distItem{next, d})
			}
		}
	}
	nw.routes[src] = prev
	return prev
}

// path appends the core hops from segment a to b; ok is false when no
// path exists.
func (nw *network) path(a, b int, hops []*hop) ([]*hop, bool) {
	if a == b {
		return hops, true
	}
	prev := nw.route(a)
	start := len(hops)
	for at := b; at != a; {
		ei := prev[at]
		if ei < 0 {
			return hops, false
		}
		e := nw.edges[ei]
		if e.b == at {
			hops = append(hops, e.ab)
			at = e.a
		} else {
			hops = append(hops, e.ba)
			at = e.b
		}
	}
	for i, j := start, len(hops)-1; i < j; i, j = i+1, j-1 {
		hops[i], hops[j] = hops[j], hops[i]
	}
	return hops, true
}

// setEdge takes a core link down or up.
func (nw *network) setEdge(i int, down bool) {
	e := nw.edges[i%len(nw.edges)]
	e.ab.down, e.ba.down = down, down
	clear(nw.routes)
}

// pathFor returns the hops from node a to node b, or the reason there
// are none.
func (nw *network) pathFor(a, b int32) ([]*hop, string) {
	sa, sb := int(nw.nodeSeg[a]), int(nw.nodeSeg[b])
	if nw.group != nil && nw.group[sa] != nw.group[sb] {
		return nil, "partition"
	}
	hops := make([]*hop, 1, 8)
	hops[0] = &nw.up[a]
	hops, ok := nw.path(sa, sb, hops)
	if !ok {
		return nil, "no-route"
	}
	return append(hops, &nw.downl[b]), ""
}

// cross puts a frame of size bytes on hop h at time now, when it
// reaches the hop, and returns when it reaches the next one, or why it
// is dropped. Frames reach a hop in time order (each hop is an event),
// so the transmitter's queue is exact.
func (nw *network) cross(h *hop, size int, now int64, rng *rand.Rand) (int64, string) {
	c := h.class
	if h.down {
		return 0, "link-down"
	}
	if c.Loss > 0 && rng.Float64() < c.Loss {
		return 0, "loss"
	}
	if size > c.MTU {
		return 0, "mtu"
	}
	bw := float64(c.Bandwidth)
	start := max(now, h.busy)
	if float64(start-now)*bw/8/1e9 > float64(c.Queue) {
		return 0, "queue"
	}
	h.busy = start + int64(float64(size)*8/bw*1e9)
	h.bytes += uint64(size)
	t := h.busy + h.lat
	if c.Jitter > 0 {
		t += rng.Int64N(int64(c.Jitter))
	}
	return t, ""
}

type distItem struct {
	seg int
	d   int64
}

type distHeap []distItem

func (h distHeap) Len() int { return len(h) }
func (h distHeap) Less(i, j int) bool {
	return h[i].d < h[j].d || h[i].d == h[j].d && h[i].seg < h[j].seg
}
func (h distHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *distHeap) Push(x any)   { *h = append(*h, x.(distItem)) }
func (h *distHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
