package im

// Public communities. A community lives on its host node, the node of
// the wallet that created it (its owner). Anyone may join unless
// banned; members post to the host (CPOST), which numbers each post,
// keeps it, and pushes it (CITEM) to the members connected at that
// moment. A member catches up by CFETCH from the last number it holds,
// which is also how a late joiner reads the history. The owner bans
// wallets (they can no longer join, post or fetch) and deletes posts;
// an author deletes its own. Posts are public: they are protected in
// transit by the overlay's sessions and not sealed otherwise.
//
// Not done: communities served by several nodes (an anycast wallet),
// and relaying the owner's moderation through other nodes.

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
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
	ID   CommunityID
	Host common.Address
	Name string
}

// CreateCommunity creates a public community hosted by this node.
func (s *Service) CreateCommunity(ctx context.Context, name string) (Community, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Community{}, err
	}
	defer done()
	if len(name) > maxGroupName {
		return Community{}, fmt.Errorf("%w: name of %d bytes", ErrTooLarge, len(name))
	}
	c := &hostedCommunity{Name: name, Members: map[common.Address]bool{s.self: true}, Banned: map[common.Address]bool{}, NextSeq: 1}
	rand.Read(c.ID[:])
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if err := s.putStoreJSON(key([]byte("C"), c.ID[:]), c); err != nil {
		return Community{}, err
	}
	return Community{ID: c.ID, Host: s.self, Name: name, Hosted: true, Members: 1}, nil
}

func (s *Service) putStoreJSON(k []byte, v any) error {
	b := s.st.db.NewBatch()
	defer b.Close()
	if err := s.st.putJSON(b, k, v); err != nil {
		return err
	}
	return b.Commit(pebble.Sync)
}

func (s *Service) hosted(id CommunityID) (*hostedCommunity, error) {
	var c hostedCommunity
	if err := s.st.getJSON(key([]byte("C"), id[:]), &c); err != nil {
		return nil, fmt.Errorf("community %s: %w", id, err)
	}
	return &c, nil
}

func (s *Service) joined(id CommunityID) (*joinedCommunity, error) {
	var j joinedCommunity
	if err := s.st.getJSON(key([]byte("J"), id[:]), &j); err != nil {
		return nil, fmt.Errorf("community %s: %w", id, err)
	}
	return &j, nil
}

// JoinCommunity joins community id hosted by host (a name or "0x…"
// wallet) and fetches its history.
func (s *Service) JoinCommunity(ctx context.Context, host string, id CommunityID) (Community, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Community{}, err
	}
	defer done()
	h, err := s.resolve(ctx, host)
	if err != nil {
		return Community{}, err
	}
	if h == s.self {
		return Community{}, fmt.Errorf("%w: this node hosts it", ErrRefused)
	}
	req := cmodFrame{Community: id, ID: newMessageID(), Op: modJoin}
	if err := s.hostRequest(ctx, h, req.ID, req); err != nil {
		return Community{}, fmt.Errorf("im: join %s: %w", id, err)
	}
	s.st.mu.Lock()
	err = s.putStoreJSON(key([]byte("J"), id[:]), &joinedCommunity{ID: id, Host: h})
	s.st.mu.Unlock()
	if err != nil {
		return Community{}, err
	}
	if err := s.syncCommunity(ctx, id); err != nil {
		return Community{}, err
	}
	j, err := s.joined(id)
	if err != nil {
		return Community{}, err
	}
	return Community{ID: id, Host: h, Name: j.Name}, nil
}

// hostRequest sends f to a community host, which must be online.
func (s *Service) hostRequest(ctx context.Context, host common.Address, id MessageID, f frame) error {
	return s.direct(ctx, host, id, f)
}

// LeaveCommunity leaves a joined community; its history stays here.
func (s *Service) LeaveCommunity(ctx context.Context, id CommunityID) error {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return err
	}
	defer done()
	j, err := s.joined(id)
	if err != nil {
		return err
	}
	req := cmodFrame{Community: id, ID: newMessageID(), Op: modLeave}
	if err := s.hostRequest(ctx, j.Host, req.ID, req); err != nil {
		return fmt.Errorf("im: leave %s: %w", id, err)
	}
	return s.st.db.Delete(key([]byte("J"), id[:]), pebble.Sync)
}

// PostTo posts text to a community this wallet hosts or joined.
func (s *Service) PostTo(ctx context.Context, id CommunityID, text string) (Post, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Post{}, err
	}
	defer done()
	if err := s.checkText(text); err != nil {
		return Post{}, err
	}
	f := cpostFrame{Community: id, ID: newMessageID(), Sent: s.nextSent().UnixMicro(), Text: text}
	if _, err := s.hosted(id); err == nil {
		return s.hostPost(s.self, f)
	}
	j, err := s.joined(id)
	if err != nil {
		return Post{}, err
	}
	if err := s.hostRequest(ctx, j.Host, f.ID, f); err != nil {
		return Post{}, fmt.Errorf("im: post to %s: %w", id, err)
	}
	return Post{Community: id, ID: f.ID, From: s.self, Text: text, Sent: microTime(f.Sent)}, nil
}

