package sim

import (
	"math/rand/v2"
	"time"
)

// Churn: the workload kinds "join" and "leave". They are workloads, not
// faults, because they change who takes part rather than break what is
// there, and, like the other workloads, come at a count or a rate:
//
//	- {kind: join, nodes: 10, start: 5s, spread: 20s}   # or rate: 0.5
//	- {kind: leave, nodes: 10, start: 10s, spread: 30s}
//
// Nodes (or Rate per second over Spread) hosts are drawn from the
// workload's seeded generator among the hosts that neither route
// (routing.go), keep a service's mailbox, nor churn already; their times are
// Start + Spread·i/count. The node count includes joiners: a joiner is
// built, and registered when the run has naming, like every node, but
// is down from the start until its time, when it comes up as a
// restarted node does (its listeners open, its tasks start or resume);
// meanwhile it refuses IM messages and its transfers wait, as a crashed
// node's do. A leaver goes down for good at its time (a crash it never
// restarts from; a crash fault's restart skips it) and every transfer
// and IM conversation from or to it that is not finished is abandoned:
// its connection is dropped, it is never tried again, and it counts in
// TransfersAbandoned or IMAbandoned (each accepted message not yet
// delivered, and each message offered to a sender for a recipient that
// left) instead of failing expect.all_complete or all_delivered.

// churn is one join or leave workload entry.
type churn struct {
	leave bool
	w     Workload
	rng   *rand.Rand
	count int
	nodes []*node
	at    []int64
	fired int
}

var _ task = (*churn)(nil)

func churnMaker(leave bool) workloadMaker {
	return func(s *Sim, w Workload, rng *rand.Rand) []task {
		count := w.Nodes
		if w.Rate > 0 {
			count = max(1, int(w.Rate*time.Duration(w.Spread).Seconds()))
		}
		return []task{&churn{leave: leave, w: w, rng: rng, count: count}}
	}
}

// pickChurn draws the hosts of every churn entry, in workload order,
// once every workload is made (mailboxes are known), and marks the
// joiners late.
func (s *Sim) pickChurn() {
	taken := make([]bool, len(s.nodes))
	for _, t := range s.tasks {
		if l, ok := t.(*customLoad); ok {
			for w := range l.sv { // (marks only: the order does not matter)
				if b, ok := s.byWallet[l.mailbox(w)]; ok {
					taken[b.id] = true
				}
			}
		}
	}
	for _, t := range s.tasks {
		c, ok := t.(*churn)
		if !ok {
			continue
		}
		var cand []int32
		for _, h := range s.hosts {
			if !taken[h] {
				cand = append(cand, h)
			}
		}
		for _, i := range c.rng.Perm(len(cand))[:min(c.count, len(cand))] {
			n := s.nodes[cand[i]]
			taken[n.id] = true
			n.late = !c.leave
			c.nodes = append(c.nodes, n)
		}
		for i := range c.nodes {
			c.at = append(c.at, spreadStart(c.w, i, len(c.nodes)))
		}
	}
}

func (c *churn) schedule(s *Sim) {
	for i, n := range c.nodes {
		s.at(c.at[i], kindFault, engineSource, func() {
			c.fired++
			if c.leave {
				s.leave(n)
			} else {
				s.join(n)
			}
		})
	}
}

func (c *churn) poll(*Sim, *node) bool { return false }
func (c *churn) crashed(*Sim, *node)   {}
func (c *churn) restarted(*Sim, *node) {}
func (c *churn) done() bool            { return true }

// join brings a late node up for the first time.
func (s *Sim) join(n *node) {
	if !n.late {
		return
	}
	n.late = false
	s.stats.Joins++
	s.restart(n)
}

// leave takes n down for good and abandons what needed it.
func (s *Sim) leave(n *node) {
	if n.left {
		return
	}
	if !n.down {
		s.checkNode(n)
		n.stop()
		for _, t := range n.tasks {
			t.crashed(s, n)
		}
	}
	n.left, n.late = true, false
	s.stats.Leaves++
	for _, t := range s.tasks {
		if a, ok := t.(abandoner); ok {
			a.abandon(s, n)
		}
	}
}

// abandoner is a task that gives up what needs a node that left.
type abandoner interface {
	abandon(s *Sim, n *node)
}

// abandon gives the transfer up if n is one of its ends.
func (t *transfer) abandon(s *Sim, n *node) {
	if n != t.src && n != t.dst || t.phase == phaseDone || t.phase == phaseAbandoned {
		return
	}
	if t.ep != nil && !t.src.down {
		t.ep.Abort()
		s.settle(t.src)
	}
	t.ep = nil
	t.phase = phaseAbandoned
	s.stats.TransfersAbandoned++
}

// abandon stops a lookup whose asker left.
func (m *missingLookup) abandon(s *Sim, n *node) {
	if n == m.src {
		m.finished = true
	}
}
