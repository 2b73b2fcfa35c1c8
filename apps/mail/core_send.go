package mail

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/internal/seal"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// submit stores a new message Queued and starts its delivery.
func (c *Core) submit(now time.Time, cmd SubmitCmd, out *service.Effects) (Outgoing, error) {
	if !cmd.ID.IsZero() {
		if o, err := c.outgoing(cmd.ID); err == nil {
			if o.To != cmd.To {
				return Outgoing{}, fmt.Errorf("%w: message %s went to another wallet", ErrRefused, cmd.ID)
			}
			return o, nil
		}
	}
	size := len(cmd.Data)
	if cmd.Parts > 0 {
		size = cmd.Size
	}
	switch {
	case cmd.To == c.self:
		return Outgoing{}, ErrSelf
	case cmd.To == (common.Address{}):
		return Outgoing{}, fmt.Errorf("%w: no recipient", ErrBadAddress)
	case size > c.cfg.MaxSize:
		return Outgoing{}, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, size, c.cfg.MaxSize)
	case size <= 0:
		return Outgoing{}, fmt.Errorf("%w: empty message", ErrRefused)
	case cmd.Parts > 0 && (len(cmd.Data) > 0 || cmd.Parts != partsOf(size)):
		return Outgoing{}, fmt.Errorf("%w: spool of %d parts for %d bytes", ErrRefused, cmd.Parts, size)
	}
	id := cmd.ID
	for id.IsZero() || c.out[id] != nil {
		if _, err := io.ReadFull(c.cfg.Rand, id[:]); err != nil {
			return Outgoing{}, fmt.Errorf("mail: message id: %w", err)
		}
	}
	o := &Outgoing{ID: id, To: cmd.To, Submitted: now, Changed: now, Status: Queued, Size: size}
	switch {
	case cmd.Parts > 0: // spooled: the chunks are in the store
		o.Blob, o.Parts = cmd.Spool.String(), cmd.Parts
		c.ref(cmd.Spool, 1, out)
	case size > ChunkSize:
		b := c.newBlob()
		o.Blob, o.Parts = b.String(), putChunks(b, 0, cmd.Data, out)
		c.ref(b, 1, out)
		c.fresh[id] = cmd.Data // not in the store before this Handle returns
	default:
		out.Put(append([]byte("O"), id[:]...), cmd.Data)
		c.fresh[id] = cmd.Data
	}
	c.out[id] = o
	c.putOut(o, out)
	c.allow(cmd.To, out) // writing to someone is consent to their answer
	p := c.peer(cmd.To)
	p.outbox = append(p.outbox, id)
	switch {
	case p.doc != 2:
		c.needDoc(cmd.To, p, out)
	case p.ackBy.IsZero() && !now.Before(p.nextTry):
		c.attempt(now, cmd.To, p, out)
	case !p.ackBy.IsZero() && p.inflight == len(p.outbox)-1 && p.inflight < c.cfg.Window:
		c.write(now, cmd.To, p, id, out)
		p.inflight++
	}
	out.Wake(c.nextDue(now))
	return *o, nil
}

// outgoing reads an outgoing message's record.
func (c *Core) outgoing(id MessageID) (Outgoing, error) {
	if o := c.out[id]; o != nil {
		return *o, nil
	}
	var o Outgoing
	v, err := c.cfg.Store.Get(append([]byte("o"), id[:]...))
	if err != nil {
		return o, fmt.Errorf("%w: message %s", ErrNotFound, id)
	}
	return o, json.Unmarshal(v, &o)
}

func (c *Core) putOut(o *Outgoing, out *service.Effects) {
	b, _ := json.Marshal(o)
	out.Put(append([]byte("o"), o.ID[:]...), b)
}

