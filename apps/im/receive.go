package im

// The receive path, for frames from a connection and from a mailbox:
//
//  1. readLoop (conn.go) reads a length-prefixed frame; an oversized one
//     is skipped and answered with ERROR TooLarge, a malformed one with
//     ERROR Malformed. The sender is the connection's verified wallet.
//  2. serve dispatches by type; messages pass the per-sender rate limit.
//  3. receiveMsg applies consent (blocked: refused; never allowed: kept
//     as a request), suppresses duplicates by ID, stores, emits an event.
//  4. The answer goes back on the same connection: RECEIPT Delivered, or
//     ERROR with the code of the refusal.
//
// A mailbox item (Fetch, mailbox.go) is unsealed, its sender checked
// against the sender's seal key, and enters at step 3.

import (
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// serve handles one frame from pc's peer.
func (s *Service) serve(pc *peerConn, f frame) {
	switch f := f.(type) {
	case helloFrame:
		if f.Version == protocolVersion {
			s.learnKey(pc.peer, f.SealKey)
		}
	case msgFrame:
		if !s.rate.allow(pc.peer, time.Now()) {
			pc.write(errorFrame{ID: f.ID, Code: CodeRateLimited, Reason: "slow down"})
			return
		}
		s.answer(pc, f.ID, s.receiveMsg(pc.peer, f))
	case groupFrame:
		if !s.rate.allow(pc.peer, time.Now()) {
			pc.write(errorFrame{ID: f.ID, Code: CodeRateLimited, Reason: "slow down"})
			return
		}
		s.answer(pc, f.ID, s.receiveGroup(pc.peer, f))
	case groupKeyFrame:
		s.answer(pc, f.ID, s.receiveGroupKey(pc.peer, f))
	case receiptFrame:
		s.receiveReceipt(pc.peer, f)
		if f.Status == Delivered {
			for _, id := range f.IDs {
				pc.resolve(id, nil)
			}
		}
	case errorFrame:
		pc.resolve(f.ID, &RemoteError{Code: f.Code, Reason: f.Reason})
	case storedFrame:
		pc.resolve(f.ID, nil)
	case depositFrame:
		if !s.rate.allow(pc.peer, time.Now()) {
			pc.write(errorFrame{ID: f.ID, Code: CodeRateLimited, Reason: "slow down"})
			return
		}
		if err := s.keep(pc.peer, f); err != nil {
			pc.write(errorFrame{ID: f.ID, Code: codeOf(err), Reason: err.Error()})
			return
		}
		pc.write(storedFrame{ID: f.ID})
	case fetchFrame:
		s.serveFetch(pc)
	case dropFrame:
		if err := s.drop(pc.peer, f.Upto); err != nil {
			s.log.Warn("mailbox drop", "err", err)
		}
		pc.write(endFrame{})
	case cmodFrame, cpostFrame, cfetchFrame, citemFrame:
		s.serveCommunity(pc, f)
	case chunkReqFrame:
		s.serveChunk(pc, f)
	}
}

// answer replies to a delivered frame: a receipt, or the refusal.
func (s *Service) answer(pc *peerConn, id MessageID, err error) {
	if err != nil {
		s.log.Debug("refused", "peer", pc.peer, "id", id, "err", err)
		pc.write(errorFrame{ID: id, Code: codeOf(err), Reason: err.Error()})
		return
	}
	pc.write(receiptFrame{Status: Delivered, IDs: []MessageID{id}})
}

// learnKey records a peer's seal key (from an authenticated HELLO).
func (s *Service) learnKey(w common.Address, k [32]byte) {
	if old, err := s.st.peerKey(w); err == nil && *old == k {
		return
	}
	if err := s.st.putPeerKey(w, k); err != nil {
		s.log.Warn("store peer key", "err", err)
	}
}

// receiveMsg applies a 1:1 message from the verified wallet from.
func (s *Service) receiveMsg(from common.Address, f msgFrame) error {
	if len(f.Text) > s.cfg.MaxText {
		return fmt.Errorf("%w: text of %d bytes, limit %d", ErrTooLarge, len(f.Text), s.cfg.MaxText)
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	meta, err := s.st.meta(from)
	if err != nil {
		return err
	}
	if meta.Consent == Blocked {
		return ErrBlocked
	}
	switch f.Kind {
	case kindText, kindAttachment:
		dup, err := s.st.hasMessage(f.ID)
		if err != nil || dup {
			return err
		}
		m := Message{ID: f.ID, From: from, To: s.self, Text: f.Text, Sent: microTime(f.Sent),
			Received: time.Now(), Status: Delivered}
		if f.Kind == kindAttachment {
			a, err := decodeAttachment(f.Text)
			if err != nil {
				return err
			}
			m.Text, m.Attachment = "", &a
		}
		if meta.Consent != Denied {
			meta.Unread++
		}
		if err := s.st.putMessage(&m, from, &meta); err != nil {
			return err
		}
		switch meta.Consent {
		case Allowed:
			s.emit(Event{Kind: EventMessage, Message: m, Peer: from})
		case Unknown:
			s.emit(Event{Kind: EventRequest, Message: m, Peer: from})
		}
		return nil
	case kindEdit, kindReaction:
		m, hk, err := s.st.message(f.Ref)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: no message %s", ErrRefused, f.Ref)
		}
		if err != nil {
			return err
		}
		if !m.Group.IsZero() || !(m.From == from && m.To == s.self || m.From == s.self && m.To == from) {
			return fmt.Errorf("%w: message %s is not in this conversation", ErrRefused, f.Ref)
		}
		kind := EventReaction
		if f.Kind == kindEdit {
			if m.From != from {
				return fmt.Errorf("%w: only its sender edits a message", ErrRefused)
			}
			m.Text, m.Edited, kind = f.Text, true, EventEdit
		} else {
			react(&m, from, f.Text)
		}
		if err := s.st.updateMessage(hk, &m); err != nil {
			return err
		}
		if meta.Consent == Allowed || meta.Consent == Unknown {
			s.emit(Event{Kind: kind, Message: m, Peer: from})
		}
		return nil
	}
	return fmt.Errorf("%w: kind %d", ErrMalformed, f.Kind)
}

// react sets (or, with empty text, removes) who's reaction on m.
func react(m *Message, who common.Address, text string) {
	if text == "" {
		delete(m.Reactions, who)
		return
	}
	if m.Reactions == nil {
		m.Reactions = make(map[common.Address]string)
	}
	m.Reactions[who] = text
}

// receiveReceipt raises the status of messages this wallet sent to from.
func (s *Service) receiveReceipt(from common.Address, f receiptFrame) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	for _, id := range f.IDs {
		m, hk, err := s.st.message(id)
		if err != nil || m.From != s.self || m.To != from || !m.Group.IsZero() {
			continue
		}
		if m.Status != Failed && m.Status >= f.Status {
			continue
		}
		m.Status, m.Err = f.Status, ""
		if err := s.st.updateMessage(hk, &m); err != nil {
			s.log.Warn("store receipt", "err", err)
			continue
		}
		s.emit(Event{Kind: EventReceipt, Message: m, Peer: from})
	}
}
