package im

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/ethereum/go-ethereum/common"
)

// serveCommunity handles the community frames a host (or, for CITEM, a
// member) receives from the verified wallet pc.peer.
func (s *Service) serveCommunity(pc *peerConn, f frame) {
	switch f := f.(type) {
	case cmodFrame:
		s.answer(pc, f.ID, s.hostMod(pc.peer, f))
	case cpostFrame:
		if !s.rate.allow(pc.peer, time.Now()) {
			pc.write(errorFrame{ID: f.ID, Code: CodeRateLimited, Reason: "slow down"})
			return
		}
		_, err := s.hostPost(pc.peer, f)
		s.answer(pc, f.ID, err)
	case cfetchFrame:
		s.hostFetch(pc, f)
	case citemFrame:
		s.memberItem(pc.peer, f)
	}
}

func (s *Service) hostMod(from common.Address, f cmodFrame) error {
	if f.Op == modDelete {
		return s.hostDelete(from, f.Community, f.Post)
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	c, err := s.hosted(f.Community)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRefused, errNoCommunity)
	}
	switch f.Op {
	case modJoin:
		if c.Banned[from] {
			return fmt.Errorf("%w: banned from %s", ErrBlocked, f.Community)
		}
		c.Members[from] = true
	case modLeave:
		delete(c.Members, from)
	default:
		return fmt.Errorf("%w: only the owner moderates, on its own node", ErrRefused)
	}
	return s.putStoreJSON(key([]byte("C"), c.ID[:]), c)
}

// hostPost numbers, stores and pushes a post from a member.
func (s *Service) hostPost(from common.Address, f cpostFrame) (Post, error) {
	if len(f.Text) > s.cfg.MaxText || f.Text == "" {
		return Post{}, fmt.Errorf("%w: text of %d bytes, limit %d", ErrTooLarge, len(f.Text), s.cfg.MaxText)
	}
	s.st.mu.Lock()
	c, err := s.hosted(f.Community)
	switch {
	case err != nil:
		err = fmt.Errorf("%w: %w", ErrRefused, errNoCommunity)
	case c.Banned[from]:
		err = fmt.Errorf("%w: banned from %s", ErrBlocked, f.Community)
	case !c.Members[from]:
		err = fmt.Errorf("%w: join %s first", ErrNotMember, f.Community)
	}
	if err != nil {
		s.st.mu.Unlock()
		return Post{}, err
	}
	ik := key([]byte("I"), f.Community[:], f.ID[:])
	if seq, err := s.st.get(ik); err == nil && len(seq) == 8 {
		var p Post
		err := s.st.getJSON(key([]byte("P"), f.Community[:], seq), &p)
		s.st.mu.Unlock()
		return p, err // a retry
	}
	p := Post{Community: f.Community, Seq: c.NextSeq, ID: f.ID, From: from, Text: f.Text, Sent: microTime(f.Sent)}
	c.NextSeq++
	b := s.st.db.NewBatch()
	s.st.putJSON(b, key([]byte("C"), c.ID[:]), c)
	s.st.putJSON(b, key([]byte("P"), f.Community[:], u64(p.Seq)), &p)
	b.Set(ik, u64(p.Seq), nil)
	err = b.Commit(pebble.Sync)
	b.Close()
	s.st.mu.Unlock()
	if err != nil {
		return Post{}, fmt.Errorf("im: store post: %w", err)
	}
	s.emit(Event{Kind: EventPost, Post: p, Peer: from})
	s.push(c, p)
	return p, nil
}

// hostDelete marks a post deleted (its text dropped) and pushes that.
func (s *Service) hostDelete(from common.Address, id CommunityID, post MessageID) error {
	s.st.mu.Lock()
	c, err := s.hosted(id)
	if err != nil {
		s.st.mu.Unlock()
		return fmt.Errorf("%w: %w", ErrRefused, errNoCommunity)
	}
	seq, err := s.st.get(key([]byte("I"), id[:], post[:]))
	var p Post
	if err == nil {
		err = s.st.getJSON(key([]byte("P"), id[:], seq), &p)
	}
	if err == nil && from != s.self && from != p.From {
		err = fmt.Errorf("%w: only the owner or the author deletes a post", ErrRefused)
	}
	if err == nil {
		p.Deleted, p.Text = true, ""
		err = s.putStoreJSON(key([]byte("P"), id[:], seq), &p)
	}
	s.st.mu.Unlock()
	if err != nil {
		return err
	}
	s.emit(Event{Kind: EventPost, Post: p, Peer: from})
	s.push(c, p)
	return nil
}

// push sends a post to every member connected now; the others fetch.
func (s *Service) push(c *hostedCommunity, p Post) {
	it := postItem(p)
	s.mu.Lock()
	var to []*peerConn
	for w := range c.Members {
		if pc := s.conns[w]; pc != nil {
			to = append(to, pc)
		}
	}
	s.mu.Unlock()
	for _, pc := range to {
		s.background(func() { pc.write(it) })
	}
}

func postItem(p Post) citemFrame {
	return citemFrame{Community: p.Community, Seq: p.Seq, ID: p.ID, From: p.From, Sent: p.Sent.UnixMicro(), Deleted: p.Deleted, Text: p.Text}
}

// hostFetch answers CFETCH: the header (seq 0, the name), then up to
// fetchBatch posts after f.After, then END. Banned wallets get END only.
func (s *Service) hostFetch(pc *peerConn, f cfetchFrame) {
	defer pc.write(endFrame{})
	c, err := s.hosted(f.Community)
	if err != nil || c.Banned[pc.peer] {
		return
	}
	if pc.write(citemFrame{Community: c.ID, From: s.self, Text: c.Name}) != nil {
		return
	}
	var items []citemFrame
	s.st.scanFrom(key([]byte("P"), f.Community[:]), u64(f.After+1), func(k, v []byte) (bool, error) {
		var p Post
		if json.Unmarshal(v, &p) != nil {
			return true, nil
		}
		items = append(items, postItem(p))
		return len(items) < fetchBatch, nil
	})
	for _, it := range items {
		if pc.write(it) != nil {
			return
		}
	}
}
