package transport

import (
	"container/list"
	"sync"

	"golang.org/x/crypto/blake2s"
)

// DefaultBindingCache is how many verified bindings Sessions remembers
// when Config.BindingCache is zero.
const DefaultBindingCache = 1024

// bindingCache remembers bindings whose signature verified, keyed by the
// hash of their encoding, so a peer's rekeys skip ecrecover. It is an
// LRU bounded to size entries; only successes are cached, so a flood of
// bad bindings cannot evict good ones faster than good ones come.
type bindingCache struct {
	size int
	mu   sync.Mutex // guards the fields below
	ll   *list.List // of [32]byte, most recent first
	m    map[[32]byte]*list.Element
}

func newBindingCache(size int) *bindingCache {
	if size == 0 {
		size = DefaultBindingCache
	}
	if size < 0 {
		return &bindingCache{}
	}
	return &bindingCache{size: size, ll: list.New(), m: make(map[[32]byte]*list.Element)}
}

// verify checks b's signature, whose encoding is raw, consulting and
// filling the cache.
func (c *bindingCache) verify(b *Binding, raw []byte) error {
	if c.size <= 0 {
		return b.verifySignature()
	}
	key := blake2s.Sum256(raw)
	c.mu.Lock()
	if e, ok := c.m[key]; ok {
		c.ll.MoveToFront(e)
		c.mu.Unlock()
		return nil
	}
	c.mu.Unlock()
	if err := b.verifySignature(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok {
		c.m[key] = c.ll.PushFront(key)
		if c.ll.Len() > c.size {
			old := c.ll.Remove(c.ll.Back()).([32]byte)
			delete(c.m, old)
		}
	}
	return nil
}