// Ban (owner only) bars a wallet from the community: it can no longer
// join, post or fetch.
func (s *Service) Ban(ctx context.Context, id CommunityID, w common.Address) error {
	_, done, err := s.enter(ctx)
	if err != nil {
		return err
	}
	defer done()
	if w == s.self {
		return fmt.Errorf("%w: the owner cannot ban itself", ErrRefused)
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	c, err := s.hosted(id)
	if err != nil {
		return fmt.Errorf("%w (only the host bans)", err)
	}
	delete(c.Members, w)
	c.Banned[w] = true
	return s.putStoreJSON(key([]byte("C"), id[:]), c)
}

// DeletePost deletes a post: the owner deletes any, an author its own.
func (s *Service) DeletePost(ctx context.Context, id CommunityID, post MessageID) error {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return err
	}
	defer done()
	if _, err := s.hosted(id); err == nil {
		return s.hostDelete(s.self, id, post)
	}
	j, err := s.joined(id)
	if err != nil {
		return err
	}
	req := cmodFrame{Community: id, ID: newMessageID(), Op: modDelete, Post: post}
	return s.hostRequest(ctx, j.Host, req.ID, req)
}

// CommunityHistory returns the newest limit posts (0: all), oldest
// first. A member first fetches what the host has that it lacks (if the
// host is reachable).
func (s *Service) CommunityHistory(ctx context.Context, id CommunityID, limit int) ([]Post, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	prefix := key([]byte("P"), id[:])
	if _, err := s.hosted(id); err != nil {
		if err := s.syncCommunity(ctx, id); err != nil {
			s.log.Debug("community sync", "id", id, "err", err)
		}
		prefix = key([]byte("p"), id[:])
	}
	var out []Post
	err = s.st.scan(prefix, true, func(_, v []byte) (bool, error) {
		var p Post
		if err := json.Unmarshal(v, &p); err != nil {
			return false, err
		}
		out = append(out, p)
		return limit <= 0 || len(out) < limit, nil
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// Communities lists the communities this node hosts or joined.
func (s *Service) Communities(ctx context.Context) ([]Community, error) {
	_, done, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	var out []Community
	err = s.st.scan([]byte("C"), false, func(_, v []byte) (bool, error) {
		var c hostedCommunity
		if err := json.Unmarshal(v, &c); err != nil {
			return false, err
		}
		out = append(out, Community{ID: c.ID, Host: s.self, Name: c.Name, Hosted: true, Members: len(c.Members)})
		return true, nil
	})
	if err != nil {
		return out, err
	}
	err = s.st.scan([]byte("J"), false, func(_, v []byte) (bool, error) {
		var j joinedCommunity
		if err := json.Unmarshal(v, &j); err != nil {
			return false, err
		}
		out = append(out, Community{ID: j.ID, Host: j.Host, Name: j.Name})
		return true, nil
	})
	return out, err
}

// syncCommunity fetches from the host the posts after the last one held.
func (s *Service) syncCommunity(ctx context.Context, id CommunityID) error {
	j, err := s.joined(id)
	if err != nil {
		return err
	}
	sc, err := s.dialSync(ctx, j.Host.Hex())
	if err != nil {
		return err
	}
	defer sc.c.Close()
	for {
		after := s.lastPostSeq(id)
		if err := sc.send(cfetchFrame{Community: id, After: after}); err != nil {
			return err
		}
		n := 0
		for {
			f, err := sc.next()
			if err != nil {
				return err
			}
			if _, ok := f.(endFrame); ok {
				break
			}
			if it, ok := f.(citemFrame); ok && it.Community == id {
				s.memberItem(j.Host, it)
				n++
			}
		}
		if n-1 < fetchBatch { // the header and a short batch: done
			return nil
		}
	}
}

// lastPostSeq is the highest post number a member holds.
func (s *Service) lastPostSeq(id CommunityID) uint64 {
	var seq uint64
	s.st.scan(key([]byte("p"), id[:]), true, func(k, _ []byte) (bool, error) {
		seq = binary.BigEndian.Uint64(k[len(k)-8:])
		return false, nil
	})
	return seq
}

// memberItem stores a post (or the header, seq 0) pushed or fetched
// from the host of a joined community.
func (s *Service) memberItem(from common.Address, it citemFrame) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	j, err := s.joined(it.Community)
	if err != nil || j.Host != from {
		return
	}
	if it.Seq == 0 {
		if j.Name != it.Text {
			j.Name = it.Text
			s.putStoreJSON(key([]byte("J"), j.ID[:]), j)
		}
		return
	}
	p := Post{Community: it.Community, Seq: it.Seq, ID: it.ID, From: it.From, Text: it.Text, Sent: microTime(it.Sent), Deleted: it.Deleted}
	k := key([]byte("p"), it.Community[:], u64(it.Seq))
	var old Post
	if s.st.getJSON(k, &old) == nil && old.Deleted == p.Deleted {
		return // already held
	}
	if err := s.putStoreJSON(k, &p); err != nil {
		s.log.Warn("store post", "err", err)
		return
	}
	s.emit(Event{Kind: EventPost, Post: p, Peer: p.From})
}

var errNoCommunity = errors.New("no such community here")
