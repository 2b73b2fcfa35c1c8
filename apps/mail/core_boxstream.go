package mail

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/internal/seal"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/nacl/secretbox"
)

// A large message (Parts > 0) goes through a mailbox in parts too, so
// that neither the depositor, nor the mailbox, nor the fetching
// recipient holds it whole (doc.go, "Large messages"):
//
//	depositor → mailbox   DEPOSITX to id parts size seal(key|size), then DPART id i secretbox(chunk i)
//	mailbox → depositor   GOT id next (parts < next kept, synced) … HELD id
//	recipient → mailbox   FETCH … PULL seq i (one part at a time, streamWindow ahead)
//	mailbox → recipient   … ITEMX seq by id parts size head (the last item of its batch), IPART seq i data
//
// The mailbox keeps the sealed parts as they come (it cannot open
// them) and its progress ("x"), so a deposit cut off goes on from the
// next part; the depositor's key for a message is derived from its own
// private seal key, the recipient and the id (depositKey), so every
// attempt seals the parts alike. The recipient writes each part it
// opens to its store, with the progress the direct path keeps ("i": the
// two paths share it), so a fetch cut off goes on from the next part,
// and a message that arrives both ways is stored once.

// boxIn is a large deposit a mailbox is taking in.
type boxIn struct {
	to          common.Address
	parts, size int
	next        int
	blob        MessageID
	at          time.Time
	head        []byte
}

// fetchStream is the large item a fetch is pulling.
type fetchStream struct {
	seq         uint64
	from        common.Address
	id          MessageID
	key         [32]byte
	parts       int
	pulled      int  // parts [0, pulled) were asked for
	ended, more bool // the batch's END came, and what it said
}

// depositKey is the key the parts of message id to w are sealed with
// for w's mailbox: the same in every attempt, known to nobody else.
func (c *Core) depositKey(w common.Address, id MessageID) [32]byte {
	m := hmac.New(sha256.New, c.keys.Priv[:])
	m.Write([]byte("anynet mail deposit key"))
	m.Write(w[:])
	m.Write(id[:])
	return [32]byte(m.Sum(nil))
}

// depositStream starts (or resumes) a large message's deposit at w's
// mailbox; the mailbox's GOT says which part to send next.
func (c *Core) depositStream(now time.Time, w common.Address, p *peer, o *Outgoing, out *service.Effects) bool {
	key := c.depositKey(w, o.ID)
	head := binary.BigEndian.AppendUint64(append([]byte(nil), key[:]...), uint64(o.Size))
	blob, err := seal.Seal(c.cfg.Rand, head, c.self, c.keys, p.key)
	if err != nil {
		return false
	}
	c.boxWait[o.ID] = now.Add(c.wait(p.boxSlow))
	c.depositing[o.ID] = &outStream{key: key}
	out.To(p.box, (&frame{typ: typeDepositX, to: w, id: o.ID, n: uint32(o.Parts), size: uint64(o.Size), blob: blob}).marshal())
	out.Wake(c.boxWait[o.ID])
	return true
}

// depositGot: the mailbox w keeps the parts of id before next.
func (c *Core) depositGot(now time.Time, w common.Address, o *Outgoing, next int, out *service.Effects) {
	s := c.depositing[o.ID]
	if s == nil || next > o.Parts {
		return
	}
	due, waiting := c.boxWait[o.ID]
	if !waiting {
		return
	}
	p := c.peers[o.To]
	if next > s.acked {
		c.answered(&p.boxSlow, now, due)
	}
	s.acked = max(s.acked, next)
	s.sent = max(s.sent, s.acked)
	c.boxWait[o.ID] = now.Add(c.wait(p.boxSlow)) // it moves: not timed out
	out.Wake(c.boxWait[o.ID])
	for ; s.sent < min(o.Parts, s.acked+streamWindow); s.sent++ {
		chunk, err := c.part(o, s.sent)
		if err != nil {
			return // the deposit times out and goes again
		}
		data := secretbox.Seal(nil, chunk, partNonce(o.ID, s.sent), &s.key)
		out.To(w, (&frame{typ: typeDPart, id: o.ID, n: uint32(s.sent), blob: data}).marshal())
	}
}

