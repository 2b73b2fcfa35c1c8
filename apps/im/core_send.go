package im

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// send stores a new message Pending and starts its delivery.
func (c *Core) send(now time.Time, cmd SendCmd, out *service.Effects) (Message, error) {
	if m := c.msgs[cmd.ID]; m != nil && !cmd.ID.IsZero() {
		if m.From != c.self || m.To != cmd.To {
			return Message{}, fmt.Errorf("%w: message %s is another conversation's", ErrRefused, cmd.ID)
		}
		return *m, nil
	}
	if cmd.To == c.self {
		return Message{}, ErrSelf
	}
	if err := checkText(cmd.Text, c.cfg.MaxText); err != nil {
		return Message{}, err
	}
	id := cmd.ID
	for id.IsZero() || c.msgs[id] != nil {
		if _, err := io.ReadFull(c.cfg.Rand, id[:]); err != nil {
			return Message{}, fmt.Errorf("im: message id: %w", err)
		}
	}
	sent := max(now.UnixMicro(), c.lastSent+1)
	c.lastSent = sent
	m := &Message{ID: id, From: c.self, To: cmd.To, Text: cmd.Text, Sent: time.UnixMicro(sent), Received: now, Status: Pending}
	c.msgs[id] = m
	c.putMsg(m, out)
	p := c.peer(cmd.To)
	if p.consent == Unknown || p.consent == Denied { // sending is consent
		p.consent = Allowed
		c.putMeta(cmd.To, p, out)
	}
	p.outbox = append(p.outbox, id)
	switch {
	case p.ackBy.IsZero() && !now.Before(p.nextTry):
		c.attempt(now, cmd.To, p, out)
	case !p.ackBy.IsZero() && p.inflight == len(p.outbox)-1 && p.inflight < c.cfg.Window:
		c.write(cmd.To, m, out)
		p.inflight++
	}
	return *m, nil
}

// write writes m's MSG frame to w.
func (c *Core) write(w common.Address, m *Message, out *service.Effects) {
	out.To(w, marshalInner(msgFrame{ID: m.ID, Sent: m.Sent.UnixMicro(), Kind: kindText, Text: m.Text}))
}

// attempt writes the first window of w's outbox, and deposits at its
// mailbox once direct attempts keep failing.
func (c *Core) attempt(now time.Time, w common.Address, p *corePeer, out *service.Effects) {
	if len(p.outbox) == 0 {
		return
	}
	p.inflight = min(len(p.outbox), c.cfg.Window)
	for _, id := range p.outbox[:p.inflight] {
		c.write(w, c.msgs[id], out)
	}
	p.ackBy = now.Add(c.cfg.AckTimeout)
	out.Wake(p.ackBy)
	if p.fails < c.cfg.MailboxAfter {
		return
	}
	if p.doc == 0 {
		p.doc = 1
		out.Lookup = append(out.Lookup, w)
	}
	c.depositNext(now, w, p, out)
}

// depositNext seals the oldest Pending message to w and deposits it at
// w's mailbox, one at a time, so the mailbox keeps a conversation's
// messages in order without a gap.
func (c *Core) depositNext(now time.Time, w common.Address, p *corePeer, out *service.Effects) {
	if !p.hasBox || p.key == nil || p.fails < c.cfg.MailboxAfter {
		return
	}
	for _, id := range p.outbox {
		if _, waiting := c.boxWait[id]; waiting {
			return
		}
		m := c.msgs[id]
		if m.Status != Pending {
			continue
		}
		blob, err := sealFrom(c.cfg.Rand, marshalInner(msgFrame{ID: m.ID, Sent: m.Sent.UnixMicro(), Kind: kindText, Text: m.Text}), c.self, c.keys, p.key)
		if err != nil {
			return
		}
		c.boxWait[id] = now.Add(c.cfg.AckTimeout)
		out.To(p.box, marshalInner(depositFrame{To: w, ID: id, Blob: blob}))
		out.Wake(c.boxWait[id])
		return
	}
}

// failed ends an attempt without its answers; the next waits a backoff.
func (c *Core) failed(now time.Time, w common.Address, p *corePeer, out *service.Effects) {
	p.ackBy, p.inflight = time.Time{}, 0
	p.fails++
	wait := c.cfg.RetryBase << min(p.fails-1, 20)
	p.nextTry = now.Add(min(wait, c.cfg.RetryMax))
	out.Wake(p.nextTry)
	if p.fails >= c.cfg.MailboxAfter && p.doc == 0 {
		p.doc = 1
		out.Lookup = append(out.Lookup, w)
	}
}

