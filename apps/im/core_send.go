package im

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/anynet/anynet/apps/internal/seal"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// op is one frame owed to a peer until it answers (core.go, step 1).
type op struct {
	to     common.Address
	id     MessageID
	sent   int64 // µs: orders the outbox
	direct bool  // a community request: never deposited, fails at once
	frame  []byte
	stored bool // its mailbox keeps it
	told   bool // its note (queued) was emitted
}

type opKey struct {
	to common.Address
	id MessageID
}

// boxWait is a deposit waiting for its STORED.
type boxWait struct {
	key   opKey
	until time.Time
}

// Note kinds: what a Note is about.
const (
	noteOp       uint8 = iota + 1 // an op to Peer, by ID
	noteFetch                     // this wallet's mailbox fetch
	noteSync                      // a community sync with its host Peer, by community ID
	NoteDownload                  // a download, by message ID (exported: drivers follow it)
)

// NoteKey names what a Note is about.
type NoteKey struct {
	Kind uint8
	Peer common.Address
	ID   [16]byte
}

var fetchKey = NoteKey{Kind: noteFetch}

// Note is an event for a driver rather than the user: a command began
// something (Start), or it came to Status (an op: Delivered, Read, Sent
// to a mailbox, Failed with Err, or Pending with Err when it is queued
// for retry; a fetch, sync or download: done, Err if it failed, N the
// items a fetch applied).
type Note struct {
	Key    NoteKey
	Start  bool
	Status Status
	Err    error
	N      int
}

func opNote(to common.Address, id MessageID) NoteKey {
	return NoteKey{Kind: noteOp, Peer: to, ID: id}
}

// nextSent is a send time, in µs, later than every one before.
func (c *Core) nextSent(now time.Time) int64 {
	c.lastSent = max(now.UnixMicro(), c.lastSent+1)
	return c.lastSent
}

// send stores a new 1:1 message (text, or att's offer) Pending and
// starts its delivery.
func (c *Core) send(now time.Time, to common.Address, id MessageID, text string, att *Attachment, out *service.Effects) (Message, error) {
	if m := c.msgs[id]; m != nil && !id.IsZero() {
		if m.From != c.self || m.To != to {
			return Message{}, fmt.Errorf("%w: message %s is another conversation's", ErrRefused, id)
		}
		if m.Status == Failed && c.ops[opKey{to, id}] == nil { // tried again
			m.Status, m.Err = Pending, ""
			c.putMsg(m, out)
			c.enqueue(now, to, id, m.Sent.UnixMicro(), marshalInner(outFrame(m)), false, out)
		} else if o := c.ops[opKey{to, id}]; o != nil {
			o.told = false
			out.Emit(Note{Key: opNote(to, id), Start: true})
			c.kick(now, to, c.peer(to), out)
		}
		return *m, nil
	}
	if to == c.self {
		return Message{}, ErrSelf
	}
	for id.IsZero() || c.msgs[id] != nil {
		if _, err := io.ReadFull(c.cfg.Rand, id[:]); err != nil {
			return Message{}, fmt.Errorf("im: message id: %w", err)
		}
	}
	sent := c.nextSent(now)
	m := &Message{ID: id, From: c.self, To: to, Text: text, Sent: time.UnixMicro(sent), Received: now, Status: Pending, Attachment: att}
	c.putMsg(m, out)
	p := c.peer(to)
	if p.consent == Unknown || p.consent == Denied { // sending is consent
		p.consent = Allowed
		c.putMeta(to, p, out)
	}
	c.enqueue(now, to, id, sent, marshalInner(outFrame(m)), false, out)
	return *m, nil
}

// outFrame is the MSG frame of a 1:1 message this wallet sends.
func outFrame(m *Message) *msgFrame {
	f := &msgFrame{ID: m.ID, Sent: m.Sent.UnixMicro(), Kind: kindText, Text: m.Text}
	if m.Attachment != nil {
		f.Kind, f.Text = kindAttachment, m.Attachment.encode()
	}
	return f
}

