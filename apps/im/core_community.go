package im

// Public communities. A community lives on its host node, the node of
// the wallet that created it (its owner). Anyone may join unless
// banned; members post to the host (CPOST), which numbers each post,
// keeps it, and pushes it (CITEM) to the members connected at that
// moment. A member catches up by CFETCH from the last number it holds,
// which is also how a late joiner reads the history. The owner bans
// wallets (they can no longer join, post or fetch) and deletes posts;
// an author deletes its own. Posts are public: they are protected in
// transit by the overlay's sessions and not sealed otherwise. A
// member's requests are direct-only ops: the host must be online.
//
// Not done: communities served by several nodes (an anycast wallet),
// and relaying the owner's moderation through other nodes.

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Community is a public community as this node knows it.
type Community struct {
	ID   CommunityID
	Host common.Address
	Name string
	// Hosted is set on the host node.
	Hosted bool
	// Members is the member count (known on the host only).
	Members int
}

// Post is one post of a community.
type Post struct {
	Community CommunityID
	// Seq is the host's number for the post, from 1; zero until the
	// host's copy arrived.
	Seq     uint64
	ID      MessageID
	From    common.Address
	Text    string
	Sent    time.Time
	Deleted bool `json:",omitempty"`
}

// hostedCommunity is what the host keeps ("C" id).
type hostedCommunity struct {
	ID      CommunityID
	Name    string
	Members map[common.Address]bool
	Banned  map[common.Address]bool
	NextSeq uint64
}

// joinedCommunity is what a member keeps ("J" id).
type joinedCommunity struct {
	ID      CommunityID
	Host    common.Address
	Name    string
	LastSeq uint64 `json:",omitempty"`
}

// The community commands Service gives its core.
type (
	createCommunity struct{ name string }
	// toHost hands f, a CPOST or CMOD of community id, to its host:
	// host, or else the one of the community this node hosts or joined.
	// This node applies f itself if it is the host; else f goes to the
	// host as a request (a direct-only op).
	toHost struct {
		id   CommunityID
		host common.Address
		f    frame
	}
	// syncCmd fetches from the host the posts after the last one held;
	// a non-zero host first records the community as joined there.
	syncCmd struct {
		id   CommunityID
		host common.Address
	}
	leftCmd struct{ id CommunityID }
)

func (c *Core) hosted(id CommunityID) *hostedCommunity {
	return load[hostedCommunity](c, skey("C", id[:]))
}

func (c *Core) joined(id CommunityID) *joinedCommunity {
	return load[joinedCommunity](c, skey("J", id[:]))
}

// hostOf is the host of a community this node hosts or joined, or zero.
func (c *Core) hostOf(id CommunityID) common.Address {
	if c.hosted(id) != nil {
		return c.self
	}
	if j := c.joined(id); j != nil {
		return j.Host
	}
	return common.Address{}
}

func (c *Core) communityCommand(now time.Time, cmd any, out *service.Effects) bool {
	switch cmd := cmd.(type) {
	case createCommunity:
		if len(cmd.name) > maxGroupName {
			out.Err = fmt.Errorf("%w: name of %d bytes", ErrTooLarge, len(cmd.name))
			return true
		}
		h := &hostedCommunity{ID: CommunityID(c.newID()), Name: cmd.name, Members: map[common.Address]bool{c.self: true}, Banned: map[common.Address]bool{}, NextSeq: 1}
		c.putJSON(skey("C", h.ID[:]), h, out)
		out.Result = Community{ID: h.ID, Host: c.self, Name: h.Name, Hosted: true, Members: 1}
	case toHost:
		host := cmp.Or(cmd.host, c.hostOf(cmd.id))
		post, isPost := cmd.f.(*cpostFrame)
		switch {
		case host == (common.Address{}):
			out.Err = fmt.Errorf("community %s: %w", cmd.id, ErrNotFound)
		case host != c.self:
			b := marshalInner(cmd.f)
			c.enqueue(now, host, requestID(b), c.nextSent(now), b, true, out)
			if isPost {
				out.Result = Post{Community: cmd.id, ID: post.ID, From: c.self, Text: post.Text, Sent: time.UnixMicro(post.Sent)}
			}
		case isPost:
			out.Result, out.Err = c.hostPost(c.self, post, out)
		default:
			out.Err = c.hostMod(c.self, cmd.f.(*cmodFrame), out)
		}
	case syncCmd:
		j := c.joined(cmd.id)
		if j == nil && cmd.host != (common.Address{}) {
			j = &joinedCommunity{ID: cmd.id, Host: cmd.host}
			c.putJSON(skey("J", cmd.id[:]), j, out)
		}
		if j == nil {
			out.Err = fmt.Errorf("community %s: %w", cmd.id, ErrNotFound)
			return true
		}
		out.Emit(Note{Key: NoteKey{Kind: noteSync, Peer: j.Host, ID: cmd.id}, Start: true})
		c.askPosts(now, j, out)
	case leftCmd:
		out.Del(skey("J", cmd.id[:]))
	default:
		return false
	}
	return true
}

