package sim

import "container/heap"

// kind orders events that fall on the same virtual instant: faults
// first, then frames reaching a hop, frame deliveries, netstack timers, transport ticks and
// application steps.
type kind uint8

const (
	kindFault kind = iota
	kindHop
	kindDeliver
	kindTimer
	kindTick
	kindApp
)

// engineSource is the source of events that belong to no node (faults,
// workload starts).
const engineSource = -1

// event is one entry of the heap. Exactly one of the payloads is set.
type event struct {
	at   int64 // virtual nanoseconds since the start of the run
	kind kind
	src  int32  // node that caused it, or engineSource
	seq  uint64 // per-source counter: makes the order total
	idx  int    // position in the heap, -1 when not queued

	// kindHop, kindDeliver
	dst   int32
	frame []byte
	sent  int64
	hops  []*hop // still to cross
	// kindTimer
	timer *timer
	// kindFault, kindApp, kindTick
	fn func()
}

// before is the heap order: (time, kind, source, per-source sequence).
func (a *event) before(b *event) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	if a.src != b.src {
		return a.src < b.src
	}
	return a.seq < b.seq
}

// eventHeap is a min-heap of events in the order of before.
type eventHeap []*event

var _ heap.Interface = (*eventHeap)(nil)

func (h eventHeap) Len() int           { return len(h) }
func (h eventHeap) Less(i, j int) bool { return h[i].before(h[j]) }
func (h eventHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *eventHeap) Push(x any) {
	e := x.(*event)
	e.idx = len(*h)
	*h = append(*h, e)
}
func (h *eventHeap) Pop() any {
	old := *h
	n := len(old)
	e := old[n-1]
	old[n-1] = nil
	e.idx = -1
	*h = old[:n-1]
	return e
}
