package content

import (
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// A cache (CoreConfig.Serve) serves a public blob it is still fetching
// — a fill for a Want, or its own download — instead of refusing it:
//
//   - a Get whose ranges are all verified here is answered at once from
//     the bytes and the outboard assembled so far (the slices of
//     verified ranges carry every parent a slice of them needs);
//   - one whose ranges are not is held, its ranges go to the front of
//     the download's queue, and it is answered once they are verified,
//     or when the blob is complete; held Gets are forgotten after
//     heldFor (the asker has dropped us by then), or as soon as the
//     asker withdraws it (a cancel: it dropped us for lateness), and
//     refused (not found) if the download fails. At most maxHeld are held per core;
//     past that a Get is refused busy.
//
// So the first downloads of a segment are served by their router while
// it fills, and each range crosses the publisher's link once for all of
// them, not once per downloader.

// held is a Get waiting for its ranges.
type held struct {
	peer   common.Address
	req    uint32
	id     ID
	off, n int64
	at     time.Time
}

const maxHeld = 1024

// heldFor is how long a Get may be held: by then its asker has dropped
// this provider for lateness.
func (c *Core) heldFor() time.Duration { return 2 * c.cfg.RequestTimeout }

// servePartial answers or holds a Get for a blob being fetched here; it
// reports whether it took the Get (false: the blob is not on its way
// here, or not one this node serves).
func (c *Core) servePartial(now time.Time, peer common.Address, m msg, out *service.Effects) bool {
	f := c.find(m.id)
	if f == nil || f.failed || !f.public || !c.cfg.Serve {
		return false
	}
	if c.servePart(f, peer, m.req, m.off, m.n, out) {
		return true
	}
	c.held = slices.DeleteFunc(c.held, func(h held) bool { return now.Sub(h.at) > c.heldFor() })
	if len(c.held) >= maxHeld {
		out.To(peer, encFail(m.req, failBusy))
		return true
	}
	c.held = append(c.held, held{peer: peer, req: m.req, id: m.id, off: m.off, n: m.n, at: now})
	c.hurry(f, m.off, m.n)
	return true
}

// servePart answers a Get from f's verified ranges if they cover it.
func (c *Core) servePart(f *fetch, peer common.Address, req uint32, off, n int64, out *service.Effects) bool {
	if f.size < 0 || f.ob == nil {
		return false
	}
	if n == 0 && f.size > 0 {
		off = (f.size - 1) / GroupSize * GroupSize
		n = f.size - off
	}
	if off < 0 || n <= 0 || off+n > f.size {
		out.To(peer, encFail(req, failNotFound))
		return true
	}
	for r := off / c.cfg.RangeSize; r <= (off+n-1)/c.cfg.RangeSize; r++ {
		if !f.done[r] {
			return false
		}
	}
	c.sendSlice(f.id, f.size, f.ob, peer, req, off, n, out)
	return true
}

// sendSlice sends the Data frame of [off, off+n) of blob id.
func (c *Core) sendSlice(id ID, size int64, ob []byte, peer common.Address, req uint32, off, n int64, out *service.Effects) {
	f := c.alloc(dataHeader + sliceSize(size, off, n))
	f, err := appendSlice(putDataHeader(f[:dataHeader], req), blobReader{c.blobs, id}, ob, size, off, n)
	if err != nil {
		out.To(peer, encFail(req, failBusy))
		return
	}
	c.stats.Served += n
	out.To(peer, f)
}

// hurry moves f's queued ranges that overlap [off, off+n) to the front.
func (c *Core) hurry(f *fetch, off, n int64) {
	if f.size < 0 {
		return
	}
	if n == 0 {
		off, n = max(f.size-1, 0), 1
	}
	lo, hi := int(off/c.cfg.RangeSize), int((off+n-1)/c.cfg.RangeSize)
	var front []int
	f.queue = slices.DeleteFunc(f.queue, func(r int) bool {
		if r >= lo && r <= hi {
			front = append(front, r)
			return true
		}
		return false
	})
	if len(front) > 0 {
		f.queue = append(front, f.queue...)
	}
}

// serveHeld answers f's held Gets that its verified ranges now cover,
// and hurries the others.
func (c *Core) serveHeld(f *fetch, out *service.Effects) {
	if len(c.held) == 0 {
		return
	}
	c.held = slices.DeleteFunc(c.held, func(h held) bool {
		if h.id != f.id {
			return false
		}
		if c.servePart(f, h.peer, h.req, h.off, h.n, out) {
			return true
		}
		c.hurry(f, h.off, h.n)
		return false
	})
}

// releaseHeld answers every Get held for blob id: from the complete
// blob if complete, else with a refusal.
func (c *Core) releaseHeld(id ID, complete bool, out *service.Effects) {
	if len(c.held) == 0 {
		return
	}
	var size int64
	var ob []byte
	if complete {
		var err error
		if size, _, err = c.blobs.Stat(id); err == nil {
			ob, err = c.blobs.Outboard(id)
		}
		complete = err == nil
	}
	c.held = slices.DeleteFunc(c.held, func(h held) bool {
		if h.id != id {
			return false
		}
		off, n := h.off, h.n
		if n == 0 && size > 0 {
			off = (size - 1) / GroupSize * GroupSize
			n = size - off
		}
		if !complete || off < 0 || off+n > size {
			out.To(h.peer, encFail(h.req, failNotFound))
			return true
		}
		c.sendSlice(id, size, ob, h.peer, h.req, off, n, out)
		return true
	})
}

// forgetHeld drops the Gets held for peer (gone).
func (c *Core) forgetHeld(peer common.Address) {
	c.held = slices.DeleteFunc(c.held, func(h held) bool { return h.peer == peer })
}

// withdrawHeld forgets peer's held Get req (a cancel): the asker has
// dropped us and would count the answer as late.
func (c *Core) withdrawHeld(peer common.Address, req uint32) {
	c.held = slices.DeleteFunc(c.held, func(h held) bool { return h.peer == peer && h.req == req })
}
