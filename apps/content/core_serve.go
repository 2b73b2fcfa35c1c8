package content

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// The provider side:
//
//  1. Get: the blob must be complete here and granted to the peer
//     (public, to its wallet, or in a collection so granted); the answer
//     is the Bao slice of the range (n = 0: the blob's last group, which
//     proves its size), or Fail.
//  2. List: the shares whose name starts with the prefix and that the
//     peer may read.
//  3. Have: a wallet that downloaded a public blob of ours serves it
//     too; we keep it as a holder (up to maxProviders per blob).
//  4. Who: the holders of a blob we share publicly.

func (c *Core) serveGet(now time.Time, peer common.Address, m msg, out *service.Effects) {
	size, done, err := c.blobs.Stat(m.id)
	if (err != nil || !done) && c.servePartial(now, peer, m, out) {
		return
	}
	if err != nil || !done {
		out.To(peer, encFail(m.req, failNotFound))
		return
	}
	if !c.may(peer, m.id) {
		c.stats.Denied++
		out.To(peer, encFail(m.req, failDenied))
		return
	}
	off, n := m.off, m.n
	if n == 0 && size > 0 { // the last group
		off = (size - 1) / GroupSize * GroupSize
		n = size - off
	}
	if off+n > size {
		out.To(peer, encFail(m.req, failNotFound))
		return
	}
	ob, err := c.blobs.Outboard(m.id)
	var f []byte
	if err == nil { // the Data frame, its slice read straight into it
		f = c.alloc(dataHeader + sliceSize(size, off, n))
		f, err = appendSlice(putDataHeader(f[:dataHeader], m.req), blobReader{c.blobs, m.id}, ob, size, off, n)
	}
	if err != nil {
		out.To(peer, encFail(m.req, failBusy))
		return
	}
	c.stats.Served += n
	c.touch(now, m.id)
	out.To(peer, f)
}

// blobReader reads one blob of a Blobs.
type blobReader struct {
	b  Blobs
	id ID
}

func (r blobReader) ReadAt(p []byte, off int64) (int, error) { return r.b.ReadAt(r.id, p, off) }

func (c *Core) serveList(peer common.Address, m msg, out *service.Effects) {
	var es []Entry
	c.st.Scan(append(slices.Clone(keyShare), m.prefix...), func(k, v []byte) bool {
		sh, err := decodeShare(v)
		if err == nil && (sh.Public || peer == c.cfg.Self || slices.Contains(sh.To, peer)) {
			es = append(es, Entry{Name: string(k[len(keyShare):]), ID: sh.ID, Size: sh.Size, Collection: sh.Collection, Public: sh.Public})
		}
		return len(es) < maxEntries
	})
	out.To(peer, encListing(m.req, es))
}

func (c *Core) recordHave(peer common.Address, m msg, out *service.Effects) {
	size, done, err := c.blobs.Stat(m.id)
	if err != nil || !done || size != m.size || !c.public(m.id) {
		return
	}
	if _, err := c.st.Get(holderKey(m.id, peer)); err == nil {
		return
	}
	n := 0
	c.st.Scan(append(append(slices.Clone(keyHolder), m.id[:]...), '/'), func(_, _ []byte) bool { n++; return true })
	if n >= maxProviders {
		return
	}
	out.Put(holderKey(m.id, peer), binary.BigEndian.AppendUint64(nil, uint64(size)))
}

func (c *Core) serveWho(now time.Time, peer common.Address, m msg, out *service.Effects) {
	var ws []common.Address
	if c.may(peer, m.id) {
		c.st.Scan(append(append(slices.Clone(keyHolder), m.id[:]...), '/'), func(k, _ []byte) bool {
			if w := common.BytesToAddress(k[len(k)-20:]); w != peer {
				ws = append(ws, w)
			}
			return len(ws) < maxProviders
		})
	}
	if c.cfg.Sign != nil && c.may(peer, m.id) {
		l, err := SignMirrorList(MirrorList{ID: m.id, Publisher: c.cfg.Self, Expires: now.Add(mirrorListLife).Truncate(time.Second), Mirrors: ws}, c.cfg.Sign)
		if err == nil {
			out.To(peer, encMirrors(m.req, l))
			return
		}
	}
	out.To(peer, encProviders(m.req, ws))
}

