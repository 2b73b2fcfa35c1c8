package service

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/anynet/anynet/internal/pebbleopt"
	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// Pebble is a Store in a pebble database on disk, for nodes. Apply
// commits with Sync: when it returns, the writes survive kill -9 (a
// batch of Lazy writes alone is committed without Sync).
type Pebble struct {
	db *pebble.DB
}

var _ Store = (*Pebble)(nil)

// OpenPebble opens (creating if needed) the pebble store in dir.
func OpenPebble(dir string) (*Pebble, error) { return openPebble(dir, nil) }

// openPebble is OpenPebble on fs (nil: the disk).
func openPebble(dir string, fs vfs.FS) (*Pebble, error) {
	db, err := pebble.Open(dir, pebbleopt.Idle(&pebble.Options{Logger: QuietLogger{}, FS: fs}))
	if err != nil {
		return nil, fmt.Errorf("service: open store %q: %w", dir, err)
	}
	return &Pebble{db: db}, nil
}

// Get returns a copy of key's value, or ErrNotFound.
func (p *Pebble) Get(key []byte) ([]byte, error) {
	v, c, err := p.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("service: store get: %w", err)
	}
	defer c.Close()
	return bytes.Clone(v), nil
}

// Scan calls fn for every key with prefix, in order.
func (p *Pebble) Scan(prefix []byte, fn func(key, value []byte) bool) error {
	it, err := p.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return fmt.Errorf("service: store scan: %w", err)
	}
	for ok := it.First(); ok; ok = it.Next() {
		if !fn(it.Key(), it.Value()) {
			break
		}
	}
	if err := it.Error(); err != nil {
		it.Close()
		return fmt.Errorf("service: store scan: %w", err)
	}
	return it.Close()
}

// prefixEnd is the first key after every key with prefix; nil if none.
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// Apply commits writes in one batch, synced unless every write is
// Lazy.
func (p *Pebble) Apply(writes []Write) error {
	if len(writes) == 0 {
		return nil
	}
	b := p.db.NewBatch()
	defer b.Close()
	sync := pebble.NoSync
	for _, w := range writes {
		if !w.Lazy {
			sync = pebble.Sync
		}
		var err error
		if w.Delete {
			err = b.Delete(w.Key, nil)
		} else {
			err = b.Set(w.Key, w.Value, nil)
		}
		if err != nil {
			return fmt.Errorf("service: store write: %w", err)
		}
	}
	if err := b.Commit(sync); err != nil {
		return fmt.Errorf("service: store commit: %w", err)
	}
	return nil
}

// Close closes the database.
func (p *Pebble) Close() error { return p.db.Close() }

// QuietLogger drops pebble's info and error logs (a fatal one panics):
// the logger of the services' pebble databases.
type QuietLogger struct{}

func (QuietLogger) Infof(string, ...any)  {}
func (QuietLogger) Errorf(string, ...any) {}
func (QuietLogger) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}