// communityFrame handles the community frames a host (or, for CITEM, a
// member) receives from the verified wallet w.
func (c *Core) communityFrame(now time.Time, w common.Address, f frame, out *service.Effects) {
	switch f := f.(type) {
	case *cmodFrame:
		c.answer(w, f.ID, c.hostMod(w, f, out), out)
	case *cpostFrame:
		_, err := c.hostPost(w, f, out)
		c.answer(w, f.ID, err, out)
	case *cfetchFrame:
		c.hostFetch(w, f, out)
	case *citemFrame:
		if es := c.ends[w]; len(es) > 0 && es[0].sync && es[0].community == f.Community {
			es[0].items++
		}
		c.memberItem(w, f, out)
	}
}

// hostMod applies a CMOD from a member, or the owner's own (from this
// node: a ban is the owner's alone; the owner neither joins nor leaves).
func (c *Core) hostMod(from common.Address, f *cmodFrame, out *service.Effects) error {
	if from == c.self && (f.Op == modJoin || f.Op == modLeave) {
		return fmt.Errorf("%w: this node hosts it", ErrRefused)
	}
	h := c.hosted(f.Community)
	if h == nil {
		return fmt.Errorf("community %s: %w", f.Community, ErrNotFound)
	}
	switch {
	case f.Op == modJoin && h.Banned[from]:
		return fmt.Errorf("%w: banned from %s", ErrBlocked, f.Community)
	case f.Op == modJoin:
		h.Members[from] = true
	case f.Op == modLeave:
		delete(h.Members, from)
	case f.Op == modDelete:
		return c.hostDelete(from, h, f.Post, out)
	case from != c.self:
		return fmt.Errorf("%w: only the owner moderates, on its own node", ErrRefused)
	case f.Target == c.self:
		return fmt.Errorf("%w: the owner cannot ban itself", ErrRefused)
	default: // modBan
		delete(h.Members, f.Target)
		h.Banned[f.Target] = true
	}
	c.putJSON(skey("C", h.ID[:]), h, out)
	return nil
}

// hostPost numbers and publishes a post from a member.
func (c *Core) hostPost(from common.Address, f *cpostFrame, out *service.Effects) (Post, error) {
	if err := checkText(f.Text, c.cfg.MaxText); err != nil {
		return Post{}, err
	}
	h := c.hosted(f.Community)
	switch {
	case h == nil:
		return Post{}, fmt.Errorf("community %s: %w", f.Community, ErrNotFound)
	case h.Banned[from]:
		return Post{}, fmt.Errorf("%w: banned from %s", ErrBlocked, f.Community)
	case !h.Members[from]:
		return Post{}, fmt.Errorf("%w: join %s first", ErrNotMember, f.Community)
	}
	if seq, err := c.cfg.Store.Get(skey("I", f.Community[:], f.ID[:])); err == nil {
		if p := load[Post](c, skey("P", f.Community[:], seq)); p != nil {
			return *p, nil // a retry
		}
	}
	p := Post{Community: f.Community, Seq: h.NextSeq, ID: f.ID, From: from, Text: f.Text, Sent: time.UnixMicro(f.Sent)}
	h.NextSeq++
	c.putJSON(skey("C", h.ID[:]), h, out)
	out.Put(skey("I", f.Community[:], f.ID[:]), binary.BigEndian.AppendUint64(nil, p.Seq))
	c.publish(h, from, p, out)
	return p, nil
}

