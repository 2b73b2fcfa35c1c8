package service

import (
	"bytes"
	"slices"
	"sync"
)

// Memory is a Store in memory, for tests and the simulator, where it
// stands for a node's disk: keep it across a simulated crash and hand it
// to the next incarnation, as pebble's files would be. Close does not
// clear it. The zero value is an empty store.
type Memory struct {
	mu   sync.RWMutex // guards keys and vals
	keys [][]byte     // sorted
	vals [][]byte     // vals[i] is the value of keys[i]
}

var _ Store = (*Memory)(nil)

func (m *Memory) find(key []byte) (int, bool) {
	return slices.BinarySearchFunc(m.keys, key, bytes.Compare)
}

// Get returns a copy of key's value, or ErrNotFound.
func (m *Memory) Get(key []byte) ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, ok := m.find(key)
	if !ok {
		return nil, ErrNotFound
	}
	return bytes.Clone(m.vals[i]), nil
}

// Scan calls fn for every key with prefix, in order.
func (m *Memory) Scan(prefix []byte, fn func(key, value []byte) bool) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, _ := m.find(prefix)
	for ; i < len(m.keys) && bytes.HasPrefix(m.keys[i], prefix); i++ {
		if !fn(m.keys[i], m.vals[i]) {
			break
		}
	}
	return nil
}

// Apply applies writes in order.
func (m *Memory) Apply(writes []Write) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, w := range writes {
		i, ok := m.find(w.Key)
		switch {
		case w.Delete && ok:
			m.keys = slices.Delete(m.keys, i, i+1)
			m.vals = slices.Delete(m.vals, i, i+1)
		case w.Delete:
		case ok:
			m.vals[i] = bytes.Clone(w.Value)
		default:
			m.keys = slices.Insert(m.keys, i, bytes.Clone(w.Key))
			m.vals = slices.Insert(m.vals, i, bytes.Clone(w.Value))
		}
	}
	return nil
}

// Close does nothing: the contents stay for the next user.
func (m *Memory) Close() error { return nil }
