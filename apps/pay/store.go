package pay

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"sync"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/internal/pebbleopt"
	"github.com/cockroachdb/pebble/v2"
	"github.com/ethereum/go-ethereum/common"
)

// ChannelState is what a payee keeps of a channel: the channel as opened
// on chain and the best voucher it holds.
type ChannelState struct {
	ID         common.Hash
	Payer      common.Address
	Payee      common.Address
	Token      common.Address
	Deposit    *big.Int
	Cumulative *big.Int // of the best voucher; zero before the first
	Sig        [65]byte // the payer's signature of it
	ClosesAt   uint64   // non-zero: the payer started a unilateral close
	Settled    bool     // closed on chain
}

func (s ChannelState) clone() ChannelState {
	s.Deposit = new(big.Int).Set(s.Deposit)
	s.Cumulative = new(big.Int).Set(s.Cumulative)
	return s
}

// Store keeps a payee's channels and the transfers it submitted. Writes
// are durable when they return: a voucher is stored before its ACK leaves.
// Implementations must be safe for concurrent use.
type Store interface {
	// PutChannel stores st, replacing the state of st.ID.
	PutChannel(st ChannelState) error
	// Channels returns every stored channel, ordered by ID.
	Channels() ([]ChannelState, error)
	// MarkTransfer records a transfer's transaction hash before it is
	// submitted; it reports false if the hash was recorded before.
	MarkTransfer(tx common.Hash) (fresh bool, err error)
	Close() error
}

// MemStore is a Store in memory, for tests and the simulator; it outlives
// the Payee that uses it, as a disk would.
type MemStore struct {
	mu        sync.Mutex // guards the maps
	channels  map[common.Hash]ChannelState
	transfers map[common.Hash]bool
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{channels: map[common.Hash]ChannelState{}, transfers: map[common.Hash]bool{}}
}

// PutChannel implements Store.
func (m *MemStore) PutChannel(st ChannelState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.channels[st.ID] = st.clone()
	return nil
}

// Channels implements Store.
func (m *MemStore) Channels() ([]ChannelState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]ChannelState, 0, len(m.channels))
	for _, st := range m.channels {
		out = append(out, st.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID.Cmp(out[j].ID) < 0 })
	return out, nil
}

// MarkTransfer implements Store.
func (m *MemStore) MarkTransfer(tx common.Hash) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.transfers[tx] {
		return false, nil
	}
	m.transfers[tx] = true
	return true, nil
}

// Close implements Store.
func (m *MemStore) Close() error { return nil }

// DiskStore is a Store in a pebble database; every write is synced.
//
//	"c" channel[32] → ChannelState (JSON)
//	"t" txhash[32]  → empty
type DiskStore struct {
	db *pebble.DB
	mu sync.Mutex // serialises MarkTransfer's read-then-write
}

var _ Store = (*DiskStore)(nil)

// OpenDiskStore opens (creating) the store in dir.
func OpenDiskStore(dir string) (*DiskStore, error) {
	db, err := pebble.Open(dir, pebbleopt.Idle(&pebble.Options{Logger: service.QuietLogger{}}))
	if err != nil {
		return nil, fmt.Errorf("pay: open store %q: %w", dir, err)
	}
	return &DiskStore{db: db}, nil
}

// PutChannel implements Store.
func (s *DiskStore) PutChannel(st ChannelState) error {
	j, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := s.db.Set(append([]byte("c"), st.ID[:]...), j, pebble.Sync); err != nil {
		return fmt.Errorf("pay: store channel %s: %w", st.ID, err)
	}
	return nil
}

// Channels implements Store.
func (s *DiskStore) Channels() ([]ChannelState, error) {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte("c"), UpperBound: []byte("d")})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []ChannelState
	for it.First(); it.Valid(); it.Next() {
		var st ChannelState
		if err := json.Unmarshal(it.Value(), &st); err != nil {
			return nil, fmt.Errorf("pay: stored channel %x: %w", it.Key()[1:], err)
		}
		out = append(out, st)
	}
	return out, it.Error()
}

// MarkTransfer implements Store.
func (s *DiskStore) MarkTransfer(tx common.Hash) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := append([]byte("t"), tx[:]...)
	_, closer, err := s.db.Get(k)
	if err == nil {
		closer.Close()
		return false, nil
	}
	if !errors.Is(err, pebble.ErrNotFound) {
		return false, err
	}
	return true, s.db.Set(k, nil, pebble.Sync)
}

// Close implements Store.
func (s *DiskStore) Close() error { return s.db.Close() }
