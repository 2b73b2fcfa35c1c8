package sim

import (
	"bytes"

	"github.com/anynet/anynet/apps/im"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// imRecv is a node's IM service, a task of that node listening on
// im.Port: the receive pipeline of apps/im (receive.go) for text
// messages, the sender's end of receipts sent after a fetch, and the
// mailbox (mailbox.go's keep, serveFetch, drop) for the recipients whose
// mailbox the node is; besides, as a recipient, it fetches its own
// mailbox and sends the receipts owed (im_mailbox.go).
//
// seen, stored, kept and owed are its store and survive crashes, as
// pebble does; the listener and connections go with the netstack.
type imRecv struct {
	load *imLoad
	n    *node
	seen map[im.MessageID]bool // stored message IDs; lookup only
	// stored counts, per conversation, the messages stored: the next
	// one must be that conversation's message number stored.
	stored map[*imConv]int

	wq    waiter.Queue
	ln    tcpip.Endpoint
	conns []*imRecvConn

	imBoxService
	imFetcher
}

type imRecvConn struct {
	wq   waiter.Queue
	ep   tcpip.Endpoint
	from int32 // the node of the authenticated peer
	in   []byte
	out  []byte
}

var _ task = (*imRecv)(nil)

func (r *imRecv) schedule(s *Sim) {
	s.at(0, kindApp, r.n.id, func() {
		if !r.n.down {
			r.listen(s)
			s.settle(r.n)
		}
	})
	r.scheduleFetches(s)
}

func (r *imRecv) done() bool { return true }

func (r *imRecv) listen(s *Sim) {
	r.conns = nil
	r.wq = waiter.Queue{}
	ln, err := r.n.in.Netstack.NewEndpoint(tcp.ProtocolNumber, ipv6.ProtocolNumber, &r.wq)
	if err != nil {
		s.fail("im: node %d: listen: %s", r.n.id, err)
		return
	}
	if err := ln.Bind(tcpip.FullAddress{Port: im.Port}); err != nil {
		ln.Close()
		s.fail("im: node %d: bind: %s", r.n.id, err)
		return
	}
	if err := ln.Listen(64); err != nil {
		ln.Close()
		s.fail("im: node %d: listen: %s", r.n.id, err)
		return
	}
	r.ln = ln
}

func (r *imRecv) crashed(s *Sim, n *node) {
	if n == r.n {
		r.ln, r.conns = nil, nil // gone with the netstack
		r.fetchLost()
	}
}

func (r *imRecv) restarted(s *Sim, n *node) {
	if n == r.n {
		r.listen(s)
		r.afterRestart(s)
	}
}

func (r *imRecv) poll(s *Sim, n *node) bool {
	if n != r.n || r.ln == nil {
		return false
	}
	progress := r.pollClients(s)
	for {
		c := &imRecvConn{}
		ep, _, err := r.ln.Accept(nil)
		if err != nil {
			break
		}
		progress = true
		addr, aerr := ep.GetRemoteAddress()
		from, ok := r.load.byAddr[addr.Addr]
		if aerr != nil || !ok {
			ep.Abort() // not a node of this run
			continue
		}
		c.ep, c.from = ep, from
		c.out = im.AppendHello(c.out, r.load.keys[r.n.id].pub)
		r.conns = append(r.conns, c)
	}
	kept := r.conns[:0]
	for _, c := range r.conns {
		p, keep := r.serve(s, c)
		progress = progress || p
		if keep {
			kept = append(kept, c)
		}
	}
	clear(r.conns[len(kept):])
	r.conns = kept
	return progress
}

// serve reads what arrived on c, answers it and writes what is owed;
// keep is false once c is finished.
func (r *imRecv) serve(s *Sim, c *imRecvConn) (progress, keep bool) {
	var closed bool
	c.in, progress, closed = readAll(c.ep, c.in)
	for {
		f, used, err := im.ParseFrame(c.in, imMaxFrame)
		if err != nil {
			s.fail("im: node %d: frame from node %d: %v", r.n.id, c.from, err)
			c.ep.Abort()
			return true, false
		}
		if used == 0 {
			break
		}
		c.in = c.in[used:]
		if !r.handle(s, c, f) {
			c.ep.Abort()
			return true, false
		}
	}
	for len(c.out) > 0 {
		m, err := c.ep.Write(bytes.NewReader(c.out), tcpip.WriteOptions{})
		if isWouldBlock(err) {
			break
		}
		if err != nil {
			closed = true
			break
		}
		c.out = c.out[m:]
		progress = true
	}
	if closed {
		c.ep.Close()
		return true, false
	}
	return progress, true
}

// handle answers one frame from c's peer (receive.go's serve); false
// means an invariant broke.
func (r *imRecv) handle(s *Sim, c *imRecvConn, f im.WireFrame) bool {
	switch f.Type {
	case im.FrameMsg:
		if !r.receive(s, c.from, f) {
			return false
		}
		c.out = im.AppendReceipt(c.out, im.Delivered, []im.MessageID{f.ID})
	case im.FrameReceipt:
		if f.Status == im.Delivered {
			return r.load.receipt(s, r.n, c.from, f.IDs)
		}
	case im.FrameDeposit, im.FrameFetch, im.FrameDrop:
		return r.serveBox(s, c, f)
	}
	return true
}

// receive stores a MSG from node from unless it has it already (step 3
// of apps/im's receive path), checking it against what was sent; false
// means an invariant broke.
func (r *imRecv) receive(s *Sim, from int32, f im.WireFrame) bool {
	if r.seen[f.ID] {
		s.stats.IMDuplicates++
		return true
	}
	m := r.load.msgs[f.ID]
	switch {
	case m == nil || !m.accepted:
		s.fail("im: node %d got message %s from node %d that was never accepted", r.n.id, f.ID, from)
		return false
	case m.conv.src.id != from || m.conv.dst != r.n:
		s.fail("im: node %d got message %s of conversation %d→%d from node %d", r.n.id, f.ID, m.conv.src.id, m.conv.dst.id, from)
		return false
	case f.Kind != 1 || f.Text != m.text || f.Sent != m.sent:
		s.fail("im: node %d got message %s altered", r.n.id, f.ID)
		return false
	case m.storedOnce:
		s.fail("im: node %d stored message %s twice", r.n.id, f.ID)
		return false
	}
	if r.stored == nil {
		r.stored = map[*imConv]int{}
	}
	if want := r.stored[m.conv]; m.seq != want {
		s.fail("im: conversation %d (node %d → %d): message #%d stored before #%d", m.conv.id, from, r.n.id, m.seq, want)
		return false
	}
	r.stored[m.conv]++
	r.seen[f.ID] = true
	m.storedOnce = true
	s.stats.IMStored++
	return true
}
