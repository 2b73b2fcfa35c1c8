package sim

import (
	"context"
	"fmt"
)

// scheduleFaults queues the start and end of every fault. Which nodes
// crash and which segments are cut off is drawn from the engine's seeded
// generator when the fault starts.
func (s *Sim) scheduleFaults() {
	for _, f := range s.sc.Faults {
		end := s.end + 1
		if f.For > 0 {
			end = int64(f.At + f.For)
		}
		switch f.Kind {
		case "loss":
			s.at(int64(f.At), kindFault, engineSource, func() { s.withNet(func(nw *network) { nw.loss = f.Rate }) })
			s.at(end, kindFault, engineSource, func() { s.withNet(func(nw *network) { nw.loss = 0 }) })
		case "link-down":
			if len(s.net.edges) == 0 {
				continue
			}
			s.at(int64(f.At), kindFault, engineSource, func() { s.withNet(func(nw *network) { nw.setEdge(f.Link, true) }) })
			s.at(end, kindFault, engineSource, func() { s.withNet(func(nw *network) { nw.setEdge(f.Link, false) }) })
		case "partition":
			s.at(int64(f.At), kindFault, engineSource, func() {
				g := make([]int8, s.net.segs)
				cut := max(1, int(f.Frac*float64(len(g))))
				if len(g) == 1 {
					return // one segment cannot be cut
				}
				for _, i := range s.rng.Perm(len(g))[:min(cut, len(g)-1)] {
					g[i] = 1
				}
				s.withNet(func(nw *network) { nw.group = g })
			})
			s.at(end, kindFault, engineSource, func() {
				s.withNet(func(nw *network) { nw.group = nil })
				s.healed() // heal.go: watch the flows in flight
			})
		case "crash":
			var victims []*node
			s.at(int64(f.At), kindFault, engineSource, func() {
				cand := s.crashCandidates(f)
				for _, i := range s.rng.Perm(len(cand))[:min(max(f.Count, 1), len(cand))] {
					n := s.nodes[cand[i]]
					if n.down {
						continue
					}
					victims = append(victims, n)
					s.crash(n)
				}
			})
			s.at(end, kindFault, engineSource, func() {
				for _, n := range victims {
					s.restart(n)
				}
			})
		}
	}
}

// crashCandidates are the nodes a crash fault picks from: all, or only
// the overlay routers (f.Routers) or only the hosts (f.Hosts).
func (s *Sim) crashCandidates(f Fault) []int32 {
	var out []int32
	for i := range s.nodes {
		r := s.rt.isRouter(int32(i))
		if f.Routers && !r || f.Hosts && r {
			continue
		}
		out = append(out, int32(i))
	}
	return out
}

func (s *Sim) withNet(fn func(*network)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.net)
}

func (s *Sim) crash(n *node) {
	s.checkNode(n)
	s.stats.Crashes++
	n.stop()
	for _, t := range n.tasks {
		t.crashed(s, n)
	}
}

func (s *Sim) restart(n *node) {
	if !n.down || n.left || n.late {
		return // up, gone for good, or not yet joined (churn.go)
	}
	if err := n.start(context.Background()); err != nil {
		s.fail("restart: %v", err)
		return
	}
	for _, t := range n.tasks {
		t.restarted(s, n)
	}
	s.settle(n)
}

// checkEnd checks what must hold once the run is over.
func (s *Sim) checkEnd() {
	s.mu.Lock()
	inFlight := uint64(0)
	for _, ev := range s.events {
		if ev.kind == kindDeliver || ev.kind == kindHop {
			inFlight++
		}
	}
	st := &s.stats
	dropped := uint64(0)
	for _, v := range st.Drops {
		dropped += v
	}
	if st.FramesSent != st.FramesDelivered+dropped+inFlight {
		s.mu.Unlock()
		s.fail("frames: %d sent != %d delivered + %d dropped + %d in flight", st.FramesSent, st.FramesDelivered, dropped, inFlight)
		return
	}
	s.mu.Unlock()
	for _, n := range s.nodes {
		s.checkNode(n)
	}
	for _, t := range s.tasks {
		if c, ok := t.(endChecker); ok && c.checkEnd(s) != nil {
			return
		}
	}
	if s.sc.Expect.AllComplete {
		for _, t := range s.tasks {
			if !t.done() {
				s.fail("%s not complete at the end", describe(t))
				return
			}
		}
	}
}

// checkNode checks what must hold of a running node's link: the
// simulated network neither corrupts nor duplicates frames, so nothing
// is malformed, spoofed or replayed, and nothing is too big or refused
// by an open underlay.
func (s *Sim) checkNode(n *node) {
	if n.down {
		return
	}
	ls := n.st.LinkStats()
	// An initiation superseded by a newer one from the same node (two at
	// one instant) that jitter delivers after the newer one is refused as
	// a handshake replay: that is reordering, which the network does, not
	// duplication. Only replayed data and control frames count.
	hsReplays := n.in.Sessions.Stats().DroppedHandshakeReplay
	for _, c := range []struct {
		what string
		v    uint64
	}{
		{"malformed", ls.DroppedMalformed},
		{"spoofed", ls.DroppedSpoofed},
		{"replayed", ls.DroppedReplay - min(hsReplays, ls.DroppedReplay)},
		{"too big", ls.DroppedTooBig},
		{"send errors", ls.SendErrors},
	} {
		if c.v != 0 {
			s.fail("node %d: %d frames %s", n.id, c.v, c.what)
			return
		}
	}
}

func describe(t task) string {
	if d, ok := t.(interface{ describe() string }); ok {
		return d.describe()
	}
	if tr, ok := t.(*transfer); ok {
		return fmt.Sprintf("transfer %d (node %d → %d, %d attempts)", tr.id, tr.src.id, tr.dst.id, tr.attempts)
	}
	return fmt.Sprintf("%T", t)
}

func errorf(format string, args ...any) error { return fmt.Errorf("sim: "+format, args...) }
