package sim

import (
	"github.com/anynet/anynet/apps/im"
)

// Offline delivery, as apps/im's mailbox.go does it, in real MAILBOX
// frames and with seal.go's sealing:
//
//   - A sender that failed imMailboxAfter times in a row seals its
//     messages for the recipient (im.SealTextMsg) and DEPOSITs them at
//     the recipient's mailbox node, which keeps them in arrival order
//     and answers STORED (im_send.go).
//   - The recipient FETCHes its items once after every restart (as Open
//     does) and every imFetchInterval, and after a failed fetch again
//     after a backoff (imRetryBase doubling up to imFetchInterval): it
//     opens each one (im.OpenSealed),
//     accepts it only if it was sealed with the sender's seal key,
//     stores it through the same checks as a direct MSG (duplicates
//     suppressed, order), then DROPs what it applied. Items left by a
//     crash between the two come again and are suppressed.
//   - It then owes each sender a RECEIPT Delivered, sent on a connection
//     to the sender's listener. apps/im sends it in the background and
//     gives up after a mailbox deposit; here the owed receipts are kept
//     in the recipient's store and retried until a sender's TCP took
//     them, so that every accepted message ends delivered.

// imItem is one blob a mailbox keeps.
type imItem struct {
	seq  uint64
	id   im.MessageID
	by   int32 // the depositing node
	blob []byte
}

// imBoxService is the mailbox part of a node's store.
type imBoxService struct {
	kept map[int32][]imItem // by recipient node, oldest first; lookup only
	seqs map[int32]uint64   // last sequence number given, per recipient
}

// serveBox answers DEPOSIT, FETCH and DROP (mailbox.go's keep,
// serveFetch and drop); the caller of FETCH and DROP is the
// authenticated peer itself.
func (r *imRecv) serveBox(s *Sim, c *imRecvConn, f im.WireFrame) bool {
	if r.kept == nil {
		r.kept, r.seqs = map[int32][]imItem{}, map[int32]uint64{}
	}
	switch f.Type {
	case im.FrameDeposit:
		to, ok := r.load.byWallet[f.To]
		if !ok || r.load.recv[to] == nil || r.load.recv[to].box != r.n {
			s.fail("im: node %d: deposit from node %d for %s, which does not keep its mailbox here", r.n.id, c.from, f.To)
			return false
		}
		r.keep(to, f.ID, c.from, f.Blob)
		c.out = im.AppendStored(c.out, f.ID)
	case im.FrameFetch:
		items := r.kept[c.from]
		for _, it := range items[:min(len(items), imFetchBatch)] {
			c.out = im.AppendItem(c.out, it.seq, it.blob)
		}
		c.out = im.AppendEnd(c.out)
	case im.FrameDrop:
		items := r.kept[c.from]
		i := 0
		for i < len(items) && items[i].seq <= f.Seq {
			i++
		}
		if i > 0 {
			r.kept[c.from] = append([]imItem(nil), items[i:]...)
		}
		c.out = im.AppendEnd(c.out)
	}
	return true
}

// keep stores a copy of blob for node to, deposited by node by.
func (r *imRecv) keep(to int32, id im.MessageID, by int32, blob []byte) {
	if r.kept == nil {
		r.kept, r.seqs = map[int32][]imItem{}, map[int32]uint64{}
	}
	r.seqs[to]++
	r.kept[to] = append(r.kept[to], imItem{seq: r.seqs[to], id: id, by: by, blob: append([]byte(nil), blob...)})
}

// imOwed is the receipts a recipient owes one sender.
type imOwed struct {
	to  int32
	ids []im.MessageID
}

// imFetcher is a recipient's side of its mailbox: the fetch in progress
// and the receipts owed (kept in its store).
type imFetcher struct {
	box      *node // the node keeping this one's mailbox; nil: none
	fk       imClient
	batch    int    // items of the current FETCH
	lastSeq  uint64 // of the last item applied
	dropping bool   // a DROP waits for its END
	fkFails  int    // fetches failed in a row

	owed      []imOwed
	rk        imClient // the receipts of owed[0]
	rkN       int      // how many of owed[0].ids rk carries
	rkFails   int
	rkWaiting bool
}

