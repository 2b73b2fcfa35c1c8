package mem

import (
	"net/netip"
	"time"

	"github.com/anynet/anynet/link"
)

// Hand-off: a router's forwarded frames, sent at the end of its read
// batch, find the next hop's queue empty and its receiver idle most of
// the time. Conn.HandOff then runs that receiver on the sender's
// goroutine, with the sender's own frames: no copy onto the queue, no
// clearing after, no wake-up of the receiver's goroutine and no batch
// boundary added on the way. The receiver's batch end is called after
// them, as deliver calls it, so the next router hands its own frames
// off in turn and the last host coalesces them (GRO) as one batch.
//
// Order and exclusion: a hand-off happens only while nothing waits on
// the queue and no batch is being delivered; while it runs, frames that
// arrive are queued and deliver takes them once it ends, so the
// receiver sees frames in the order they came and is never called by
// two goroutines at once (inbox.busy).
//
// Waiting: room in a full queue comes when the goroutine handing frames
// to its receiver takes the queue. While that goroutine is inside a
// hand-off, to the Conn or from it, the Send waiting for room could be
// its own, made by a receiver down the chain (a netstack's reset or
// ICMP answer sent from inside delivery), so such a Send waits
// handOffWait at most instead of Config.SendWait before it drops the
// rest (QueueFull). Close waits for a hand-off into its Conn to end, so
// that the receiver is never called after Close returns; a receiver
// must not close a Conn whose frames it was handed, nor the one it
// was handed them through.

var _ link.HandOffer = (*Conn)(nil)

// handOffWait bounds a Send's wait for room in a Conn that a hand-off
// runs to or from: long enough for a hand-off by another goroutine to
// end, short enough that one waiting on itself stalls little.
const handOffWait = time.Millisecond

// waitBound is how long a Send waits for room in c's full queue: d, or
// handOffWait while a hand-off runs to or from c.
func (c *Conn) waitBound(d time.Duration) time.Duration {
	if c.out.Load() > 0 || c.in.handingOff() {
		return min(d, handOffWait)
	}
	return d
}

// HandOff implements link.HandOffer: TrySend that, when dst's queue is
// empty and its receiver idle, calls the receiver with frames on the
// calling goroutine, then its batch end, instead of queueing copies. The
// receiver may change the frames in place. The caller must hold no lock
// that a receiver on this Network may take, and must not be the
// receiver of dst. Frames the filter drops are counted as for Send.
func (c *Conn) HandOff(dst netip.AddrPort, frames ...[]byte) (int, error) {
	to, filter, dst, err := c.route(dst, frames)
	if to == nil {
		return len(frames), err
	}
	recv := to.recv.Load()
	if recv == nil || c.net.delayOf(c.addr, dst) > 0 || !to.in.beginHandOff() {
		return c.enqueue(to, dst, filter, false, frames)
	}
	c.out.Add(1)
	defer c.out.Add(-1)
	defer to.in.endHandOff()
	n := 0
	for _, f := range frames {
		if filter != nil && !filter(c.addr, dst, f) {
			c.add(filtered, 1)
			continue
		}
		(*recv)(f, c.addr)
		n++
	}
	c.add(sent, n)
	to.add(delivered, n)
	if end := to.batchEnd.Load(); end != nil {
		(*end)()
	}
	return len(frames), nil
}
