package sim

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

// Service is a protocol registered from Go, for scenarios to name: a
// workload entry whose kind is its key in Options.Services runs it.
// Every host of the run runs the service's core on Port through the
// simulator's driver (service.go), which keeps each node's store across
// its crashes; the workload hands the cores commands at planned times
// and the service checks invariants of its own on what the cores
// answer and report. See the package's Example_service.
type Service struct {
	// Port is the TCP port the cores talk on; required.
	Port uint16
	// Core makes the core of one incarnation of the node whose wallet
	// is self, over its store; rnd is seeded from the run's seed.
	Core func(self common.Address, st service.Store, rnd io.Reader) service.Core
	// Commands plans the work of one workload entry: commands for the
	// hosts' cores (wallets in hosts) at virtual times, drawn from rng.
	Commands func(w Workload, hosts []common.Address, rng *rand.Rand) []Command
	// Observe sees, in order, every command's answer and every event
	// of every core; an error stops the run as a violated invariant.
	// Nil observes nothing.
	Observe func(o Observation) error
	// Check runs at the end of the run; an error is a violated
	// invariant. Nil checks nothing.
	Check func() error
	// Document answers the cores' DID lookups; nil answers none.
	Document func(w common.Address) *naming.Document
}

// Command is a local request for one node's core at a virtual time.
type Command struct {
	At   time.Duration
	Node common.Address
	Cmd  any
}

// Observation is what a service's Observe sees: a command's answer
// (Cmd set; Err is ErrNodeDown if the node was down) or an event.
type Observation struct {
	At     time.Duration
	Node   common.Address
	Cmd    any
	Result any
	Err    error
	Event  any
}

// ErrNodeDown answers a command for a node that is down.
var ErrNodeDown = errors.New("sim: node down")

// customLoad is one workload entry of a registered Service.
type customLoad struct {
	svc  *Service
	cmds []Command
	sv   map[common.Address]*svcNode
}

var (
	_ task       = (*customLoad)(nil)
	_ endChecker = (*customLoad)(nil)
)

// workload makes the tasks of one entry: a svcNode on every host.
func (svc *Service) workload(s *Sim, w Workload, rng *rand.Rand) []task {
	l := &customLoad{svc: svc, sv: map[common.Address]*svcNode{}}
	out := []task{l}
	var hosts []common.Address
	for _, h := range s.hosts {
		n := s.nodes[h]
		hosts = append(hosts, n.self.Wallet)
		sv := &svcNode{s: s, n: n, port: svc.Port, store: &service.Memory{}, docs: svc.Document}
		sv.newCore = func(st *service.Memory, inc int) service.Core {
			return svc.Core(n.self.Wallet, st, newReader(s.seed, "service-"+w.Kind, n.id, inc))
		}
		sv.event = func(e any) { l.observe(s, Observation{Node: n.self.Wallet, Event: e}) }
		n.tasks = append(n.tasks, sv)
		l.sv[n.self.Wallet] = sv
		out = append(out, sv)
	}
	l.cmds = svc.Commands(w, hosts, rng)
	return out
}

func (l *customLoad) observe(s *Sim, o Observation) {
	o.At = time.Duration(s.now.Load())
	if l.svc.Observe == nil {
		return
	}
	if err := l.svc.Observe(o); err != nil {
		s.fail("service: %v", err)
	}
}

func (l *customLoad) schedule(s *Sim) {
	for _, c := range l.cmds {
		sv := l.sv[c.Node]
		if sv == nil {
			s.fail("service: command for %s, which is not a host of the run", c.Node)
			return
		}
		s.at(int64(c.At), kindApp, sv.n.id, func() {
			if sv.n.down || sv.core == nil {
				l.observe(s, Observation{Node: c.Node, Cmd: c.Cmd, Err: ErrNodeDown})
				return
			}
			out := sv.handle(s, service.Input{Kind: service.Command, Cmd: c.Cmd})
			l.observe(s, Observation{Node: c.Node, Cmd: c.Cmd, Result: out.Result, Err: out.Err})
			s.settle(sv.n)
		})
	}
}

func (l *customLoad) poll(*Sim, *node) bool { return false }
func (l *customLoad) crashed(*Sim, *node)   {}
func (l *customLoad) restarted(*Sim, *node) {}
func (l *customLoad) done() bool            { return true } // Check decides

func (l *customLoad) checkEnd(s *Sim) error {
	if l.svc.Check == nil {
		return nil
	}
	if err := l.svc.Check(); err != nil {
		return s.fail("service: %v", fmt.Errorf("at the end: %w", err))
	}
	return nil
}
