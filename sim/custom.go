package sim

import (
	"errors"
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
	// hosts' cores (wallets in lay.Hosts) at virtual times, drawn from
	// rng.
	Commands func(w Workload, lay Layout, rng *rand.Rand) []Command
	// Observe sees, in order, every command's answer and every event
	// of every core; an error stops the run as a violated invariant.
	// Nil observes nothing.
	Observe func(o Observation) error
	// Check runs at the end of the run; an error is a violated
	// invariant. Nil checks nothing.
	Check func() error
	// Document, if set, completes the DID document each host
	// publishes (its identity and, once its core started, the core's
	// entries: service.Publisher), which answers the cores' lookups:
	// say, with the mailbox that keeps the host's messages while it
	// is away (such nodes do not churn).
	Document func(d *naming.Document)
	// Started, if set, is called after each start of a node's core
	// (first on the node's first); the commands it returns are handed
	// to that core at once, before anything else reaches it, and their
	// answers observed. Nil does nothing.
	Started func(self common.Address, core service.Core, first bool) []any
	// OnRouters runs the service on the overlay's routers too, in a
	// routed run (caches on the path); their wallets are in
	// Layout.Routers, not among its Hosts.
	OnRouters bool
}

// Layout is the run as a service's Commands see it: its hosts and, in
// a routed run, which nodes route and whose router each host attaches
// to (empty in a run without routing).
type Layout struct {
	Hosts    []common.Address
	Routers  []common.Address                  // one per segment
	RouterOf map[common.Address]common.Address // a host's router
}

// Command is a local request for one node's core at a virtual time.
type Command struct {
	At   time.Duration
	Node common.Address
	Cmd  any
	// Make, if set, makes the command when it is due instead of Cmd,
	// from what earlier answers said; a nil command is skipped.
	Make func() any
}

// Observation is what a service's Observe sees: a command's answer
// (Cmd set; Err is ErrNodeDown if the node was down), observed before
// the events that command caused, or an event.
type Observation struct {
	At     time.Duration
	Node   common.Address
	Cmd    any
	Result any
	Err    error
	Event  any
	// Core is the node's core when the command ran or the event came
	// (nil if the node was down): ask it what it holds.
	Core service.Core
	// Started is when the node's core last started.
	Started time.Duration
	// Then schedules one more command, at c.At or now if that passed
	// (a reaction: a reply, a read receipt, a download).
	Then func(c Command)
}

// ErrNodeDown answers a command for a node that is down.
var ErrNodeDown = errors.New("sim: node down")

// customLoad is one workload entry of a registered Service.
type customLoad struct {
	idle // but for schedule; Check decides when it is done
	s    *Sim
	svc  *Service
	kind string // the workload's
	cmds []Command
	sv   map[common.Address]*svcNode
	then func(c Command) // l.run, made once
}

var (
	_ task       = (*customLoad)(nil)
	_ endChecker = (*customLoad)(nil)
)

// workload makes the tasks of one entry: a svcNode on every host.
func (svc *Service) workload(s *Sim, w Workload, rng *rand.Rand) []task {
	l := &customLoad{s: s, svc: svc, kind: w.Kind, sv: map[common.Address]*svcNode{}}
	l.then = l.run
	out := []task{l}
	lay := Layout{RouterOf: map[common.Address]common.Address{}}
	for _, n := range s.nodes { // the routers (if any) first, then the hosts
		if s.rt.isRouter(n.id) {
			lay.Routers = append(lay.Routers, n.self.Wallet)
			if !svc.OnRouters {
				continue
			}
		} else {
			lay.Hosts = append(lay.Hosts, n.self.Wallet)
			if s.rt != nil {
				lay.RouterOf[n.self.Wallet] = s.nodes[s.net.nodeSeg[n.id]].self.Wallet
			}
		}
		sv := &svcNode{l: l, n: n, store: &service.Memory{}}
		n.tasks = append(n.tasks, sv)
		l.sv[n.self.Wallet] = sv
		out = append(out, sv)
	}
	l.cmds = svc.Commands(w, lay, rng)
	return out
}

// document is w's DID document as its host publishes it: its identity
// and its core's entries (service.Publisher), completed by
// Service.Document.
func (l *customLoad) document(w common.Address, entries []naming.Service) *naming.Document {
	d := &naming.Document{Identity: w, Services: entries}
	if l.svc.Document != nil {
		l.svc.Document(d)
	}
	return d
}

// mailbox is the node that keeps w's messages while w is away, as
// Service.Document names it; the zero address if none.
func (l *customLoad) mailbox(w common.Address) common.Address {
	return common.HexToAddress(l.document(w, nil).Mailbox)
}

// observe hands o, an answer or event of sv's core (nil while the node
// is down), to Service.Observe.
func (l *customLoad) observe(sv *svcNode, o Observation) {
	o.Node, o.Started = sv.n.self.Wallet, sv.up
	if sv.d != nil {
		o.Core = sv.d.Core
	}
	o.At, o.Then = time.Duration(l.s.now.Load()), l.then
	if l.svc.Observe == nil {
		return
	}
	if err := l.svc.Observe(o); err != nil {
		l.s.fail("service: %v", err)
	}
}

func (l *customLoad) schedule(s *Sim) {
	for _, c := range l.cmds {
		l.run(c)
	}
}

// run schedules c.
func (l *customLoad) run(c Command) {
	s, sv := l.s, l.sv[c.Node]
	if sv == nil {
		s.fail("service: command for %s, which is not a host of the run", c.Node)
		return
	}
	s.at(max(int64(c.At), s.now.Load()), kindApp, sv.n.id, func() {
		cmd := c.Cmd
		if c.Make != nil {
			if cmd = c.Make(); cmd == nil {
				return
			}
		}
		if sv.n.down || sv.d == nil {
			l.observe(sv, Observation{Cmd: cmd, Err: ErrNodeDown})
			return
		}
		sv.d.Handle(service.Input{Kind: service.Command, Cmd: cmd})
		s.settle(sv.n)
	})
}

func (l *customLoad) checkEnd(s *Sim) error {
	if l.svc.Check == nil {
		return nil
	}
	if err := l.svc.Check(); err != nil {
		return s.fail("service: at the end: %v", err)
	}
	return nil
}
