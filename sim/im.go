package sim

import (
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anynet/anynet/apps/im"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

// The "im" workload (doc.go, "Instant messaging" and "Invariants"):
// apps/im's core (im.Core) on every host as a registered Service
// (custom.go), handed the planned commands; what the cores answer and
// show their users is checked as it comes against a Ledger and the
// consent each recipient gave at its first start.

// imLoad is the state of one "im" workload entry.
type imLoad struct {
	idle
	s       *Sim
	w       Workload
	msgs    map[im.MessageID]*imMsg  // 1:1 messages; posts once posted
	posts   map[string]*imMsg        // posts by text
	consent map[[2]int32]im.Consent  // a recipient's decision on a sender (sender, recipient)
	decided map[common.Address][]any // a recipient's ConsentCmds, given at its first start
	groups  []*imGroup
	boxes   map[common.Address]string // recipients' mailboxes, as their DID documents name them
	made    []*im.Core                // every incarnation
	led     Ledger[imKey, imStream]
}

// imKey is a message, or with file its attachment, to one recipient;
// imStream the deliveries kept in order: a sender's to one recipient
// (in group, if not 0); an attachment's alone (group -1-i).
type imKey struct {
	id   im.MessageID
	to   int32
	file bool
}
type imStream struct{ from, to, group int32 }

func (k imKey) String() string {
	return fmt.Sprintf("message %s to node %d%s", k.id, k.to, map[bool]string{true: " (its file)"}[k.file])
}

// imMsg is a 1:1 message (to) or a group post (g); an attachment's
// file is its text, which also stands for its path, and dl what its
// recipient downloaded.
type imMsg struct {
	id            im.MessageID
	i             int32
	from, to      *node
	g             *imGroup
	text          string
	attach, asked bool // asked: a download of its file under way or done
	dl            []byte
}

type imGroup struct {
	idx   int32
	id    im.GroupID
	nodes []*node // the owner first
}

// imMessages makes one "im" workload entry: Messages messages over its
// conversations in turn, each of Bytes (64) bytes of text, and groups.
// Each recipient decides on a conversation's sender before the run
// (Allowed, Blocked, or Unknown) and has a mailbox.
func imMessages(s *Sim, w Workload, rng *rand.Rand) []task {
	l := &imLoad{s: s, w: w, msgs: map[im.MessageID]*imMsg{}, posts: map[string]*imMsg{}, consent: map[[2]int32]im.Consent{},
		decided: map[common.Address][]any{}, boxes: map[common.Address]string{}}
	pairs := s.conversations(w, rng) // a pair drawn twice is one conversation
	for _, p := range pairs {
		if _, ok := l.consent[p]; ok {
			continue
		}
		c := im.Unknown
		if x := rng.Float64(); x < w.Block {
			c = im.Blocked
		} else if x < w.Block+w.Allow {
			c = im.Allowed
		}
		to := s.nodes[p[1]].self.Wallet
		if l.consent[p] = c; c != im.Unknown {
			l.decided[to] = append(l.decided[to], im.ConsentCmd{Peer: s.nodes[p[0]].self.Wallet, Consent: c})
		}
		box := s.hosts[(slices.Index(s.hosts, p[1])+len(s.hosts)/2)%len(s.hosts)] // half the hosts away
		l.boxes[to] = s.nodes[box].self.Wallet.Hex()
	}
	count, size, cmds := max(w.Messages, len(pairs)*min(1, w.Messages)), cmp.Or(int(w.Bytes), 64), []Command(nil)
	for i := range count {
		p := pairs[i%len(pairs)]
		m := &imMsg{i: int32(i), from: s.nodes[p[0]], to: s.nodes[p[1]], text: imText(i, size), attach: rng.Float64() < w.Attach}
		for j := range m.id {
			m.id[j] = byte(rng.Uint32())
		}
		l.msgs[m.id] = m
		var cmd any = im.SendCmd{To: m.to.self.Wallet, ID: m.id, Text: m.text}
		if m.attach {
			a := im.Attachment{Type: im.File, Name: "f", Size: int64(len(m.text)), SHA256: sha256.Sum256([]byte(m.text)), Path: m.text}
			cmd = im.SendFileCmd{To: m.to.self.Wallet, ID: m.id, Attachment: a}
		}
		cmds = append(cmds, Command{At: time.Duration(spreadStart(w, i, count)), Node: m.from.self.Wallet, Make: func() any {
			if m.from.left || m.to.left { // (churn.go)
				s.stats.IMAbandoned++
				return nil
			}
			return cmd
		}})
	}
	s.stats.IMMessages += count
	cmds = l.imGroups(s, w, rng, cmds)
	svc := &Service{Port: im.Port, Core: l.core, Commands: func(Workload, Layout, *rand.Rand) []Command { return cmds },
		Observe: l.observe, Started: l.started, Document: func(d *naming.Document) { d.Mailbox = l.boxes[d.Identity] }}
	return append(svc.workload(s, w, rng), l)
}

// imGroups plans the groups: each owner makes its group at Start with
// GroupSize-1 members (none that blocks the owner), members post
// GroupMessages over Spread in turn, and the owner removes the last
// member halfway (a key rotation).
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
		p := &imMsg{g: g, from: g.nodes[(i/len(l.groups))%len(g.nodes)], text: imText(i, 48)}
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

// core makes a node's core: apps/im's defaults, but RetryMax 16 s, so
// that a recipient that comes back is found soon.
func (l *imLoad) core(self common.Address, st service.Store, rnd io.Reader) service.Core {
	c, err := im.NewCore(im.CoreConfig{Self: self, Store: st, Files: l, Rand: rnd, RetryMax: 16 * time.Second, Mailbox: true})
	if err != nil {
		panic(fmt.Sprintf("sim: im core: %v", err))
	}
	l.made = append(l.made, c)
	return c
}

// started gives a recipient the user's decisions at its first start,
// before any message, and resumes the downloads a crash cut.
func (l *imLoad) started(self common.Address, _ service.Core, first bool) (cmds []any) {
	if first {
		cmds = slices.Clone(l.decided[self])
	}
	for k := range l.led.Pending() {
		if m := l.msgs[k.id]; k.file && m.to.self.Wallet == self {
			cmds = append(cmds, im.DownloadCmd{Msg: m.id, Have: int64(len(m.dl))})
		}
	}
	return cmds
}

// blocks reports whether n blocked from in a conversation of the run.
func (l *imLoad) blocks(n, from *node) bool { return l.consent[[2]int32{from.id, n.id}] == im.Blocked }

// observe checks each answer and event as it comes: a sent message or
// post is accepted for its recipients (a node down, or a removed
// member's post, is refused: nothing to check).
func (l *imLoad) observe(o Observation) error {
	n, id := l.s.byWallet[o.Node], im.MessageID{}
	switch cmd := o.Cmd.(type) {
	case nil:
		return cmp.Or(l.file(o, n), l.event(o, n))
	case im.SendCmd:
		id = cmd.ID
	case im.SendFileCmd:
		id = cmd.ID
	case im.CreateGroupCmd:
		if i, _ := strconv.Atoi(cmd.Name); o.Err == nil {
			l.groups[i].id = o.Result.(im.Group).ID
		}
	case im.SendGroupCmd:
		if p := l.posts[cmd.Text]; o.Err == nil {
			p.id = o.Result.(im.Message).ID
			l.msgs[p.id] = p
			view, _ := o.Core.(*im.Core).Group(cmd.Group)
			for _, to := range p.g.nodes {
				if _, in := view.Members[to.self.Wallet]; in && to != p.from && !l.blocks(to, p.from) {
					l.led.Accept(imKey{id: p.id, to: to.id}, imStream{p.from.id, to.id, p.g.idx}, o.At, false)
				}
			}
		}
	}
	switch m := l.msgs[id]; {
	case m == nil:
	case errors.Is(o.Err, ErrNodeDown):
		l.s.stats.IMRefused++
	case o.Err != nil:
		return fmt.Errorf("im: node %d refused message %s: %w", n.id, m.id, o.Err)
	default:
		l.led.Accept(imKey{id: m.id, to: m.to.id}, imStream{m.from.id, m.to.id, 0}, o.At, true)
		l.s.stats.IMAccepted++
	}
	return nil
}

// event checks a message or post shown, or a 1:1 message's receipt.
func (l *imLoad) event(o Observation, n *node) error {
	e, _ := o.Event.(im.Event)
	st, m, s := &l.s.stats, l.msgs[e.Message.ID], e.Message.Status
	switch {
	case e.Kind == im.EventMessage || e.Kind == im.EventRequest:
		return l.shown(o, n, m, e)
	case e.Kind != im.EventReceipt || !e.Group.IsZero():
		return nil
	case m == nil || m.to == nil || n != m.from:
		return fmt.Errorf("im: node %d got a receipt for message %s it did not send", n.id, e.Message.ID)
	}
	switch k := (imKey{id: m.id, to: m.to.id}); {
	case s == im.Sent:
		st.IMDeposited++
	case s == im.Failed && l.blocks(m.to, m.from):
		if l.led.Excuse(k) {
			st.IMBlocked++
		}
	case s == im.Failed:
		return fmt.Errorf("im: message %s failed: %s", m.id, e.Message.Err)
	case s == im.Read && !l.w.Read:
		return fmt.Errorf("im: node %d got a read receipt for message %s nobody read", n.id, m.id)
	case s >= im.Delivered:
		lat, first, err := l.led.Ack(k, o.At)
		if first {
			st.IMDelivered++
			st.IMLatency = append(st.IMLatency, lat)
		}
		if first && o.Started > o.At-lat {
			st.IMAfterCrash++
		}
		if s == im.Read && err == nil {
			st.IMRead++
		}
		return err
	}
	return nil
}

// shown checks m, shown to n's user: accepted for n (the Ledger), once,
// in order; unaltered, from its sender, as its recipient's consent says
// (an Unknown sender's may come as either: sending allows). A message
// shown is read a second later (Read), its file downloaded.
func (l *imLoad) shown(o Observation, n *node, m *imMsg, e im.Event) error {
	if err := l.led.Show(imKey{id: e.Message.ID, to: n.id}); err != nil {
		return err
	}
	switch a, c := e.Message.Attachment, l.consent[[2]int32{m.from.id, n.id}]; {
	case m.g == nil && (c == im.Blocked || c == im.Allowed && e.Kind != im.EventMessage):
		return fmt.Errorf("im: node %d showed message %s from node %d, which it %s, as a %s", n.id, m.id, m.from.id, c, e.Kind)
	case e.Peer != m.from.self.Wallet, (m.g == nil) != e.Group.IsZero(), !m.attach && e.Message.Text != m.text,
		m.attach && (a == nil || a.SHA256 != sha256.Sum256([]byte(m.text))):
		return fmt.Errorf("im: node %d got message %s altered", n.id, m.id)
	case m.g != nil:
		l.s.stats.IMGroupShown++
		return nil
	}
	if l.s.stats.IMStored++; l.w.Read {
		o.Then(Command{At: o.At + time.Second, Node: o.Node, Cmd: im.ReadCmd{Peer: e.Peer}})
	}
	if m.attach {
		l.led.Accept(imKey{id: m.id, to: n.id, file: true}, imStream{m.from.id, n.id, -1 - m.i}, o.At, false)
		o.Then(l.download(m, o.At+time.Second))
	}
	return nil
}

// download fetches m's attachment at its recipient at time at, unless
// under way or done.
func (l *imLoad) download(m *imMsg, at time.Duration) Command {
	return Command{At: at, Node: m.to.self.Wallet, Make: func() any {
		if m.asked {
			return nil
		}
		return im.DownloadCmd{Msg: m.id, Have: int64(len(m.dl))}
	}}
}

// ReadAt and WriteAt are the cores' Files: a sender reads an
// attachment's bytes from the text (its path), a recipient writes them
// after those it holds.
func (l *imLoad) ReadAt(path string, p []byte, off int64) (int, error) {
	return copy(p, path[min(int(off), len(path)):]), nil
}

func (l *imLoad) WriteAt(msg im.MessageID, p []byte, off int64) error {
	l.msgs[msg].dl = append(l.msgs[msg].dl[:off], p...)
	return nil
}

// file checks a downloaded attachment once its core says the download
// is done; one that failed is tried again a second later.
func (l *imLoad) file(o Observation, n *node) error {
	e, ok := o.Event.(im.Note)
	if !ok || e.Key.Kind != im.NoteDownload {
		return nil
	}
	switch m := l.msgs[e.Key.ID]; {
	case e.Start:
		m.asked = true
	case e.Err != nil:
		m.asked = false
		o.Then(l.download(m, o.At+time.Second))
	case string(m.dl) != m.text:
		return fmt.Errorf("im: node %d downloaded message %s's file altered", n.id, m.id)
	default:
		l.s.stats.IMDownloads++
		return l.led.Show(imKey{id: m.id, to: n.id, file: true})
	}
	return nil
}

// checkEnd adds up the cores' counters, gives up what is pending from
// or to a node that left (churn.go) and, with expect.all_delivered or
// all_complete, fails on a message still pending.
func (l *imLoad) checkEnd(s *Sim) error {
	s.stats.IMAbandoned += l.led.Drop(func(st imStream) bool { return s.nodes[st.from].left || s.nodes[st.to].left })
	for _, c := range l.made {
		s.stats.IMDuplicates += c.Counters().Duplicates
		s.stats.IMFromMailbox += c.Counters().Items
	}
	if !s.sc.Expect.AllDelivered && !s.sc.Expect.AllComplete {
		return nil
	}
	for k, st := range l.led.Pending() {
		return s.fail("im %v (node %d → %d, group %d) not delivered", k, st.from, st.to, st.group)
	}
	return nil
}

// imText is the text of message i: printable, size bytes.
func imText(i, size int) string {
	return (fmt.Sprintf("message %d ", i) + strings.Repeat("abcdefghijklmnopqrstuvwxyz", size/26+1))[:size]
}
