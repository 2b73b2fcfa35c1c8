package im

// Offline delivery. A sender that cannot reach a recipient seals the
// frame to the recipient's seal key (seal.go) and DEPOSITs it at the
// recipient's mailbox node (Directory.Mailbox). The mailbox keeps the
// blob under the recipient's wallet in arrival order; it learns the
// recipient, the size and who deposited, not the text. Each depositor
// may fill MailboxPerSender of a recipient's MailboxLimit. The recipient,
// on Open and every FetchInterval (sooner, with a backoff from 1 s,
// after a fetch that failed), FETCHes its items in order, applies
// them (duplicates suppressed by message ID), then DROPs them up to the
// last sequence number it applied; only then does the mailbox delete
// them. A crash between the two re-delivers, and the ID check makes
// that harmless: exactly once, in order.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/ethereum/go-ethereum/common"
)

// fetchBatch is how many items a mailbox sends per FETCH.
const fetchBatch = 256

// --- the mailbox side ---

// keep stores a deposit from the wallet by for its recipient. Items are
// kept as id[16] | by[20] | blob, so a drop can give back by's quota.
func (s *Service) keep(by common.Address, f depositFrame) error {
	if !s.cfg.Mailbox {
		return ErrNotMailbox
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	next, count, err := s.mailboxCounters(f.To)
	if err != nil {
		return err
	}
	if count >= uint64(s.cfg.MailboxLimit) {
		return fmt.Errorf("%w: %d messages kept for %s", ErrMailboxFull, count, f.To)
	}
	dk := key([]byte("d"), f.To[:], by[:])
	mine := s.depositorCount(dk)
	if mine >= uint64(s.cfg.MailboxPerSender) {
		return fmt.Errorf("%w: %d messages from you kept for %s", ErrMailboxFull, mine, f.To)
	}
	b := s.st.db.NewBatch()
	defer b.Close()
	v := append(append(f.ID[:], by[:]...), f.Blob...)
	b.Set(key([]byte("q"), f.To[:], u64(next)), v, nil)
	b.Set(key([]byte("Q"), f.To[:]), append(u64(next+1), u64(count+1)...), nil)
	b.Set(dk, u64(mine+1), nil)
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("im: mailbox keep: %w", err)
	}
	return nil
}

// depositorCount is how many items one depositor has kept for one
// recipient ("d" recipient[20] depositor[20] → count u64).
func (s *Service) depositorCount(dk []byte) uint64 {
	v, err := s.st.get(dk)
	if err != nil || len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// mailboxCounters returns the next sequence number and the item count
// kept for w. Sequence numbers start at 1.
func (s *Service) mailboxCounters(w common.Address) (next, count uint64, err error) {
	v, err := s.st.get(key([]byte("Q"), w[:]))
	if errors.Is(err, ErrNotFound) {
		return 1, 0, nil
	}
	if err != nil || len(v) != 16 {
		return 0, 0, fmt.Errorf("im: mailbox counters: %w", errors.Join(err, ErrMalformed))
	}
	return binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:]), nil
}

// items returns up to fetchBatch items kept for w, oldest first.
func (s *Service) items(w common.Address) ([]itemFrame, error) {
	var out []itemFrame
	err := s.st.scan(key([]byte("q"), w[:]), false, func(k, v []byte) (bool, error) {
		if len(v) < 36 || len(k) != 1+20+8 {
			return true, nil
		}
		out = append(out, itemFrame{Seq: binary.BigEndian.Uint64(k[21:]), Blob: append([]byte(nil), v[36:]...)})
		return len(out) < fetchBatch, nil
	})
	return out, err
}

// serveFetch answers a FETCH from the recipient itself.
func (s *Service) serveFetch(pc *peerConn) {
	items, err := s.items(pc.peer)
	if err != nil {
		s.log.Warn("mailbox fetch", "err", err)
	}
	for _, it := range items {
		if pc.write(it) != nil {
			return
		}
	}
	pc.write(endFrame{})
}

