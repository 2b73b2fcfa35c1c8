package sim

import (
	"bytes"
	"encoding/binary"
	"slices"
	"sync/atomic"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// svcNode drives one service core (service.Core) on one node, in
// virtual time, through the node's non-blocking netstack endpoints: the
// simulator's counterpart of apps/internal/runner, around the same
// service.Driver. It listens on the service's port, dials wallets the
// driver asks for, frames with a u32 length, turns the core's deadlines
// into events, answers its DID lookups for its workload, and keeps its
// store across crashes: a restarted node gets a new core over the same
// store, as pebble's files would be.
type svcNode struct {
	idle              // done from the start
	l     *customLoad // makes its cores, answers their lookups, sees what they do
	n     *node
	store *service.Memory
	// entries are what the core published (service.Publisher) at its
	// latest Start: its DID document's, kept while it is down.
	// published: a core started once, so the node has a document (with
	// no entries if its core is no Publisher).
	entries   []naming.Service
	published bool

	// The fields below belong to the current incarnation.
	d     *service.Driver // nil while the node is down
	inc   int
	up    time.Duration // when the core started
	ln    tcpip.Endpoint
	lwq   waiter.Queue
	conns []*svcConn // open and dialing, oldest first
	wakes int        // Wake calls: a Timer event of an earlier one is stale
}

// svcConn is one connection of a svcNode, accepted or dialed.
type svcConn struct {
	peer      common.Address
	ep        tcpip.Endpoint
	wq        waiter.Queue
	connected bool
	out, in   []byte // out framed, written once connected
	// gone: closed, to drop from the node's connections.
	gone bool
	// dirty: the endpoint signalled (readable, writable, error, hang-up)
	// since the last pump; poll pumps only such connections and those
	// with bytes to write or a connect under way, so a node with many
	// connections (a publisher) does not read every one on every event.
	dirty atomic.Bool
	entry waiter.Entry
}

// watch marks c dirty whenever q signals, and now.
func (c *svcConn) watch(q *waiter.Queue) {
	c.dirty.Store(true)
	c.entry = waiter.NewFunctionEntry(waiter.ReadableEvents|waiter.WritableEvents|waiter.EventErr|waiter.EventHUp,
		func(waiter.EventMask) { c.dirty.Store(true) })
	q.EventRegister(&c.entry)
}

var (
	_ task         = (*svcNode)(nil)
	_ service.Link = (*svcConn)(nil)
)

func (sv *svcNode) schedule(s *Sim) {
	s.at(0, kindApp, sv.n.id, func() {
		if !sv.n.down && sv.d == nil {
			sv.boot(s)
			s.settle(sv.n)
		}
	})
}

// boot starts the incarnation's listener and core, and hands the core
// what Service.Started returns.
func (sv *svcNode) boot(s *Sim) {
	sv.lwq = waiter.Queue{}
	ln, err := listen(sv.n, sv.l.svc.Port, &sv.lwq)
	if err != nil {
		s.fail("service on node %d: port %d: %v", sv.n.id, sv.l.svc.Port, err)
		return
	}
	svc := sv.l.svc
	sv.ln, sv.up = ln, time.Duration(s.now.Load())
	sv.d = &service.Driver{
		Core:  svc.Core(sv.n.self.Wallet, sv.store, newReader(s.seed, "service-"+sv.l.kind, sv.n.id, sv.inc)),
		Store: sv.store,
		Now:   func() time.Time { return epoch.Add(time.Duration(s.now.Load())) },
		Dial: func(w common.Address) {
			if !sv.dial(s, w) {
				sv.later(s, s.now.Load(), func(d *service.Driver) { d.Failed(w, nil) })
			}
		},
		Lookup: func(w common.Address) {
			ans := service.Input{Kind: service.Document, Peer: w, Err: errNoDocument}
			if to := sv.l.sv[w]; to != nil && to.published {
				ans.Doc, ans.Err = sv.l.document(w, to.entries), nil
			}
			sv.later(s, s.now.Load(), func(d *service.Driver) { d.Handle(ans) })
		},
		Emit: func(in service.Input, out *service.Effects) { sv.emit(s, in, out) },
		Wake: func(t time.Time) {
			sv.wakes++
			wake := sv.wakes
			sv.later(s, max(int64(t.Sub(epoch)), s.now.Load()), func(d *service.Driver) {
				if sv.wakes == wake {
					d.Handle(service.Input{Kind: service.Timer})
				}
			})
		},
	}
	sv.d.Start()
	if svc.Started != nil {
		for _, cmd := range svc.Started(sv.n.self.Wallet, sv.d.Core, sv.inc == 0) {
			sv.d.Handle(service.Input{Kind: service.Command, Cmd: cmd})
		}
	}
}

func (sv *svcNode) crashed(s *Sim, n *node) {
	if n == sv.n {
		sv.d, sv.ln, sv.conns = nil, nil, nil // gone with the netstack
		sv.inc++
	}
}

func (sv *svcNode) restarted(s *Sim, n *node) {
	if n == sv.n && sv.d == nil {
		sv.boot(s)
	}
}

// emit keeps what a core just started publishes, counts what the core
// hears of connections and hands its answers and events to the
// workload; a command's answer is observed before the events it caused.
func (sv *svcNode) emit(s *Sim, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Start: // published before the core's own lookups are answered
		sv.published = true
		if p, ok := sv.d.Core.(service.Publisher); ok {
			sv.entries = p.Entries()
		}
	case service.Up:
		s.stats.ServiceConns++
	case service.Down:
		s.stats.ServiceDowns++
	case service.Command:
		sv.l.observe(sv, Observation{Cmd: in.Cmd, Result: out.Result, Err: out.Err})
	}
	for _, e := range out.Events {
		sv.l.observe(sv, Observation{Event: e})
	}
}

