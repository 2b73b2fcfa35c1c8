package mail

import (
	"bytes"
	"encoding/binary"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// The bytes of a message over ChunkSize do not come with its object in
// CHANGES: the node that lacks them pulls them chunk by chunk, as the
// node that has them keeps them (its blob's chunks, copied as they
// are), one at a time:
//
//	GET   0x33  g[16] | index u32
//	BODY  0x34  g[16] | index u32 | parts u32 | chunk   (parts 0: not held here)
//
// Progress is kept ("Yw" g → blob[16] | next u32), so a pull cut off
// or a restart goes on from the next chunk; after the last the message
// is filed as its object says then. A pull without an answer goes to
// another node after AckTimeout.

// bodyPull is one message's bytes being pulled.
type bodyPull struct {
	blob   MessageID
	next   int
	parts  int // 0: not known yet
	asked  common.Address
	ackBy  time.Time
	turn   int // which node to ask next
	closed bool
}

func bodyKey(g MessageID) []byte { return append([]byte("Yw"), g[:]...) }

// loadBodies reads the pulls under way (Start).
func (c *Core) loadBodies() {
	c.sync.bodies = make(map[MessageID]*bodyPull)
	c.cfg.Store.Scan([]byte("Yw"), func(k, v []byte) bool {
		if len(k) == 18 && len(v) == 24 {
			c.sync.bodies[MessageID(k[2:])] = &bodyPull{blob: MessageID(v[:16]), next: int(binary.BigEndian.Uint32(v[16:])), parts: int(binary.BigEndian.Uint32(v[20:]))}
		}
		return true
	})
}

func (c *Core) putBody(g MessageID, bp *bodyPull, out *service.Effects) {
	v := append(bp.blob[:16:16], binary.BigEndian.AppendUint32(nil, uint32(bp.next))...)
	v = binary.BigEndian.AppendUint32(v, uint32(bp.parts))
	out.Put(bodyKey(g), v)
}

// wantBody starts pulling g's bytes from w.
func (c *Core) wantBody(now time.Time, g MessageID, w common.Address, out *service.Effects) {
	if c.sync.bodies[g] != nil {
		return
	}
	bp := &bodyPull{blob: c.newBlob()}
	c.sync.bodies[g] = bp
	c.putBody(g, bp, out)
	c.askBody(now, g, bp, w, out)
}

func (c *Core) askBody(now time.Time, g MessageID, bp *bodyPull, w common.Address, out *service.Effects) {
	bp.asked, bp.ackBy = w, now.Add(c.cfg.AckTimeout)
	out.To(w, (&syncFrame{typ: typeSyncGet, g: g, index: uint32(bp.next)}).marshal())
	out.Wake(bp.ackBy)
}

// dropBody ends a pull (the object went, or its bytes came).
func (c *Core) dropBody(g MessageID, bp *bodyPull, keep bool, out *service.Effects) {
	delete(c.sync.bodies, g)
	out.Del(bodyKey(g))
	if !keep {
		c.dropChunks(bp.blob, out)
	}
}

// serveBody answers a GET from w with one chunk of what it asks for.
func (c *Core) serveBody(w common.Address, f syncFrame, out *service.Effects) {
	resp := syncFrame{typ: typeSyncBody, g: f.g, index: f.index}
	if o := c.obj(f.g); o != nil && !o.Gone {
		if l := c.loc(f.g); l.ok {
			if m, err := c.stored(l.folder, l.uid); err == nil {
				if b, ok := parseBlob(m.Blob); ok {
					n := 0
					c.cfg.Store.Scan(append([]byte("B"), b[:]...), func(_, _ []byte) bool { n++; return true })
					if chunk, err := readChunk(c.cfg.Store, b, int(f.index)); err == nil && int(f.index) < n {
						resp.parts, resp.data = uint32(n), chunk
					}
				}
			}
		}
	}
	out.To(w, resp.marshal())
}

// bodyIn takes one chunk; after the last the message is filed.
func (c *Core) bodyIn(now time.Time, w common.Address, f syncFrame, out *service.Effects) {
	bp := c.sync.bodies[f.g]
	if bp == nil || w != bp.asked || int(f.index) != bp.next || bp.ackBy.IsZero() {
		return
	}
	o := c.obj(f.g)
	if o == nil || o.Gone {
		c.dropBody(f.g, bp, false, out)
		return
	}
	if f.parts == 0 || (bp.parts != 0 && int(f.parts) != bp.parts) {
		bp.ackBy = time.Time{} // not there: ask another node at the next tick
		bp.turn++
		out.Wake(now)
		return
	}
	bp.parts = int(f.parts)
	out.Put(blobKey(bp.blob, bp.next), bytes.Clone(f.data))
	bp.next++
	if bp.next < bp.parts {
		c.putBody(f.g, bp, out)
		c.askBody(now, f.g, bp, w, out)
		return
	}
	c.dropBody(f.g, bp, true, out)
	c.ref(bp.blob, 1, out)
	c.sync.merging = true
	m := c.storeBlob(o.Date, o.Folder.V, MessageID(o.ID), o.From, o.flagList(), bp.blob, o.Size, out)
	m.G = f.g.String()
	c.putStored(m, out)
	c.sync.merging = false
	c.putLoc(f.g, syncLoc{folder: m.Folder, uid: m.UID, ok: true}, out)
	out.Emit(Event{Kind: EventNew, Msg: m, Folder: m.Folder})
}

// bodyTick asks again, of the next node, for chunks that did not come.
func (c *Core) bodyTick(now time.Time, out *service.Effects) {
	if len(c.sync.bodies) == 0 {
		return
	}
	sibs := c.sortedSibs()
	var ready []common.Address
	for _, w := range sibs {
		if c.sync.sibs[w].fails == 0 {
			ready = append(ready, w)
		}
	}
	if len(ready) == 0 {
		return
	}
	gs := make([]MessageID, 0, len(c.sync.bodies))
	for g := range c.sync.bodies {
		gs = append(gs, g)
	}
	sortIDs(gs)
	for _, g := range gs {
		bp := c.sync.bodies[g]
		if !bp.ackBy.IsZero() && now.Before(bp.ackBy) {
			continue
		}
		if !bp.ackBy.IsZero() {
			bp.turn++
		}
		c.askBody(now, g, bp, ready[bp.turn%len(ready)], out)
	}
}

func (c *Core) bodyDue(wake func(time.Time)) {
	for _, bp := range c.sync.bodies {
		wake(bp.ackBy)
	}
}

func sortIDs(ids []MessageID) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && bytes.Compare(ids[j][:], ids[j-1][:]) < 0; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
}
