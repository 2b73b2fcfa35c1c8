package sim

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/anynet/anynet/apps/im"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

// The "im" workload: messages between random pairs of nodes, sent and
// received by apps/im's own core (im.Core) on every node of the
// workload through a svcNode (service.go). The glue offers messages
// (im.SendCmd or, for Attach, im.SendFileCmd, with IDs chosen here),
// answers DID lookups and checks what the cores tell their users: a
// recipient shows only accepted messages, from their sender, unaltered,
// once each, in the order accepted; a receipt names only a message
// shown; nothing fails but what a blocker refused, which is never
// shown; an allowed sender's come as messages. At the end, with
// expect.all_delivered, every accepted message was delivered, but
// those blocked. Groups are in im_group.go.

// imConfig is the cores' configuration: apps/im's defaults, but
// RetryMax 16 s, so that a recipient that comes back is found soon.
var imConfig = im.CoreConfig{RetryMax: 16 * time.Second, Mailbox: true}

const imTextSize = 64

// imLoad is the shared state of one "im" workload entry.
type imLoad struct {
	msgs  map[im.MessageID]*imMsg // lookup only, never iterated
	all   []*imMsg                // in the order they are offered
	convs []*imConv
	svc   map[int32]*svcNode // the IM service of every node the workload uses
	boxes []*node            // per node, its mailbox node
	keys  map[int32][32]byte // seal keys, as published once a node's core started
	read  bool               // recipients mark what they are shown read
	w     Workload

	groups []*imGroup
	gposts []*imGroupMsg                // in the order posted
	gmsgs  map[im.MessageID]*imGroupMsg // lookup only
}

// imConv is one conversation (sender, recipient).
type imConv struct {
	id        int
	src, dst  *node
	box       *node    // the recipient's mailbox node
	msgs      []*imMsg // accepted, oldest first
	next      int      // msgs[:next] are delivered
	stored    int      // msgs[:stored] the recipient showed
	abandoned bool     // an end left for good (churn.go)
	// consent the recipient gives the sender before the run (Allowed,
	// Blocked, or Unknown).
	consent im.Consent
}

// imMsg is one message of the workload and what became of it.
type imMsg struct {
	id                    im.MessageID
	conv                  *imConv
	text                  string
	at, doneAt            int64
	seq                   int
	accepted, delivered   bool
	storedOnce, abandoned bool
	senderCrashed, attach bool
	refused               bool // failed: its recipient blocked the sender
}

// imMessages makes the tasks of one "im" workload entry: Conversations
// (sender, recipient) pairs (one from every host with PerNode) and
// Messages messages over them in turn, each of Bytes bytes of text.
func imMessages(s *Sim, w Workload, rng *rand.Rand) []task {
	convs := w.Conversations
	if w.PerNode {
		convs = len(s.hosts)
	}
	if convs <= 0 {
		convs = max(1, w.Messages/4)
	}
	count := max(w.Messages, convs*min(1, w.Messages))
	size := int(w.Bytes)
	if size <= 0 {
		size = imTextSize
	}
	l := &imLoad{read: w.Read, w: w, msgs: make(map[im.MessageID]*imMsg, count), svc: map[int32]*svcNode{}, keys: map[int32][32]byte{},
		boxes: make([]*node, len(s.nodes)), gmsgs: map[im.MessageID]*imGroupMsg{}}
	out := []task{l}
	pairs := map[[2]int32]*imConv{}
	for i := range convs {
		si, di := s.pair(rng, i, w.PerNode)
		src, dst := s.hosts[si], s.hosts[di]
		if c := pairs[[2]int32{src, dst}]; c != nil {
			l.convs = append(l.convs, c) // a pair drawn twice is one conversation
			continue
		}
		if l.boxes[dst] == nil && !w.NoMailbox {
			b := rng.IntN(len(s.hosts) - 1)
			if b >= di {
				b++
			}
			l.boxes[dst] = s.nodes[s.hosts[b]]
		}
		c := &imConv{id: len(pairs), src: s.nodes[src], dst: s.nodes[dst], box: l.boxes[dst]}
		switch x := rng.Float64(); {
		case x < w.Block:
			c.consent = im.Blocked
		case x < w.Block+w.Allow:
			c.consent = im.Allowed
		}
		pairs[[2]int32{src, dst}] = c
		l.convs = append(l.convs, c)
		for _, n := range []*node{c.src, c.dst, c.box} {
			if n != nil && l.svc[n.id] == nil {
				out = append(out, l.service(s, n))
			}
		}
	}
	for i := range count {
		c := l.convs[i%len(l.convs)]
		m := &imMsg{conv: c, text: imText(i, size), at: spreadStart(w, i, count), attach: rng.Float64() < w.Attach}
		for l.msgs[m.id] != nil || m.id.IsZero() {
			for j := range m.id {
				m.id[j] = byte(rng.Uint32())
			}
		}
		l.msgs[m.id] = m
		l.all = append(l.all, m)
	}
	s.stats.IMMessages += count
	return l.imGroups(s, w, rng, out)
}

