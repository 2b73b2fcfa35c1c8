package naming

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// maxCacheEntries bounds the cache; when full, entries past their stale
// life go first, then everything.
const maxCacheEntries = 16384

// cacheEntry is one answer: a value, or a cached ErrNotFound.
type cacheEntry struct {
	val     any
	err     error
	fetched time.Time
	expires time.Time
	deps    []common.Hash
}

// cache keeps answers until they expire or an event touches one of their
// dependencies (a registry/resolver node, or a DID identity as a hash).
type cache struct {
	ttl   time.Duration // < 0: nothing is cached
	stale time.Duration // < 0: stale answers are never served

	mu sync.Mutex
	// guarded by mu
	entries map[string]*cacheEntry
	byDep   map[common.Hash]map[string]struct{}

	// Watch's state (watch.go). While a Watch runs, a fresh answer is
	// served only while it is caught up (watching): it polls while
	// answers are asked for and sleeps otherwise, and an answer asked for
	// while it sleeps is fetched from the chain again (and wakes it), as
	// events it has not read may have made the answer stale.
	watchers int           // Watch calls running
	watching bool          // a Watch polled and has not gone to sleep since
	lastHit  time.Time     // when a fresh answer was last asked for
	wake     chan struct{} // closed by the next answer asked for while no Watch is watching
}

func newCache(ttl, stale time.Duration) *cache {
	return &cache{
		ttl:     ttl,
		stale:   stale,
		entries: make(map[string]*cacheEntry),
		byDep:   make(map[common.Hash]map[string]struct{}),
	}
}

// fresh returns the entry for key if it has not expired.
func (c *cache) fresh(key string, now time.Time) (*cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.expires) {
		return nil, false
	}
	if c.watchers > 0 {
		c.lastHit = now
		if !c.watching {
			if c.wake != nil {
				close(c.wake)
				c.wake = nil
			}
			return nil, false
		}
	}
	return e, true
}

// staleEntry returns the entry for key if it is at most stale old.
func (c *cache) staleEntry(key string, now time.Time) (*cacheEntry, bool) {
	if c.stale < 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.Sub(e.fetched) > c.stale {
		return nil, false
	}
	return e, true
}

// put stores an answer; expires zero means now+ttl.
func (c *cache) put(key string, e *cacheEntry) {
	if c.ttl < 0 {
		return
	}
	if e.expires.IsZero() || e.expires.After(e.fetched.Add(c.ttl)) {
		e.expires = e.fetched.Add(c.ttl)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCacheEntries {
		c.evictLocked(e.fetched)
	}
	c.removeLocked(key)
	c.entries[key] = e
	for _, d := range e.deps {
		set := c.byDep[d]
		if set == nil {
			set = make(map[string]struct{})
			c.byDep[d] = set
		}
		set[key] = struct{}{}
	}
}

// watchStart and watchStop bracket a Watch call.
func (c *cache) watchStart() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watchers++
}

func (c *cache) watchStop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watchers--
	c.watching = false
}

// caughtUp records that a Watch just read every event up to the head.
func (c *cache) caughtUp() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watching = true
}

// sleep returns nil while answers were asked for within idle of now;
// else Watch stops watching and gets a channel closed by the next answer
// asked for.
func (c *cache) sleep(now time.Time, idle time.Duration) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(c.lastHit) < idle {
		return nil
	}
	c.watching = false
	if c.wake == nil {
		c.wake = make(chan struct{})
	}
	return c.wake
}

// drop removes every entry that depends on one of deps and returns how many.
func (c *cache) drop(deps ...common.Hash) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, d := range deps {
		for key := range c.byDep[d] {
			c.removeLocked(key)
			n++
		}
	}
	return n
}

// clear empties the cache.
func (c *cache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
	clear(c.byDep)
}

func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

func (c *cache) removeLocked(key string) {
	e, ok := c.entries[key]
	if !ok {
		return
	}
	delete(c.entries, key)
	for _, d := range e.deps {
		if set := c.byDep[d]; set != nil {
			delete(set, key)
			if len(set) == 0 {
				delete(c.byDep, d)
			}
		}
	}
}

func (c *cache) evictLocked(now time.Time) {
	for key, e := range c.entries {
		if now.Sub(e.fetched) > max(c.stale, 0) && !now.Before(e.expires) {
			c.removeLocked(key)
		}
	}
	if len(c.entries) >= maxCacheEntries {
		clear(c.entries)
		clear(c.byDep)
	}
}

// lookup answers key from the cache when fresh, else from fetch; an answer
// or ErrNotFound is cached. When fetch fails with ErrChainUnavailable, an
// answer at most StaleTTL old is served instead. fetch may return an
// expiry earlier than the TTL (zero: the TTL); deps is called only when
// an answer is stored.
func lookup[T any](ctx context.Context, c *Client, key string, deps func() []common.Hash,
	fetch func(context.Context) (T, time.Time, error)) (T, error) {
	now := c.now()
	if e, ok := c.cache.fresh(key, now); ok {
		return entryValue[T](e)
	}
	v, expires, err := fetch(ctx)
	switch {
	case err == nil:
		c.cache.put(key, &cacheEntry{val: v, fetched: now, expires: expires, deps: deps()})
	case errors.Is(err, ErrNotFound):
		c.cache.put(key, &cacheEntry{err: err, fetched: now, deps: deps()})
	case errors.Is(err, ErrChainUnavailable):
		if e, ok := c.cache.staleEntry(key, now); ok {
			c.log.Debug("naming: chain unavailable, serving cached answer",
				"key", key, "age", now.Sub(e.fetched), "err", err)
			return entryValue[T](e)
		}
	}
	return v, err
}

func entryValue[T any](e *cacheEntry) (T, error) {
	if e.err != nil {
		var zero T
		return zero, e.err
	}
	return e.val.(T), nil
}
