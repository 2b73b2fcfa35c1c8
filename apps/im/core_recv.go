package im

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/anynet/anynet/apps/internal/seal"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// frame handles one frame from the verified wallet w.
func (c *Core) frame(now time.Time, w common.Address, b []byte, out *service.Effects) {
	f, err := decodeFrame(b)
	if err != nil {
		c.answer(w, requestID(b), err, out) // CodeMalformed
		return
	}
	// The per-sender limit: a message new here, a deposit or a post
	// costs a token; over the limit the answer is ERROR RateLimited.
	switch f.(type) {
	case *msgFrame, *groupFrame, *depositFrame, *cpostFrame:
		if id := requestID(b); c.msgs[id] == nil && !c.rate.allow(w, now) {
			out.To(w, marshalInner(&errorFrame{ID: id, Code: CodeRateLimited, Reason: "slow down"}))
			return
		}
	}
	switch f := f.(type) {
	case *helloFrame:
		if f.Version == protocolVersion {
			if p := c.peer(w); p.key == nil || *p.key != f.SealKey {
				c.learnKey(w, f.SealKey, out)
			}
		}
	case *msgFrame, *groupFrame, *groupKeyFrame:
		c.answer(w, requestID(b), c.apply(now, w, f, out), out)
	case *receiptFrame:
		c.delivered(now, w, f, out)
	case *errorFrame:
		c.refused(now, w, f, out)
	case *storedFrame:
		c.stored(now, f.ID, out)
	case *depositFrame:
		if err := c.keep(w, f, out); err != nil {
			c.answer(w, f.ID, err, out)
		} else {
			out.To(w, marshalInner(&storedFrame{ID: f.ID}))
		}
	case *fetchFrame:
		items := c.kept[w]
		for _, it := range items[:min(len(items), fetchBatch)] {
			out.To(w, marshalInner(&itemFrame{Seq: it.seq, Blob: it.blob}))
		}
		out.To(w, marshalInner(&endFrame{}))
	case *dropFrame:
		c.dropKept(w, f.Upto, out)
		out.To(w, marshalInner(&endFrame{}))
	case *itemFrame:
		if c.fetch.phase == 1 && w == c.fetch.box {
			c.applyItem(now, f, out)
		}
	case *endFrame:
		c.endOf(now, w, out)
	case *cmodFrame, *cpostFrame, *cfetchFrame, *citemFrame:
		c.communityFrame(now, w, f, out)
	case *chunkReqFrame, *chunkFrame:
		c.attachFrame(now, w, f, out)
	default:
		out.To(w, marshalInner(&errorFrame{Code: CodeRefused, Reason: fmt.Sprintf("frame type %#x not served here", b[0])}))
	}
}

// apply applies a message, group message or group key from w.
func (c *Core) apply(now time.Time, w common.Address, f frame, out *service.Effects) error {
	switch f := f.(type) {
	case *msgFrame:
		return c.receive(now, w, f, out)
	case *groupFrame:
		return c.receiveGroup(now, w, f, out)
	case *groupKeyFrame:
		return c.receiveGroupKey(w, f, out)
	}
	return fmt.Errorf("%w: not a message", ErrRefused)
}

// answer replies to request id: its receipt, or the refusal (codeOf err).
func (c *Core) answer(w common.Address, id MessageID, err error, out *service.Effects) {
	if err != nil {
		out.To(w, marshalInner(&errorFrame{ID: id, Code: codeOf(err), Reason: err.Error()}))
		return
	}
	out.To(w, marshalInner(&receiptFrame{Status: Delivered, IDs: []MessageID{id}}))
}