// change edits (kindEdit) or reacts to (kindReaction) message ref of
// the conversation with peer, and tells the peer.
func (c *Core) change(now time.Time, peer common.Address, ref MessageID, kind byte, text string, out *service.Effects) (Message, error) {
	m, err := c.conversation(peer, ref)
	if err != nil {
		return Message{}, err
	}
	if err := changeMsg(m, c.self, kind, text); err != nil {
		return *m, err
	}
	c.putMsg(m, out)
	sent, id := c.nextSent(now), c.newID()
	c.enqueue(now, peer, id, sent, marshalInner(&msgFrame{ID: id, Sent: sent, Kind: kind, Ref: ref, Text: text}), false, out)
	return *m, nil
}

// changeMsg edits m as who (its sender only), or sets (empty text:
// removes) who's reaction to it.
func changeMsg(m *Message, who common.Address, kind byte, text string) error {
	switch {
	case kind == kindEdit && m.From != who:
		return fmt.Errorf("%w: only its sender edits a message", ErrRefused)
	case kind == kindEdit:
		m.Text, m.Edited = text, true
	case text == "":
		delete(m.Reactions, who)
	case m.Reactions == nil:
		m.Reactions = map[common.Address]string{who: text}
	default:
		m.Reactions[who] = text
	}
	return nil
}

// conversation finds message id of the 1:1 conversation with peer.
func (c *Core) conversation(peer common.Address, id MessageID) (*Message, error) {
	m := c.msgs[id]
	if m == nil || !m.Group.IsZero() || !(m.From == peer && m.To == c.self || m.From == c.self && m.To == peer) {
		return nil, fmt.Errorf("message %s with %s: %w", id, peer, ErrNotFound)
	}
	return m, nil
}

// enqueue stores an op and starts its delivery.
func (c *Core) enqueue(now time.Time, to common.Address, id MessageID, sent int64, frame []byte, direct bool, out *service.Effects) {
	o := &op{to: to, id: id, sent: sent, direct: direct, frame: frame}
	c.ops[opKey{to, id}] = o
	v := append(binary.BigEndian.AppendUint64(nil, uint64(sent)), 0)
	if direct {
		v[8] = 1
	}
	out.Put(skey("o", to[:], id[:]), append(v, frame...))
	p := c.peer(to)
	p.outbox = append(p.outbox, id)
	out.Emit(Note{Key: opNote(to, id), Start: true})
	c.kick(now, to, p, out)
}

// kick sends what waits for w if it may go now: a new attempt once the
// backoff ran out (at once with EagerRetry), or else the mailbox once
// attempts keep failing; or more of the current attempt's window.
func (c *Core) kick(now time.Time, w common.Address, p *corePeer, out *service.Effects) {
	switch {
	case p.ackBy.IsZero() && (!now.Before(p.nextTry) || c.cfg.EagerRetry):
		c.attempt(now, w, p, out)
	case p.ackBy.IsZero():
		if p.fails >= c.cfg.MailboxAfter && p.doc == 2 {
			c.offline(now, w, p, out)
		}
	default:
		c.fill(w, p, out)
	}
}

// attempt writes w's outbox up to the window and waits AckTimeout for
// an answer; an empty outbox ends it.
func (c *Core) attempt(now time.Time, w common.Address, p *corePeer, out *service.Effects) {
	if len(p.outbox) == 0 {
		p.ackBy, p.inflight = time.Time{}, 0
		return
	}
	c.fill(w, p, out)
	p.ackBy = now.Add(c.cfg.AckTimeout)
	out.Wake(p.ackBy)
}

// fill writes the ops of w's outbox the window has room for.
func (c *Core) fill(w common.Address, p *corePeer, out *service.Effects) {
	for ; p.inflight < min(len(p.outbox), c.cfg.Window); p.inflight++ {
		out.To(w, c.ops[opKey{w, p.outbox[p.inflight]}].frame)
	}
}

// failed ends an attempt without its answers; the next waits a backoff.
// Community requests fail; the rest go to w's mailbox once attempts
// keep failing, or are queued for retry.
func (c *Core) failed(now time.Time, w common.Address, p *corePeer, why string, out *service.Effects) {
	p.ackBy, p.inflight, p.why = time.Time{}, 0, why
	p.fails++
	wait := c.cfg.RetryBase << min(p.fails-1, 20)
	p.nextTry = now.Add(min(wait, c.cfg.RetryMax))
	out.Wake(p.nextTry)
	for _, id := range slices.Clone(p.outbox) {
		if o := c.ops[opKey{w, id}]; o.direct {
			c.done(now, w, id, Failed, fmt.Errorf("%w: %s: %s", ErrUnreachable, w, why), out)
		}
	}
	if p.fails < c.cfg.MailboxAfter || len(p.outbox) == 0 {
		return
	}
	if p.doc != 1 && (p.fails == c.cfg.MailboxAfter || !p.hasBox || p.key == nil || p.boxBad) {
		p.doc = 1 // read again: the mailbox may have moved
		out.Lookup = append(out.Lookup, w)
		return
	}
	c.offline(now, w, p, out)
}

