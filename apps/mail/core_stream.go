package mail

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/anynet/anynet/apps/internal/seal"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/nacl/secretbox"
)

// A message over ChunkSize travels to its recipient in pieces, so that
// neither end holds it whole (doc.go, "Large messages"):
//
//	sender → recipient   MAILX id parts seal(key|size), then PART id i secretbox(chunk i)
//	recipient → sender   GOT id next (chunks < next stored, synced) … RECEIPT id
//
// The sender keeps streamWindow parts beyond the last GOT in flight; a
// GOT is also an answer, so a long transfer does not time out while it
// moves. The recipient writes each chunk to its store as it comes and
// keeps its progress ("i"), so a new attempt (a new key) goes on where
// the last one stopped.

// streamWindow is how many PART frames may wait for their GOT.
const streamWindow = 4

// outStream is the sender's side of one large message (kept across
// attempts, for what the recipient stored).
type outStream struct {
	key   [32]byte
	sent  int // parts [0, sent) written in this attempt (or stored before)
	acked int // the recipient stored [0, acked)
	// head: this attempt's head was answered (its GOT says where the
	// recipient is).
	head bool
}

// inKey names a large message coming in.
type inKey struct {
	from common.Address
	id   MessageID
}

// inStream is the recipient's side of one large message.
type inStream struct {
	key         [32]byte // the current attempt's
	parts, size int
	next        int // chunks [0, next) are stored
	blob        MessageID
}

// partNonce is part i's nonce: the message id and i.
func partNonce(id MessageID, i int) *[24]byte {
	var n [24]byte
	copy(n[:], id[:])
	binary.BigEndian.PutUint32(n[16:], uint32(i))
	return &n
}

// partsOf is how many chunks size bytes take.
func partsOf(size int) int { return (size + ChunkSize - 1) / ChunkSize }

// writeStream starts an attempt of a large message: its head, then the
// first window of parts from the last the recipient said it stored (a
// part it has already would cost a part's time on the path for
// nothing; the head's GOT corrects a wrong guess).
func (c *Core) writeStream(w common.Address, p *peer, o *Outgoing, out *service.Effects) {
	s := c.sending[o.ID]
	if s == nil {
		s = &outStream{}
	}
	s.sent, s.head = s.acked, false
	if _, err := c.cfg.Rand.Read(s.key[:]); err != nil {
		return // the attempt times out and goes again
	}
	head := binary.BigEndian.AppendUint64(append([]byte(nil), s.key[:]...), uint64(o.Size))
	blob, err := seal.Seal(c.cfg.Rand, head, c.self, c.keys, p.key)
	if err != nil {
		return
	}
	out.To(w, (&frame{typ: typeMailX, id: o.ID, n: uint32(o.Parts), blob: blob}).marshal())
	c.sending[o.ID] = s
	c.sendParts(w, o, s, out)
}

// sendParts writes the parts the window allows.
func (c *Core) sendParts(w common.Address, o *Outgoing, s *outStream, out *service.Effects) {
	for ; s.sent < min(o.Parts, s.acked+streamWindow); s.sent++ {
		chunk, err := c.part(o, s.sent)
		if err != nil {
			return // the attempt times out and goes again
		}
		data := secretbox.Seal(nil, chunk, partNonce(o.ID, s.sent), &s.key)
		out.To(w, (&frame{typ: typePart, id: o.ID, n: uint32(s.sent), blob: data}).marshal())
	}
}

// part reads chunk i of an outgoing message.
func (c *Core) part(o *Outgoing, i int) ([]byte, error) {
	if data, ok := c.fresh[o.ID]; ok {
		return data[i*ChunkSize : min(len(data), (i+1)*ChunkSize)], nil
	}
	b, _ := parseBlob(o.Blob)
	return readChunk(c.cfg.Store, b, i)
}

// got: w stored the chunks of id before next.
func (c *Core) got(now time.Time, w common.Address, id MessageID, next int, out *service.Effects) {
	o, s := c.out[id], c.sending[id]
	if o != nil && o.To != w {
		if p := c.peers[o.To]; p != nil && p.hasBox && p.box == w {
			c.depositGot(now, w, o, next, out)
		}
		return
	}
	if o == nil || s == nil || next > o.Parts {
		return
	}
	p := c.peers[w]
	if p.ackBy.IsZero() { // no attempt under way: only remember it
		s.acked = max(s.acked, next)
		return
	}
	switch {
	case !s.head:
		// It answers the head: where the recipient is. It says nothing
		// of the path's speed, and does not keep the mailbox away.
		s.head = true
		if next < s.acked {
			s.sent = next // it has less than it said: from there
		}
		s.acked = next
	case next > s.acked:
		p.fails = 0 // a part moved
		c.answered(&p.slow, now, p.ackBy)
	}
	p.ackBy = now.Add(c.wait(p.slow)) // it answers: not timed out
	out.Wake(p.ackBy)
	s.acked = max(s.acked, next)
	s.sent = max(s.sent, s.acked)
	c.sendParts(w, o, s, out)
}

// inKeyOf is the store key of a large message's progress.
func inStoreKey(k inKey) []byte {
	return append(append([]byte("i"), k.from[:]...), k.id[:]...)
}

// inState reads a large message's progress.
func (c *Core) inState(k inKey) *inStream {
	if s := c.receiving[k]; s != nil {
		return s
	}
	v, err := c.cfg.Store.Get(inStoreKey(k))
	if err != nil || len(v) != 32+4+8+4+16 {
		return nil
	}
	s := &inStream{parts: int(binary.BigEndian.Uint32(v[32:])), size: int(be64(v[36:])),
		next: int(binary.BigEndian.Uint32(v[44:])), blob: MessageID(v[48:])}
	copy(s.key[:], v)
	c.receiving[k] = s
	return s
}

