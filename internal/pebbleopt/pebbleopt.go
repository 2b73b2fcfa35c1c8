// Package pebbleopt sets up pebble for databases of an idle-most-of-the-time
// daemon: nothing of pebble wakes the process while no one writes.
//
// Two of pebble's defaults wake a process that does nothing: the default
// compaction scheduler samples its DB every 100 ms (ten wakes a second,
// per DB), and the disk-health checking filesystem that wraps vfs.Default
// ticks for every open WAL and for the directory. Idle sets the plain
// filesystem (no slow-disk events: anynet logs none) and a scheduler that
// samples only while compactions run.
package pebbleopt

import (
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// sampleEvery is how often the scheduler looks for more compaction slots
// while compactions run, as pebble's default does all the time.
const sampleEvery = 100 * time.Millisecond

// Idle sets o's FS to vfs.Default if unset (without disk-health checks)
// and its compaction scheduler to a new one that does not tick while no
// compaction runs, and returns o. Each DB needs options of its own.
func Idle(o *pebble.Options) *pebble.Options {
	if o.FS == nil {
		o.FS = vfs.Default
	}
	o.Experimental.CompactionScheduler = newScheduler()
	return o
}

// scheduler is pebble's ConcurrencyLimitScheduler without its periodic
// goroutine: it grants compactions up to the DB's allowed concurrency when
// the DB asks (TrySchedule), when one ends (Done), when a flush may have
// raised the allowance (UpdateGetAllowedWithoutPermission), and, while any
// compaction runs, every sampleEvery (the allowance may grow meanwhile).
type scheduler struct {
	db pebble.DBForCompaction // set by Register, before any other call

	mu           sync.Mutex // guards the fields below
	cond         *sync.Cond // granting turned false
	running      int
	granting     bool // one grant loop at a time, with mu released
	unregistered bool
	sample       *time.Timer // armed while compactions run
}

var _ pebble.CompactionScheduler = (*scheduler)(nil)
var _ pebble.CompactionGrantHandle = (*scheduler)(nil)

func newScheduler() *scheduler {
	s := &scheduler{}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// Register implements pebble.CompactionScheduler.
func (s *scheduler) Register(_ int, db pebble.DBForCompaction) { s.db = db }

// Unregister implements pebble.CompactionScheduler: no grant happens after
// it returns.
func (s *scheduler) Unregister() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unregistered = true
	if s.sample != nil {
		s.sample.Stop()
		s.sample = nil
	}
	for s.granting {
		s.cond.Wait()
	}
}

// TrySchedule implements pebble.CompactionScheduler.
func (s *scheduler) TrySchedule() (bool, pebble.CompactionGrantHandle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unregistered {
		return false, nil
	}
	if s.db.GetAllowedWithoutPermission() > s.running {
		s.running++
		s.armLocked()
		return true, s
	}
	return false, nil
}

// UpdateGetAllowedWithoutPermission implements pebble.CompactionScheduler.
// The DB calls it holding its own lock, which granting takes: the grant
// runs on a goroutine of its own, as pebble's default scheduler pokes its
// sampling goroutine.
func (s *scheduler) UpdateGetAllowedWithoutPermission() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unregistered || s.db.GetAllowedWithoutPermission() <= s.running {
		return
	}
	go func() {
		s.mu.Lock()
		s.grantLockedAndUnlock()
	}()
}

// Started, MeasureCPU and CumulativeStats implement
// pebble.CompactionGrantHandle; nothing is measured.
func (s *scheduler) Started()                                          {}
func (s *scheduler) MeasureCPU(pebble.CompactionGoroutineKind)         {}
func (s *scheduler) CumulativeStats(pebble.CompactionGrantHandleStats) {}

// Done implements pebble.CompactionGrantHandle: a slot is free.
func (s *scheduler) Done() {
	s.mu.Lock()
	s.running--
	s.grantLockedAndUnlock()
}

// grantLockedAndUnlock grants the DB's waiting compactions the free slots.
// The DB's methods are called with mu released: pebble orders the
// scheduler's locks after the DB's.
func (s *scheduler) grantLockedAndUnlock() {
	defer s.mu.Unlock()
	for s.granting && !s.unregistered {
		s.cond.Wait()
	}
	if s.unregistered {
		return
	}
	free := s.db.GetAllowedWithoutPermission() - s.running
	if free > 0 {
		s.granting = true
		s.mu.Unlock()
		for free > 0 {
			if waiting, _ := s.db.GetWaitingCompaction(); !waiting || !s.db.Schedule(s) {
				break
			}
			s.mu.Lock()
			s.running++
			free--
			s.mu.Unlock()
		}
		s.mu.Lock()
		s.granting = false
		s.cond.Broadcast()
	}
	s.armLocked()
}

// armLocked starts the sampling timer while compactions run.
func (s *scheduler) armLocked() {
	if s.running == 0 || s.sample != nil || s.unregistered {
		return
	}
	s.sample = time.AfterFunc(sampleEvery, func() {
		s.mu.Lock()
		s.sample = nil
		s.grantLockedAndUnlock()
	})
}
