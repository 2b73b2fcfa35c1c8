package sim

import "time"

// Recovery after a partition heals: when a partition fault ends, every
// transfer that is connected and not done (sending, or waiting for its
// acknowledgement) is watched until it moves data again (poll sees
// progress: bytes written, bytes leaving the send queue, the
// acknowledgement). Stats.HealFlows counts them and Stats.HealMoved holds,
// per flow that moved, the time from the heal; the report prints the
// largest, the time until every flow moved again.

// healWatch follows the transfers in flight at one heal.
type healWatch struct {
	at      int64
	pending map[uint32]bool // transfer ids not yet moving again
}

// healed starts watching the transfers in flight now, at the end of a
// partition; it replaces an earlier watch.
func (s *Sim) healed() {
	w := &healWatch{at: s.now.Load(), pending: make(map[uint32]bool)}
	for _, tk := range s.tasks {
		t, ok := tk.(*transfer)
		if !ok || t.ep == nil || (t.phase != phaseSending && t.phase != phaseAck) {
			continue
		}
		w.pending[t.id] = true
	}
	s.heal = w
	s.stats.HealFlows = len(w.pending)
	s.stats.HealMoved = s.stats.HealMoved[:0]
}

// moved notes that transfer t moved data at now.
func (s *Sim) moved(t *transfer) {
	w := s.heal
	if w == nil || !w.pending[t.id] {
		return
	}
	delete(w.pending, t.id)
	s.stats.HealMoved = append(s.stats.HealMoved, time.Duration(s.now.Load()-w.at))
}
