package sim

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/anynet/anynet/apps/im"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Groups in the "im" workload: each group's owner creates it at Start
// with GroupSize-1 members, members post GroupMessages over Spread in
// turn, and the owner removes one member halfway. Invariants: a member
// shows a group message once, from its sender, in the order each
// sender posted; the removed member never shows a message sealed at
// the epoch of its removal or later; at the end every member of a
// message's epoch (but who blocked its sender) showed it.

type imGroup struct {
	owner   *node
	members []*node
	id      im.GroupID
	removed *node
	epoch   uint32 // of the removal; 0 until then
}

type imGroupMsg struct {
	g        *imGroup
	from     *node
	seq      int // the sender's nth post to the group
	text     string
	epoch    uint32
	to       []*node // members of its epoch but the sender
	shown    map[int32]bool
	accepted bool
}

// imGroups draws the groups among the workload's nodes (one more
// service each, if new) and schedules them.
func (l *imLoad) imGroups(s *Sim, w Workload, rng *rand.Rand, out []task) []task {
	size := max(3, w.GroupSize)
	for range w.Groups {
		g := &imGroup{}
		for _, i := range rng.Perm(len(s.hosts))[:min(size, len(s.hosts))] {
			n := s.nodes[s.hosts[i]]
			if g.owner == nil {
				g.owner = n
			} else if !l.blocks(n, g.owner) {
				g.members = append(g.members, n)
			}
			if l.svc[n.id] == nil {
				out = append(out, l.service(s, n))
			}
		}
		l.groups = append(l.groups, g)
	}
	for i := range w.GroupMessages * min(1, len(l.groups)) {
		g := l.groups[i%len(l.groups)]
		all := append([]*node{g.owner}, g.members...)
		from := all[(i/len(l.groups))%len(all)]
		l.gposts = append(l.gposts, &imGroupMsg{g: g, from: from, text: imText(i, 48), shown: map[int32]bool{}})
	}
	return out
}

// blocks reports whether n blocked from in a conversation of the run.
func (l *imLoad) blocks(n, from *node) bool {
	for _, c := range l.convs {
		if c.dst == n && c.src == from && c.consent == im.Blocked {
			return true
		}
	}
	return false
}

// scheduleGroups creates the groups, posts, and removes one member each.
func (l *imLoad) scheduleGroups(s *Sim, w Workload) {
	start, spread := int64(w.Start), max(int64(w.Spread), 1)
	for _, g := range l.groups {
		s.at(start, kindApp, g.owner.id, func() {
			var ws []common.Address
			for _, m := range g.members {
				ws = append(ws, m.self.Wallet)
			}
			if out, ok := l.command(s, g.owner, im.CreateGroupCmd{Name: "g", Members: ws}); ok {
				g.id = out.Result.(im.Group).ID
			}
		})
		s.at(start+spread/2, kindApp, g.owner.id, func() {
			if g.id.IsZero() || len(g.members) < 2 {
				return
			}
			r := g.members[len(g.members)-1]
			if out, ok := l.command(s, g.owner, im.RosterCmd{Group: g.id, Op: "remove", Wallet: r.self.Wallet}); ok {
				g.removed, g.epoch = r, out.Result.(im.Group).Epoch
			}
		})
	}
	for i, p := range l.gposts {
		s.at(start+int64(time.Second)+spread*int64(i)/int64(len(l.gposts)), kindApp, p.from.id, func() { l.post(s, p) })
	}
}

// command hands a command to n's core, if n is up.
func (l *imLoad) command(s *Sim, n *node, cmd any) (service.Effects, bool) {
	sv := l.svc[n.id]
	if n.down || sv.core == nil {
		return service.Effects{}, false
	}
	out := sv.handle(s, service.Input{Kind: service.Command, Cmd: cmd})
	s.settle(n)
	return out, out.Err == nil
}

func (l *imLoad) post(s *Sim, p *imGroupMsg) {
	g, sv := p.g, l.svc[p.from.id]
	if g.id.IsZero() || p.from.down || sv.core == nil {
		return
	}
	view, ok := sv.core.(*im.Core).Group(g.id)
	if !ok || view.Me == 0 {
		return // not (or no longer) a member
	}
	out, ok := l.command(s, p.from, im.SendGroupCmd{Group: g.id, Text: p.text})
	if !ok {
		return
	}
	p.accepted, p.epoch = true, view.Epoch
	for _, n := range append([]*node{g.owner}, g.members...) {
		if _, in := view.Members[n.self.Wallet]; in && n != p.from && !l.blocks(n, p.from) {
			p.to = append(p.to, n)
		}
	}
	for _, q := range l.gposts {
		if q.from == p.from && q.g == g && q.accepted && q != p {
			p.seq++
		}
	}
	l.gmsgs[out.Result.(im.Message).ID] = p
}

// groupEvent checks a group message node n shows its user.
func (l *imLoad) groupEvent(s *Sim, n *node, e im.Event) {
	p := l.gmsgs[e.Message.ID]
	switch {
	case e.Kind != im.EventMessage && e.Kind != im.EventRequest:
	case p == nil || e.Message.Text != p.text || e.Peer != p.from.self.Wallet:
		s.fail("im: node %d showed group message %s that was never posted so", n.id, e.Message.ID)
	case n == p.g.removed && p.g.epoch > 0 && p.epoch >= p.g.epoch:
		s.fail("im: node %d, removed from group %s at epoch %d, read a message of epoch %d", n.id, p.g.id, p.g.epoch, p.epoch)
	case p.shown[n.id]:
		s.fail("im: node %d showed group message %s twice", n.id, e.Message.ID)
	default:
		for _, q := range l.gposts {
			if q.g == p.g && q.from == p.from && q.seq > p.seq && q.shown[n.id] {
				s.fail("im: node %d showed %s's group post #%d after #%d", n.id, p.from.self.Wallet, p.seq, q.seq)
			}
		}
		p.shown[n.id] = true
		s.stats.IMGroupShown++
	}
}

// unshown is a group message a member of its epoch never showed.
func (l *imLoad) unshown() string {
	for _, p := range l.gposts {
		for _, n := range p.to {
			if p.accepted && !p.shown[n.id] && !(n == p.g.removed && p.epoch >= p.g.epoch) {
				return fmt.Sprintf("im group message #%d of node %d (epoch %d) never shown to node %d", p.seq, p.from.id, p.epoch, n.id)
			}
		}
	}
	return ""
}
