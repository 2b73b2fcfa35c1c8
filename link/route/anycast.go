package route

import (
	"bytes"
	"time"

	"github.com/anynet/anynet/link/locator"
)

// Instance is one node serving an anycast wallet, as the sender sees it.
type Instance struct {
	ID      ID              // the instance's node key
	Locator locator.Locator // where it is
	RTT     time.Duration   // measured round-trip time; zero if not yet known
}

// Hysteresis keeps new flows from flapping between instances: the
// preferred instance changes only for one that beats it by MinGain and by
// MinGainPercent, has done so for Hold, and not sooner than MinInterval
// after the last change. Failures move flows at once.
type Hysteresis struct {
	MinGain        time.Duration
	MinGainPercent int
	Hold           time.Duration
	MinInterval    time.Duration
}

// DefaultHysteresis is what Selector uses when given the zero value.
func DefaultHysteresis() Hysteresis {
	return Hysteresis{
		MinGain:        5 * time.Millisecond,
		MinGainPercent: 20,
		Hold:           10 * time.Second,
		MinInterval:    30 * time.Second,
	}
}

// Selector picks, for one anycast wallet, the instance each flow goes to:
// new flows go to the preferred instance (lowest RTT, then the locator
// sharing the longest prefix with the sender's, then the lower ID), and a
// flow stays pinned to the instance it started on until that instance
// fails. It is pure state: the caller passes the time. Not safe for
// concurrent use.
type Selector[F comparable] struct {
	self      locator.Locator
	h         Hysteresis
	instances map[ID]Instance
	pins      map[F]ID

	preferred  ID
	hasPref    bool
	lastSwitch time.Time
	challenger ID
	since      time.Time // when the challenger started beating preferred
}

// NewSelector returns a selector for a sender at self. A zero h means
// DefaultHysteresis.
func NewSelector[F comparable](self locator.Locator, h Hysteresis) *Selector[F] {
	if h == (Hysteresis{}) {
		h = DefaultHysteresis()
	}
	return &Selector[F]{self: self, h: h, instances: make(map[ID]Instance), pins: make(map[F]ID)}
}

// Update records the instances now known (with their latest RTTs). An
// instance missing from the list has failed: its flows are unpinned.
func (s *Selector[F]) Update(now time.Time, instances []Instance) {
	next := make(map[ID]Instance, len(instances))
	for _, in := range instances {
		next[in.ID] = in
	}
	s.instances = next
	for f, id := range s.pins {
		if _, ok := next[id]; !ok {
			delete(s.pins, f)
		}
	}
	s.reconsider(now)
}

// Fail marks one instance dead (a handshake or keepalive timed out).
func (s *Selector[F]) Fail(now time.Time, id ID) {
	delete(s.instances, id)
	for f, pinned := range s.pins {
		if pinned == id {
			delete(s.pins, f)
		}
	}
	s.reconsider(now)
}

// Pick returns the instance for flow, pinning it on first use.
func (s *Selector[F]) Pick(now time.Time, flow F) (Instance, bool) {
	if id, ok := s.pins[flow]; ok {
		return s.instances[id], true
	}
	s.reconsider(now)
	if !s.hasPref {
		return Instance{}, false
	}
	s.pins[flow] = s.preferred
	return s.instances[s.preferred], true
}

// Release forgets a finished flow.
func (s *Selector[F]) Release(flow F) { delete(s.pins, flow) }

// Preferred returns the instance new flows go to.
func (s *Selector[F]) Preferred() (Instance, bool) {
	in, ok := s.instances[s.preferred]
	return in, ok && s.hasPref
}

// reconsider applies the hysteresis to the best instance now known.
func (s *Selector[F]) reconsider(now time.Time) {
	best, ok := s.best()
	if !ok {
		s.hasPref = false
		return
	}
	cur, alive := s.instances[s.preferred]
	if !s.hasPref || !alive {
		s.preferred, s.hasPref, s.lastSwitch = best.ID, true, now
		s.since = time.Time{}
		return
	}
	if best.ID == cur.ID || !s.clearGain(cur, best) {
		s.since = time.Time{}
		return
	}
	if s.since.IsZero() || s.challenger != best.ID {
		s.challenger, s.since = best.ID, now
	}
	if now.Sub(s.since) >= s.h.Hold && now.Sub(s.lastSwitch) >= s.h.MinInterval {
		s.preferred, s.lastSwitch, s.since = best.ID, now, time.Time{}
	}
}

// clearGain reports whether b beats a by the configured margins. Only
// measured RTTs count: locator proximity alone never moves flows.
func (s *Selector[F]) clearGain(a, b Instance) bool {
	if a.RTT == 0 || b.RTT == 0 || b.RTT >= a.RTT {
		return false
	}
	gain := a.RTT - b.RTT
	return gain >= s.h.MinGain && int64(gain)*100 >= int64(a.RTT)*int64(s.h.MinGainPercent)
}

// best ranks the instances: known RTT before unknown, lower RTT, longer
// shared prefix, lower ID.
func (s *Selector[F]) best() (Instance, bool) {
	var best Instance
	found := false
	for _, in := range s.instances {
		if !found || s.less(in, best) {
			best, found = in, true
		}
	}
	return best, found
}

func (s *Selector[F]) less(a, b Instance) bool {
	if (a.RTT == 0) != (b.RTT == 0) {
		return a.RTT != 0
	}
	if a.RTT != b.RTT {
		return a.RTT < b.RTT
	}
	pa, pb := locator.CommonPrefixLen(s.self, a.Locator), locator.CommonPrefixLen(s.self, b.Locator)
	if pa != pb {
		return pa > pb
	}
	return bytes.Compare(a.ID[:], b.ID[:]) < 0
}

// PinTo pins flow to instance id unless the flow is pinned already (a
// flow the remote instance opened is pinned where its first packet came
// from), and reports whether flow is now pinned to id. An unknown id
// pins nothing.
func (s *Selector[F]) PinTo(flow F, id ID) bool {
	if cur, ok := s.pins[flow]; ok {
		return cur == id
	}
	if _, ok := s.instances[id]; !ok {
		return false
	}
	s.pins[flow] = id
	return true
}
