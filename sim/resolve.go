package sim

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
)

// The "resolve" workload: a node looks a random other node's name up on
// the chain through its stack.Node (Lookup: name → wallet through the
// registry and resolver, the wallet's DID document → a valid node key
// and the underlay endpoint published with it → a peer on its link),
// then handshakes and sends a small message (a transfer of w.Bytes,
// default 64, acknowledged by the server). A Missing share of the
// lookups ask for names nobody registered; they must come back
// naming.ErrNotFound.
//
// Lookups go through the one naming client the nodes share, on the run's
// goroutine, against the chain as it stands; the answer counts as
// arriving Naming.RTT × (the chain round trips the lookup made) later, so
// a cached answer comes at once.

// Extra transfer phases of a lookup.
const (
	phaseResolving phase = 100 + iota // a lookup is on its way
)

const defaultMessage = 64

// resolveLookups makes w's lookups: w.Transfers of them between random
// pairs, one from every node (PerNode), or Rate per second over Spread;
// starts spread evenly over Spread after Start.
func resolveLookups(s *Sim, w Workload, rng *rand.Rand) []task {
	count := w.Transfers
	if w.PerNode {
		count = len(s.hosts)
	}
	if w.Rate > 0 {
		count = max(1, int(w.Rate*time.Duration(w.Spread).Seconds()))
	}
	size := int(w.Bytes)
	if size <= 0 {
		size = defaultMessage
	}
	var out []task
	for i := range count {
		si, di := s.pair(rng, i, w.PerNode)
		src, dst := s.hosts[si], s.hosts[di]
		start := spreadStart(w, i, count)
		if w.Missing > 0 && rng.Float64() < w.Missing {
			out = append(out, &missingLookup{src: s.nodes[src], label: len(s.nodes) + i, startAt: start})
			continue
		}
		out = append(out, s.newTransfer(len(out), s.nodes[src], s.nodes[dst], size, start))
	}
	return out
}

// reach makes t's destination reachable from its source and returns the
// address to connect to, or false when begin must wait. Without naming
// the destination becomes a static peer. With naming the source looks
// the destination's name up once per incarnation of its link; when the
// answer arrives, begin runs again. A lookup that fails is counted and
// asked again after retryAfter; one that names another wallet stops the
// run.
func (t *transfer) reach(s *Sim) (tcpip.Address, bool) {
	n := t.src
	if s.names == nil {
		if err := s.addPeer(n, t.dst); err != nil {
			s.fail("transfer %d: add peer: %v", t.id, err)
			return tcpip.Address{}, false
		}
		return t.dst.identity(), true
	}
	if t.foundInc == n.inc+1 {
		return tcpip.AddrFrom16(stack.IdentityAddr(t.found).As16()), true
	}
	t.phase = phaseResolving
	name := s.names.nodeName(int(t.dst.id))
	w, after, err := s.lookup(n, name)
	asked, inc := s.now.Load(), n.inc
	s.at(asked+after, kindApp, n.id, func() {
		if t.phase != phaseResolving || n.down || n.inc != inc {
			return
		}
		t.phase = phaseWait
		if err != nil {
			s.stats.LookupFailures++
			s.at(s.now.Load()+int64(retryAfter), kindApp, n.id, func() { t.begin(s) })
			return
		}
		if w != t.dst.self.Wallet {
			s.fail("transfer %d: %s resolved to %s, not node %d's wallet %s", t.id, name, w, t.dst.id, t.dst.self.Wallet)
			return
		}
		s.stats.lookupDone(s.now.Load() - asked)
		t.found, t.foundInc = w, inc+1
		t.begin(s)
	})
	return tcpip.Address{}, false
}

// lookup asks node n's stack to resolve name now and returns its answer
// and how much later, in virtual time, the answer arrives.
func (s *Sim) lookup(n *node, name string) (common.Address, int64, error) {
	s.stats.Lookups++
	before := s.names.roundTrips()
	w, err := n.st.Lookup(context.Background(), name)
	trips := s.names.roundTrips() - before
	return w, int64(trips) * int64(s.sc.Naming.RTT), err
}

// missingLookup asks for a name nobody registered, "n<label>" with label
// beyond the node count; the answer must be naming.ErrNotFound.
type missingLookup struct {
	src      *node
	label    int
	startAt  int64
	finished bool
}

var _ task = (*missingLookup)(nil)

func (m *missingLookup) schedule(s *Sim) {
	s.at(m.startAt, kindApp, m.src.id, func() { m.ask(s) })
}

func (m *missingLookup) ask(s *Sim) {
	if m.finished {
		return // its asker left (churn.go)
	}
	if m.src.down {
		s.at(s.now.Load()+int64(retryAfter), kindApp, m.src.id, func() { m.ask(s) })
		return
	}
	name := "n" + strconv.Itoa(m.label) + "." + s.names.cfg.TLD
	_, after, err := s.lookup(m.src, name)
	asked := s.now.Load()
	s.at(asked+after, kindApp, m.src.id, func() {
		m.finished = true
		switch {
		case err == nil:
			s.fail("lookup of unregistered %s succeeded", name)
		case errors.Is(err, naming.ErrNotFound):
			s.stats.NotFound++
			s.stats.LookupTimes = append(s.stats.LookupTimes, time.Duration(s.now.Load()-asked))
		default:
			s.fail("lookup of unregistered %s: %v", name, err)
		}
	})
}

func (m *missingLookup) poll(*Sim, *node) bool { return false }
func (m *missingLookup) crashed(*Sim, *node)   {}
func (m *missingLookup) restarted(*Sim, *node) {}
func (m *missingLookup) done() bool            { return m.finished }
