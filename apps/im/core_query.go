package im

// Reads of the core's state that Service runs on the runner's
// goroutine (query in service_api.go); they change nothing.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"

	"github.com/anynet/anynet/apps/service"
)

// conversations lists the 1:1 conversations with peers of one consent
// that hold a message, newest first.
func (c *Core) conversations(consent Consent) []Conversation {
	var out []Conversation
	for _, w := range c.sortedPeers() {
		p := c.peers[w]
		if p.consent != consent || w == c.self {
			continue
		}
		last := c.history(func(m *Message) bool {
			return m.Group.IsZero() && (m.From == w || m.To == w)
		}, 1)
		if len(last) > 0 {
			out = append(out, Conversation{Peer: w, Consent: p.consent, Unread: p.unread, Last: last[0]})
		}
	}
	slices.SortStableFunc(out, func(a, b Conversation) int { return b.Last.Sent.Compare(a.Last.Sent) })
	return out
}

// groupList lists the groups this wallet knows, by ID.
func (c *Core) groupList() []Group {
	var out []Group
	for _, g := range c.groups { // sorted below
		out = append(out, g.public(c.self))
	}
	slices.SortFunc(out, func(a, b Group) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return out
}

// communities lists the communities this node hosts, then those it joined.
func (c *Core) communities() []Community {
	var out []Community
	for _, h := range scanJSON[hostedCommunity](c.cfg.Store, []byte("C")) {
		out = append(out, Community{ID: h.ID, Host: c.self, Name: h.Name, Hosted: true, Members: len(h.Members)})
	}
	for _, j := range scanJSON[joinedCommunity](c.cfg.Store, []byte("J")) {
		out = append(out, Community{ID: j.ID, Host: j.Host, Name: j.Name})
	}
	return out
}

// posts lists the newest limit (0: all) posts of a community, oldest first.
func (c *Core) posts(id CommunityID, limit int) []Post {
	prefix := "p"
	if c.hosted(id) != nil {
		prefix = "P"
	}
	out := scanJSON[Post](c.cfg.Store, skey(prefix, id[:]))
	if limit > 0 && len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out
}

// scanJSON decodes the values under prefix in key order, skipping those
// that do not decode.
func scanJSON[T any](st service.Store, prefix []byte) []T {
	var out []T
	st.Scan(prefix, func(_, v []byte) bool {
		var x T
		if json.Unmarshal(v, &x) == nil {
			out = append(out, x)
		}
		return true
	})
	return out
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
	slices.SortFunc(out, func(a, b Message) int { return cmp.Or(a.Sent.Compare(b.Sent), cmpID(a.ID, b.ID)) })
	if limit > 0 && len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out
}