// down: w cannot be reached, or its connection ended.
func (c *Core) down(now time.Time, w common.Address, out *service.Effects) {
	if p := c.peers[w]; p != nil && !p.ackBy.IsZero() {
		c.failed(now, w, p, out)
	}
	if c.fetch.phase != 0 && c.fetch.box == w {
		c.fetchFailed(now, out)
	}
}

// delivered applies a RECEIPT from w for messages this wallet sent it.
func (c *Core) delivered(now time.Time, w common.Address, f receiptFrame, out *service.Effects) {
	p := c.peers[w]
	for _, id := range f.IDs {
		m := c.msgs[id]
		if m == nil || m.From != c.self || m.To != w || m.Status == Failed || m.Status >= f.Status {
			continue
		}
		m.Status, m.Err = f.Status, ""
		c.putMsg(m, out)
		out.Emit(Event{Kind: EventReceipt, Message: *m, Peer: w})
		if p != nil {
			c.unqueue(p, id)
		}
	}
	if p != nil && f.Status == Delivered {
		c.progress(now, w, p, out)
	}
}

// unqueue removes id from p's outbox.
func (c *Core) unqueue(p *corePeer, id MessageID) {
	if i := slices.Index(p.outbox, id); i >= 0 {
		p.outbox = slices.Delete(p.outbox, i, i+1)
		if i < p.inflight {
			p.inflight--
		}
	}
	delete(c.boxWait, id)
}

// progress: w answered; the attempt goes on with the next messages.
func (c *Core) progress(now time.Time, w common.Address, p *corePeer, out *service.Effects) {
	p.fails = 0
	if p.ackBy.IsZero() {
		return
	}
	if len(p.outbox) == 0 {
		p.ackBy, p.inflight = time.Time{}, 0
		return
	}
	for ; p.inflight < min(len(p.outbox), c.cfg.Window); p.inflight++ {
		c.write(w, c.msgs[p.outbox[p.inflight]], out)
	}
	p.ackBy = now.Add(c.cfg.AckTimeout)
	out.Wake(p.ackBy)
}

// refused applies an ERROR from w about id: a message to w fails (but
// for RateLimited, tried again later); a deposit at w, its mailbox,
// waits for the next attempt.
func (c *Core) refused(now time.Time, w common.Address, f errorFrame, out *service.Effects) {
	m := c.msgs[f.ID]
	if m == nil || m.From != c.self {
		return
	}
	if _, ok := c.boxWait[f.ID]; ok && m.To != w {
		delete(c.boxWait, f.ID)
		return
	}
	p := c.peers[w]
	if m.To != w || p == nil || !slices.Contains(p.outbox, f.ID) {
		return
	}
	if f.Code == CodeRateLimited {
		if !p.ackBy.IsZero() {
			c.failed(now, w, p, out)
		}
		return
	}
	m.Status, m.Err = Failed, (&RemoteError{Code: f.Code, Reason: f.Reason}).Error()
	c.putMsg(m, out)
	out.Emit(Event{Kind: EventReceipt, Message: *m, Peer: w})
	c.unqueue(p, f.ID)
	c.progress(now, w, p, out)
}

// stored: w, a mailbox, keeps id; the next message follows it there.
func (c *Core) stored(now time.Time, w common.Address, id MessageID, out *service.Effects) {
	if _, ok := c.boxWait[id]; !ok {
		return
	}
	delete(c.boxWait, id)
	m := c.msgs[id]
	if m == nil {
		return
	}
	if m.Status == Pending {
		m.Status = Sent
		c.putMsg(m, out)
		out.Emit(Event{Kind: EventReceipt, Message: *m, Peer: m.To})
	}
	if p := c.peers[m.To]; p != nil {
		c.depositNext(now, m.To, p, out)
	}
}

// markRead marks peer's messages read and tells it.
func (c *Core) markRead(peer common.Address, out *service.Effects) {
	var ids []MessageID
	for _, m := range c.msgs { // sorted below
		if m.From == peer && m.To == c.self && m.Status == Delivered {
			ids = append(ids, m.ID)
		}
	}
	slices.SortFunc(ids, func(a, b MessageID) int { return c.msgs[a].Sent.Compare(c.msgs[b].Sent) })
	for _, id := range ids {
		c.msgs[id].Status = Read
		c.putMsg(c.msgs[id], out)
	}
	if p := c.peers[peer]; p != nil && p.unread != 0 {
		p.unread = 0
		c.putMeta(peer, p, out)
	}
	for len(ids) > 0 {
		n := min(len(ids), maxReceiptIDs)
		out.To(peer, marshalInner(receiptFrame{Status: Read, IDs: ids[:n]}))
		ids = ids[n:]
	}
}