// offline: w cannot be reached directly; its mailbox takes the ops, or
// they are queued for retry.
func (c *Core) offline(now time.Time, w common.Address, p *corePeer, out *service.Effects) {
	switch {
	case p.hasBox && p.key != nil:
		c.depositNext(now, w, p, out)
		return
	case p.doc == 1:
		return // its document is on the way
	}
	why := p.why + "; no mailbox"
	if p.hasBox {
		why = p.why + "; no seal key for its mailbox"
	}
	for _, id := range p.outbox {
		c.queued(opKey{w, id}, why, out)
	}
}

// queued tells once that an op waits for a retry.
func (c *Core) queued(k opKey, why string, out *service.Effects) {
	if o := c.ops[k]; o != nil && !o.told && !o.stored {
		o.told = true
		out.Emit(Note{Key: opNote(k.to, k.id), Status: Pending, Err: fmt.Errorf("%w: %s", ErrQueued, why)})
	}
}

// depositID names the deposit of op id for to: one message fanned out
// to several wallets of one mailbox is several deposits.
func depositID(to common.Address, id MessageID) MessageID {
	h := sha256.Sum256(append(to[:], id[:]...))
	return MessageID(h[:16])
}

// depositNext seals the oldest op to w not kept yet and deposits it at
// w's mailbox, one at a time, so the mailbox keeps a conversation's
// messages in order without a gap.
func (c *Core) depositNext(now time.Time, w common.Address, p *corePeer, out *service.Effects) {
	if !p.hasBox || p.key == nil {
		return
	}
	for _, id := range p.outbox {
		o := c.ops[opKey{w, id}]
		if o.direct || o.stored {
			continue
		}
		dep := depositID(w, id)
		if _, waiting := c.boxWait[dep]; waiting {
			return
		}
		blob, err := seal.Seal(c.cfg.Rand, o.frame, c.self, c.keys, p.key)
		if err != nil {
			return
		}
		c.boxWait[dep] = boxWait{key: opKey{w, id}, until: now.Add(c.cfg.AckTimeout)}
		d := &depositFrame{To: w, ID: dep, Blob: blob}
		if p.box == c.self { // this node is w's mailbox
			if err := c.keep(c.self, d, out); err != nil {
				delete(c.boxWait, dep)
				c.queued(opKey{w, id}, err.Error(), out)
				return
			}
			c.stored(now, dep, out)
			return
		}
		out.To(p.box, marshalInner(d))
		out.Wake(c.boxWait[dep].until)
		return
	}
}

// stored: a mailbox keeps a deposit; the next op follows it there.
func (c *Core) stored(now time.Time, dep MessageID, out *service.Effects) {
	bw, ok := c.boxWait[dep]
	if !ok {
		return
	}
	delete(c.boxWait, dep)
	o := c.ops[bw.key]
	if o == nil {
		return
	}
	o.stored = true
	if m := c.msgs[o.id]; m != nil && m.From == c.self && m.Status == Pending {
		c.raise(m, Sent, nil, out)
	}
	out.Emit(Note{Key: opNote(o.to, o.id), Status: Sent})
	c.depositNext(now, o.to, c.peer(o.to), out)
}

// down: w cannot be reached, or its connection ended.
func (c *Core) down(now time.Time, w common.Address, err error, out *service.Effects) {
	c.hungUp(now, w, out)
	if p := c.peers[w]; p != nil && !p.ackBy.IsZero() {
		why := "connection lost"
		if err != nil {
			why = err.Error()
		}
		c.failed(now, w, p, why, out)
	}
}