// sealed reads id's bytes and seals them to p's key.
func (c *Core) sealed(id MessageID, p *peer) ([]byte, error) {
	data, err := c.whole(c.out[id])
	if err != nil {
		return nil, fmt.Errorf("mail: message %s: %w", id, err)
	}
	return seal.Seal(c.cfg.Rand, data, c.self, c.keys, p.key)
}

// write writes id's MAIL frame to w.
func (c *Core) write(now time.Time, w common.Address, p *peer, id MessageID, out *service.Effects) {
	if o := c.out[id]; o.Parts > 0 {
		c.writeStream(w, p, o, out)
		return
	}
	blob, err := c.sealed(id, p)
	if err != nil {
		return // the attempt times out and goes again
	}
	f := frame{typ: typeMail, id: id, blob: blob}
	out.To(w, f.marshal())
}

// attempt writes the first window of w's outbox, and deposits at its
// mailbox once direct attempts keep failing.
func (c *Core) attempt(now time.Time, w common.Address, p *peer, out *service.Effects) {
	if len(p.outbox) == 0 {
		return
	}
	if p.key == nil {
		// No mail key published (yet): ask again after a backoff.
		c.failed(now, w, p, out)
		return
	}
	p.inflight = min(len(p.outbox), c.cfg.Window)
	for _, id := range p.outbox[:p.inflight] {
		c.write(now, w, p, id, out)
	}
	p.ackBy = now.Add(c.wait(p.slow))
	out.Wake(p.ackBy)
	clear(p.passed)
	c.depositNext(now, w, p, out)
}

// depositNext seals the oldest Queued message to w and deposits it at
// w's mailbox, one at a time.
func (c *Core) depositNext(now time.Time, w common.Address, p *peer, out *service.Effects) {
	if !p.hasBox || p.key == nil || p.fails < c.cfg.MailboxAfter {
		return
	}
	for _, id := range p.outbox {
		if _, waiting := c.boxWait[id]; waiting {
			return
		}
		if _, bouncing := c.bounce[id]; bouncing || p.passed[id] || c.out[id].Status != Queued {
			continue
		}
		if c.out[id].Parts > 0 {
			c.depositStream(now, w, p, c.out[id], out)
			return
		}
		blob, err := c.sealed(id, p)
		if err != nil {
			return
		}
		c.boxWait[id] = now.Add(c.wait(p.boxSlow))
		f := frame{typ: typeDeposit, to: w, id: id, blob: blob}
		out.To(p.box, f.marshal())
		out.Wake(c.boxWait[id])
		return
	}
}

// failed ends an attempt without its answers; the next waits a backoff.
func (c *Core) failed(now time.Time, w common.Address, p *peer, out *service.Effects) {
	p.ackBy, p.inflight = time.Time{}, 0
	for _, id := range slices.Clone(p.outbox) {
		if why, ok := c.bounce[id]; ok {
			c.finish(now, c.out[id], Failed, why, out)
		}
	}
	p.fails++
	wait := c.cfg.RetryBase << min(p.fails-1, 20)
	p.nextTry = now.Add(min(wait, c.cfg.RetryMax))
	out.Wake(p.nextTry)
	if p.doc == 2 && p.fails%c.cfg.MailboxAfter == 0 {
		p.doc = 0 // read the document again: the node may have moved on
	}
	c.needDoc(w, p, out)
}

// down: w cannot be reached, or its connection ended.
func (c *Core) down(now time.Time, w common.Address, out *service.Effects) {
	c.syncUpDown(now, w, false, out)
	if p := c.peers[w]; p != nil && !p.ackBy.IsZero() {
		c.failed(now, w, p, out)
	}
	if c.fetch.phase != 0 && c.fetch.box == w {
		c.fetchFailed(now)
	}
	for id := range c.boxWait { // order-free: only deletes
		if o := c.out[id]; o != nil && c.peers[o.To] != nil && c.peers[o.To].box == w {
			delete(c.boxWait, id)
		}
	}
}