// Mailbox side. Store layout:
//
//	"x" by[20] id[16] → a deposit coming in: to[20] | parts u32 | size u64 | next u32 | blob[16] | at µs[8] | head
//	"Z" to[20] seq[8] → a large item kept:   by[20] | id[16] | at µs[8] | parts u32 | size u64 | blob[16] | head
//
// its parts are the blob's chunks, sealed as they came.

func boxInKey(k inKey) []byte { return append(append([]byte("x"), k.from[:]...), k.id[:]...) }

func keptLargeKey(to common.Address, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte("Z"), to[:]...), seq)
}

func (c *Core) putBoxIn(k inKey, bi *boxIn, out *service.Effects) {
	v := append([]byte(nil), bi.to[:]...)
	v = binary.BigEndian.AppendUint32(v, uint32(bi.parts))
	v = binary.BigEndian.AppendUint64(v, uint64(bi.size))
	v = binary.BigEndian.AppendUint32(v, uint32(bi.next))
	v = append(v, bi.blob[:]...)
	v = binary.BigEndian.AppendUint64(v, uint64(bi.at.UnixMicro()))
	v = append(v, bi.head...)
	out.Put(boxInKey(k), v)
}

// loadBoxIn reads the deposits coming in and the large items kept
// (Start, after loadKept).
func (c *Core) loadBoxIn() {
	st := c.cfg.Store
	st.Scan([]byte("x"), func(k, v []byte) bool {
		if len(k) == 37 && len(v) >= 20+4+8+4+16+8 {
			bi := &boxIn{to: common.Address(v[:20]), parts: int(binary.BigEndian.Uint32(v[20:])), size: int(be64(v[24:])),
				next: int(binary.BigEndian.Uint32(v[32:])), blob: MessageID(v[36:52]), at: time.UnixMicro(int64(be64(v[52:60]))),
				head: bytes.Clone(v[60:])}
			c.boxIn[inKey{common.Address(k[1:21]), MessageID(k[21:])}] = bi
			c.keptSize[bi.to] += int64(bi.size) // reserved
		}
		return true
	})
	st.Scan([]byte("Z"), func(k, v []byte) bool {
		if len(k) == 29 && len(v) >= 20+16+8+4+8+16 {
			w := common.Address(k[1:21])
			it := keptItem{seq: be64(k[21:]), by: common.Address(v[:20]), id: MessageID(v[20:36]),
				at: time.UnixMicro(int64(be64(v[36:44]))), size: int64(be64(v[48:56])), large: true, blob: MessageID(v[56:72])}
			c.kept[w] = append(c.kept[w], it)
			c.keptSize[w] += it.size
			c.keptNext[w] = max(c.keptNext[w], it.seq+1)
		}
		return true
	})
	for _, items := range c.kept {
		slices.SortFunc(items, func(a, b keptItem) int { return cmpU64(a.seq, b.seq) })
	}
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// depositX takes the head of a large deposit from by, or goes on with
// one begun before.
func (c *Core) depositX(now time.Time, by common.Address, f frame, out *service.Effects) {
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
	k := inKey{by, f.id}
	size := int64(f.size)
	if bi := c.boxIn[k]; bi != nil {
		if bi.to == f.to && bi.parts == int(f.n) && int64(bi.size) == size {
			bi.head = bytes.Clone(f.blob)
			c.putBoxIn(k, bi, out)
			out.To(by, (&frame{typ: typeGot, id: f.id, n: uint32(bi.next)}).marshal())
			return
		}
		c.dropBoxIn(k, bi, out) // not the deposit begun before
	}
	switch {
	case f.size > uint64(c.cfg.MaxSize):
		c.refuse(by, f.id, CodeTooLarge, "over the mailbox's size cap", out)
		return
	case partsOf(int(f.size)) != int(f.n) || len(f.blob) > 1024:
		c.refuse(by, f.id, CodeBadSeal, "the parts do not add up to the size", out)
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
	bi := &boxIn{to: f.to, parts: int(f.n), size: int(f.size), blob: c.newBlob(), at: now, head: bytes.Clone(f.blob)}
	c.boxIn[k] = bi
	c.keptSize[f.to] += size // reserved while it comes
	c.putBoxIn(k, bi, out)
	out.To(by, (&frame{typ: typeGot, id: f.id, n: 0}).marshal())
	out.Wake(now.Add(c.cfg.Retention))
}

// dropBoxIn lets a deposit coming in go.
func (c *Core) dropBoxIn(k inKey, bi *boxIn, out *service.Effects) {
	delete(c.boxIn, k)
	out.Del(boxInKey(k))
	c.dropChunks(bi.blob, out)
	c.keptSize[bi.to] -= int64(bi.size)
	if c.keptSize[bi.to] <= 0 && len(c.kept[bi.to]) == 0 {
		delete(c.keptSize, bi.to)
	}
}

// dPart keeps one sealed part of a deposit from by; the last makes it an
// item, answered HELD.
func (c *Core) dPart(now time.Time, by common.Address, f frame, out *service.Effects) {
	k := inKey{by, f.id}
	bi := c.boxIn[k]
	if bi == nil {
		return // no head: the depositor's attempt times out and starts again
	}
	i := int(f.n)
	if i != bi.next {
		if i < bi.next {
			out.To(by, (&frame{typ: typeGot, id: f.id, n: uint32(bi.next)}).marshal())
		}
		return
	}
	if len(f.blob) != min(ChunkSize, bi.size-i*ChunkSize)+secretbox.Overhead {
		c.refuse(by, f.id, CodeBadSeal, fmt.Sprintf("part %d has the wrong length", i), out)
		c.dropBoxIn(k, bi, out)
		return
	}
	out.Put(blobKey(bi.blob, i), f.blob)
	bi.next++
	if bi.next < bi.parts {
		c.putBoxIn(k, bi, out)
		out.To(by, (&frame{typ: typeGot, id: f.id, n: uint32(bi.next)}).marshal())
		return
	}
	delete(c.boxIn, k)
	out.Del(boxInKey(k))
	seq := c.keptNext[bi.to]
	if seq == 0 {
		seq = 1
	}
	c.keptNext[bi.to] = seq + 1
	out.Put(append([]byte("Q"), bi.to[:]...), binary.BigEndian.AppendUint64(nil, seq+1))
	v := append(append([]byte(nil), by[:]...), f.id[:]...)
	v = binary.BigEndian.AppendUint64(v, uint64(now.UnixMicro()))
	v = binary.BigEndian.AppendUint32(v, uint32(bi.parts))
	v = binary.BigEndian.AppendUint64(v, uint64(bi.size))
	v = append(v, bi.blob[:]...)
	v = append(v, bi.head...)
	out.Put(keptLargeKey(bi.to, seq), v)
	c.kept[bi.to] = append(c.kept[bi.to], keptItem{seq: seq, by: by, id: f.id, at: now, size: int64(bi.size), large: true, blob: bi.blob})
	out.To(by, (&frame{typ: typeHeld, id: f.id}).marshal())
	out.Wake(now.Add(c.cfg.Retention))
}

// itemX sends a large item's head (serveFetch).
func (c *Core) itemX(w common.Address, it keptItem, out *service.Effects) bool {
	v, err := c.cfg.Store.Get(keptLargeKey(w, it.seq))
	if err != nil || len(v) < 72 {
		return false
	}
	out.To(w, (&frame{typ: typeItemX, seq: it.seq, by: it.by, id: it.id, n: binary.BigEndian.Uint32(v[44:]), size: be64(v[48:]), blob: v[72:]}).marshal())
	return true
}

// pull answers a PULL from w with the part it asks for.
func (c *Core) pull(w common.Address, seq uint64, i int, out *service.Effects) {
	for _, it := range c.kept[w] {
		if it.seq == seq && it.large {
			if data, err := readChunk(c.cfg.Store, it.blob, i); err == nil {
				out.To(w, (&frame{typ: typeIPart, seq: seq, n: uint32(i), blob: data}).marshal())
			}
			return
		}
	}
}

// dropKept deletes a kept item's records and parts.
func (c *Core) dropKept(w common.Address, it keptItem, out *service.Effects) {
	if it.large {
		out.Del(keptLargeKey(w, it.seq))
		c.dropChunks(it.blob, out)
	} else {
		out.Del(keptKey(w, it.seq))
	}
	c.keptSize[w] -= it.size
}

// expireBoxIn lets deposits that never finished go after the retention.
func (c *Core) expireBoxIn(now time.Time, out *service.Effects) {
	var ks []inKey
	for k, bi := range c.boxIn {
		if !now.Before(bi.at.Add(c.cfg.Retention)) {
			ks = append(ks, k)
		}
	}
	for _, k := range ks { // deletes only: order-free
		c.dropBoxIn(k, c.boxIn[k], out)
	}
}

// Recipient side.

// itemXIn starts pulling a large item of the fetch.
func (c *Core) itemXIn(now time.Time, w common.Address, fr frame, out *service.Effects) {
	f := &c.fetch
	if f.phase != 1 || w != f.box || f.blocked || f.stream != nil || fr.seq <= f.applied {
		return
	}
	from, key, head, err := c.unseal(fr.blob)
	if err != nil || from != fr.by || len(head) != 40 || be64(head[32:]) != fr.size {
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
	size := int(fr.size)
	switch {
	case *p.key != key, size <= 0, partsOf(size) != int(fr.n):
		f.applied = fr.seq // not sealed with the sender's published key: dropped
		return
	case size > c.cfg.MaxSize:
		f.applied = fr.seq // dropped, and its sender told
		c.refuse(from, fr.id, CodeTooLarge, fmt.Sprintf("%d bytes, the limit is %d", size, c.cfg.MaxSize), out)
		return
	case !c.consents(from):
		f.applied = fr.seq
		c.refuse(from, fr.id, CodeDenied, refusesFrom, out)
		return
	}
	if _, err := c.cfg.Store.Get(append(append([]byte("d"), from[:]...), fr.id[:]...)); err == nil {
		f.applied = fr.seq // had it already (maybe directly)
		out.To(from, (&frame{typ: typeReceipt, id: fr.id}).marshal())
		return
	}
	k := inKey{from, fr.id}
	s := c.inState(k)
	if s != nil && (s.size != size || s.parts != int(fr.n)) {
		c.dropChunks(s.blob, out)
		delete(c.receiving, k)
		s = nil
	}
	if s == nil {
		s = &inStream{parts: int(fr.n), size: size, blob: c.newBlob()}
		c.receiving[k] = s
		out.Put(blobKey(s.blob, 0), receivedHead(from))
		c.putInState(k, s, out)
	}
	fs := &fetchStream{seq: fr.seq, from: from, id: fr.id, parts: s.parts, pulled: s.next}
	copy(fs.key[:], head)
	f.stream = fs
	f.until = now.Add(c.wait(f.slow))
	out.Wake(f.until)
	c.pullMore(s, out)
}

// pullMore asks the mailbox for the parts the window allows.
func (c *Core) pullMore(s *inStream, out *service.Effects) {
	fs := c.fetch.stream
	fs.pulled = max(fs.pulled, s.next)
	for ; fs.pulled < min(fs.parts, s.next+streamWindow); fs.pulled++ {
		out.To(c.fetch.box, (&frame{typ: typePull, seq: fs.seq, n: uint32(fs.pulled)}).marshal())
	}
}

// iPart stores one part of the item being pulled; the last files the
// message, answers its sender RECEIPT and lets the fetch go on.
func (c *Core) iPart(now time.Time, w common.Address, fr frame, out *service.Effects) {
	f := &c.fetch
	fs := f.stream
	if f.phase != 1 || w != f.box || fs == nil || fr.seq != fs.seq {
		return
	}
	c.answered(&f.slow, now, f.until)
	f.until = now.Add(c.wait(f.slow)) // it moves: not timed out
	out.Wake(f.until)
	k := inKey{fs.from, fs.id}
	s := c.inState(k)
	if s == nil { // the direct path filed it meanwhile
		c.streamDone(now, out)
		return
	}
	i := int(fr.n)
	if i != s.next {
		c.pullMore(s, out) // stale: the direct path went ahead
		return
	}
	chunk, ok := secretbox.Open(nil, fr.blob, partNonce(fs.id, i), &fs.key)
	if !ok || len(chunk) != min(ChunkSize, s.size-i*ChunkSize) {
		c.streamDone(now, out) // nobody can ever open it: dropped
		return
	}
	if c.storePart(now, k, s, chunk, out) {
		out.To(fs.from, (&frame{typ: typeReceipt, id: fs.id}).marshal())
		c.streamDone(now, out)
		return
	}
	c.pullMore(s, out)
}

// streamDone ends the item being pulled (stored, or not to be): the
// fetch goes on as its END said.
func (c *Core) streamDone(now time.Time, out *service.Effects) {
	f := &c.fetch
	fs := f.stream
	f.stream = nil
	f.applied = max(f.applied, fs.seq)
	if fs.ended {
		c.endFetch(now, fs.more, out)
	}
}
