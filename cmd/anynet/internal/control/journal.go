package control

import (
	"context"
	"sync"
	"time"
)

// DefaultJournalSize is how many events a Journal keeps by default: a
// client that stays away for fewer than that many events misses none.
const DefaultJournalSize = 4096

// Journal numbers events and keeps the newest ones, so that GET
// /v1/events can replay what a reconnecting client missed. It
// implements EventBackend; the zero value is not usable, use NewJournal.
type Journal struct {
	now func() time.Time

	// mu guards the fields below.
	mu     sync.Mutex
	ring   []Event // ring[(seq-1) % len(ring)] holds event seq
	newest uint64  // seq of the last event appended; 0: none yet
	wake   chan struct{}
}

var _ EventBackend = (*Journal)(nil)

// NewJournal returns a journal keeping the newest size events (0:
// DefaultJournalSize).
func NewJournal(size int) *Journal {
	if size <= 0 {
		size = DefaultJournalSize
	}
	return &Journal{now: time.Now, ring: make([]Event, size), wake: make(chan struct{})}
}

// Append numbers e, stamps it (unless it has a time) and keeps it, and
// wakes every waiting stream. It returns e as kept.
func (j *Journal) Append(e Event) Event {
	if e.Time.IsZero() {
		e.Time = j.now()
	}
	j.mu.Lock()
	j.newest++
	e.Seq = j.newest
	j.ring[(e.Seq-1)%uint64(len(j.ring))] = e
	wake := j.wake
	j.wake = make(chan struct{})
	j.mu.Unlock()
	close(wake)
	return e
}

// Events implements EventBackend. A cursor past the newest event (a
// client of an earlier run of the node) gets an EventGap too.
func (j *Journal) Events(_ context.Context, after uint64) ([]Event, uint64, <-chan struct{}) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if after == ^uint64(0) { // only the newest number
		return nil, j.newest, j.wake
	}
	var out []Event
	oldest := uint64(1)
	if n := uint64(len(j.ring)); j.newest > n {
		oldest = j.newest - n + 1
	}
	switch {
	case after > j.newest:
		return []Event{{Seq: j.newest, Time: j.now(), Kind: EventGap}}, j.newest, j.wake
	case after+1 < oldest:
		out = append(out, Event{Seq: oldest - 1, Time: j.now(), Kind: EventGap})
		after = oldest - 1
	}
	for seq := after + 1; seq <= j.newest; seq++ {
		out = append(out, j.ring[(seq-1)%uint64(len(j.ring))])
	}
	return out, j.newest, j.wake
}