// receipt: w's node stored id.
func (c *Core) receipt(now time.Time, w common.Address, id MessageID, out *service.Effects) {
	o := c.out[id]
	if o == nil || o.To != w {
		return
	}
	if p := c.peers[w]; o.Size >= bulkFrame && !p.ackBy.IsZero() {
		c.answered(&p.slow, now, p.ackBy)
	}
	c.finish(now, o, Delivered, "", out)
	c.noteTaken(w, c.peers[w], out)
	c.progress(now, w, c.peers[w], out)
}

// progress: w answered; the attempt goes on with the next messages.
func (c *Core) progress(now time.Time, w common.Address, p *peer, out *service.Effects) {
	p.fails = 0
	if p.ackBy.IsZero() {
		return
	}
	if len(p.outbox) == 0 {
		p.ackBy, p.inflight = time.Time{}, 0
		return
	}
	for ; p.inflight < min(len(p.outbox), c.cfg.Window); p.inflight++ {
		c.write(now, w, p, p.outbox[p.inflight], out)
	}
	p.ackBy = now.Add(c.wait(p.slow))
	out.Wake(p.ackBy)
}

// finish makes o Delivered or Failed: its bytes go, a Failed one
// leaves a bounce in INBOX.
func (c *Core) finish(now time.Time, o *Outgoing, s Status, reason string, out *service.Effects) {
	o.Status, o.Reason, o.Changed = s, reason, now
	c.putOut(o, out)
	if s == Failed {
		c.notice(now, o, "failed", reason, out)
	}
	out.Del(append([]byte("O"), o.ID[:]...))
	if b, ok := parseBlob(o.Blob); ok {
		c.ref(b, -1, out)
	}
	delete(c.sending, o.ID)
	delete(c.depositing, o.ID)
	delete(c.out, o.ID)
	delete(c.boxWait, o.ID)
	delete(c.bounce, o.ID)
	if p := c.peers[o.To]; p != nil {
		if i := slices.Index(p.outbox, o.ID); i >= 0 {
			p.outbox = slices.Delete(p.outbox, i, i+1)
			if i < p.inflight {
				p.inflight--
			}
		}
	}
	cp := *o
	out.Emit(Event{Kind: EventStatus, Out: &cp})
}

// refused applies a REFUSE from w: from the recipient, a temporary one
// ends the attempt and a permanent one bounces the message; from its
// mailbox, the deposit waits for the next attempt (or, NotMailbox, for a
// new document).
func (c *Core) refused(now time.Time, w common.Address, f frame, out *service.Effects) {
	o := c.out[f.id]
	if o == nil {
		return
	}
	p := c.peers[o.To]
	if w != o.To {
		if p == nil || p.box != w {
			return
		}
		delete(c.boxWait, f.id)
		switch {
		case f.code == CodeNotMailbox:
			p.hasBox = false
			c.waiting(o, "the recipient's mailbox node keeps no mail for others", out)
		case temporary(f.code):
			c.waiting(o, f.reason, out)
			if p.passed == nil {
				p.passed = make(map[MessageID]bool)
			}
			p.passed[o.ID] = true // a later, smaller one may fit
			c.depositNext(now, o.To, p, out)
		default:
			// No mailbox will hold it: bounce it, once no direct attempt
			// is under way that the recipient could still answer.
			why := fmt.Sprintf("refused by the recipient's mailbox node: %s (code %d)", f.reason, f.code)
			if p.ackBy.IsZero() {
				c.finish(now, o, Failed, why, out)
			} else {
				c.bounce[o.ID] = why
			}
			c.depositNext(now, o.To, p, out)
		}
		return
	}
	c.noteRefusal(now, p, o, f.code, out)
	if temporary(f.code) {
		c.waiting(o, "the recipient's node: "+f.reason, out)
		if !p.ackBy.IsZero() {
			c.failed(now, w, p, out)
		}
		return
	}
	c.finish(now, o, Failed, fmt.Sprintf("refused by the recipient's node: %s (code %d)", f.reason, f.code), out)
	c.progress(now, w, p, out)
}

