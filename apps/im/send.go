package im

// The send path:
//
//  1. Send checks the text (empty, too large, not UTF-8), resolves the
//     recipient to a wallet, allows it (sending is consent) and stores
//     the message as Pending.
//  2. deliver tries the recipient directly: the pooled connection or a
//     new dial (DialTimeout), one MSG frame, and the wait for its answer
//     (AckTimeout). A RECEIPT makes it Delivered; an ERROR fails it with
//     the peer's reason, and no mailbox is tried.
//  3. If the recipient is unreachable, the frame is sealed to the
//     recipient's seal key and deposited at its mailbox (Directory): Sent.
//  4. Otherwise Failed, with ErrUnreachable.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"
)

// Send sends text to a wallet ("0x…") or a name, and returns the message
// with the status it reached: Delivered (the recipient's node has it),
// Sent (its mailbox has it), or Failed with the error.
func (s *Service) Send(ctx context.Context, to string, text string) (Message, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Message{}, err
	}
	defer done()
	if err := s.checkText(text); err != nil {
		return Message{}, err
	}
	w, err := s.resolve(ctx, to)
	if err != nil {
		return Message{}, err
	}
	if w == s.self {
		return Message{}, ErrSelf
	}
	m := Message{ID: newMessageID(), From: s.self, To: w, Text: text, Sent: s.nextSent(), Received: time.Now()}
	s.st.mu.Lock()
	meta, err := s.st.meta(w)
	if err == nil {
		if meta.Consent == Unknown || meta.Consent == Denied {
			meta.Consent = Allowed
		}
		err = s.st.putMessage(&m, w, &meta)
	}
	s.st.mu.Unlock()
	if err != nil {
		return m, err
	}
	st, derr := s.deliver(ctx, w, m.ID, msgFrame{ID: m.ID, Sent: m.Sent.UnixMicro(), Kind: kindText, Text: text})
	return s.settle(m.ID, st, derr)
}

// checkText refuses what no peer would accept.
func (s *Service) checkText(text string) error { return checkText(text, s.cfg.MaxText) }

func checkText(text string, maxText int) error {
	switch {
	case text == "":
		return ErrEmpty
	case len(text) > maxText:
		return fmt.Errorf("%w: text of %d bytes, limit %d", ErrTooLarge, len(text), maxText)
	case !utf8.ValidString(text):
		return fmt.Errorf("%w: text not UTF-8", ErrMalformed)
	}
	return nil
}

// settle records the outcome of a delivery, never lowering a status a
// receipt raised meanwhile.
func (s *Service) settle(id MessageID, st Status, derr error) (Message, error) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	m, hk, err := s.st.message(id)
	if err != nil {
		return m, err
	}
	changed := false
	if derr != nil && m.Status == Pending {
		m.Status, m.Err, changed = Failed, derr.Error(), true
	} else if derr == nil && st > m.Status {
		m.Status, changed = st, true
	}
	if changed {
		if err := s.st.updateMessage(hk, &m); err != nil {
			return m, err
		}
		s.emit(Event{Kind: EventReceipt, Message: m, Peer: m.To, Group: m.Group})
	}
	ok := key([]byte("o"), id[:])
	switch {
	case derr == nil:
		s.st.db.Delete(ok, nil)
	case errors.Is(derr, ErrUnreachable) && m.Group.IsZero() && m.From == s.self:
		s.st.db.Set(ok, u64(uint64(time.Now().Unix())), nil) // the outbox: retried
	}
	return m, derr
}

// outboxAge is how long the outbox retries a message.
const outboxAge = 7 * 24 * time.Hour

// retryLoop is the long-lived goroutine that resends, every
// RetryInterval, the 1:1 messages that failed because the recipient was
// unreachable, for up to a week.
func (s *Service) retryLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.RetryInterval)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		var due []MessageID
		s.st.scan([]byte("o"), false, func(k, v []byte) (bool, error) {
			var id MessageID
			copy(id[:], k[1:])
			if len(v) == 8 && time.Since(time.Unix(int64(binary.BigEndian.Uint64(v)), 0)) > outboxAge {
				s.st.db.Delete(k, nil)
				return true, nil
			}
			due = append(due, id)
			return true, nil
		})
		for _, id := range due {
			ctx, cancel := context.WithTimeout(s.ctx, 2*(s.cfg.DialTimeout+s.cfg.AckTimeout))
			_, err := s.resend(ctx, id)
			cancel()
			if s.ctx.Err() != nil {
				return
			}
			s.log.Debug("outbox retry", "id", id, "err", err)
		}
	}
}