// later calls fn with the driver at virtual time at, unless the node
// restarted meanwhile.
func (sv *svcNode) later(s *Sim, at int64, fn func(d *service.Driver)) {
	inc := sv.inc
	s.at(at, kindApp, sv.n.id, func() {
		if sv.inc == inc && sv.d != nil {
			fn(sv.d)
			s.settle(sv.n)
		}
	})
}

// Send frames f on c, written once it is connected.
func (c *svcConn) Send(f []byte) {
	c.out = binary.BigEndian.AppendUint32(c.out, uint32(len(f)))
	c.out = append(c.out, f...)
}

// Close ends c; poll drops it.
func (c *svcConn) Close() {
	c.gone = true
	c.ep.Abort()
}

// dial opens a connection to w's node, given up after svcDialTimeout
// as the runner's is; false if it failed at once.
func (sv *svcNode) dial(s *Sim, w common.Address) bool {
	to, ok := s.byWallet[w]
	if !ok || s.addPeer(sv.n, to) != nil {
		return false
	}
	c := &svcConn{peer: w}
	c.watch(&c.wq)
	ep, err := sv.n.in.Netstack.NewEndpoint(tcp.ProtocolNumber, ipv6.ProtocolNumber, &c.wq)
	if err != nil {
		return false
	}
	switch err := ep.Connect(tcpip.FullAddress{NIC: 1, Addr: to.identity(), Port: sv.l.svc.Port}); err.(type) {
	case nil, *tcpip.ErrConnectStarted:
	default:
		ep.Abort()
		return false
	}
	c.ep = ep
	sv.conns = append(sv.conns, c)
	sv.later(s, s.now.Load()+int64(svcDialTimeout), func(d *service.Driver) {
		if !c.connected && !c.gone {
			c.Close()
			d.Failed(w, nil)
		}
	})
	return true
}