// drop deletes w's items up to seq upto.
func (s *Service) drop(w common.Address, upto uint64) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	next, count, err := s.mailboxCounters(w)
	if err != nil {
		return err
	}
	b := s.st.db.NewBatch()
	defer b.Close()
	n := uint64(0)
	freed := map[common.Address]uint64{}
	err = s.st.scan(key([]byte("q"), w[:]), false, func(k, v []byte) (bool, error) {
		if binary.BigEndian.Uint64(k[21:]) > upto {
			return false, nil
		}
		n++
		if len(v) >= 36 {
			freed[common.BytesToAddress(v[16:36])]++
		}
		return true, b.Delete(k, nil)
	})
	if err != nil || n == 0 {
		return err
	}
	for by, k := range freed {
		dk := key([]byte("d"), w[:], by[:])
		b.Set(dk, u64(s.depositorCount(dk)-min(k, s.depositorCount(dk))), nil)
	}
	b.Set(key([]byte("Q"), w[:]), append(u64(next), u64(count-min(n, count))...), nil)
	return b.Commit(pebble.Sync)
}

// --- the sender side ---

// deposit seals f for w and leaves it at w's mailbox.
func (s *Service) deposit(ctx context.Context, w common.Address, id MessageID, f frame) error {
	if s.cfg.Directory == nil {
		return errors.New("no directory for mailboxes")
	}
	host, err := s.cfg.Directory.Mailbox(ctx, w)
	if err != nil {
		return fmt.Errorf("mailbox of %s: %w", w, err)
	}
	if host == "" {
		return fmt.Errorf("%s has no mailbox", w)
	}
	rk, err := s.sealKeyOf(ctx, w)
	if err != nil {
		return err
	}
	blob, err := seal(marshalInner(f), s.self, s.keys, rk)
	if err != nil {
		return err
	}
	d := depositFrame{To: w, ID: id, Blob: blob}
	if s.isSelf(host) {
		return s.keep(s.self, d)
	}
	sc, err := s.dialSync(ctx, host)
	if err != nil {
		return err
	}
	defer sc.c.Close()
	if err := sc.send(d); err != nil {
		return err
	}
	for {
		f, err := sc.next()
		if err != nil {
			return err
		}
		switch f := f.(type) {
		case storedFrame:
			if f.ID == id {
				return nil
			}
		case errorFrame:
			if f.ID == id {
				return &RemoteError{Code: f.Code, Reason: f.Reason}
			}
		}
	}
}

// sealKeyOf is w's seal key: learned from a HELLO, else published.
func (s *Service) sealKeyOf(ctx context.Context, w common.Address) (*[32]byte, error) {
	k, err := s.st.peerKey(w)
	if err == nil {
		return k, nil
	}
	if kd, ok := s.cfg.Directory.(KeyDirectory); ok {
		pk, err := kd.SealKey(ctx, w)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrNoKey, w, err)
		}
		return &pk, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrNoKey, w)
}

func (s *Service) isSelf(host string) bool {
	return common.IsHexAddress(host) && len(host) == 42 && common.HexToAddress(host) == s.self
}

// --- the recipient side ---

// Fetch applies what this wallet's mailbox holds and has the mailbox
// delete it; it returns how many items it applied. Open calls it once,
// and it runs every FetchInterval.
func (s *Service) Fetch(ctx context.Context) (int, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return 0, err
	}
	defer done()
	if s.cfg.Directory == nil {
		return 0, nil
	}
	host, err := s.cfg.Directory.Mailbox(ctx, s.self)
	if err != nil || host == "" {
		return 0, err
	}
	if s.isSelf(host) {
		return s.fetchLocal(ctx)
	}
	sc, err := s.dialSync(ctx, host)
	if err != nil {
		return 0, err
	}
	defer sc.c.Close()
	r := newReceipts()
	defer r.send(s)
	total := 0
	for {
		if err := sc.send(fetchFrame{}); err != nil {
			return total, err
		}
		var last uint64
		n := 0
	items:
		for {
			f, err := sc.next()
			if err != nil {
				return total, err
			}
			switch f := f.(type) {
			case itemFrame:
				s.openItem(ctx, f.Blob, r)
				last = f.Seq
				n++
			case endFrame:
				break items
			}
		}
		if n == 0 {
			return total, nil
		}
		total += n
		if err := sc.send(dropFrame{Upto: last}); err != nil {
			return total, err
		}
		if _, err := sc.next(); err != nil { // END acknowledges the drop
			return total, err
		}
		if n < fetchBatch {
			return total, nil
		}
	}
}

