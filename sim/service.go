package sim

import (
	"bytes"
	"cmp"
	"encoding/binary"
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
// simulator's counterpart of apps/internal/runner. It listens on the
// service's port, dials wallets the core sends to (their first
// connection carries the frames), frames with a u32 length, turns the
// core's deadlines into events, answers its DID lookups for its workload, and
// keeps its store across crashes: a restarted node gets a new core over
// the same store, as pebble's files would be.
type svcNode struct {
	idle              // done from the start
	l     *customLoad // makes its cores, answers their lookups, sees what they do
	n     *node
	store *service.Memory
	// entries are what the core published (service.Publisher) at its
	// latest Start: its DID document's, kept while it is down.
	entries []naming.Service

	// The fields below belong to the current incarnation.
	core  service.Core
	inc   int
	up    time.Duration // when core started
	ln    tcpip.Endpoint
	lwq   waiter.Queue
	conns []*svcConn // open and opening, oldest first
	visit []*svcConn // poll's copy of conns, kept for its capacity
	due   int64      // the pending timer, 0 if none
	out   service.Effects
}

// svcConn is one connection of a svcNode.
type svcConn struct {
	peer      common.Address
	dialed    bool
	ep        tcpip.Endpoint
	wq        waiter.Queue
	connected bool
	out, in   []byte // out framed, written once connected
	// gone: dropped from the node's connections (drop).
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

var _ task = (*svcNode)(nil)

func (sv *svcNode) schedule(s *Sim) {
	s.at(0, kindApp, sv.n.id, func() {
		if !sv.n.down && sv.core == nil {
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
	sv.core = svc.Core(sv.n.self.Wallet, sv.store, newReader(s.seed, "service-"+sv.l.kind, sv.n.id, sv.inc))
	sv.handle(s, service.Input{Kind: service.Start})
	if p, ok := sv.core.(service.Publisher); ok {
		sv.entries = p.Entries()
	}
	if svc.Started != nil {
		for _, cmd := range svc.Started(sv.n.self.Wallet, sv.core, sv.inc == 0) {
			sv.handle(s, service.Input{Kind: service.Command, Cmd: cmd})
		}
	}
}

func (sv *svcNode) crashed(s *Sim, n *node) {
	if n == sv.n {
		sv.core, sv.ln, sv.conns, sv.due = nil, nil, nil, 0 // gone with the netstack
		sv.inc++
	}
}

func (sv *svcNode) restarted(s *Sim, n *node) {
	if n == sv.n && sv.core == nil {
		sv.boot(s)
	}
}

// handle runs the core on one input and applies its effects; a
// command's answer is observed before the events it caused.
func (sv *svcNode) handle(s *Sim, in service.Input) {
	if sv.core == nil {
		return
	}
	switch in.Kind {
	case service.Up:
		s.stats.ServiceConns++
	case service.Down:
		s.stats.ServiceDowns++
	case service.Timer:
		sv.due = 0
	}
	out := &sv.out
	out.Reset()
	sv.core.Handle(epoch.Add(time.Duration(s.now.Load())), in, out)
	sv.store.Apply(out.Writes)
	for _, w := range out.Hangup {
		sv.drop(func(c *svcConn) bool { return c.peer == w })
	}
	for _, o := range out.Send {
		sv.send(s, o.To, o.Frame)
	}
	for _, w := range out.Lookup {
		ans := service.Input{Kind: service.Document, Peer: w, Err: errNoDocument}
		if ans.Doc = sv.l.document(w); ans.Doc != nil {
			ans.Err = nil
		}
		sv.later(s, s.now.Load(), ans, nil)
	}
	if in.Kind == service.Command {
		sv.l.observe(sv, Observation{Cmd: in.Cmd, Result: out.Result, Err: out.Err})
	}
	for _, e := range out.Events {
		sv.l.observe(sv, Observation{Event: e})
	}
	if d := out.Deadline; !d.IsZero() {
		at := max(int64(d.Sub(epoch)), s.now.Load())
		if sv.due == 0 || at < sv.due {
			sv.due = at
			sv.later(s, at, service.Input{Kind: service.Timer}, func() bool { return sv.due == at })
		}
	}
}

// later hands the core in at virtual time at, unless the node restarted
// meanwhile or ok (if set) then says no.
func (sv *svcNode) later(s *Sim, at int64, in service.Input, ok func() bool) {
	inc := sv.inc
	s.at(at, kindApp, sv.n.id, func() {
		if sv.inc == inc && (ok == nil || ok()) {
			sv.handle(s, in)
			s.settle(sv.n)
		}
	})
}

// drop closes and forgets the connections gone picks.
func (sv *svcNode) drop(gone func(*svcConn) bool) {
	kept := sv.conns[:0]
	for _, c := range sv.conns {
		if gone(c) {
			c.gone = true
			c.ep.Abort()
		} else {
			kept = append(kept, c)
		}
	}
	clear(sv.conns[len(kept):])
	sv.conns = kept
}

// current is the connection that carries frames to w: the newest one
// open, else the newest being opened.
func (sv *svcNode) current(w common.Address) *svcConn {
	var opening *svcConn
	for i := len(sv.conns) - 1; i >= 0; i-- {
		if c := sv.conns[i]; c.peer == w {
			if c.connected {
				return c
			}
			opening = cmp.Or(opening, c)
		}
	}
	return opening
}

// opened makes c, just connected or accepted, the connection to its
// wallet: the core hears Down for the one before (frames on it may be
// lost or overtaken), which is closed if the peer had dialed it too
// (the peer gave it up), then Up.
func (sv *svcNode) opened(s *Sim, c *svcConn) {
	var prev *svcConn // the newest connection to c's wallet open before
	for _, x := range sv.conns {
		if x != c && x.peer == c.peer && x.connected {
			prev = x
		}
	}
	// Dials to the same wallet still under way are given up: what waits
	// for them goes first on c, in the order it was sent.
	sv.drop(func(x *svcConn) bool {
		if x == c || x.peer != c.peer || x.connected {
			return false
		}
		c.out = append(c.out, x.out...)
		return true
	})
	if prev != nil {
		if !prev.dialed && !c.dialed {
			sv.drop(func(x *svcConn) bool { return x == prev })
		}
		sv.handle(s, service.Input{Kind: service.Down, Peer: c.peer})
	}
	if sv.core != nil && sv.current(c.peer) == c {
		sv.handle(s, service.Input{Kind: service.Up, Peer: c.peer})
	}
}

// send frames f for w: on its connection, or on one it dials.
func (sv *svcNode) send(s *Sim, w common.Address, f []byte) {
	c := sv.current(w)
	if c == nil {
		if c = sv.dial(s, w); c == nil {
			sv.later(s, s.now.Load(), service.Input{Kind: service.Down, Peer: w}, func() bool { return sv.current(w) == nil })
			return
		}
	}
	c.out = binary.BigEndian.AppendUint32(c.out, uint32(len(f)))
	c.out = append(c.out, f...)
}

// dial opens a connection to w's node; nil if it failed at once.
func (sv *svcNode) dial(s *Sim, w common.Address) *svcConn {
	to, ok := s.byWallet[w]
	if !ok || s.addPeer(sv.n, to) != nil {
		return nil
	}
	c := &svcConn{peer: w, dialed: true}
	c.watch(&c.wq)
	ep, err := sv.n.in.Netstack.NewEndpoint(tcp.ProtocolNumber, ipv6.ProtocolNumber, &c.wq)
	if err != nil {
		return nil
	}
	switch err := ep.Connect(tcpip.FullAddress{NIC: 1, Addr: to.identity(), Port: sv.l.svc.Port}); err.(type) {
	case nil, *tcpip.ErrConnectStarted:
	default:
		ep.Abort()
		return nil
	}
	c.ep = ep
	sv.conns = append(sv.conns, c)
	return c
}

// poll accepts connections and moves every connection on.
func (sv *svcNode) poll(s *Sim, n *node) bool {
	if n != sv.n || sv.core == nil {
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
		sv.opened(s, c)
	}
	sv.visit = append(sv.visit[:0], sv.conns...)
	for _, c := range sv.visit {
		if sv.core == nil {
			break
		}
		dirty := c.dirty.Load() && c.dirty.Swap(false) // a load first: most are clean
		if c.gone || (!dirty && c.connected && len(c.out) == 0) {
			continue // nothing to read or write: pumping it would do nothing
		}
		if sv.pump(s, c) {
			progress = true
		}
	}
	clear(sv.visit)
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
			sv.lost(s, c)
			return true
		}
		c.connected, progress = true, true
		sv.opened(s, c)
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
		sv.handle(s, service.Input{Kind: service.Frame, Peer: c.peer, Frame: f})
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
		sv.lost(s, c)
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

// svcMaxFrame is the largest frame a service may send in the simulator.
const svcMaxFrame = 1 << 20

// lost forgets a connection that failed or ended: Down if it carried
// the frames to its wallet, then Up if another one will.
func (sv *svcNode) lost(s *Sim, c *svcConn) {
	was := sv.current(c.peer) == c
	sv.drop(func(x *svcConn) bool { return x == c })
	if !was {
		return
	}
	sv.handle(s, service.Input{Kind: service.Down, Peer: c.peer})
	if next := sv.current(c.peer); next != nil && next.connected {
		sv.handle(s, service.Input{Kind: service.Up, Peer: c.peer})
	}
}
