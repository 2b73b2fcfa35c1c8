package router

import (
	"encoding/binary"
	"sync/atomic"

	"github.com/anynet/anynet/link"
)

// The route cache: NextHop answers a destination it answered before
// from a small direct-mapped table, without the router's lock, the
// attached-host map or the longest-prefix match. A slot holds the
// destination and the peer it goes to, not the peer's address, which
// is read fresh (PeerRef.Addr): a neighbor that moved, or an attached
// host that roamed, is followed at once.
//
// Validity: every change to what NextHop reads (the attached hosts, the
// route table) happens with r.mu held for writing and bumps gen before
// the lock is released (routesChanged). A slot is stamped with the gen
// read before the slow path took the read lock, so a slot built from a
// table that changed meanwhile is stale at once. Only hits are cached;
// a destination with no route (or one behind a tunnel, tunnel.go) takes
// the slow path every time.

// routeCacheSlots is the size of the cache: a power of two, enough for
// the destinations a router carries at once without a slot's two
// directions of one flow evicting each other.
const routeCacheSlots = 64

type routeCache struct {
	gen   atomic.Uint64
	slots [routeCacheSlots]atomic.Pointer[cachedRoute]
}

type cachedRoute struct {
	gen uint64
	dst link.Locator
	p   link.PeerRef
}

// slot returns dst's slot.
func (c *routeCache) slot(dst *link.Locator) *atomic.Pointer[cachedRoute] {
	return &c.slots[slotOf(dst)&(routeCacheSlots-1)]
}

// slotOf hashes a locator for the router's small direct-mapped tables
// (this cache, the meter's recent pairs): the locator's words folded
// and mixed, the well-mixed high bits moved down.
func slotOf(dst *link.Locator) uint64 {
	var h uint64
	for i := 0; i < len(dst); i += 8 {
		h ^= binary.LittleEndian.Uint64(dst[i:])
	}
	h ^= h >> 29
	h *= 0x9e3779b97f4a7c15
	return h >> 32
}

// lookup returns the route cached for dst, nil if there is none or the
// cache is not current.
func (c *routeCache) lookup(dst *link.Locator) *cachedRoute {
	e := c.slot(dst).Load()
	if e == nil || e.gen != c.gen.Load() || e.dst != *dst {
		return nil
	}
	return e
}

// store caches p for dst, as computed from the table of generation gen,
// and returns the entry.
func (c *routeCache) store(gen uint64, dst *link.Locator, p link.PeerRef) *cachedRoute {
	e := &cachedRoute{gen: gen, dst: *dst, p: p}
	c.slot(dst).Store(e)
	return e
}

// routesChanged invalidates the whole cache; call it with r.mu held for
// writing after changing the attached hosts or the route table.
func (r *Router) routesChanged() { r.routes.gen.Add(1) }