// poll accepts connections and moves every connection on.
func (sv *svcNode) poll(s *Sim, n *node) bool {
	if n != sv.n || sv.d == nil {
		return false
	}
	progress := false
	for {
		ep, wq, err := sv.ln.Accept(nil)
		if err != nil {
			break
		}
		progress = true
		addr, aerr := ep.GetRemoteAddress()
		from, ok := s.byIdentity[addr.Addr]
		if aerr != nil || !ok {
			ep.Abort() // not a node of this run
			continue
		}
		c := &svcConn{peer: from.self.Wallet, ep: ep, connected: true}
		c.watch(wq)
		sv.conns = append(sv.conns, c)
		sv.d.Opened(c, c.peer, false)
	}
	for _, c := range sv.conns { // (not those dialed meanwhile)
		dirty := c.dirty.Load() && c.dirty.Swap(false) // a load first: most are clean
		if c.gone || (!dirty && c.connected && len(c.out) == 0) {
			continue // nothing to read or write: pumping it would do nothing
		}
		if sv.pump(s, c) {
			progress = true
		}
	}
	sv.conns = slices.DeleteFunc(sv.conns, func(c *svcConn) bool { return c.gone })
	return progress
}

// pump moves one connection on; it reports progress.
func (sv *svcNode) pump(s *Sim, c *svcConn) bool {
	progress := false
	if !c.connected {
		ready := c.ep.Readiness(waiter.WritableEvents | waiter.EventErr | waiter.EventHUp)
		if ready == 0 {
			return false
		}
		if c.ep.LastError() != nil || ready&(waiter.EventErr|waiter.EventHUp) != 0 {
			c.Close()
			sv.d.Failed(c.peer, nil)
			return true
		}
		c.connected, progress = true, true
		sv.d.Opened(c, c.peer, true) // (only dials start unconnected)
	}
	var got, closed bool
	c.in, got, closed = readAll(c.ep, c.in)
	progress = progress || got
	in := 0 // c.in[:in] is handled
	for len(c.in)-in >= 4 && !c.gone {
		size := binary.BigEndian.Uint32(c.in[in:])
		if size == 0 || size > svcMaxFrame {
			s.fail("service on node %d: frame of %d bytes from %s", sv.n.id, size, c.peer)
			closed = true
			break
		}
		if len(c.in)-in < 4+int(size) {
			break
		}
		f := bytes.Clone(c.in[in+4 : in+4+int(size)])
		in += 4 + int(size)
		sv.d.Handle(service.Input{Kind: service.Frame, Peer: c.peer, Frame: f})
	}
	c.in = compact(c.in, in)
	if c.gone {
		return true // hung up meanwhile
	}
	out := 0 // c.out[:out] is written
	for out < len(c.out) {
		m, err := c.ep.Write(bytes.NewReader(c.out[out:]), tcpip.WriteOptions{})
		if err != nil {
			closed = closed || !isWouldBlock(err)
			break
		}
		out, progress = out+int(m), true
	}
	c.out = compact(c.out, out)
	if closed {
		c.Close()
		sv.d.Closed(c, c.peer)
		return true
	}
	return progress
}

// compact drops b[:done]. It keeps b's array for what comes next (the
// netstack and the core copied what they took), moving the rest to its
// front once that costs less than what was taken, unless b is empty now
// and its array larger than keptBuffer: a connection that once queued a
// burst (a provider's answers to a window of Gets) does not hold that
// much memory for the rest of the run.
func compact(b []byte, done int) []byte {
	if done == len(b) && cap(b) > keptBuffer {
		return nil
	}
	if done*2 < len(b) {
		return b[done:]
	}
	return b[:copy(b, b[done:])]
}

// keptBuffer is the largest array an idle connection keeps.
const keptBuffer = 16 << 10

// svcDialTimeout bounds opening a connection, as the runner's default
// DialTimeout does.
const svcDialTimeout = 10 * time.Second

// svcMaxFrame is the largest frame a service may send in the simulator.
const svcMaxFrame = 1 << 20
