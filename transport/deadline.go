package transport

import (
	"container/heap"
	"sync"
	"sync/atomic"
	"time"
)

// NextDeadline is asked after every event in the simulator and by a
// node's timer goroutine, and a relay or cache has hundreds of peers, so
// it must not visit every peer each time. Each peer keeps its own next
// deadline (peerDeadline); whatever changes a timer field of a peer marks
// it dirty (touch), and NextDeadline recomputes the dirty peers only and
// keeps the others in a min-heap. The answer is the same as a scan of
// every peer (TestNextDeadlineMatchesScan).

// peerDL is a peer's place in the deadline heap; Sessions.dl.run
// guards it, except dirty.
type peerDL struct {
	dirty atomic.Bool // queued in deadlines.dirty
	at    time.Time   // earliest timed deadline; zero: none
	imm   bool        // a retry or rekey is due at once
	pos   int         // 1 + index in deadlines.heap; 0 if absent
}

// deadlines is the per-node index of the peers' deadlines.
type deadlines struct {
	// run serializes refreshes and guards heap, imm and every peer's
	// peerDL. Lock order: run, then a Peer's mu, then mu.
	run  sync.Mutex
	heap dlHeap // peers with a nonzero at
	imm  int    // peers with imm set

	mu    sync.Mutex // a leaf lock; guards dirty
	dirty []*Peer
}

// touch marks p's deadline stale after one of its timer fields changed
// (the change must be stored before touch is called).
func (p *Peer) touch() {
	if p.dl.dirty.Load() || !p.dl.dirty.CompareAndSwap(false, true) {
		return
	}
	d := &p.s.dl
	d.mu.Lock()
	d.dirty = append(d.dirty, p)
	d.mu.Unlock()
}

// peerDeadline returns p's earliest timed deadline (zero if none) and
// whether something is due at once. p.mu is held.
func (s *Sessions) peerDeadline(p *Peer) (at time.Time, imm bool) {
	t := &s.timers
	consider := func(x time.Time) {
		if at.IsZero() || x.Before(at) {
			at = x
		}
	}
	if hs := p.hs; hs != nil {
		if hs.retryNow {
			imm = true
		} else {
			consider(hs.retryAt)
		}
	}
	if p.rekeyFor.Load() != nil {
		imm = true
	}
	if m := p.sentPending.Load(); m != 0 {
		consider(s.fromMono(m).Add(t.KeepaliveTimeout + t.RekeyTimeout))
	}
	if m := p.recvPending.Load(); m != 0 {
		consider(s.fromMono(m).Add(t.KeepaliveTimeout))
	}
	expire := 3 * t.RejectAfterTime
	for _, ses := range []*session{p.current.Load(), p.next.Load(), p.previous} {
		if ses != nil {
			consider(ses.created.Add(expire))
		}
	}
	return at, imm
}

// refresh recomputes the deadlines of the peers touched since the last
// call and returns the earliest timed one and whether any peer has
// something due at once.
func (s *Sessions) refresh() (time.Time, bool) {
	d := &s.dl
	d.run.Lock()
	defer d.run.Unlock()
	d.mu.Lock()
	dirty := d.dirty
	d.dirty = nil
	d.mu.Unlock()
	for _, p := range dirty {
		p.dl.dirty.Store(false) // before reading: a later change queues p again
		var at time.Time
		var imm bool
		p.mu.Lock()
		if !p.removed {
			at, imm = s.peerDeadline(p)
		}
		p.mu.Unlock()
		e := &p.dl
		if e.imm {
			d.imm--
		}
		if e.imm = imm; imm {
			d.imm++
		}
		e.at = at
		switch {
		case e.pos > 0 && at.IsZero():
			heap.Remove(&d.heap, e.pos-1)
		case e.pos > 0:
			heap.Fix(&d.heap, e.pos-1)
		case !at.IsZero():
			heap.Push(&d.heap, p)
		}
	}
	var at time.Time
	if len(d.heap) > 0 {
		at = d.heap[0].dl.at
	}
	return at, d.imm > 0
}

// dlHeap orders peers by their timed deadline (container/heap).
type dlHeap []*Peer

func (h dlHeap) Len() int           { return len(h) }
func (h dlHeap) Less(i, j int) bool { return h[i].dl.at.Before(h[j].dl.at) }
func (h dlHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].dl.pos, h[j].dl.pos = i+1, j+1
}

func (h *dlHeap) Push(x any) {
	p := x.(*Peer)
	*h = append(*h, p)
	p.dl.pos = len(*h)
}

func (h *dlHeap) Pop() any {
	old := *h
	p := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	p.dl.pos = 0
	return p
}