// waiting records why o is not delivered yet.
func (c *Core) waiting(o *Outgoing, why string, out *service.Effects) {
	if o.Reason == why {
		return
	}
	o.Reason = why
	c.putOut(o, out)
	cp := *o
	out.Emit(Event{Kind: EventStatus, Out: &cp})
}

// held: w, the recipient's mailbox, keeps id. A HELD that comes after
// its wait ran out counts too: the mailbox has it (before, such a
// message stayed Queued though held, and was deposited only again).
func (c *Core) held(now time.Time, w common.Address, id MessageID, out *service.Effects) {
	o := c.out[id]
	if o == nil {
		return
	}
	p := c.peers[o.To]
	if p == nil || !p.hasBox || p.box != w {
		return
	}
	if due, ok := c.boxWait[id]; ok && o.Size >= bulkFrame {
		c.answered(&p.boxSlow, now, due)
	}
	delete(c.boxWait, id)
	delete(c.depositing, id)
	if o.Status == Queued {
		o.Status, o.Changed, o.Reason, o.HeldBy = Held, now, "", w
		if t := c.terms[w]; t != nil {
			o.Until = now.Add(t.Retention)
		}
		c.putOut(o, out)
		cp := *o
		out.Emit(Event{Kind: EventStatus, Out: &cp})
	}
	c.depositNext(now, o.To, p, out)
}

// expired: the mailbox w let id go after its retention.
func (c *Core) expired(now time.Time, w common.Address, id MessageID, out *service.Effects) {
	o := c.out[id]
	if o == nil || o.Status != Held || c.peers[o.To] == nil || c.peers[o.To].box != w {
		return
	}
	c.finish(now, o, Failed, "the recipient's mailbox kept it for its retention limit and nobody fetched it", out)
}

// overdue tells the sender of a late message, and bounces one no
// mailbox holds after the retention limit.
//
// A message written in the attempt under way bounces only when that
// attempt ends without its receipt (failed): a frame on its way could
// still be stored by the recipient, and it must not be both Delivered
// there and Failed here.
func (c *Core) overdue(now time.Time, o *Outgoing, out *service.Effects) {
	if _, bouncing := c.bounce[o.ID]; bouncing {
		return
	}
	if o.Status == Queued && !now.Before(o.Submitted.Add(c.cfg.Retention)) {
		why := fmt.Sprintf("not delivered within %s", c.cfg.Retention)
		if o.Reason != "" {
			why += "; the last refusal: " + o.Reason
		}
		if p := c.peers[o.To]; p != nil && !p.ackBy.IsZero() && slices.Contains(p.outbox[:p.inflight], o.ID) {
			c.bounce[o.ID] = why
			return
		}
		c.finish(now, o, Failed, why, out)
		return
	}
	if !o.Delayed && !now.Before(o.Submitted.Add(c.cfg.DelayAfter)) {
		o.Delayed = true
		c.putOut(o, out)
		why := "the recipient's node has not answered yet; delivery goes on"
		switch {
		case o.Status == Held:
			why = "the recipient's mailbox node holds it; the recipient has not fetched it yet"
		case o.Reason != "":
			why = "delivery goes on; the last refusal: " + o.Reason
		}
		c.notice(now, o, "delayed", why, out)
		cp := *o
		out.Emit(Event{Kind: EventStatus, Out: &cp})
	}
}

// outgoingStored reads an outgoing record from the store only (safe
// beside the core's goroutine).
func (c *Core) outgoingStored(id MessageID) (Outgoing, error) {
	var o Outgoing
	v, err := c.cfg.Store.Get(append([]byte("o"), id[:]...))
	if err != nil {
		return o, fmt.Errorf("%w: message %s", ErrNotFound, id)
	}
	return o, json.Unmarshal(v, &o)
}
