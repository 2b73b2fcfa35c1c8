package im

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/chacha20poly1305"
)

// openGroup opens a group message from from with the epoch key held.
func openGroup(g *groupState, f groupFrame, from common.Address) (msgFrame, error) {
	k, ok := g.Keys[f.Epoch]
	if !ok || k == ([32]byte{}) {
		return msgFrame{}, fmt.Errorf("%w: no key for group %s epoch %d", ErrBadSeal, f.Group, f.Epoch)
	}
	aead, err := chacha20poly1305.NewX(k[:])
	if err != nil {
		return msgFrame{}, err
	}
	pt, err := aead.Open(nil, f.Nonce[:], f.Sealed, groupAD(f.Group, f.Epoch, f.ID, from))
	if err != nil {
		return msgFrame{}, fmt.Errorf("%w: group %s epoch %d", ErrBadSeal, f.Group, f.Epoch)
	}
	fr, err := decodeFrame(pt)
	m, ok := fr.(msgFrame)
	if err != nil || !ok || m.ID != f.ID {
		return msgFrame{}, fmt.Errorf("%w: group message content", ErrMalformed)
	}
	return m, nil
}

// receiveGroup applies a group message from the verified wallet from.
func (s *Service) receiveGroup(from common.Address, f groupFrame) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if meta, err := s.st.meta(from); err == nil && meta.Consent == Blocked {
		return ErrBlocked
	}
	g, err := s.loadGroup(f.Group)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("group %s: %w", f.Group, ErrNotMember)
	}
	if err != nil {
		return err
	}
	if g.role(from) == 0 {
		return fmt.Errorf("%s in group %s: %w", from, f.Group, ErrNotMember)
	}
	inner, err := openGroup(g, f, from)
	if err != nil {
		return err
	}
	switch inner.Kind {
	case kindLeave:
		if g.role(s.self) == RoleOwner {
			s.background(func() {
				ctx, cancel := context.WithTimeout(s.ctx, 2*(s.cfg.DialTimeout+s.cfg.AckTimeout))
				defer cancel()
				if _, err := s.Remove(ctx, f.Group, from); err != nil {
					s.log.Debug("leave", "group", f.Group, "member", from, "err", err)
				}
			})
		}
		return nil
	case kindText:
	default:
		return fmt.Errorf("%w: group messages carry text only", ErrRefused)
	}
	if len(inner.Text) > s.cfg.MaxText {
		return fmt.Errorf("%w: text of %d bytes, limit %d", ErrTooLarge, len(inner.Text), s.cfg.MaxText)
	}
	if dup, err := s.st.hasMessage(inner.ID); err != nil || dup {
		return err
	}
	m := Message{ID: inner.ID, From: from, Group: f.Group, Text: inner.Text, Sent: microTime(inner.Sent),
		Received: time.Now(), Status: Delivered}
	if err := s.st.putMessage(&m, common.Address{}, nil); err != nil {
		return err
	}
	kind := EventMessage
	if g.Request {
		kind = EventRequest
	}
	s.emit(Event{Kind: kind, Message: m, Peer: from, Group: f.Group})
	return nil
}

// receiveGroupKey applies a new epoch of a group from the verified
// wallet from: an invitation to a group this wallet does not know (from
// must be its owner or an admin of it), or a rotation by an owner or
// admin of the epoch this wallet holds.
func (s *Service) receiveGroupKey(from common.Address, f groupKeyFrame) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if meta, err := s.st.meta(from); err == nil && meta.Consent == Blocked {
		return ErrBlocked
	}
	next := &groupState{ID: f.Group, Name: f.Name, Epoch: f.Epoch, Members: f.Members}
	g, err := s.loadGroup(f.Group)
	switch {
	case errors.Is(err, ErrNotFound):
		if next.role(from) < RoleAdmin || next.role(s.self) == 0 {
			return fmt.Errorf("%w: invitation not from an admin, or not for this wallet", ErrRefused)
		}
		meta, err := s.st.meta(from)
		if err != nil {
			return err
		}
		g = &groupState{ID: f.Group, Keys: map[uint32][32]byte{}, Request: meta.Consent != Allowed}
	case err != nil:
		return err
	case f.Epoch == g.Epoch:
		return nil // a duplicate
	case f.Epoch < g.Epoch:
		return fmt.Errorf("%w: stale epoch %d < %d", ErrRefused, f.Epoch, g.Epoch)
	case g.role(from) < RoleAdmin:
		return fmt.Errorf("%s in group %s: %w", from, f.Group, ErrNotMember)
	case ownerOf(next) != ownerOf(g):
		return fmt.Errorf("%w: the owner of a group does not change", ErrRefused)
	}
	g.Name, g.Epoch, g.Members = f.Name, f.Epoch, f.Members
	if next.role(s.self) != 0 && f.Key != ([32]byte{}) {
		g.Keys[f.Epoch] = f.Key
	}
	if err := s.saveGroup(g); err != nil {
		return err
	}
	s.emit(Event{Kind: EventGroup, Peer: from, Group: f.Group})
	return nil
}

func ownerOf(g *groupState) common.Address {
	for _, m := range g.Members {
		if m.Role == RoleOwner {
			return m.Wallet
		}
	}
	return common.Address{}
}