func (c *Core) putInState(k inKey, s *inStream, out *service.Effects) {
	v := append([]byte(nil), s.key[:]...)
	v = binary.BigEndian.AppendUint32(v, uint32(s.parts))
	v = binary.BigEndian.AppendUint64(v, uint64(s.size))
	v = binary.BigEndian.AppendUint32(v, uint32(s.next))
	v = append(v, s.blob[:]...)
	out.Put(inStoreKey(k), v)
}

// receiveHead takes a MAILX from w: a large message starts, or a new
// attempt goes on where the last stopped.
func (c *Core) receiveHead(now time.Time, w common.Address, f frame, out *service.Effects) {
	if _, err := c.cfg.Store.Get(append(append([]byte("d"), w[:]...), f.id[:]...)); err == nil {
		out.To(w, (&frame{typ: typeReceipt, id: f.id}).marshal()) // had it already
		return
	}
	from, _, head, err := c.unseal(f.blob)
	if err != nil || from != w || len(head) != 40 {
		c.refuse(w, f.id, CodeBadSeal, "the message does not open, or is not sealed by the connection's wallet", out)
		return
	}
	size := int(be64(head[32:]))
	switch {
	case size > c.cfg.MaxSize:
		c.refuse(w, f.id, CodeTooLarge, fmt.Sprintf("%d bytes, the limit is %d", size, c.cfg.MaxSize), out)
		return
	case size <= 0 || partsOf(size) != int(f.n):
		c.refuse(w, f.id, CodeBadSeal, "the parts do not add up to the size", out)
		return
	}
	k := inKey{w, f.id}
	s := c.inState(k)
	if s != nil && (s.size != size || s.parts != int(f.n)) {
		c.dropChunks(s.blob, out) // not the message begun before: start again
		delete(c.receiving, k)
		s = nil
	}
	if s == nil {
		if !c.consents(w) {
			c.refuse(w, f.id, CodeDenied, refusesFrom, out)
			return
		}
		if !c.take(w, now) {
			c.refuse(w, f.id, CodeRateLimited, "too many messages from this sender; try later", out)
			return
		}
		s = &inStream{parts: int(f.n), size: size, blob: c.newBlob()}
		c.receiving[k] = s
		out.Put(blobKey(s.blob, 0), receivedHead(w))
	}
	copy(s.key[:], head)
	c.putInState(k, s, out)
	out.To(w, (&frame{typ: typeGot, id: f.id, n: uint32(s.next)}).marshal())
}

// receivePart stores one chunk of a large message from w; the last one
// files the message and answers RECEIPT.
func (c *Core) receivePart(now time.Time, w common.Address, f frame, out *service.Effects) {
	k := inKey{w, f.id}
	s := c.inState(k)
	if s == nil {
		return // no head: the sender's attempt times out and starts again
	}
	i := int(f.n)
	if i != s.next {
		if i < s.next {
			out.To(w, (&frame{typ: typeGot, id: f.id, n: uint32(s.next)}).marshal())
		}
		return
	}
	chunk, ok := secretbox.Open(nil, f.blob, partNonce(f.id, i), &s.key)
	if !ok || len(chunk) != min(ChunkSize, s.size-i*ChunkSize) {
		c.refuse(w, f.id, CodeBadSeal, fmt.Sprintf("part %d does not open, or has the wrong length", i), out)
		out.Del(inStoreKey(k))
		c.dropChunks(s.blob, out)
		delete(c.receiving, k)
		return
	}
	if !c.storePart(now, k, s, chunk, out) {
		out.To(w, (&frame{typ: typeGot, id: f.id, n: uint32(s.next)}).marshal())
		return
	}
	out.To(w, (&frame{typ: typeReceipt, id: f.id}).marshal())
}

// storePart writes the next chunk of a large message coming in,
// directly or from the mailbox; after the last it files the message
// and reports true.
func (c *Core) storePart(now time.Time, k inKey, s *inStream, chunk []byte, out *service.Effects) bool {
	out.Put(blobKey(s.blob, s.next+1), chunk)
	s.next++
	if s.next < s.parts {
		c.putInState(k, s, out)
		return false
	}
	w := k.from
	delete(c.receiving, k)
	out.Del(inStoreKey(k))
	out.Put(append(append([]byte("d"), w[:]...), k.id[:]...), []byte{1})
	c.ref(s.blob, 1, out)
	folder := Requests
	if c.allowed[w] {
		folder = Inbox
	}
	m := c.storeBlob(now, folder, k.id, w, nil, s.blob, len(receivedHead(w))+s.size, out)
	out.Emit(Event{Kind: EventNew, Msg: m, Folder: folder})
	return true
}

// whole reads an outgoing message's bytes whole (for a mailbox
// deposit, which does not travel in parts).
func (c *Core) whole(o *Outgoing) ([]byte, error) {
	if data, ok := c.fresh[o.ID]; ok {
		return data, nil
	}
	if o.Parts == 0 {
		return c.cfg.Store.Get(append([]byte("O"), o.ID[:]...))
	}
	data := make([]byte, 0, o.Size)
	for i := range o.Parts {
		chunk, err := c.part(o, i)
		if err != nil {
			return nil, err
		}
		data = append(data, chunk...)
	}
	return data, nil
}
