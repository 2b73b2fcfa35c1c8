package im

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/anynet/anynet/internal/pebbleopt"
	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/ethereum/go-ethereum/common"
)

// Store layout (pebble; values are JSON unless noted):
//
//	"m" peer[20] sent[8] id[16]  → Message (1:1 history, ordered by the sender's clock)
//	"M" group[16] sent[8] id[16] → Message (group history)
//	"i" id[16]                   → the "m"/"M" key of the message
//	"o" id[16]                   → outbox: unix time (8 raw bytes) of a failed send to retry
//	"c" peer[20]                 → convMeta
//	"k" wallet[20]               → a peer's seal public key (32 raw bytes)
//	"s"                          → this wallet's seal key pair (64 raw bytes)
//	"g" group[16]                → groupState
//	"q" wallet[20] seq[8]        → mailbox item kept for wallet: id[16] | depositor[20] | blob (raw)
//	"Q" wallet[20]               → next mailbox seq | item count for wallet (16 raw bytes)
//	"d" wallet[20] depositor[20] → items that depositor keeps for wallet (8 raw bytes)
//	"a" sha256[32] wallet[20]    → path of a file offered to wallet (raw)
//	"C" community[16]            → hostedCommunity (on its host)
//	"P" community[16] seq[8]     → Post (on its host)
//	"I" community[16] id[16]     → seq of a post (on its host)
//	"J" community[16]            → joinedCommunity (on a member)
//	"p" community[16] seq[8]     → Post (on a member)
type store struct {
	db *pebble.DB
	mu sync.Mutex // serialises read-modify-write sequences
}

type convMeta struct {
	Consent Consent
	Unread  int
}

func openStore(dir string) (*store, error) {
	opts := pebbleopt.Idle(&pebble.Options{Logger: quietLogger{}})
	if dir == "" {
		opts.FS = vfs.NewMem()
	}
	db, err := pebble.Open(dir, opts)
	if err != nil {
		return nil, fmt.Errorf("im: open store %q: %w", dir, err)
	}
	return &store{db: db}, nil
}

func (s *store) close() error { return s.db.Close() }

// quietLogger drops pebble's info logs and keeps nothing global.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any)  {}
func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}

func key(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func (s *store) get(k []byte) ([]byte, error) {
	v, c, err := s.db.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("im: store get: %w", err)
	}
	defer c.Close()
	return bytes.Clone(v), nil
}

func (s *store) getJSON(k []byte, v any) error {
	b, err := s.get(k)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (s *store) putJSON(b *pebble.Batch, k []byte, v any) error {
	j, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Set(k, j, nil)
}

// historyKey is where a message lives.
func historyKey(m *Message, peer common.Address) []byte {
	sent := u64(uint64(m.Sent.UnixMicro()))
	if !m.Group.IsZero() {
		return key([]byte("M"), m.Group[:], sent, m.ID[:])
	}
	return key([]byte("m"), peer[:], sent, m.ID[:])
}

// hasMessage reports whether id was stored before (duplicate check).
func (s *store) hasMessage(id MessageID) (bool, error) {
	_, err := s.get(key([]byte("i"), id[:]))
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// message loads a stored message by ID.
func (s *store) message(id MessageID) (Message, []byte, error) {
	var m Message
	hk, err := s.get(key([]byte("i"), id[:]))
	if err != nil {
		return m, nil, err
	}
	return m, hk, s.getJSON(hk, &m)
}

// putMessage stores m under peer's conversation (or its group), with
// the ID index, in one batch; meta, if not nil, is written too.
func (s *store) putMessage(m *Message, peer common.Address, meta *convMeta) error {
	b := s.db.NewBatch()
	defer b.Close()
	hk := historyKey(m, peer)
	if err := s.putJSON(b, hk, m); err != nil {
		return err
	}
	if err := b.Set(key([]byte("i"), m.ID[:]), hk, nil); err != nil {
		return err
	}
	if meta != nil {
		if err := s.putJSON(b, key([]byte("c"), peer[:]), meta); err != nil {
			return err
		}
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("im: store message: %w", err)
	}
	return nil
}

// updateMessage rewrites a stored message at its key.
func (s *store) updateMessage(hk []byte, m *Message) error {
	j, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := s.db.Set(hk, j, pebble.Sync); err != nil {
		return fmt.Errorf("im: update message: %w", err)
	}
	return nil
}

func (s *store) meta(peer common.Address) (convMeta, error) {
	var m convMeta
	err := s.getJSON(key([]byte("c"), peer[:]), &m)
	if errors.Is(err, ErrNotFound) {
		return convMeta{}, nil
	}
	return m, err
}

func (s *store) putMeta(peer common.Address, m convMeta) error {
	b := s.db.NewBatch()
	defer b.Close()
	if err := s.putJSON(b, key([]byte("c"), peer[:]), m); err != nil {
		return err
	}
	return b.Commit(pebble.Sync)
}

// scan calls fn for each key and value under prefix, newest first if
// reverse, until fn returns false.
func (s *store) scan(prefix []byte, reverse bool, fn func(k, v []byte) (bool, error)) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return fmt.Errorf("im: store scan: %w", err)
	}
	defer it.Close()
	valid := it.First
	next := it.Next
	if reverse {
		valid, next = it.Last, it.Prev
	}
	for ok := valid(); ok; ok = next() {
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		more, err := fn(it.Key(), v)
		if err != nil || !more {
			return err
		}
	}
	return it.Error()
}

// scanFrom calls fn for each key and value under prefix from
// prefix+start on, in order, until fn returns false.
func (s *store) scanFrom(prefix, start []byte, fn func(k, v []byte) (bool, error)) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: key(prefix, start), UpperBound: prefixEnd(prefix)})
	if err != nil {
		return fmt.Errorf("im: store scan: %w", err)
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		more, err := fn(it.Key(), v)
		if err != nil || !more {
			return err
		}
	}
	return it.Error()
}

// prefixEnd is the first key after every key with prefix p.
func prefixEnd(p []byte) []byte {
	end := bytes.Clone(p)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

// history returns up to limit (0: all) newest messages under prefix, in
// chronological order.
func (s *store) history(prefix []byte, limit int) ([]Message, error) {
	var out []Message
	err := s.scan(prefix, true, func(_, v []byte) (bool, error) {
		var m Message
		if err := json.Unmarshal(v, &m); err != nil {
			return false, err
		}
		out = append(out, m)
		return limit <= 0 || len(out) < limit, nil
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

func (s *store) peerKey(w common.Address) (*[32]byte, error) {
	b, err := s.get(key([]byte("k"), w[:]))
	if err != nil {
		return nil, err
	}
	if len(b) != 32 {
		return nil, fmt.Errorf("im: stored seal key of %s: %w", w, ErrMalformed)
	}
	var k [32]byte
	copy(k[:], b)
	return &k, nil
}

func (s *store) putPeerKey(w common.Address, k [32]byte) error {
	return s.db.Set(key([]byte("k"), w[:]), k[:], pebble.Sync)
}

// sealKeys loads this wallet's seal key pair, creating it on first use.
func (s *store) sealKeys() (sealKeys, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.get([]byte("s"))
	if err == nil && len(b) == 64 {
		var k sealKeys
		copy(k.pub[:], b)
		copy(k.priv[:], b[32:])
		return k, nil
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return sealKeys{}, err
	}
	k, err := newSealKeys()
	if err != nil {
		return k, err
	}
	if err := s.db.Set([]byte("s"), append(k.pub[:], k.priv[:]...), pebble.Sync); err != nil {
		return k, fmt.Errorf("im: store seal key: %w", err)
	}
	return k, nil
}
