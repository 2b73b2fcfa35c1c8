package sim

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/anynet/anynet/apps/im"
	"github.com/ethereum/go-ethereum/common"
)

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
		view, _ := l.cores[o.Node].Group(cmd.Group)
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
