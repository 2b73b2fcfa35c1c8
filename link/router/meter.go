package router

import (
	"sync"
	"sync/atomic"

	"github.com/anynet/anynet/link"
)

// The router's traffic meter, for proof of relay (package apps/relay):
// every transport frame it forwards is counted, in bytes and frames,
// per (source locator, destination locator). The counts are cumulative
// from the router's start; whoever pays for relaying takes differences
// per epoch. A frame costs a look in a small table of the pairs metered
// last (one slot per destination, no lock: a flow's frames come back to
// back) and two atomic adds, no allocation; a pair not in the table costs
// a map read under a read lock, and a new pair allocates its counter
// once. Counters are never removed, so a slot's counter stays valid.
// Past maxMetered pairs, frames of new pairs are not metered (counted
// in Unmetered), so a flood of made-up locators cannot grow the map.
// A frame that then finds the next hop's queue full is dropped there,
// not forwarded: the endpoint hands it back (link.ForwardDropper) and
// it is taken off its count, so the meter says what left the router.

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

// count meters one forwarded frame of n bytes.
func (m *meter) count(h *link.Header, n int) {
	if h.Type != link.FrameTransport || h.Src == nil || h.Dst == nil {
		return
	}
	c := m.lookup(h.Src, h.Dst, true)
	if c == nil {
		m.unmetered.Add(1)
		return
	}
	c.bytes.Add(uint64(n))
	c.frames.Add(1)
}

// countVia is count for a frame whose destination the route cache entry
// of slot's matched: slot keeps the counter of the last pair metered
// through that entry, which needs only its source compared.
func (m *meter) countVia(slot *atomic.Pointer[meterCount], h *link.Header, n int) {
	if h.Type != link.FrameTransport || h.Src == nil || h.Dst == nil {
		return
	}
	c := slot.Load()
	if c == nil || c.key.src != *h.Src {
		if c = m.lookup(h.Src, h.Dst, true); c == nil {
			m.unmetered.Add(1)
			return
		}
		slot.Store(c)
	}
	c.bytes.Add(uint64(n))
	c.frames.Add(1)
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

// uncount takes a frame of n bytes that count metered off again.
func (m *meter) uncount(h *link.Header, n int) {
	if h.Type != link.FrameTransport || h.Src == nil || h.Dst == nil {
		return
	}
	c := m.lookup(h.Src, h.Dst, false)
	if c == nil { // it was not metered (Unmetered)
		return
	}
	c.bytes.Add(^uint64(n - 1))
	c.frames.Add(^uint64(0))
}

// Dropped implements link.ForwardDropper: frames Forward passed on that
// the next hop's full queue dropped come off the meter.
func (r *Router) Dropped(frames [][]byte) {
	for _, f := range frames {
		var h link.Header
		if _, err := link.ParseHeader(f, &h); err == nil {
			r.meter.uncount(&h, len(f))
		}
	}
}

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