// nextSent is a send timestamp later than every one before it.
func (s *Service) nextSent() time.Time {
	s.sendM.Lock()
	defer s.sendM.Unlock()
	now := time.Now().Truncate(time.Microsecond)
	if !now.After(s.lastSent) {
		now = s.lastSent.Add(time.Microsecond)
	}
	s.lastSent = now
	return now
}

// deliver hands frame f (answered by id) to w: directly, else sealed
// through w's mailbox.
func (s *Service) deliver(ctx context.Context, w common.Address, id MessageID, f frame) (Status, error) {
	direct := s.direct(ctx, w, id, f)
	if direct == nil {
		return Delivered, nil
	}
	var re *RemoteError
	if errors.As(direct, &re) || ctx.Err() != nil {
		return Failed, direct
	}
	s.log.Debug("direct delivery failed, trying mailbox", "to", w, "err", direct)
	if err := s.deposit(ctx, w, id, f); err != nil {
		return Failed, fmt.Errorf("%w: %s: direct: %w; mailbox: %w", ErrUnreachable, w, direct, err)
	}
	return Sent, nil
}

// direct sends f on the pooled connection to w, retrying once on a new
// connection if the pooled one turned out dead.
func (s *Service) direct(ctx context.Context, w common.Address, id MessageID, f frame) error {
	for {
		pc, fresh, err := s.connTo(ctx, w)
		if err != nil {
			return err
		}
		err = pc.request(ctx, id, f)
		if err == nil || fresh || !errors.Is(err, errConnLost) {
			return err
		}
	}
}

// Edit replaces the text of a message this wallet sent to peer.
func (s *Service) Edit(ctx context.Context, peer common.Address, id MessageID, text string) (Message, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Message{}, err
	}
	defer done()
	if err := s.checkText(text); err != nil {
		return Message{}, err
	}
	m, err := s.applyLocal(peer, id, func(m *Message) error {
		if m.From != s.self {
			return fmt.Errorf("%w: only its sender edits a message", ErrRefused)
		}
		m.Text, m.Edited = text, true
		return nil
	})
	if err != nil {
		return m, err
	}
	_, err = s.deliverOp(ctx, peer, msgFrame{ID: newMessageID(), Sent: s.nextSent().UnixMicro(), Kind: kindEdit, Ref: id, Text: text})
	return m, err
}

// React sets this wallet's reaction to a message of the conversation
// with peer; an empty reaction removes it.
func (s *Service) React(ctx context.Context, peer common.Address, id MessageID, reaction string) (Message, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Message{}, err
	}
	defer done()
	if len(reaction) > 64 || !utf8.ValidString(reaction) {
		return Message{}, fmt.Errorf("%w: reaction of %d bytes, limit 64", ErrTooLarge, len(reaction))
	}
	m, err := s.applyLocal(peer, id, func(m *Message) error {
		react(m, s.self, reaction)
		return nil
	})
	if err != nil {
		return m, err
	}
	_, err = s.deliverOp(ctx, peer, msgFrame{ID: newMessageID(), Sent: s.nextSent().UnixMicro(), Kind: kindReaction, Ref: id, Text: reaction})
	return m, err
}

func (s *Service) deliverOp(ctx context.Context, peer common.Address, f msgFrame) (Status, error) {
	return s.deliver(ctx, peer, f.ID, f)
}

// applyLocal changes a stored message of the conversation with peer.
func (s *Service) applyLocal(peer common.Address, id MessageID, fn func(*Message) error) (Message, error) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	m, hk, err := s.st.message(id)
	if err != nil {
		return m, fmt.Errorf("message %s: %w", id, err)
	}
	if !m.Group.IsZero() || !(m.From == peer && m.To == s.self || m.From == s.self && m.To == peer) {
		return m, fmt.Errorf("message %s with %s: %w", id, peer, ErrNotFound)
	}
	if err := fn(&m); err != nil {
		return m, err
	}
	return m, s.st.updateMessage(hk, &m)
}