// fetchLocal applies the items this node keeps for its own wallet.
func (s *Service) fetchLocal(ctx context.Context) (int, error) {
	r := newReceipts()
	defer r.send(s)
	total := 0
	for {
		items, err := s.items(s.self)
		if err != nil || len(items) == 0 {
			return total, err
		}
		for _, it := range items {
			s.openItem(ctx, it.Blob, r)
		}
		total += len(items)
		if err := s.drop(s.self, items[len(items)-1].Seq); err != nil {
			return total, err
		}
	}
}

// openItem unseals one mailbox item and applies it as coming from its
// sender. Items that do not open or whose sender key is not the
// sender's are dropped.
func (s *Service) openItem(ctx context.Context, blob []byte, r *receipts) {
	from, key, inner, err := unseal(blob, s.keys)
	if err != nil {
		s.log.Debug("mailbox item does not open", "err", err)
		return
	}
	want, err := s.sealKeyOf(ctx, from)
	if err != nil || *want != key {
		s.log.Debug("mailbox item sender not verified", "from", from, "err", err)
		return
	}
	f, err := decodeFrame(inner)
	if err != nil {
		s.log.Debug("mailbox item malformed", "from", from, "err", err)
		return
	}
	switch f := f.(type) {
	case msgFrame:
		if err := s.receiveMsg(from, f); err != nil {
			s.log.Debug("mailbox message refused", "from", from, "err", err)
			return
		}
		if r != nil {
			r.add(from, f.ID)
		}
	case receiptFrame:
		s.receiveReceipt(from, f)
	case groupFrame:
		if err := s.receiveGroup(from, f); err != nil {
			s.log.Debug("mailbox group message refused", "from", from, "err", err)
		}
	case groupKeyFrame:
		if err := s.receiveGroupKey(from, f); err != nil {
			s.log.Debug("mailbox group key refused", "from", from, "err", err)
		}
	}
}

// receipts collects the delivery receipts owed after a fetch, one
// frame per sender.
type receipts struct {
	order []common.Address
	ids   map[common.Address][]MessageID
}

func newReceipts() *receipts { return &receipts{ids: map[common.Address][]MessageID{}} }

func (r *receipts) add(from common.Address, id MessageID) {
	if _, ok := r.ids[from]; !ok {
		r.order = append(r.order, from)
	}
	r.ids[from] = append(r.ids[from], id)
}

func (r *receipts) send(s *Service) {
	for _, w := range r.order {
		ids := r.ids[w]
		for len(ids) > 0 {
			n := min(len(ids), maxReceiptIDs)
			s.sendReceipt(w, receiptFrame{Status: Delivered, IDs: ids[:n]})
			ids = ids[n:]
		}
	}
}

// syncConn is a short request/response connection (to a mailbox), read
// in line rather than by a read loop.
type syncConn struct {
	s    *Service
	c    net.Conn
	peer common.Address
	buf  []byte
}

func (s *Service) dialSync(ctx context.Context, host string) (*syncConn, error) {
	dctx, cancel := context.WithTimeout(ctx, s.cfg.DialTimeout)
	defer cancel()
	c, err := s.node.Dial(dctx, "tcp", fmt.Sprintf("%s:%d", host, Port))
	if err != nil {
		return nil, fmt.Errorf("im: dial mailbox %s: %w", host, err)
	}
	peer, err := s.node.PeerOf(c)
	if err != nil {
		c.Close()
		return nil, err
	}
	sc := &syncConn{s: s, c: c, peer: peer}
	if err := sc.send(helloFrame{Version: protocolVersion, SealKey: s.keys.pub}); err != nil {
		c.Close()
		return nil, err
	}
	return sc, nil
}

func (sc *syncConn) send(f frame) error {
	sc.c.SetWriteDeadline(time.Now().Add(sc.s.cfg.AckTimeout))
	_, err := sc.c.Write(appendFrame(nil, f))
	return err
}

// next reads the next frame other than HELLO.
func (sc *syncConn) next() (frame, error) {
	for {
		sc.c.SetReadDeadline(time.Now().Add(sc.s.cfg.AckTimeout))
		b, err := readFrame(sc.c, max(sc.s.cfg.MaxFrame, 1<<20), sc.buf)
		sc.buf = b
		if err != nil {
			return nil, fmt.Errorf("im: read from %s: %w", sc.peer, err)
		}
		f, err := decodeFrame(b)
		if err != nil {
			return nil, err
		}
		if h, ok := f.(helloFrame); ok {
			if h.Version == protocolVersion {
				sc.s.learnKey(sc.peer, h.SealKey)
			}
			continue
		}
		return f, nil
	}
}