// done ends an op: answered (Delivered, Read), or Failed with err.
func (c *Core) done(now time.Time, w common.Address, id MessageID, st Status, err error, out *service.Effects) {
	k := opKey{w, id}
	if c.ops[k] == nil {
		return
	}
	delete(c.ops, k)
	out.Del(skey("o", w[:], id[:]))
	delete(c.boxWait, depositID(w, id))
	if p := c.peers[w]; p != nil {
		if i := slices.Index(p.outbox, id); i >= 0 {
			p.outbox = slices.Delete(p.outbox, i, i+1)
			if i < p.inflight {
				p.inflight--
			}
		}
	}
	if m := c.msgs[id]; m != nil && m.From == c.self && (m.To == w || !m.Group.IsZero()) {
		c.raise(m, st, err, out)
	}
	out.Emit(Note{Key: opNote(w, id), Status: st, Err: err})
}

// raise moves a message this wallet sent to st; a group message to
// what its ops to the members say (st Failed: one refused it).
func (c *Core) raise(m *Message, st Status, err error, out *service.Effects) {
	switch {
	case !m.Group.IsZero():
		if st == Failed {
			m.Err = err.Error()
		}
		c.groupProgress(m, out)
		return
	case m.Status == Failed || m.Status >= st && st != Failed:
		return
	case st == Failed:
		m.Status, m.Err = Failed, err.Error()
	default:
		m.Status, m.Err = st, ""
	}
	c.putMsg(m, out)
	out.Emit(Event{Kind: EventReceipt, Message: *m, Peer: m.To})
}

// delivered applies a RECEIPT from w.
func (c *Core) delivered(now time.Time, w common.Address, f *receiptFrame, out *service.Effects) {
	for _, id := range f.IDs {
		if c.ops[opKey{w, id}] != nil {
			c.done(now, w, id, f.Status, nil, out)
		} else if m := c.msgs[id]; m != nil && m.From == c.self && m.To == w && m.Group.IsZero() {
			c.raise(m, f.Status, nil, out)
		}
	}
	if p := c.peers[w]; p != nil && f.Status == Delivered {
		c.progress(now, w, p, out)
	}
}

// progress: w answered; the attempt goes on with the next ops.
func (c *Core) progress(now time.Time, w common.Address, p *corePeer, out *service.Effects) {
	p.fails = 0
	if !p.ackBy.IsZero() {
		c.attempt(now, w, p, out)
	}
}

// refused applies an ERROR from w: about a download, a deposit at w (a
// mailbox), or an op to w, which fails (but for RateLimited, tried
// again later).
func (c *Core) refused(now time.Time, w common.Address, f *errorFrame, out *service.Effects) {
	rerr := &RemoteError{Code: f.Code, Reason: f.Reason}
	if c.dlRefused(w, f.ID, rerr, out) {
		return
	}
	if bw, ok := c.boxWait[f.ID]; ok && bw.key.to != w {
		delete(c.boxWait, f.ID)
		c.peer(bw.key.to).boxBad = true
		c.queued(bw.key, "mailbox: "+rerr.Error(), out)
		return
	}
	p := c.peers[w]
	if p == nil || c.ops[opKey{w, f.ID}] == nil {
		return
	}
	if f.Code == CodeRateLimited {
		if !p.ackBy.IsZero() {
			c.hangup(w, out)
			c.down(now, w, rerr, out)
		}
		return
	}
	c.done(now, w, f.ID, Failed, rerr, out)
	c.progress(now, w, p, out)
}

// markRead marks peer's messages read and tells it.
func (c *Core) markRead(peer common.Address, out *service.Effects) {
	var ids []MessageID
	for _, m := range c.history(func(m *Message) bool {
		return m.From == peer && m.To == c.self && m.Group.IsZero() && m.Status == Delivered
	}, 0) {
		ids = append(ids, m.ID)
		c.msgs[m.ID].Status = Read
		c.putMsg(c.msgs[m.ID], out)
	}
	if p := c.peers[peer]; p != nil && p.unread != 0 {
		p.unread = 0
		c.putMeta(peer, p, out)
	}
	for len(ids) > 0 {
		n := min(len(ids), maxReceiptIDs)
		out.To(peer, marshalInner(&receiptFrame{Status: Read, IDs: ids[:n]}))
		ids = ids[n:]
	}
}

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

// ErrQueued: a message could not be delivered yet and no mailbox took
// it; it is tried again (a Note's Err, and Send's Message.Err).
var ErrQueued = errors.New("im: queued for retry")
