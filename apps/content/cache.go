package content

import (
	"encoding/binary"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
)

// The cache: blobs this node downloaded (for its user, a site it
// showed, or as a mirror) are cached; blobs it added itself (Share,
// AddFile, AddDir) are its own and never evicted. With
// CoreConfig.CacheBytes set, once the cached blobs hold more than that
// the least recently used are deleted, oldest first, skipping pinned
// ones (PinCmd) and blobs a share names. A use is a finished download,
// a fetch of a complete blob (the gateway's hits) and a range served.
// Use times live in memory and are stored (c/<id>) when a download
// finishes or a pin changes, so a restarted node keeps the order
// roughly.

// cached is one cached blob.
type cached struct {
	size int64
	used time.Time
}

// Store keys of the cache.
var (
	keyCached = []byte("c/") // c/<id> → u64 size | i64 last use (unix ns)
	keyPin    = []byte("p/") // p/<id> → ""
)

func cachedKey(id ID) []byte { return append(slices.Clone(keyCached), id[:]...) }
func pinKey(id ID) []byte    { return append(slices.Clone(keyPin), id[:]...) }

// loadCache reads the cache records and pins (start).
func (c *Core) loadCache() {
	c.cache, c.pins = map[ID]*cached{}, map[ID]bool{}
	c.st.Scan(keyCached, func(k, v []byte) bool {
		if len(k) != len(keyCached)+32 || len(v) != 16 {
			return true
		}
		c.cache[ID(k[len(keyCached):])] = &cached{
			size: int64(binary.BigEndian.Uint64(v)),
			used: time.Unix(0, int64(binary.BigEndian.Uint64(v[8:]))),
		}
		return true
	})
	c.st.Scan(keyPin, func(k, _ []byte) bool {
		if len(k) == len(keyPin)+32 {
			c.pins[ID(k[len(keyPin):])] = true
		}
		return true
	})
}

func (c *Core) saveCached(id ID, e *cached, out *service.Effects) {
	v := binary.BigEndian.AppendUint64(nil, uint64(e.size))
	out.Put(cachedKey(id), binary.BigEndian.AppendUint64(v, uint64(e.used.UnixNano())))
}

// touch marks a cached blob used now (in memory).
func (c *Core) touch(now time.Time, id ID) {
	if e, ok := c.cache[id]; ok && now.After(e.used) {
		e.used = now
	}
}

// cacheAdd records a finished download as cached and evicts what is
// over the cap.
func (c *Core) cacheAdd(now time.Time, id ID, size int64, out *service.Effects) {
	e := &cached{size: size, used: now}
	c.cache[id] = e
	c.saveCached(id, e, out)
	c.evict(id, out)
}

// cacheBytes is what the cached blobs hold.
func (c *Core) cacheBytes() int64 {
	var n int64
	for _, e := range c.cache {
		n += e.size
	}
	return n
}

// evict deletes the least recently used cached blobs, not pinned, not
// shared and not keep, until the cache fits CacheBytes.
func (c *Core) evict(keep ID, out *service.Effects) {
	if c.cfg.CacheBytes <= 0 {
		return
	}
	total := c.cacheBytes()
	if total <= c.cfg.CacheBytes {
		return
	}
	shared := c.sharedIDs()
	type cand struct {
		id ID
		e  *cached
	}
	var cs []cand
	for id, e := range c.cache {
		if id != keep && !c.pins[id] && !shared[id] && c.find(id) == nil {
			cs = append(cs, cand{id, e})
		}
	}
	slices.SortFunc(cs, func(a, b cand) int {
		if d := a.e.used.Compare(b.e.used); d != 0 {
			return d
		}
		return slices.Compare(a.id[:], b.id[:])
	})
	for _, x := range cs {
		if total <= c.cfg.CacheBytes {
			break
		}
		if err := c.blobs.Delete(x.id); err != nil {
			continue
		}
		delete(c.cache, x.id)
		out.Del(cachedKey(x.id))
		out.Del(grantKey(x.id, nil))
		total -= x.e.size
		c.stats.Evicted++
		out.Emit(Event{Kind: EventEvicted, ID: x.id, Size: x.e.size})
	}
}

// sharedIDs are the blobs a share names (a collection's root; its files
// are listed in it and kept by the same rule only while cached — a
// share's own files were added here and are not in the cache).
func (c *Core) sharedIDs() map[ID]bool {
	ids := map[ID]bool{}
	c.st.Scan(keyShare, func(_, v []byte) bool {
		if sh, err := decodeShare(v); err == nil {
			ids[sh.ID] = true
		}
		return true
	})
	return ids
}

// pinCmd pins or unpins a blob.
func (c *Core) pinCmd(cmd PinCmd, out *service.Effects) error {
	if cmd.Pin {
		c.pins[cmd.ID] = true
		out.Put(pinKey(cmd.ID), nil)
		return nil
	}
	delete(c.pins, cmd.ID)
	out.Del(pinKey(cmd.ID))
	c.evict(ID{}, out)
	return nil
}

// cacheStatus lists the cached blobs, most recently used first.
func (c *Core) cacheStatus() Cache {
	ca := Cache{Limit: c.cfg.CacheBytes}
	for id, e := range c.cache {
		ca.Bytes += e.size
		ca.Blobs = append(ca.Blobs, CachedBlob{ID: id, Size: e.size, Used: e.used, Pinned: c.pins[id]})
	}
	for id := range c.pins {
		if _, ok := c.cache[id]; !ok {
			size, _, _ := c.blobs.Stat(id)
			ca.Blobs = append(ca.Blobs, CachedBlob{ID: id, Size: size, Pinned: true, Own: true})
		}
	}
	slices.SortFunc(ca.Blobs, func(a, b CachedBlob) int {
		if d := b.Used.Compare(a.Used); d != 0 {
			return d
		}
		return slices.Compare(a.ID[:], b.ID[:])
	})
	return ca
}
