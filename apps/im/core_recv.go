package im

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// frame handles one frame from the verified wallet w.
func (c *Core) frame(now time.Time, w common.Address, b []byte, out *service.Effects) {
	f, err := decodeFrame(b)
	if err != nil {
		out.To(w, marshalInner(errorFrame{ID: requestID(b), Code: CodeMalformed, Reason: err.Error()}))
		return
	}
	switch f := f.(type) {
	case helloFrame:
		if f.Version == protocolVersion {
			if p := c.peer(w); p.key == nil || *p.key != f.SealKey {
				c.learnKey(w, f.SealKey, out)
			}
		}
	case msgFrame:
		if c.msgs[f.ID] == nil && !c.rate.allow(w, now) {
			out.To(w, marshalInner(errorFrame{ID: f.ID, Code: CodeRateLimited, Reason: "slow down"}))
			return
		}
		c.answer(w, f.ID, c.receive(now, w, f, out), out)
	case receiptFrame:
		c.delivered(now, w, f, out)
	case errorFrame:
		c.refused(now, w, f, out)
	case storedFrame:
		c.stored(now, w, f.ID, out)
	case depositFrame:
		if !c.rate.allow(w, now) {
			out.To(w, marshalInner(errorFrame{ID: f.ID, Code: CodeRateLimited, Reason: "slow down"}))
			return
		}
		if err := c.keep(w, f, out); err != nil {
			out.To(w, marshalInner(errorFrame{ID: f.ID, Code: codeOf(err), Reason: err.Error()}))
			return
		}
		out.To(w, marshalInner(storedFrame{ID: f.ID}))
	case fetchFrame:
		items := c.kept[w]
		for _, it := range items[:min(len(items), fetchBatch)] {
			out.To(w, marshalInner(itemFrame{Seq: it.seq, Blob: it.blob}))
		}
		out.To(w, marshalInner(endFrame{}))
	case dropFrame:
		c.dropKept(w, f.Upto, out)
		out.To(w, marshalInner(endFrame{}))
	case itemFrame:
		if c.fetch.phase == 1 && w == c.fetch.box {
			c.applyItem(now, f, out)
		}
	case endFrame:
		if w == c.fetch.box {
			c.fetchEnd(now, out)
		}
	default:
		out.To(w, marshalInner(errorFrame{Code: CodeRefused, Reason: fmt.Sprintf("frame type %#x not served here", b[0])}))
	}
}

// answer replies to a MSG: its receipt, or the refusal.
func (c *Core) answer(w common.Address, id MessageID, err error, out *service.Effects) {
	if err != nil {
		out.To(w, marshalInner(errorFrame{ID: id, Code: codeOf(err), Reason: err.Error()}))
		return
	}
	out.To(w, marshalInner(receiptFrame{Status: Delivered, IDs: []MessageID{id}}))
}

// receive applies a MSG from w: consent, duplicates, size, then stores
// it. Edits and reactions change a message of the conversation.
func (c *Core) receive(now time.Time, w common.Address, f msgFrame, out *service.Effects) error {
	if m := c.msgs[f.ID]; m != nil {
		if m.From != w {
			return fmt.Errorf("%w: message %s is another's", ErrRefused, f.ID)
		}
		return nil // a duplicate: acknowledged again, applied once
	}
	if len(f.Text) > c.cfg.MaxText {
		return fmt.Errorf("%w: text of %d bytes, limit %d", ErrTooLarge, len(f.Text), c.cfg.MaxText)
	}
	p := c.peer(w)
	if p.consent == Blocked {
		return ErrBlocked
	}
	switch f.Kind {
	case kindText:
		m := &Message{ID: f.ID, From: w, To: c.self, Text: f.Text, Sent: microTime(f.Sent), Received: now, Status: Delivered}
		c.msgs[f.ID] = m
		c.putMsg(m, out)
		if p.consent != Denied {
			p.unread++
			c.putMeta(w, p, out)
		}
		switch p.consent {
		case Allowed:
			out.Emit(Event{Kind: EventMessage, Message: *m, Peer: w})
		case Unknown:
			out.Emit(Event{Kind: EventRequest, Message: *m, Peer: w})
		}
		return nil
	case kindEdit, kindReaction:
		m := c.msgs[f.Ref]
		if m == nil || !(m.From == w && m.To == c.self || m.From == c.self && m.To == w) {
			return fmt.Errorf("%w: no message %s in this conversation", ErrRefused, f.Ref)
		}
		kind := EventReaction
		if f.Kind == kindEdit {
			if m.From != w {
				return fmt.Errorf("%w: only its sender edits a message", ErrRefused)
			}
			m.Text, m.Edited, kind = f.Text, true, EventEdit
		} else {
			react(m, w, f.Text)
		}
		c.putMsg(m, out)
		if p.consent == Allowed || p.consent == Unknown {
			out.Emit(Event{Kind: kind, Message: *m, Peer: w})
		}
		return nil
	}
	return fmt.Errorf("%w: kind %d", ErrMalformed, f.Kind)
}

// --- the mailbox side ---