// share is a stored share: id | u64 size | u8 flags | u16 n | wallets.
type share struct {
	ID         ID
	Size       int64
	Collection bool
	Public     bool
	To         []common.Address
}

func (s share) encode() []byte {
	b := append(s.ID[:0:0], s.ID[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(s.Size))
	var fl byte
	if s.Collection {
		fl |= 1
	}
	if s.Public {
		fl |= 2
	}
	b = binary.BigEndian.AppendUint16(append(b, fl), uint16(len(s.To)))
	for _, w := range s.To {
		b = append(b, w[:]...)
	}
	return b
}

func decodeShare(b []byte) (share, error) {
	r := &reader{b: b}
	s := share{ID: r.id(), Size: int64(r.u64())}
	fl := r.u8()
	s.Collection, s.Public = fl&1 != 0, fl&2 != 0
	for range r.u16() {
		s.To = append(s.To, common.BytesToAddress(r.take(20)))
	}
	if r.bad || len(r.b) != 0 {
		return share{}, fmt.Errorf("%w: share record", ErrMalformed)
	}
	return s, nil
}

// shareCmd records a share and grants its blobs.
func (c *Core) shareCmd(cmd ShareCmd, out *service.Effects) error {
	if cmd.Name == "" || len(cmd.Name) > 255 || strings.ContainsAny(cmd.Name, "/\x00") {
		return fmt.Errorf("%w: share name %q", ErrBadLink, cmd.Name)
	}
	size, done, err := c.blobs.Stat(cmd.ID)
	if err != nil || !done {
		return fmt.Errorf("content: share %s: blob %s: %w", cmd.Name, cmd.ID.Short(), ErrNotFound)
	}
	ids := []ID{cmd.ID}
	if cmd.Collection {
		b := make([]byte, size)
		if _, err := c.blobs.ReadAt(cmd.ID, b, 0); err != nil {
			return fmt.Errorf("content: share %s: %w", cmd.Name, err)
		}
		fs, err := DecodeCollection(b)
		if err != nil {
			return err
		}
		for _, f := range fs {
			ids = append(ids, f.ID)
		}
	}
	sh := share{ID: cmd.ID, Size: size, Collection: cmd.Collection, Public: cmd.Public, To: cmd.To}
	for _, id := range ids { // shared blobs are this node's own now
		if _, ok := c.cache[id]; ok {
			delete(c.cache, id)
			out.Del(cachedKey(id))
		}
	}
	out.Put(append(slices.Clone(keyShare), cmd.Name...), sh.encode())
	for _, id := range ids {
		if cmd.Public {
			out.Put(grantKey(id, nil), nil)
		}
		for _, w := range cmd.To {
			out.Put(grantKey(id, &w), nil)
		}
	}
	return nil
}

func (c *Core) shares() []Entry {
	var es []Entry
	c.st.Scan(keyShare, func(k, v []byte) bool {
		if sh, err := decodeShare(v); err == nil {
			es = append(es, Entry{Name: string(k[len(keyShare):]), ID: sh.ID, Size: sh.Size, Collection: sh.Collection, Public: sh.Public})
		}
		return true
	})
	return es
}

// command runs a local request.
func (c *Core) command(now time.Time, cmd any, out *service.Effects) {
	switch cmd := cmd.(type) {
	case ShareCmd:
		out.Err = c.shareCmd(cmd, out)
	case UnshareCmd:
		k := append(slices.Clone(keyShare), cmd.Name...)
		if _, err := c.st.Get(k); err != nil {
			out.Err = fmt.Errorf("content: unshare %s: %w", cmd.Name, ErrNotFound)
			return
		}
		out.Del(k) // grants stay until the blob is deleted
	case SharesCmd:
		out.Result = c.shares()
	case FetchCmd:
		out.Err = c.fetchCmd(now, cmd, out)
	case ListCmd:
		n := c.req()
		c.asks[n] = ask{peer: cmd.Peer}
		out.To(cmd.Peer, encList(n, cmd.Prefix))
		out.Result = n
	case StatusCmd:
		out.Result = c.status()
	case PinCmd:
		out.Err = c.pinCmd(cmd, out)
	default:
		out.Err = fmt.Errorf("content: unknown command %T", cmd)
	}
}
