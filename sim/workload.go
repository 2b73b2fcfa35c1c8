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
// Adding a workload kind (name resolutions, IM messages) means writing a
// task and a maker in workloadKinds.
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

// workloadMaker turns one workload entry into tasks.
type workloadMaker func(s *Sim, w Workload, rng *rand.Rand) []task

// workloadKinds are the workload kinds a scenario may name.
var workloadKinds = map[string]workloadMaker{
	"tcp": tcpTransfers,
}

// tcpTransfers makes w.Transfers bulk transfers between random pairs (or
// one from every node, PerNode), starting evenly over Spread after Start.
func tcpTransfers(s *Sim, w Workload, rng *rand.Rand) []task {
	count := w.Transfers
	if w.PerNode {
		count = len(s.nodes)
	}
	size := int(w.Bytes)
	if size <= 0 {
		size = 64 << 10
	}
	var out []task
	for i := range count {
		src := int32(rng.IntN(len(s.nodes)))
		if w.PerNode {
			src = int32(i)
		}
		dst := int32(rng.IntN(len(s.nodes) - 1))
		if dst >= src {
			dst++
		}
		start := int64(w.Start)
		if count > 1 {
			start += int64(w.Spread) * int64(i) / int64(count)
		}
		t := &transfer{id: uint32(len(s.tasks) + len(out)), src: s.nodes[src], dst: s.nodes[dst], size: size, startAt: start}
		t.src.tasks = append(t.src.tasks, t)
		if t.dst.srv == nil {
			t.dst.srv = &server{}
		}
		out = append(out, t)
	}
	return out
}

// retryAfter is how long a failed transfer waits before its next try,
// and stallTimeout how long one may make no progress before it is given
// up and retried.
const (
	retryAfter   = time.Second
	stallTimeout = 30 * time.Second
)
