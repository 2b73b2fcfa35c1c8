package sim

import (
	"math/rand/v2"
	"time"
)

// A task is one unit of work of a workload: it starts at its time on a
// node and is then polled after every event on the nodes it registered
// with, from the run's goroutine, with the netstack drained. Tasks use
// the netstack's non-blocking endpoints, never goroutines, so that what
// they do depends on virtual time only.
//
// The kinds are in workloadKinds: "tcp" (bulk transfers, transfer.go),
// "resolve" (lookups then transfers, resolve.go), "im" (instant
// messages in apps/im's protocol, with mailboxes, im.go), "pay"
// (payment channels in apps/pay's core, with cheating payees, pay.go),
// "relay" (relay incentives in apps/relay's core, with cheating Edges,
// relay.go), "mq" (message queues in apps/mq's core, with crashes of
// the queue hosts and consumers, mq.go),
// and "join" and
// "leave" (hosts that come up late or go away for good, churn.go).
// Transfers and conversations run between s.hosts: every node, or, with
// overlay routing, every node but the routers (routing.go). Adding one
// means writing a task and a maker in workloadKinds; a task may also
// check invariants of its own at the end (endChecker).
type task interface {
	// schedule queues the task's start.
	schedule(s *Sim)
	// poll acts on what changed at n; it reports whether it did anything.
	poll(s *Sim, n *node) bool
	// crashed tells the task that node n went down.
	crashed(s *Sim, n *node)
	// restarted tells the task that node n is up again.
	restarted(s *Sim, n *node)
	// done reports whether the task finished.
	done() bool
}

// endChecker is a task with invariants of its own to check at the end
// of the run; a violation is reported through Sim.fail.
type endChecker interface {
	checkEnd(s *Sim) error
}

// workloadMaker turns one workload entry into tasks.
type workloadMaker func(s *Sim, w Workload, rng *rand.Rand) []task

// workloadKinds are the workload kinds a scenario may name.
var workloadKinds = map[string]workloadMaker{
	"tcp":     tcpTransfers,
	"resolve": resolveLookups,
	"im":      imMessages,
	"pay":     payMaker,
	"relay":   relayMaker,
	"mq":      mqMaker,
	"join":    churnMaker(false),
	"leave":   churnMaker(true),
}

// idle is a task that does nothing itself: embedded in a workload's
// state, it keeps that among the tasks, where churn, the end checks and
// tests find it.
type idle struct{}

func (idle) schedule(*Sim)         {}
func (idle) poll(*Sim, *node) bool { return false }
func (idle) crashed(*Sim, *node)   {}
func (idle) restarted(*Sim, *node) {}
func (idle) done() bool            { return true }

// conversations draws w's conversations among s.hosts, as (source,
// destination) node IDs: Conversations of them (one from every host
// with PerNode; Messages/4 by default), each with s.pair.
func (s *Sim) conversations(w Workload, rng *rand.Rand) [][2]int32 {
	n := w.Conversations
	if w.PerNode {
		n = len(s.hosts)
	}
	if n <= 0 {
		n = max(1, w.Messages/4)
	}
	out := make([][2]int32, n)
	for i := range out {
		si, di := s.pair(rng, i, w.PerNode)
		out[i] = [2]int32{s.hosts[si], s.hosts[di]}
	}
	return out
}

// tcpTransfers makes w.Transfers bulk transfers between random pairs (or
// one from every node, PerNode), starting evenly over Spread after Start.
func tcpTransfers(s *Sim, w Workload, rng *rand.Rand) []task {
	count := w.Transfers
	if w.PerNode {
		count = len(s.hosts)
	}
	size := int(w.Bytes)
	if size <= 0 {
		size = 64 << 10
	}
	var out []task
	for i := range count {
		si, di := s.pair(rng, i, w.PerNode)
		src, dst := s.hosts[si], s.hosts[di]
		out = append(out, s.newTransfer(len(out), s.nodes[src], s.nodes[dst], size, spreadStart(w, i, count)))
	}
	return out
}

// spreadStart is when the i-th of count tasks of w starts: evenly over
// Spread after Start.
func spreadStart(w Workload, i, count int) int64 {
	start := int64(w.Start)
	if count > 1 {
		start += int64(w.Spread) * int64(i) / int64(count)
	}
	return start
}

// newTransfer makes the transfer of size bytes from src to dst starting
// at start, the queued-th of the tasks being made, and registers it with
// its source and its destination's server.
func (s *Sim) newTransfer(queued int, src, dst *node, size int, start int64) *transfer {
	t := &transfer{id: uint32(len(s.tasks) + queued), src: src, dst: dst, size: size, startAt: start}
	src.tasks = append(src.tasks, t)
	if dst.srv == nil {
		dst.srv = &server{}
	}
	return t
}

// pair draws a source and a destination among the workload's nodes
// (s.hosts), as indexes into s.hosts: the source at random, or the i-th
// with perNode, and the destination at random among the others.
func (s *Sim) pair(rng *rand.Rand, i int, perNode bool) (src, dst int) {
	src = rng.IntN(len(s.hosts))
	if perNode {
		src = i
	}
	dst = rng.IntN(len(s.hosts) - 1)
	if dst >= src {
		dst++
	}
	return src, dst
}

// retryAfter is how long a failed transfer waits before its next try,
// and stallTimeout how long one may make no progress before it is given
// up and retried.
const (
	retryAfter   = time.Second
	stallTimeout = 30 * time.Second
)
