package router

import (
	"sync"
	"sync/atomic"

	"github.com/anynet/anynet/link"
)

// The router's traffic meter, for proof of relay (package apps/relay):
// every transport frame it forwards is counted, in bytes and frames,
// per (source locator, destination locator), once it has left: the
// endpoint hands the router the frames Forward passed on that the
// underlay took (Sent, link.ForwardMeter), so a frame that found the
// next hop's queue full and was dropped is never counted, and the meter
// says what left the router. The counts are cumulative from the
// router's start; whoever pays for relaying takes differences per
// epoch.
//
// Cost: the frames of one Sent call (on a batching underlay, a read
// batch's frames to one next hop: a burst of a flow's segments) are
// counted per run of one pair, by comparing each frame's locators with
// the previous frame's and summing its bytes; a run costs a look in a
// small table of the pairs metered last (one slot per destination, no
// lock) and two atomic adds, no allocation. A pair not in the table
// costs a map read under a read lock, and a new pair allocates its
// counter once. Counters are never removed, so a slot's counter stays
// valid. Past maxMetered pairs, frames of new pairs are not metered
// (counted in Unmetered), so a flood of made-up locators cannot grow
// the map.

// maxMetered bounds the pairs a router meters.
const maxMetered = 1 << 14

type meterKey struct{ src, dst link.Locator }

type meterCount struct {
	key           meterKey // the pair it counts, which the recent table compares
	bytes, frames atomic.Uint64
}

// meterSlots is the size of the recent table: a power of two.
const meterSlots = 32

type meter struct {
	unmetered atomic.Uint64
	// recent holds the counter last used for each slot's destinations
	// (slotOf).
	recent [meterSlots]atomic.Pointer[meterCount]

	mu    sync.RWMutex // guards pairs (the map; counters are atomic)
	pairs map[meterKey]*meterCount
}

// count meters n forwarded frames of size bytes between the pair of
// h's locators.
func (m *meter) count(h *link.Header, n, size uint64) {
	if h.Type != link.FrameTransport || h.Src == nil || h.Dst == nil || n == 0 {
		return
	}
	c := m.lookup(h.Src, h.Dst, true)
	if c == nil {
		m.unmetered.Add(n)
		return
	}
	c.bytes.Add(size)
	c.frames.Add(n)
}

// countFrames meters frames that left, one look-up and two atomic adds
// per run of frames between one pair of locators.
func (m *meter) countFrames(frames [][]byte) {
	var (
		run     link.Header // the current run's pair; Type 0 before the first frame
		n, size uint64
	)
	for _, f := range frames {
		var h link.Header
		if _, err := link.ParseHeader(f, &h); err != nil {
			continue
		}
		if h.Type != run.Type || !sameLocator(h.Src, run.Src) || !sameLocator(h.Dst, run.Dst) {
			m.count(&run, n, size)
			run, n, size = h, 0, 0
		}
		n++
		size += uint64(len(f))
	}
	m.count(&run, n, size)
}

// sameLocator reports whether a and b are both absent or equal.
func sameLocator(a, b *link.Locator) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// lookup returns the counter of the pair (src, dst), from the recent
// table when it is there. A pair not metered yet gets a counter when
// add is set and the meter has room; otherwise lookup returns nil.
func (m *meter) lookup(src, dst *link.Locator, add bool) *meterCount {
	slot := &m.recent[slotOf(dst)&(meterSlots-1)]
	if c := slot.Load(); c != nil && c.key.dst == *dst && c.key.src == *src {
		return c
	}
	k := meterKey{*src, *dst}
	m.mu.RLock()
	c := m.pairs[k]
	m.mu.RUnlock()
	if c == nil && add {
		c = m.add(k)
	}
	if c != nil {
		slot.Store(c)
	}
	return c
}

func (m *meter) add(k meterKey) *meterCount {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c := m.pairs[k]; c != nil {
		return c
	}
	if m.pairs == nil {
		m.pairs = map[meterKey]*meterCount{}
	}
	if len(m.pairs) >= maxMetered {
		return nil
	}
	c := &meterCount{key: k}
	m.pairs[k] = c
	return c
}

// Sent implements link.ForwardMeter: the frames Forward passed on
// that left are metered.
func (r *Router) Sent(frames [][]byte) { r.meter.countFrames(frames) }

// Forwarded is what a router forwarded from one source locator to one
// destination locator since it started: every transport frame, its
// bytes as on the wire (routing header included). SrcWallet and
// DstWallet are the wallets of hosts attached to this router at those
// locators, zero for a locator attached elsewhere.
type Forwarded struct {
	Src, Dst             link.Locator
	SrcWallet, DstWallet [20]byte
	Bytes, Frames        uint64
}

// Forwarded returns the router's meter, one entry per (source,
// destination) pair it forwarded for, in no particular order.
func (r *Router) Forwarded() []Forwarded {
	r.meter.mu.RLock()
	out := make([]Forwarded, 0, len(r.meter.pairs))
	for k, c := range r.meter.pairs {
		out = append(out, Forwarded{Src: k.src, Dst: k.dst, Bytes: c.bytes.Load(), Frames: c.frames.Load()})
	}
	r.meter.mu.RUnlock()
	r.mu.RLock()
	for i := range out {
		out[i].SrcWallet = r.walletAtLocked(out[i].Src)
		out[i].DstWallet = r.walletAtLocked(out[i].Dst)
	}
	r.mu.RUnlock()
	return out
}

// Unmetered is how many frames went unmetered because the meter was
// full.
func (r *Router) Unmetered() uint64 { return r.meter.unmetered.Load() }

// walletAtLocked is the wallet of the host attached at loc, with r.mu
// held.
func (r *Router) walletAtLocked(loc link.Locator) [20]byte {
	a := r.attached[loc]
	if a == nil {
		return [20]byte{}
	}
	if tp := a.p.Session(); tp != nil {
		return tp.Wallet()
	}
	return [20]byte{}
}