// service makes node n's IM service: im.Core over a store that
// survives n's crashes.
func (l *imLoad) service(s *Sim, n *node) *svcNode {
	sv := &svcNode{s: s, n: n, port: im.Port, store: &service.Memory{}}
	sv.newCore = func(st *service.Memory, inc int) service.Core {
		cfg := imConfig
		cfg.Self, cfg.Store, cfg.Rand = n.self.Wallet, st, newReader(s.seed, "im", n.id, inc)
		c, err := im.NewCore(cfg)
		if err != nil {
			panic(fmt.Sprintf("sim: im core: %v", err))
		}
		return c
	}
	sv.docs = func(w common.Address) *naming.Document { return l.document(s, w) }
	sv.tap = func(in *service.Input) { l.tap(s, n, in) }
	sv.event = func(e any) {
		if ev, ok := e.(im.Event); ok {
			l.event(s, n, ev)
		}
	}
	sv.started = func() {
		l.keys[n.id] = sv.core.(*im.Core).SealKey()
		if sv.inc > 0 {
			return
		}
		for _, c := range l.convs { // the user's decisions, before any message
			if c.dst == n && c.consent != im.Unknown {
				sv.handle(s, service.Input{Kind: service.Command, Cmd: im.ConsentCmd{Peer: c.src.self.Wallet, Consent: c.consent}})
			}
		}
	}
	l.svc[n.id] = sv
	n.tasks = append(n.tasks, sv)
	return sv
}

// document is w's DID document as the run publishes it: its mailbox and
// its seal key (once its core started: a joiner's comes late).
func (l *imLoad) document(s *Sim, w common.Address) *naming.Document {
	n, ok := s.nodeByWallet(w)
	if !ok {
		return nil
	}
	key, ok := l.keys[n.id]
	if !ok {
		return nil
	}
	doc := &naming.Document{Identity: w, Services: []naming.Service{
		{Type: im.ServiceSealKey, Endpoint: im.DocumentEntry(key)}}}
	if b := l.boxes[n.id]; b != nil {
		doc.Mailbox = b.self.Wallet.Hex()
	}
	return doc
}

// tap counts what the cores are handed: restarts, connections, Downs,
// duplicates, mailbox items.
func (l *imLoad) tap(s *Sim, n *node, in *service.Input) {
	switch {
	case in.Kind == service.Start && l.svc[n.id].inc > 0: // a restart
		for _, c := range l.convs {
			for _, m := range c.msgs[c.next:] {
				m.senderCrashed = m.senderCrashed || c.src == n && !m.delivered
			}
		}
	case in.Kind == service.Down:
		s.stats.IMStalls++
	case in.Kind == service.Up:
		s.stats.IMConnections++
	case in.Kind == service.Frame && len(in.Frame) > 17 && in.Frame[0] == 0x02: // MSG
		if m := l.msgs[im.MessageID(in.Frame[1:17])]; m != nil && m.storedOnce && m.conv.dst == n {
			s.stats.IMDuplicates++
		}
	case in.Kind == service.Frame && len(in.Frame) > 0 && in.Frame[0] == 0x13: // ITEM
		s.stats.IMFromMailbox++
	}
}

// event checks what node n's core tells its user.
func (l *imLoad) event(s *Sim, n *node, e im.Event) {
	if !e.Group.IsZero() || e.Kind == im.EventGroup {
		l.groupEvent(s, n, e)
		return
	}
	m := l.msgs[e.Message.ID]
	if m == nil || !m.accepted {
		s.fail("im: node %d: %s event for message %s that was never accepted", n.id, e.Kind, e.Message.ID)
		return
	}
	c := m.conv
	switch e.Kind {
	case im.EventMessage, im.EventRequest:
		switch {
		case c.consent == im.Blocked:
			s.fail("im: node %d showed message %s from node %d, which it blocked", n.id, m.id, c.src.id)
		case c.consent == im.Allowed && e.Kind != im.EventMessage:
			// (Unknown senders come as requests, or as messages once the
			// recipient wrote to them: sending allows.)
			s.fail("im: node %d showed message %s from node %d, which it allowed, as a %s", n.id, m.id, c.src.id, e.Kind)
		case c.dst != n || e.Peer != c.src.self.Wallet:
			s.fail("im: node %d showed message %s of conversation %d→%d", n.id, m.id, c.src.id, c.dst.id)
		case m.attach && (e.Message.Attachment == nil || e.Message.Attachment.SHA256 != sha256.Sum256([]byte(m.text))),
			!m.attach && e.Message.Text != m.text:
			s.fail("im: node %d got message %s altered", n.id, m.id)
		case m.storedOnce:
			s.fail("im: node %d showed message %s twice", n.id, m.id)
		case m.seq != c.stored:
			s.fail("im: conversation %d (node %d → %d): message #%d shown before #%d", c.id, c.src.id, n.id, m.seq, c.stored)
		default:
			m.storedOnce = true
			c.stored++
			s.stats.IMStored++
			if l.read {
				sv := l.svc[n.id]
				inc := sv.inc
				s.at(s.now.Load()+int64(time.Second), kindApp, n.id, func() {
					if sv.inc == inc && sv.core != nil {
						sv.handle(s, service.Input{Kind: service.Command, Cmd: im.ReadCmd{Peer: c.src.self.Wallet}})
						s.settle(n)
					}
				})
			}
		}
	case im.EventReceipt:
		switch st := e.Message.Status; {
		case n != c.src:
			s.fail("im: node %d got a receipt for message %s it did not send", n.id, m.id)
		case st == im.Sent:
			s.stats.IMDeposited++
		case st == im.Failed && c.consent == im.Blocked && !m.refused:
			m.refused = true
			s.stats.IMBlocked++
		case st == im.Failed:
			s.fail("im: message %s failed: %s", m.id, e.Message.Err)
		case st >= im.Delivered && !m.storedOnce:
			s.fail("im: node %d got a %s receipt for message %s that node %d never showed", n.id, st, m.id, c.dst.id)
		case st == im.Read && !l.read:
			s.fail("im: node %d got a read receipt for message %s nobody read", n.id, m.id)
		case st >= im.Delivered && !m.delivered:
			m.delivered, m.doneAt = true, s.now.Load()
			s.stats.IMDelivered++
			if m.senderCrashed {
				s.stats.IMAfterCrash++
			}
			s.stats.IMLatency = append(s.stats.IMLatency, time.Duration(m.doneAt-m.at))
			for c.next < len(c.msgs) && c.msgs[c.next].delivered {
				c.next++
			}
		}
		if e.Message.Status == im.Read && m.storedOnce {
			s.stats.IMRead++
		}
	}
}