// hostDelete marks a post deleted (its text dropped) and publishes that.
func (c *Core) hostDelete(from common.Address, h *hostedCommunity, post MessageID, out *service.Effects) error {
	seq, err := c.cfg.Store.Get(skey("I", h.ID[:], post[:]))
	p := load[Post](c, skey("P", h.ID[:], seq))
	if err != nil || p == nil {
		return fmt.Errorf("post %s: %w", post, ErrNotFound)
	}
	if from != c.self && from != p.From {
		return fmt.Errorf("%w: only the owner or the author deletes a post", ErrRefused)
	}
	p.Deleted, p.Text = true, ""
	c.publish(h, from, *p, out)
	return nil
}

// publish stores a post (new, or changed by from), shows it, and
// pushes it to every member connected now; the others fetch.
func (c *Core) publish(h *hostedCommunity, from common.Address, p Post, out *service.Effects) {
	c.putJSON(skey("P", h.ID[:], binary.BigEndian.AppendUint64(nil, p.Seq)), &p, out)
	out.Emit(Event{Kind: EventPost, Post: p, Peer: from})
	for _, w := range slices.SortedFunc(maps.Keys(h.Members), common.Address.Cmp) {
		if c.up[w] {
			out.To(w, marshalInner(postItem(p)))
		}
	}
}

func postItem(p Post) *citemFrame {
	return &citemFrame{Community: p.Community, Seq: p.Seq, ID: p.ID, From: p.From, Sent: p.Sent.UnixMicro(), Deleted: p.Deleted, Text: p.Text}
}

// hostFetch answers CFETCH: the header (seq 0, the name), then up to
// fetchBatch posts after f.After, then END. Banned wallets get END only.
func (c *Core) hostFetch(w common.Address, f *cfetchFrame, out *service.Effects) {
	defer out.To(w, marshalInner(&endFrame{}))
	h := c.hosted(f.Community)
	if h == nil || h.Banned[w] {
		return
	}
	out.To(w, marshalInner(&citemFrame{Community: h.ID, From: c.self, Text: h.Name}))
	n := 0
	c.cfg.Store.Scan(skey("P", f.Community[:]), func(k, v []byte) bool {
		var p Post
		if len(k) == 25 && binary.BigEndian.Uint64(k[17:]) > f.After && json.Unmarshal(v, &p) == nil {
			out.To(w, marshalInner(postItem(p)))
			n++
		}
		return n < fetchBatch
	})
}

// memberItem stores a post (or the header, seq 0) pushed or fetched
// from the host of a joined community.
func (c *Core) memberItem(from common.Address, it *citemFrame, out *service.Effects) {
	j := c.joined(it.Community)
	if j == nil || j.Host != from {
		return
	}
	if it.Seq == 0 {
		if j.Name != it.Text {
			j.Name = it.Text
			c.putJSON(skey("J", j.ID[:]), j, out)
		}
		return
	}
	p := Post{Community: it.Community, Seq: it.Seq, ID: it.ID, From: it.From, Text: it.Text, Sent: time.UnixMicro(it.Sent), Deleted: it.Deleted}
	k := skey("p", it.Community[:], binary.BigEndian.AppendUint64(nil, it.Seq))
	if old := load[Post](c, k); old != nil && old.Deleted == p.Deleted {
		return // already held
	}
	c.putJSON(k, &p, out)
	if it.Seq > j.LastSeq {
		j.LastSeq = it.Seq
		c.putJSON(skey("J", j.ID[:]), j, out)
	}
	out.Emit(Event{Kind: EventPost, Post: p, Peer: p.From})
}

// syncEnd: the END of a CFETCH; a full batch asks for the next.
func (c *Core) syncEnd(now time.Time, w common.Address, e endWait, out *service.Effects) {
	if j := c.joined(e.community); j != nil && e.items-1 >= fetchBatch {
		c.askPosts(now, j, out)
		return
	}
	out.Emit(Note{Key: NoteKey{Kind: noteSync, Peer: w, ID: e.community}})
}

// askPosts asks j's host for the posts after the last one held.
func (c *Core) askPosts(now time.Time, j *joinedCommunity, out *service.Effects) {
	out.To(j.Host, marshalInner(&cfetchFrame{Community: j.ID, After: j.LastSeq}))
	c.expect(now, j.Host, endWait{sync: true, community: j.ID}, out)
}