// keep stores a deposit from by for its recipient.
func (c *Core) keep(by common.Address, f depositFrame, out *service.Effects) error {
	if !c.cfg.Mailbox {
		return ErrNotMailbox
	}
	for _, it := range c.kept[f.To] {
		if it.id == f.ID && it.by == by {
			return nil // a deposit again: kept once
		}
	}
	if n := len(c.kept[f.To]); n >= c.cfg.MailboxLimit {
		return fmt.Errorf("%w: %d messages kept for %s", ErrMailboxFull, n, f.To)
	}
	pair := [2]common.Address{f.To, by}
	if c.keptBy[pair] >= c.cfg.MailboxPerSender {
		return fmt.Errorf("%w: %d messages from you kept for %s", ErrMailboxFull, c.keptBy[pair], f.To)
	}
	seq := max(c.keptNext[f.To], 1)
	c.keptNext[f.To] = seq + 1
	out.Put(append([]byte("Q"), f.To[:]...), binary.BigEndian.AppendUint64(nil, seq+1))
	c.keptBy[pair]++
	it := keptItem{seq: seq, id: f.ID, by: by, blob: f.Blob}
	c.kept[f.To] = append(c.kept[f.To], it)
	out.Put(keptKey(f.To, seq), append(append(f.ID[:], by[:]...), f.Blob...))
	return nil
}

func keptKey(w common.Address, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte("q"), w[:]...), seq)
}

// dropKept deletes w's items up to seq upto.
func (c *Core) dropKept(w common.Address, upto uint64, out *service.Effects) {
	items := c.kept[w]
	n := 0
	for n < len(items) && items[n].seq <= upto {
		c.keptBy[[2]common.Address{w, items[n].by}]--
		out.Del(keptKey(w, items[n].seq))
		n++
	}
	if n == len(items) {
		delete(c.kept, w)
		return
	}
	c.kept[w] = items[n:]
}

// --- the recipient side of its own mailbox ---

func (c *Core) startFetch(now time.Time, out *service.Effects) {
	f := &c.fetch
	if !f.hasBox {
		if !f.asked {
			f.asked = true
			out.Lookup = append(out.Lookup, c.self)
		}
		return
	}
	if f.phase != 0 {
		return
	}
	f.phase, f.until, f.applied, f.items, f.stalled = 1, now.Add(c.cfg.AckTimeout), 0, 0, false
	out.To(f.box, marshalInner(fetchFrame{}))
	out.Wake(f.until)
}

// applyItem opens one item and applies the frame inside, as if its
// sender had sent it directly; a receipt goes back to the sender.
func (c *Core) applyItem(now time.Time, it itemFrame, out *service.Effects) {
	f := &c.fetch
	f.items++
	if f.stalled || it.Seq <= f.applied {
		return
	}
	from, key, inner, err := unseal(it.Blob, c.keys)
	if err == nil {
		p := c.peer(from)
		if p.key == nil {
			// Its sender's key is not known yet: ask, and stop here
			// until it is (the items stay in the mailbox; the next
			// fetch comes after a backoff, or when the key does).
			f.stalled = true
			if p.doc != 1 {
				p.doc = 1
				out.Lookup = append(out.Lookup, from)
			}
			return
		}
		if *p.key != key {
			err = fmt.Errorf("%w: sender key of %s does not match", ErrBadSeal, from)
		}
	}
	f.applied = it.Seq
	if err != nil {
		out.Emit(Event{Kind: EventRefusedItem, Peer: from})
		return
	}
	fr, err := decodeFrame(inner)
	if err != nil {
		out.Emit(Event{Kind: EventRefusedItem, Peer: from})
		return
	}
	switch fr := fr.(type) {
	case msgFrame:
		if c.receive(now, from, fr, out) == nil {
			out.To(from, marshalInner(receiptFrame{Status: Delivered, IDs: []MessageID{fr.ID}}))
		}
	case receiptFrame:
		c.delivered(now, from, fr, out)
	}
}

// fetchEnd: the END of a FETCH (then DROP what was applied) or of a DROP.
func (c *Core) fetchEnd(now time.Time, out *service.Effects) {
	f := &c.fetch
	switch f.phase {
	case 1:
		if f.applied > 0 {
			f.phase, f.until = 2, now.Add(c.cfg.AckTimeout)
			out.To(f.box, marshalInner(dropFrame{Upto: f.applied}))
			out.Wake(f.until)
			return
		}
	case 2:
		if f.items >= fetchBatch && !f.stalled {
			f.phase = 0
			c.startFetch(now, out)
			return
		}
	default:
		return
	}
	if f.stalled {
		c.fetchFailed(now, out)
		return
	}
	f.phase, f.backoff = 0, 0
	if c.cfg.FetchInterval > 0 {
		f.next = now.Add(c.cfg.FetchInterval)
		out.Wake(f.next)
	}
}

// fetchFailed plans the next fetch after a backoff.
func (c *Core) fetchFailed(now time.Time, out *service.Effects) {
	f := &c.fetch
	f.phase = 0
	f.backoff = max(fetchRetryBase, min(2*f.backoff, c.cfg.FetchInterval))
	f.next = now.Add(f.backoff)
	out.Wake(f.next)
}
