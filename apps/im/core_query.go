package im

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/ethereum/go-ethereum/common"
)

// queryCmd reads the core's state for Service; it changes nothing.
type queryCmd struct {
	what    string // see query
	peer    common.Address
	id      [16]byte // a message, group or community
	limit   int
	consent Consent
}

func (c *Core) query(q queryCmd) (any, error) {
	switch q.what {
	case "message":
		if m := c.msgs[q.id]; m != nil {
			return *m, nil
		}
		return Message{}, ErrNotFound
	case "history": // 1:1 with peer, or a group's (id)
		return c.history(func(m *Message) bool {
			if !GroupID(q.id).IsZero() {
				return m.Group == q.id
			}
			return m.Group.IsZero() && (m.From == q.peer && m.To == c.self || m.From == c.self && m.To == q.peer)
		}, q.limit), nil
	case "conversations":
		var out []Conversation
		for _, w := range c.sortedPeers() {
			p := c.peers[w]
			if p.consent != q.consent || w == c.self {
				continue
			}
			conv := Conversation{Peer: w, Consent: p.consent, Unread: p.unread}
			last := c.history(func(m *Message) bool {
				return m.Group.IsZero() && (m.From == w || m.To == w)
			}, 1)
			if len(last) == 0 {
				continue
			}
			conv.Last = last[0]
			out = append(out, conv)
		}
		slices.SortStableFunc(out, func(a, b Conversation) int { return b.Last.Sent.Compare(a.Last.Sent) })
		return out, nil
	case "consent":
		if p := c.peers[q.peer]; p != nil {
			return p.consent, nil
		}
		return Unknown, nil
	case "group":
		if g := c.groups[q.id]; g != nil {
			return g.public(c.self), nil
		}
		return Group{}, ErrNotFound
	case "groups":
		var out []Group
		for _, g := range c.groups { // sorted below
			out = append(out, g.public(c.self))
		}
		slices.SortFunc(out, func(a, b Group) int { return bytes.Compare(a.ID[:], b.ID[:]) })
		return out, nil
	case "communities":
		var out []Community
		c.cfg.Store.Scan([]byte("C"), func(_, v []byte) bool {
			var h hostedCommunity
			if json.Unmarshal(v, &h) == nil {
				out = append(out, Community{ID: h.ID, Host: c.self, Name: h.Name, Hosted: true, Members: len(h.Members)})
			}
			return true
		})
		c.cfg.Store.Scan([]byte("J"), func(_, v []byte) bool {
			var j joinedCommunity
			if json.Unmarshal(v, &j) == nil {
				out = append(out, Community{ID: j.ID, Host: j.Host, Name: j.Name})
			}
			return true
		})
		return out, nil
	case "posts":
		prefix := "p"
		if c.hosted(q.id) != nil {
			prefix = "P"
		}
		var out []Post
		c.cfg.Store.Scan(skey(prefix, q.id[:]), func(_, v []byte) bool {
			var p Post
			if json.Unmarshal(v, &p) == nil {
				out = append(out, p)
			}
			return true
		})
		if q.limit > 0 && len(out) > q.limit {
			out = out[len(out)-q.limit:]
		}
		return out, nil
	case "kept": // the mailbox items kept for peer (tests)
		return slices.Clone(c.kept[q.peer]), nil
	}
	return nil, ErrNotFound
}

// history lists the newest limit (0: all) messages that match,
// oldest first, ordered by the sender's clock.
func (c *Core) history(match func(*Message) bool, limit int) []Message {
	var out []Message
	for _, m := range c.msgs { // sorted below
		if match(m) {
			out = append(out, *m)
		}
	}
	slices.SortFunc(out, func(a, b Message) int {
		if x := a.Sent.Compare(b.Sent); x != 0 {
			return x
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	if limit > 0 && len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out
}
