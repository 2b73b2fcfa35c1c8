package service

// Store is what a core's state lives in: ordered keys and values. A
// core reads it directly (reads never block on the network) and writes
// only through Effects.Writes, which its driver applies with Apply.
// Implementations are safe for concurrent use.
type Store interface {
	// Get returns a copy of the value of key, or ErrNotFound.
	Get(key []byte) ([]byte, error)
	// Scan calls fn for every key with prefix, in key order, until fn
	// returns false. fn must not keep key or value, nor write.
	Scan(prefix []byte, fn func(key, value []byte) bool) error
	// Apply applies writes atomically and, on a persistent store,
	// durably (synced) before it returns, unless every write is Lazy.
	Apply(writes []Write) error
	// Close releases the store.
	Close() error
}