// receive applies a MSG from w: consent, duplicates, size, then stores
// it. Edits and reactions change a message of the conversation.
func (c *Core) receive(now time.Time, w common.Address, f *msgFrame, out *service.Effects) error {
	if m := c.msgs[f.ID]; m != nil {
		if m.From != w {
			return fmt.Errorf("%w: message %s is another's", ErrRefused, f.ID)
		}
		c.counts.Duplicates++
		return nil // a duplicate: acknowledged again, applied once
	}
	if len(f.Text) > c.cfg.MaxText && f.Kind != kindAttachment {
		return fmt.Errorf("%w: text of %d bytes, limit %d", ErrTooLarge, len(f.Text), c.cfg.MaxText)
	}
	p := c.peer(w)
	if p.consent == Blocked {
		return ErrBlocked
	}
	switch f.Kind {
	case kindText, kindAttachment:
		m := &Message{ID: f.ID, From: w, To: c.self, Text: f.Text, Sent: time.UnixMicro(f.Sent), Received: now, Status: Delivered}
		if f.Kind == kindAttachment {
			a, _ := decodeAttachment(f.Text) // checked as the frame was decoded
			m.Text, m.Attachment = "", &a
		}
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
		m, err := c.conversation(w, f.Ref)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrRefused, err)
		}
		if err := changeMsg(m, w, f.Kind, f.Text); err != nil {
			return err
		}
		c.putMsg(m, out)
		if kind := EventReaction; p.consent == Allowed || p.consent == Unknown {
			if f.Kind == kindEdit {
				kind = EventEdit
			}
			out.Emit(Event{Kind: kind, Message: *m, Peer: w})
		}
		return nil
	}
	return fmt.Errorf("%w: kind %d", ErrMalformed, f.Kind)
}

// endWait is what an END from a peer answers: this wallet's mailbox
// FETCH or DROP (the fetch's phase says which), or with sync a
// community's CFETCH.
type endWait struct {
	sync      bool
	until     time.Time
	community CommunityID
	items     int
}

// expect notes that w owes an END for a request just sent.
func (c *Core) expect(now time.Time, w common.Address, e endWait, out *service.Effects) {
	e.until = now.Add(c.cfg.AckTimeout)
	c.ends[w] = append(c.ends[w], e)
	out.Wake(e.until)
}

// endOf applies an END from w to the oldest request it answers.
func (c *Core) endOf(now time.Time, w common.Address, out *service.Effects) {
	es := c.ends[w]
	if len(es) == 0 {
		return
	}
	e := es[0]
	if c.ends[w] = es[1:]; len(es) == 1 {
		delete(c.ends, w)
	}
	if e.sync {
		c.syncEnd(now, w, e, out)
		return
	}
	c.fetchEnd(now, out)
}

// hungUp fails what w owed on the connection that ended.
func (c *Core) hungUp(now time.Time, w common.Address, out *service.Effects) {
	es := c.ends[w]
	delete(c.ends, w)
	for _, e := range es {
		if e.sync {
			out.Emit(Note{Key: NoteKey{Kind: noteSync, Peer: w, ID: e.community}, Err: fmt.Errorf("%w: %s: connection lost", ErrUnreachable, w)})
		} else if c.fetch.phase != 0 && w == c.fetch.box {
			c.fetchLater(now, fmt.Errorf("%w: mailbox %s: connection lost", ErrUnreachable, w), out)
		}
	}
	c.dlLost(w, out)
}

// --- the mailbox side ---

// keep stores a deposit from by for its recipient.
func (c *Core) keep(by common.Address, f *depositFrame, out *service.Effects) error {
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
	out.Put(skey("Q", f.To[:]), binary.BigEndian.AppendUint64(nil, seq+1))
	c.keptBy[pair]++
	it := keptItem{seq: seq, id: f.ID, by: by, blob: f.Blob}
	c.kept[f.To] = append(c.kept[f.To], it)
	out.Put(skey("q", f.To[:], binary.BigEndian.AppendUint64(nil, seq)), append(append(f.ID[:], by[:]...), f.Blob...))
	return nil
}

