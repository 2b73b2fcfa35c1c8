package im

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/ethereum/go-ethereum/common"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// History returns the newest limit messages (0: all) of the 1:1
// conversation with peer, oldest first, ordered by the sender's clock.
func (s *Service) History(ctx context.Context, peer common.Address, limit int) ([]Message, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return s.st.history(key([]byte("m"), peer[:]), limit)
}

// Conversations lists the 1:1 conversations with allowed peers, newest
// first. Conversations with peers never allowed are in Requests.
func (s *Service) Conversations(ctx context.Context) ([]Conversation, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return s.conversations(func(c Consent) bool { return c == Allowed })
}

// Requests lists the conversations started by wallets never allowed:
// their messages wait here until Allow (or Deny, Block).
func (s *Service) Requests(ctx context.Context) ([]Conversation, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return s.conversations(func(c Consent) bool { return c == Unknown })
}

func (s *Service) conversations(want func(Consent) bool) ([]Conversation, error) {
	var out []Conversation
	err := s.st.scan([]byte("c"), false, func(k, v []byte) (bool, error) {
		var meta convMeta
		if len(k) != 21 || json.Unmarshal(v, &meta) != nil || !want(meta.Consent) {
			return true, nil
		}
		c := Conversation{Peer: common.BytesToAddress(k[1:]), Consent: meta.Consent, Unread: meta.Unread}
		last, err := s.st.history(key([]byte("m"), k[1:]), 1)
		if err != nil {
			return false, err
		}
		if len(last) == 1 {
			c.Last = last[0]
		}
		out = append(out, c)
		return true, nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Last.Sent.After(out[j].Last.Sent) })
	return out, err
}

// Allow makes peer a contact: its requests become a conversation.
func (s *Service) Allow(ctx context.Context, peer common.Address) error {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return err
	}
	defer done()
	return s.setConsent(peer, Allowed)
}

// Deny hides peer's messages (kept, no events) without telling it.
func (s *Service) Deny(ctx context.Context, peer common.Address) error {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return err
	}
	defer done()
	return s.setConsent(peer, Denied)
}

// Block refuses peer's messages from now on with ErrBlocked.
func (s *Service) Block(ctx context.Context, peer common.Address) error {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return err
	}
	defer done()
	return s.setConsent(peer, Blocked)
}

// ConsentOf returns what was decided about peer.
func (s *Service) ConsentOf(ctx context.Context, peer common.Address) (Consent, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Unknown, err
	}
	defer done()
	m, err := s.st.meta(peer)
	return m.Consent, err
}

func (s *Service) setConsent(peer common.Address, c Consent) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	m, err := s.st.meta(peer)
	if err != nil {
		return err
	}
	m.Consent = c
	if err := s.st.putMeta(peer, m); err != nil {
		return fmt.Errorf("im: consent: %w", err)
	}
	return nil
}
