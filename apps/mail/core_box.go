package mail

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// keptItem is one item a mailbox keeps (its blob stays in the store).
type keptItem struct {
	seq  uint64
	by   common.Address
	id   MessageID
	at   time.Time
	size int64
	// large: its parts are the chunks of blob, its record under "Z"
	// (core_boxstream.go).
	large bool
	blob  MessageID
}

// fetchBatch bounds the bytes of ITEMs one FETCH is answered with (at
// least one item goes).
const fetchBatch = 8 << 20

// fetchState is the recipient's side of its own mailbox.
type fetchState struct {
	box     common.Address
	hasBox  bool
	asked   bool      // Lookup(self) sent
	phase   uint8     // 0 idle, 1 fetching
	until   time.Time // the answer is due
	next    time.Time // the next fetch; zero: none planned
	pending bool      // a fetch failed: go again when the box is up
	applied uint64    // the last seq stored in this fetch
	stalled common.Address
	blocked bool         // an item waits for its sender's document
	stream  *fetchStream // a large item being pulled (core_boxstream.go)
	slow    int          // doublings of the wait for the mailbox (core_patience.go)
}

func keptKey(to common.Address, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte("q"), to[:]...), seq)
}

func (c *Core) loadKept() {
	st := c.cfg.Store
	st.Scan([]byte("Q"), func(k, v []byte) bool {
		if len(k) == 21 && len(v) == 8 {
			c.keptNext[common.Address(k[1:])] = be64(v)
		}
		return true
	})
	st.Scan([]byte("q"), func(k, v []byte) bool {
		if len(k) == 29 && len(v) >= 44 {
			w := common.Address(k[1:21])
			it := keptItem{seq: be64(k[21:]), by: common.Address(v[:20]), id: MessageID(v[20:36]),
				at: time.UnixMicro(int64(be64(v[36:44]))), size: int64(len(v) - 44)}
			c.kept[w] = append(c.kept[w], it)
			c.keptSize[w] += it.size
			c.keptNext[w] = max(c.keptNext[w], it.seq+1)
		}
		return true
	})
}

// deposit keeps a sealed message from by for f.to.
func (c *Core) deposit(now time.Time, by common.Address, f frame, out *service.Effects) {
	if !c.cfg.Mailbox {
		c.refuse(by, f.id, CodeNotMailbox, "this node keeps no mail for others", out)
		return
	}
	for _, it := range c.kept[f.to] {
		if it.by == by && it.id == f.id {
			out.To(by, (&frame{typ: typeHeld, id: f.id}).marshal()) // kept already
			return
		}
	}
	size := int64(len(f.blob))
	switch {
	case len(f.blob) > c.cfg.MaxSize+frameSlack:
		c.refuse(by, f.id, CodeTooLarge, "over the mailbox's size cap", out)
		return
	case size > c.cfg.MailboxQuota:
		c.refuse(by, f.id, CodeOverQuota, fmt.Sprintf("the recipient's mailbox keeps at most %d bytes per recipient; this message is %d", c.cfg.MailboxQuota, size), out)
		return
	case c.keptSize[f.to]+size > c.cfg.MailboxQuota:
		c.refuse(by, f.id, CodeQuota, fmt.Sprintf("the recipient's mailbox is full: it holds %d of its %d bytes for the recipient, who has not fetched them", c.keptSize[f.to], c.cfg.MailboxQuota), out)
		return
	case !c.take(by, now):
		c.refuse(by, f.id, CodeRateLimited, "too many deposits from this sender; try later", out)
		return
	}
	seq := c.keptNext[f.to]
	if seq == 0 {
		seq = 1
	}
	c.keptNext[f.to] = seq + 1
	out.Put(append([]byte("Q"), f.to[:]...), binary.BigEndian.AppendUint64(nil, seq+1))
	v := make([]byte, 0, 44+len(f.blob))
	v = append(v, by[:]...)
	v = append(v, f.id[:]...)
	v = binary.BigEndian.AppendUint64(v, uint64(now.UnixMicro()))
	v = append(v, f.blob...)
	out.Put(keptKey(f.to, seq), v)
	c.kept[f.to] = append(c.kept[f.to], keptItem{seq: seq, by: by, id: f.id, at: now, size: size})
	c.keptSize[f.to] += size
	out.To(by, (&frame{typ: typeHeld, id: f.id}).marshal())
	out.Wake(now.Add(c.cfg.Retention))
}

// serveFetch answers a FETCH from w with its items and END.
func (c *Core) serveFetch(w common.Address, out *service.Effects) {
	var sent int64
	items := c.kept[w]
	n := 0
	for _, it := range items {
		if n > 0 && (it.large || sent+it.size > fetchBatch) {
			break
		}
		if it.large { // pulled part by part: the batch ends with it
			if c.itemX(w, it, out) {
				n++
			}
			break
		}
		v, err := c.cfg.Store.Get(keptKey(w, it.seq))
		if err != nil || len(v) < 44 {
			continue
		}
		out.To(w, (&frame{typ: typeItem, seq: it.seq, by: it.by, id: it.id, blob: v[44:]}).marshal())
		sent += it.size
		n++
	}
	out.To(w, (&frame{typ: typeEnd, more: n < len(items)}).marshal())
}