// scheduleFetches starts the periodic fetches of a recipient with a
// mailbox, staggered by node.
func (r *imRecv) scheduleFetches(s *Sim) {
	if r.box == nil {
		return
	}
	var tick func()
	tick = func() {
		if !r.n.down {
			r.fetch(s)
			s.settle(r.n)
		}
		s.at(s.now.Load()+int64(imFetchInterval), kindApp, r.n.id, tick)
	}
	s.at(int64(imFetchInterval)*int64(r.n.id%97+1)/98, kindApp, r.n.id, tick)
}

// afterRestart fetches and sends the owed receipts, as Open does.
func (r *imRecv) afterRestart(s *Sim) {
	s.at(s.now.Load()+int64(imRetryBase), kindApp, r.n.id, func() {
		if !r.n.down {
			r.fetch(s)
			r.kickReceipts(s)
			s.settle(r.n)
		}
	})
}

func (r *imRecv) fetchLost() {
	r.fk.lost()
	r.rk.lost()
}

// fetch opens a connection to the mailbox, unless one is open.
func (r *imRecv) fetch(s *Sim) {
	if r.box == nil || r.n.down || r.fk.ep != nil {
		return
	}
	s.stats.IMFetches++
	if !r.fk.open(s, r.n, r.box) {
		r.fetchFailed(s)
		return
	}
	r.watchFetch(s, r.fk.since+int64(imAckTimeout))
}

func (r *imRecv) watchFetch(s *Sim, t int64) {
	attempt := r.fk.attempt
	s.at(t, kindApp, r.n.id, func() {
		if r.fk.attempt != attempt || r.fk.ep == nil {
			return
		}
		if due := r.fk.since + int64(imAckTimeout); due > s.now.Load() {
			r.watchFetch(s, due)
			return
		}
		r.fetchFailed(s)
		r.kickReceipts(s)
		s.settle(r.n)
	})
}

// pollClients moves the fetch and the receipts on.
func (r *imRecv) pollClients(s *Sim) bool {
	progress := false
	if r.fk.ep != nil {
		p, failed := r.fk.pump(s, func() {
			r.fk.out = im.AppendFetch(im.AppendHello(r.fk.out, r.load.keys[r.n.id].pub))
			r.batch, r.dropping = 0, false
		}, func(f im.WireFrame) bool { return r.fetched(s, f) })
		progress = p
		if failed && r.fk.ep != nil {
			r.fetchFailed(s)
			r.kickReceipts(s)
			progress = true
		}
	}
	if r.rk.ep != nil {
		p, failed := r.rk.pump(s, func() {
			r.rk.out = im.AppendHello(r.rk.out, r.load.keys[r.n.id].pub)
			r.rkN = len(r.owed[0].ids) // a fetch may add more meanwhile
			for ids := r.owed[0].ids; len(ids) > 0; {
				n := min(len(ids), 1024)
				r.rk.out = im.AppendReceipt(r.rk.out, im.Delivered, ids[:n])
				ids = ids[n:]
			}
		}, func(im.WireFrame) bool { return true })
		progress = progress || p
		switch {
		case failed && r.rk.ep != nil:
			r.receiptsFailed(s)
			progress = true
		case r.rk.sent():
			r.rk.close()
			if r.owed[0].ids = r.owed[0].ids[r.rkN:]; len(r.owed[0].ids) == 0 {
				r.owed = r.owed[1:]
			}
			r.rkFails = 0
			r.kickReceipts(s)
			progress = true
		}
	}
	return progress
}

