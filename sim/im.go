package sim

import (
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/anynet/anynet/apps/im"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// The "im" workload: apps/im's core (im.Core) on every host, driven as
// a registered Service (custom.go). Conversations get Messages messages
// in turn (im.SendCmd, or im.SendFileCmd for Attach); groups are
// below. Recipients get their consent decisions at first start.
// A Ledger checks what cores show: only accepted messages, from their
// sender, unaltered, once, in order; receipts only for what was shown;
// nothing fails but what a blocker refused, never shown; an allowed
// sender's come as messages. With Read, what is shown is read a second
// later; files are downloaded and checked. At the end, with
// all_delivered, all is delivered but what was blocked or abandoned.

// imConfig is the cores' configuration: apps/im's defaults, but
// RetryMax 16 s, so that a recipient that comes back is found soon.
var imConfig = im.CoreConfig{RetryMax: 16 * time.Second, Mailbox: true}

// imLoad is the state of one "im" workload entry.
type imLoad struct {
	idle
	s      *Sim
	w      Workload
	msgs   map[im.MessageID]*imMsg // 1:1 messages
	pairs  map[[2]int32]*imConv
	convs  []*imConv                         // each pair once
	dls    []*imMsg                          // attachments shown
	boxes  map[common.Address]common.Address // recipients' mailboxes
	made   []*im.Core                        // every incarnation
	led    Ledger[imKey, imStream]           // 1:1 and group deliveries
	groups []*imGroup
	posts  map[string]*imPost       // by text
	gmsgs  map[im.MessageID]*imPost // by ID, once posted
}

// imKey is a message to one recipient; imStream the messages of one
// sender to one recipient (in group, if not 0).
type imKey struct {
	id im.MessageID
	to int32
}
type imStream struct{ from, to, group int32 }

func (k imKey) String() string { return fmt.Sprintf("message %s to node %d", k.id, k.to) }

// imConv is a conversation with the consent its recipient gives its
// sender before the run (Allowed, Blocked, or Unknown).
type imConv struct {
	src, dst *node
	consent  im.Consent
}

// imMsg is a 1:1 message; an attachment's file is its text, which
// also stands for its path, and dl what its recipient downloaded.
type imMsg struct {
	id               im.MessageID
	i                int32
	conv             *imConv
	text             string
	attach, busy, ok bool // busy: a download under way; ok: done
	dl               []byte
}

// imMessages makes one "im" workload entry: Messages messages over its
// conversations in turn, each of Bytes (64) bytes of text.
func imMessages(s *Sim, w Workload, rng *rand.Rand) []task {
	l := &imLoad{s: s, w: w, msgs: map[im.MessageID]*imMsg{}, pairs: map[[2]int32]*imConv{}, boxes: map[common.Address]common.Address{},
		posts: map[string]*imPost{}, gmsgs: map[im.MessageID]*imPost{}}
	var order []*imConv // a pair drawn twice is one conversation
	for _, p := range s.conversations(w, rng) {
		c := l.pairs[p]
		if c == nil {
			c = &imConv{src: s.nodes[p[0]], dst: s.nodes[p[1]], consent: im.Unknown}
			if x := rng.Float64(); x < w.Block {
				c.consent = im.Blocked
			} else if x < w.Block+w.Allow {
				c.consent = im.Allowed
			}
			if _, ok := l.boxes[c.dst.self.Wallet]; !ok && !w.NoMailbox {
				box := p[1]
				for box == p[1] {
					box = s.hosts[rng.IntN(len(s.hosts))]
				}
				l.boxes[c.dst.self.Wallet] = s.nodes[box].self.Wallet
			}
			l.pairs[p], l.convs = c, append(l.convs, c)
		}
		order = append(order, c)
	}
	count, size, cmds := max(w.Messages, len(order)*min(1, w.Messages)), int(w.Bytes), []Command(nil)
	for i := range count {
		m := &imMsg{i: int32(i), conv: order[i%len(order)], text: imText(i, cmp.Or(size, 64)), attach: rng.Float64() < w.Attach}
		for l.msgs[m.id] != nil || m.id.IsZero() {
			for j := range m.id {
				m.id[j] = byte(rng.Uint32())
			}
		}
		l.msgs[m.id] = m
		cmds = append(cmds, Command{At: time.Duration(spreadStart(w, i, count)), Node: m.conv.src.self.Wallet, Make: l.offer(m)})
	}
	s.stats.IMMessages += count
	cmds = l.imGroups(s, w, rng, cmds)
	svc := &Service{Port: im.Port, Core: l.core, Commands: func(Workload, []common.Address, *rand.Rand) []Command { return cmds },
		Observe: l.observe, Started: l.started, Mailbox: func(w common.Address) common.Address { return l.boxes[w] }}
	return append(svc.workload(s, w, rng), l)
}

func (l *imLoad) core(self common.Address, st service.Store, rnd io.Reader) service.Core {
	cfg := imConfig
	cfg.Self, cfg.Store, cfg.Rand = self, st, rnd
	c, err := im.NewCore(cfg)
	if err != nil {
		panic(fmt.Sprintf("sim: im core: %v", err))
	}
	l.made = append(l.made, c)
	return c
}

// started gives a recipient the user's decisions at its first start,
// before any message.
func (l *imLoad) started(self common.Address, _ service.Core, first bool) (cmds []any) {
	n := l.node(self)
	for _, c := range l.convs {
		if c.dst == n && c.consent != im.Unknown && first {
			cmds = append(cmds, im.ConsentCmd{Peer: c.src.self.Wallet, Consent: c.consent})
		}
	}
	for _, m := range l.dls { // downloads the crash cut: from what is held
		if m.conv.dst == n && !m.ok {
			cmds = append(cmds, im.DownloadCmd{Msg: m.id, Have: int64(len(m.dl))})
		}
	}
	return cmds
}

// offer makes m's command when it is due: none if an end left for good
// (churn.go).
func (l *imLoad) offer(m *imMsg) func() any {
	return func() any {
		c := m.conv
		switch {
		case c.src.left || c.dst.left:
			l.s.stats.IMAbandoned++
			return nil
		case m.attach:
			return im.SendFileCmd{To: c.dst.self.Wallet, ID: m.id, Attachment: im.Attachment{Type: im.File, Name: "f",
				Size: int64(len(m.text)), SHA256: sha256.Sum256([]byte(m.text)), Path: m.text}}
		}
		return im.SendCmd{To: c.dst.self.Wallet, ID: m.id, Text: m.text}
	}
}

// observe checks each answer and event as it comes.
func (l *imLoad) observe(o Observation) error {
	st, n := &l.s.stats, l.node(o.Node)
	var m *imMsg
	switch cmd := o.Cmd.(type) {
	case im.SendCmd:
		m = l.msgs[cmd.ID]
	case im.SendFileCmd:
		m = l.msgs[cmd.ID]
	case im.DownloadCmd:
		l.msgs[cmd.Msg].busy = o.Err == nil
		return nil
	case nil:
		e, _ := o.Event.(im.Event)
		if !e.Group.IsZero() || e.Kind == im.EventGroup {
			return l.groupEvent(n, e)
		}
		return cmp.Or(l.file(o, n), l.event(o, n, e))
	default:
		return l.groupAnswer(o)
	}
	switch {
	case errors.Is(o.Err, ErrNodeDown):
		st.IMRefused++
	case o.Err != nil:
		return fmt.Errorf("im: node %d refused message %s: %w", n.id, m.id, o.Err)
	default:
		l.led.Accept(imKey{m.id, m.conv.dst.id}, imStream{m.conv.src.id, m.conv.dst.id, 0}, o.At, true)
		st.IMAccepted++
	}
	return nil
}

func (l *imLoad) node(w common.Address) *node { n, _ := l.s.nodeByWallet(w); return n }

// event checks a 1:1 message shown, or a receipt.
func (l *imLoad) event(o Observation, n *node, e im.Event) error {
	st, m := &l.s.stats, l.msgs[e.Message.ID]
	if e.Kind != im.EventMessage && e.Kind != im.EventRequest && e.Kind != im.EventReceipt {
		return nil
	} else if m == nil {
		return fmt.Errorf("im: node %d: %s event for message %s that was never offered", n.id, e.Kind, e.Message.ID)
	}
	c, k, a, s := m.conv, imKey{m.id, m.conv.dst.id}, e.Message.Attachment, e.Message.Status
	if e.Kind != im.EventReceipt {
		switch {
		case c.consent == im.Blocked:
			return fmt.Errorf("im: node %d showed message %s from node %d, which it blocked", n.id, m.id, c.src.id)
		case c.consent == im.Allowed && e.Kind != im.EventMessage: // (Unknown senders' may come as either: sending allows)
			return fmt.Errorf("im: node %d showed message %s from node %d, which it allowed, as a %s", n.id, m.id, c.src.id, e.Kind)
		case e.Peer != c.src.self.Wallet, m.attach && (a == nil || a.SHA256 != sha256.Sum256([]byte(m.text))), !m.attach && e.Message.Text != m.text:
			return fmt.Errorf("im: node %d got message %s altered", n.id, m.id)
		}
		if err := l.led.Show(imKey{m.id, n.id}); err != nil {
			return fmt.Errorf("im: node %d: %w", n.id, err)
		}
		if st.IMStored++; l.w.Read {
			o.Then(Command{At: o.At + time.Second, Node: o.Node, Cmd: im.ReadCmd{Peer: e.Peer}})
		}
		if m.attach {
			l.dls = append(l.dls, m)
			l.led.Accept(imKey{m.id, -1 - n.id}, imStream{c.src.id, n.id, -1 - m.i}, o.At, false)
			o.Then(l.download(m, o.At+time.Second))
		}
		return nil
	}
	switch {
	case n != c.src:
		return fmt.Errorf("im: node %d got a receipt for message %s it did not send", n.id, m.id)
	case s == im.Sent:
		st.IMDeposited++
	case s == im.Failed && c.consent == im.Blocked:
		if l.led.Excuse(k) {
			st.IMBlocked++
		}
	case s == im.Failed:
		return fmt.Errorf("im: message %s failed: %s", m.id, e.Message.Err)
	case s == im.Read && !l.w.Read:
		return fmt.Errorf("im: node %d got a read receipt for message %s nobody read", n.id, m.id)
	case s >= im.Delivered:
		lat, first, err := l.led.Ack(k, o.At)
		if err != nil {
			return fmt.Errorf("im: node %d: %w", n.id, err)
		}
		if first {
			st.IMDelivered++
			st.IMLatency = append(st.IMLatency, lat)
		}
		if first && o.Started > o.At-lat {
			st.IMAfterCrash++
		}
		if s == im.Read {
			st.IMRead++
		}
	}
	return nil
}

// download fetches m's attachment at its recipient at time at, unless
// under way or done.
func (l *imLoad) download(m *imMsg, at time.Duration) Command {
	return Command{At: at, Node: m.conv.dst.self.Wallet, Make: func() any {
		if m.busy || m.ok {
			return nil
		}
		return im.DownloadCmd{Msg: m.id, Have: int64(len(m.dl))}
	}}
}

// file moves an attachment's bytes: a sender reads them from the text,
// a recipient appends them, and checks the whole once its core says
// the download is done; one that failed is tried again a second later.
func (l *imLoad) file(o Observation, n *node) error {
	switch e := o.Event.(type) {
	case im.ChunkRead:
		end := min(int(e.Off)+int(e.N), len(e.Path))
		o.Then(Command{Node: o.Node, Cmd: im.ChunkData{Read: e, Data: []byte(e.Path[min(int(e.Off), end):end])}})
	case im.ChunkWrite:
		if m := l.msgs[e.Msg]; int(e.Off) <= len(m.dl) {
			m.dl = append(m.dl[:e.Off], e.Data...)
		}
	case im.Note:
		m := l.msgs[e.Key.ID]
		switch {
		case e.Key.Kind != im.NoteDownload || e.Start:
		case e.Err != nil:
			m.busy = false
			o.Then(l.download(m, o.At+time.Second))
		case string(m.dl) != m.text:
			return fmt.Errorf("im: node %d downloaded message %s's file altered", n.id, m.id)
		default:
			m.busy, m.ok = false, true
			l.s.stats.IMDownloads++
			return l.led.Show(imKey{m.id, -1 - n.id})
		}
	}
	return nil
}

var _ abandoner = (*imLoad)(nil)

// abandon gives up what is pending from or to n, which left (churn.go).
func (l *imLoad) abandon(s *Sim, n *node) {
	s.stats.IMAbandoned += l.led.Drop(func(st imStream) bool { return st.from == n.id || st.to == n.id })
}

// checkEnd adds up the cores' counters and, with expect.all_delivered
// or all_complete, fails on a message still pending.
func (l *imLoad) checkEnd(s *Sim) error {
	for _, c := range l.made {
		s.stats.IMDuplicates += c.Counters().Duplicates
		s.stats.IMFromMailbox += c.Counters().Items
	}
	if k, st, ok := l.led.Pending(); ok && (s.sc.Expect.AllDelivered || s.sc.Expect.AllComplete) {
		return s.fail("im message %s (node %d → %d, group %d) not delivered", k.id, st.from, st.to, st.group)
	}
	return nil
}

// imText is the text of message i: printable, size bytes.
func imText(i, size int) string {
	return (fmt.Sprintf("message %d ", i) + strings.Repeat("abcdefghijklmnopqrstuvwxyz", size/26+1))[:size]
}

// Groups in the "im" workload: each group's owner creates it at Start
// with GroupSize-1 members (none that blocks the owner), members post
// GroupMessages over Spread in turn, and the owner removes its last
// member halfway (a key rotation). A post is a delivery (Ledger) to
// every member of its epoch as its sender's core knows it, but who
// blocks its sender: so the removed member may never show one sealed
// at or after the epoch of its removal, and the others show each once.

type imGroup struct {
	idx   int32
	id    im.GroupID
	nodes []*node // the owner first
}

type imPost struct {
	g    *imGroup
	from *node
	text string
}

// imGroups plans the groups' commands.
func (l *imLoad) imGroups(s *Sim, w Workload, rng *rand.Rand, cmds []Command) []Command {
	start, spread := time.Duration(w.Start), max(time.Duration(w.Spread), 1)
	for i := range w.Groups {
		g := &imGroup{idx: int32(i + 1)}
		var ws []common.Address
		for _, j := range rng.Perm(len(s.hosts))[:min(max(3, w.GroupSize), len(s.hosts))] {
			if n := s.nodes[s.hosts[j]]; len(g.nodes) == 0 || !l.blocks(n, g.nodes[0]) {
				g.nodes, ws = append(g.nodes, n), append(ws, n.self.Wallet)
			}
		}
		l.groups = append(l.groups, g)
		cmds = append(cmds, Command{At: start, Node: ws[0], Cmd: im.CreateGroupCmd{Name: strconv.Itoa(i), Members: ws[1:]}},
			Command{At: start + spread/2, Node: ws[0], Make: func() any {
				if g.id.IsZero() || len(ws) < 3 {
					return nil
				}
				return im.RosterCmd{Group: g.id, Op: "remove", Wallet: ws[len(ws)-1]}
			}})
	}
	for i := range w.GroupMessages * min(1, len(l.groups)) {
		g := l.groups[i%len(l.groups)]
		p := &imPost{g: g, from: g.nodes[(i/len(l.groups))%len(g.nodes)], text: imText(i, 48)}
		l.posts[p.text] = p
		at := start + time.Second + spread*time.Duration(i)/time.Duration(w.GroupMessages)
		cmds = append(cmds, Command{At: at, Node: p.from.self.Wallet, Make: func() any {
			if g.id.IsZero() {
				return nil
			}
			return im.SendGroupCmd{Group: g.id, Text: p.text}
		}})
	}
	return cmds
}

// blocks reports whether n blocked from in a conversation of the run.
func (l *imLoad) blocks(n, from *node) bool {
	c := l.pairs[[2]int32{from.id, n.id}]
	return c != nil && c.consent == im.Blocked
}

// groupAnswer notes what the group commands did (a member down or
// removed is refused: nothing to note).
func (l *imLoad) groupAnswer(o Observation) error {
	switch cmd := o.Cmd.(type) {
	case im.CreateGroupCmd:
		if i, _ := strconv.Atoi(cmd.Name); o.Err == nil {
			l.groups[i].id = o.Result.(im.Group).ID
		}
	case im.SendGroupCmd:
		if o.Err != nil {
			return nil
		}
		p, id := l.posts[cmd.Text], o.Result.(im.Message).ID
		view, _ := o.Core.(*im.Core).Group(cmd.Group)
		l.gmsgs[id] = p
		for _, n := range p.g.nodes {
			if _, in := view.Members[n.self.Wallet]; in && n != p.from && !l.blocks(n, p.from) {
				l.led.Accept(imKey{id, n.id}, imStream{p.from.id, n.id, p.g.idx}, o.At, false)
			}
		}
	}
	return nil
}

// groupEvent checks a group message node n shows its user.
func (l *imLoad) groupEvent(n *node, e im.Event) error {
	p := l.gmsgs[e.Message.ID]
	switch {
	case e.Kind != im.EventMessage && e.Kind != im.EventRequest:
		return nil
	case p == nil || e.Message.Text != p.text || e.Peer != p.from.self.Wallet:
		return fmt.Errorf("im: node %d showed group message %s that was never posted so", n.id, e.Message.ID)
	}
	l.s.stats.IMGroupShown++
	if err := l.led.Show(imKey{e.Message.ID, n.id}); err != nil {
		return fmt.Errorf("im: node %d, group %s: %w", n.id, p.g.id, err)
	}
	return nil
}