// accept hands m to its sender's core, as im.Service.Send would.
func (l *imLoad) accept(s *Sim, m *imMsg) {
	c := m.conv
	sv := l.svc[c.src.id]
	switch {
	case c.src.down || sv.core == nil:
		s.stats.IMRefused++
		return
	case c.abandoned: // an end left for good (churn.go)
		m.abandoned = true
		s.stats.IMAbandoned++
		return
	}
	m.accepted, m.seq = true, len(c.msgs)
	c.msgs = append(c.msgs, m)
	var cmd any = im.SendCmd{To: c.dst.self.Wallet, ID: m.id, Text: m.text}
	if m.attach {
		cmd = im.SendFileCmd{To: c.dst.self.Wallet, ID: m.id, Attachment: im.Attachment{Type: im.File, Name: "f",
			Size: int64(len(m.text)), SHA256: sha256.Sum256([]byte(m.text))}}
	}
	out := sv.handle(s, service.Input{Kind: service.Command, Cmd: cmd})
	if out.Err != nil {
		s.fail("im: node %d refused message %s: %v", c.src.id, m.id, out.Err)
		return
	}
	s.stats.IMAccepted++
}

var _ task = (*imLoad)(nil)

// The load is a task to offer the messages, to note crashes and to
// check the end.
func (l *imLoad) schedule(s *Sim) {
	for _, m := range l.all {
		s.at(m.at, kindApp, m.conv.src.id, func() {
			l.accept(s, m)
			s.settle(m.conv.src)
		})
	}
	l.scheduleGroups(s, l.w)
}

func (l *imLoad) poll(*Sim, *node) bool { return false }
func (l *imLoad) restarted(*Sim, *node) {}
func (l *imLoad) crashed(*Sim, *node)   {}
func (l *imLoad) done() bool            { return l.undelivered() == nil && l.unshown() == "" }
func (l *imLoad) describe() string      { return describeIM(l.undelivered()) }
func (l *imLoad) checkEnd(s *Sim) error { return l.check(s, s.sc.Expect.AllDelivered) }
func (l *imLoad) undelivered() *imMsg {
	for _, m := range l.all {
		if m.accepted && !m.delivered && !m.abandoned && m.conv.consent != im.Blocked {
			return m
		}
	}
	return nil
}

// check verifies the end: nothing acknowledged that was not stored,
// and, if all is set, every accepted message delivered.
func (l *imLoad) check(s *Sim, all bool) error {
	for _, m := range l.all {
		if m.delivered && !m.storedOnce {
			return s.fail("im: message %s acknowledged but never stored", m.id)
		}
	}
	if m := l.undelivered(); all && m != nil {
		return s.fail("%s", describeIM(m))
	}
	if u := l.unshown(); all && u != "" {
		return s.fail("%s", u)
	}
	return nil
}

func describeIM(m *imMsg) string {
	if m == nil {
		return "im: every accepted message delivered"
	}
	c := m.conv
	return fmt.Sprintf("im message %s (#%d of conversation %d, node %d → %d, stored %v) not delivered",
		m.id, m.seq, c.id, c.src.id, c.dst.id, m.storedOnce)
}

// imText is the text of message i: printable, size bytes.
func imText(i, size int) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "message %d ", i)
	for b.Len() < size {
		b.WriteByte('a' + byte(b.Len()%26))
	}
	return b.String()[:size]
}