// fetched handles one answer of the mailbox; false stops reading.
func (r *imRecv) fetched(s *Sim, f im.WireFrame) bool {
	r.fk.since = s.now.Load()
	switch f.Type {
	case im.FrameItem:
		if r.dropping {
			s.fail("im: node %d: mailbox item after DROP", r.n.id)
			return false
		}
		if !r.apply(s, f) {
			return false
		}
		r.batch++
		r.lastSeq = f.Seq
	case im.FrameEnd:
		switch {
		case r.batch > 0 && !r.dropping:
			r.fk.out = im.AppendDrop(r.fk.out, r.lastSeq)
			r.dropping = true
		case r.dropping && r.batch == imFetchBatch:
			r.fk.out = im.AppendFetch(r.fk.out)
			r.batch, r.dropping = 0, false
		default:
			r.fk.close() // all fetched
			r.fkFails = 0
			r.kickReceipts(s)
			return false
		}
	}
	return true
}

// apply opens one mailbox item and stores the message in it (mailbox.go's
// openItem); false means an invariant broke.
func (r *imRecv) apply(s *Sim, f im.WireFrame) bool {
	k := &r.load.keys[r.n.id]
	from, key, inner, err := im.OpenSealed(f.Blob, &k.pub, &k.priv)
	if err != nil {
		s.fail("im: node %d: mailbox item %d: %v", r.n.id, f.Seq, err)
		return false
	}
	sender, ok := r.load.byWallet[from]
	if !ok || key != r.load.keys[sender].pub || inner.Type != im.FrameMsg {
		s.fail("im: node %d: mailbox item %d from %s not verified", r.n.id, f.Seq, from)
		return false
	}
	fresh := !r.seen[inner.ID]
	if !r.receive(s, sender, inner) {
		return false
	}
	if fresh {
		s.stats.IMFromMailbox++
	}
	for i := range r.owed {
		if r.owed[i].to == sender {
			r.owed[i].ids = append(r.owed[i].ids, inner.ID)
			return true
		}
	}
	r.owed = append(r.owed, imOwed{to: sender, ids: []im.MessageID{inner.ID}})
	return true
}

// kickReceipts sends the receipts owed to the first sender in line.
func (r *imRecv) kickReceipts(s *Sim) {
	if r.n.down || r.rk.ep != nil || r.rkWaiting || len(r.owed) == 0 {
		return
	}
	if !r.rk.open(s, r.n, s.nodes[r.owed[0].to]) {
		r.receiptsFailed(s)
		return
	}
	attempt := r.rk.attempt
	var watch func()
	watch = func() {
		if r.rk.attempt != attempt || r.rk.ep == nil {
			return
		}
		if due := r.rk.since + int64(imAckTimeout); due > s.now.Load() {
			s.at(due, kindApp, r.n.id, watch)
			return
		}
		r.receiptsFailed(s)
		s.settle(r.n)
	}
	s.at(r.rk.since+int64(imAckTimeout), kindApp, r.n.id, watch)
}

// fetchFailed abandons the fetch and tries again after the backoff
// (imRetryBase doubling up to imFetchInterval), as apps/im's fetch loop
// does, rather than at the next periodic fetch.
func (r *imRecv) fetchFailed(s *Sim) {
	r.fk.abort()
	r.fkFails++
	s.at(s.now.Load()+min(int64(imRetryBase)<<min(r.fkFails-1, 8), int64(imFetchInterval)), kindApp, r.n.id, func() {
		if !r.n.down {
			r.fetch(s)
			s.settle(r.n)
		}
	})
}

// receiptsFailed puts the failed sender at the back of the line and
// tries the next one at once; after a round in which every sender
// failed, it waits the backoff (imRetryBase doubling up to imRetryMax
// with each such round), so one unreachable sender does not hold up the
// others' receipts.
func (r *imRecv) receiptsFailed(s *Sim) {
	r.rk.abort()
	r.owed = append(r.owed[1:], r.owed[0])
	r.rkFails++
	if r.rkFails%len(r.owed) != 0 {
		r.kickReceipts(s)
		return
	}
	rounds := r.rkFails / len(r.owed)
	r.rkWaiting = true
	s.at(s.now.Load()+min(int64(imRetryBase)<<min(rounds-1, 8), int64(imRetryMax)), kindApp, r.n.id, func() {
		r.rkWaiting = false
		if !r.n.down {
			r.kickReceipts(s)
			s.settle(r.n)
		}
	})
}