// dropKept deletes w's items up to seq upto.
func (c *Core) dropKept(w common.Address, upto uint64, out *service.Effects) {
	items := c.kept[w]
	n := 0
	for n < len(items) && items[n].seq <= upto {
		c.keptBy[[2]common.Address{w, items[n].by}]--
		out.Del(skey("q", w[:], binary.BigEndian.AppendUint64(nil, items[n].seq)))
		n++
	}
	if c.kept[w] = items[n:]; n == len(items) {
		delete(c.kept, w)
	}
}

// --- the recipient side of its own mailbox ---

// fetchBatch is how many items a mailbox sends per FETCH.
const fetchBatch = 256

// fetchRetryBase is the first wait before a failed mailbox fetch is
// tried again; the wait doubles up to FetchInterval.
const fetchRetryBase = time.Second

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
	f.phase, f.applied, f.items, f.stalled = 1, 0, 0, false
	out.To(f.box, marshalInner(&fetchFrame{}))
	c.expect(now, f.box, endWait{}, out)
}

// applyItem opens one item and applies the frame inside, as if its
// sender had sent it directly; a receipt goes back to the sender.
func (c *Core) applyItem(now time.Time, it *itemFrame, out *service.Effects) {
	f := &c.fetch
	f.items++
	c.counts.Items++
	if f.stalled || it.Seq <= f.applied {
		return
	}
	from, key, inner, opened := seal.Open(it.Blob, c.keys)
	var p *corePeer
	if opened {
		p = c.peer(from)
	}
	if opened && p.key == nil && (p.doc != 2 || f.stallOn != from) {
		// Its sender's key is not known yet: ask, and stop here until
		// it is (the items stay in the mailbox; the next fetch comes
		// after a backoff, or when the key does).
		f.stalled, f.stallOn = true, from
		if p.doc != 1 {
			p.doc = 1
			out.Lookup = append(out.Lookup, from)
		}
		return
	}
	f.applied = it.Seq
	f.total++
	// Refused: an item that does not open, or whose sender publishes no
	// seal key or another than the item's.
	fr, err := decodeFrame(inner)
	if !opened || p.key == nil || *p.key != key || err != nil {
		out.Emit(Event{Kind: EventRefusedItem, Peer: from})
		return
	}
	switch fr := fr.(type) {
	case *msgFrame, *groupFrame, *groupKeyFrame:
		if c.apply(now, from, fr, out) == nil {
			out.To(from, marshalInner(&receiptFrame{Status: Delivered, IDs: []MessageID{requestID(inner)}}))
		}
	case *receiptFrame:
		c.delivered(now, from, fr, out)
	}
}

// fetchEnd: the END of a FETCH (then DROP what was applied) or of a DROP.
func (c *Core) fetchEnd(now time.Time, out *service.Effects) {
	f := &c.fetch
	switch f.phase {
	case 1:
		if f.applied > 0 {
			f.phase = 2
			out.To(f.box, marshalInner(&dropFrame{Upto: f.applied}))
			c.expect(now, f.box, endWait{}, out)
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
		c.fetchLater(now, nil, out)
		return
	}
	out.Emit(Note{Key: fetchKey, N: f.total})
	f.phase, f.backoff, f.total = 0, 0, 0
	if c.cfg.FetchInterval > 0 {
		f.next = now.Add(c.cfg.FetchInterval)
		out.Wake(f.next)
	}
}

// fetchLater plans the next fetch after a backoff: this one failed
// (err), or stalled (nil: it goes on when the sender's document comes;
// the backoff in case).
func (c *Core) fetchLater(now time.Time, err error, out *service.Effects) {
	f := &c.fetch
	if err != nil {
		out.Emit(Note{Key: fetchKey, N: f.total, Err: err})
		f.total = 0
	}
	f.phase = 0
	f.backoff = max(fetchRetryBase, min(2*f.backoff, c.cfg.FetchInterval))
	f.next = now.Add(f.backoff)
	out.Wake(f.next)
}