// MarkRead marks every message from peer read and sends the peer a read
// receipt (in the background: directly, else through its mailbox).
func (s *Service) MarkRead(ctx context.Context, peer common.Address) error {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return err
	}
	defer done()
	var ids []MessageID
	s.st.mu.Lock()
	err = s.st.scan(key([]byte("m"), peer[:]), false, func(k, v []byte) (bool, error) {
		var m Message
		if err := jsonUnmarshal(v, &m); err != nil {
			return false, err
		}
		if m.From == peer && m.Status == Delivered {
			m.Status = Read
			ids = append(ids, m.ID)
			if err := s.st.updateMessage(k, &m); err != nil {
				return false, err
			}
		}
		return true, nil
	})
	if err == nil {
		var meta convMeta
		if meta, err = s.st.meta(peer); err == nil && meta.Unread != 0 {
			meta.Unread = 0
			err = s.st.putMeta(peer, meta)
		}
	}
	s.st.mu.Unlock()
	if err != nil {
		return fmt.Errorf("im: mark read: %w", err)
	}
	for len(ids) > 0 {
		n := min(len(ids), maxReceiptIDs)
		s.sendReceipt(peer, receiptFrame{Status: Read, IDs: ids[:n]})
		ids = ids[n:]
	}
	return nil
}

// sendReceipt sends a receipt in the background: directly (three tries
// over about 3×(DialTimeout+AckTimeout)), else through the peer's
// mailbox; then it gives up (receipts are best effort).
func (s *Service) sendReceipt(to common.Address, f receiptFrame) {
	s.background(func() {
		for try := 0; try < 3; try++ {
			ctx, cancel := context.WithTimeout(s.ctx, s.cfg.DialTimeout+s.cfg.AckTimeout)
			pc, _, err := s.connTo(ctx, to)
			if err == nil {
				err = pc.write(f)
			}
			cancel()
			if err == nil {
				return
			}
			if s.ctx.Err() != nil {
				return
			}
			s.log.Debug("receipt not sent directly", "to", to, "try", try, "err", err)
		}
		ctx, cancel := context.WithTimeout(s.ctx, s.cfg.DialTimeout+s.cfg.AckTimeout)
		defer cancel()
		if err := s.deposit(ctx, to, newMessageID(), f); err != nil {
			s.log.Debug("receipt not sent", "to", to, "err", err)
		}
	})
}

// Resend delivers again a message this wallet sent 1:1 that is not yet
// Delivered (say it Failed while the recipient was unreachable and had
// no mailbox). The recipient suppresses a copy it already holds.
func (s *Service) Resend(ctx context.Context, id MessageID) (Message, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Message{}, err
	}
	defer done()
	return s.resend(ctx, id)
}

func (s *Service) resend(ctx context.Context, id MessageID) (Message, error) {
	m, _, err := s.st.message(id)
	if err != nil {
		return m, fmt.Errorf("message %s: %w", id, err)
	}
	if m.From != s.self || !m.Group.IsZero() {
		return m, fmt.Errorf("%w: only 1:1 messages this wallet sent are resent", ErrRefused)
	}
	if m.Status == Delivered || m.Status == Read {
		return m, nil
	}
	f := msgFrame{ID: m.ID, Sent: m.Sent.UnixMicro(), Kind: kindText, Text: m.Text}
	if m.Attachment != nil {
		f.Kind, f.Text = kindAttachment, m.Attachment.encode()
	}
	s.st.mu.Lock()
	if cur, hk, err := s.st.message(id); err == nil && cur.Status == Failed {
		cur.Status, cur.Err = Pending, ""
		s.st.updateMessage(hk, &cur)
	}
	s.st.mu.Unlock()
	st, derr := s.deliver(ctx, m.To, m.ID, f)
	return s.settle(m.ID, st, derr)
}