// drop: w stored its items up to seq.
func (c *Core) drop(w common.Address, seq uint64, out *service.Effects) {
	items := c.kept[w]
	i := 0
	for ; i < len(items) && items[i].seq <= seq; i++ {
		c.dropKept(w, items[i], out)
	}
	c.kept[w] = items[i:]
	if len(c.kept[w]) == 0 && c.keptSize[w] <= 0 {
		delete(c.kept, w)
		delete(c.keptSize, w)
	}
}

// expire lets items go after the retention limit, telling depositors.
func (c *Core) expire(now time.Time, out *service.Effects) {
	for _, w := range c.sortedKept() {
		items := c.kept[w]
		i := 0
		for ; i < len(items) && !now.Before(items[i].at.Add(c.cfg.Retention)); i++ {
			c.dropKept(w, items[i], out)
			out.To(items[i].by, (&frame{typ: typeExpired, id: items[i].id}).marshal())
		}
		c.kept[w] = items[i:]
	}
}

func (c *Core) sortedKept() []common.Address {
	ws := make([]common.Address, 0, len(c.kept))
	for w := range c.kept {
		ws = append(ws, w)
	}
	sortAddrs(ws)
	return ws
}

// startFetch asks the mailbox for this wallet's items.
func (c *Core) startFetch(now time.Time, out *service.Effects) {
	f := &c.fetch
	if !f.hasBox || f.phase != 0 {
		if !f.asked {
			f.asked = true
			out.Lookup = append(out.Lookup, c.self)
		}
		return
	}
	f.phase, f.applied, f.blocked, f.pending, f.stream = 1, 0, false, false, nil
	f.until = now.Add(c.wait(f.slow))
	out.To(f.box, (&frame{typ: typeFetch}).marshal())
	out.Wake(f.until)
}

// item stores one item of the fetch, in order; an item whose sender's
// key the core does not know yet stops the fetch there (it is fetched
// again once the document came).
func (c *Core) item(now time.Time, w common.Address, fr frame, out *service.Effects) {
	f := &c.fetch
	if f.phase != 1 || w != f.box || f.blocked || fr.seq <= f.applied {
		return
	}
	if len(fr.blob) >= bulkFrame {
		c.answered(&f.slow, now, f.until)
	}
	f.until = now.Add(c.wait(f.slow)) // the batch moves: not timed out
	out.Wake(f.until)
	from, key, msg, err := c.unseal(fr.blob)
	if err != nil || from != fr.by {
		f.applied = fr.seq // nobody can ever open it: drop it
		return
	}
	p := c.peer(from)
	if p.key == nil {
		f.blocked, f.stalled = true, from
		if p.doc != 1 {
			p.doc = 1
			out.Lookup = append(out.Lookup, from)
		}
		return
	}
	if *p.key != key {
		f.applied = fr.seq // not sealed with the sender's published key
		return
	}
	if code, reason := c.accept(now, from, fr.id, msg, false, out); code != 0 {
		f.applied = fr.seq // too large for this node, or refused: dropped, and its sender told
		c.refuse(from, fr.id, code, reason, out)
		return
	}
	f.applied = fr.seq
	out.To(from, (&frame{typ: typeReceipt, id: fr.id}).marshal())
}

// fetchEnd: the mailbox answered; stored items are dropped there.
func (c *Core) fetchEnd(now time.Time, w common.Address, more bool, out *service.Effects) {
	f := &c.fetch
	if f.phase != 1 || w != f.box {
		return
	}
	if f.stream != nil { // the batch's large item is still coming
		f.stream.ended, f.stream.more = true, more
		return
	}
	c.endFetch(now, more, out)
}

// endFetch ends a fetch whose items are all stored (or dropped).
func (c *Core) endFetch(now time.Time, more bool, out *service.Effects) {
	f := &c.fetch
	f.phase = 0
	if f.applied > 0 {
		out.To(f.box, (&frame{typ: typeDrop, seq: f.applied}).marshal())
	}
	switch {
	case f.blocked:
		f.next = time.Time{} // the sender's document restarts it
		if c.peers[f.stalled] != nil && c.peers[f.stalled].doc == 2 {
			f.stalled = common.Address{}
			f.next = now.Add(c.cfg.RetryMax)
		}
	case more:
		c.startFetch(now, out)
		return
	case c.cfg.FetchInterval > 0:
		f.next = now.Add(c.cfg.FetchInterval)
	default:
		f.next = time.Time{}
	}
	out.Wake(f.next)
}

// fetchFailed: the mailbox did not answer; fetch again when it is up,
// or after the interval.
func (c *Core) fetchFailed(now time.Time) {
	f := &c.fetch
	f.phase, f.pending, f.stream = 0, true, nil
	f.next = now.Add(c.cfg.RetryBase)
	if c.cfg.FetchInterval > 0 {
		f.next = now.Add(min(c.cfg.FetchInterval, c.cfg.RetryMax))
	}
}
