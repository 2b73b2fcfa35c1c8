package link

import (
	"net/netip"
	"sync"
)

// Forwarded frames leave in batches. On a BatchUnderlay (link/udp,
// link/mem) the frames a router's Forwarder passes on during one read
// batch are grouped by next hop and go out when the underlay says the
// batch ended (or every fwdBatchMax frames): one TrySend per next hop and
// batch, which is one sendmmsg on link/udp, instead of one per frame.
// The next router or host then reads them as one batch too, so its GRO
// merges a flow's segments as it would on a direct path.
//
// Copies: a BatchUnderlay keeps the frames it hands over valid until the
// batch end returns, so with one underlay the batch holds the frames
// where the underlay read them, and the underlay's own copy (the kernel's
// on link/udp, the queue's on link/mem) is the only one a forwarded
// frame takes. With several NICs, whose batches end apart, each frame is
// copied into one of the endpoint's frame buffers first. On other
// underlays (the simulator's) each frame goes at once.
//
// Hand-off: with one underlay that is a HandOffer (link/mem), the batch
// goes through HandOff, from the reader goroutine holding no lock: a
// next hop that is idle runs its receiver on this goroutine with the
// held frames themselves, so on one machine a frame crossing several
// routers is copied once (onto the first router's queue) and handled by
// one goroutine up to the host, as on a direct path. A next hop that is
// busy gets the frames queued as by TrySend. With several NICs the
// frames go by TrySend: the reader holds one NIC's underlay and sends
// on another's.

// fwdBatchMax bounds the frames held for one read batch.
const fwdBatchMax = 64

// fwdState is the batch of forwarded frames being collected.
type fwdState struct {
	on   bool // a Forwarder on a BatchUnderlay; set by New
	hold bool // on, and one underlay: frames are held, not copied

	// mu guards the fields below when frames come from several
	// underlays (NICs). With one (hold), only the goroutine the underlay
	// hands a batch to touches them: a BatchUnderlay calls its receiver
	// and batch end from one goroutine at a time.
	mu sync.Mutex
	b  *batch // nil when empty
	n  int    // frames in b
}

func (f *fwdState) lock() {
	if !f.hold {
		f.mu.Lock()
	}
}

func (f *fwdState) unlock() {
	if !f.hold {
		f.mu.Unlock()
	}
}

// forwardFrame sends frame, which the Forwarder passed on to next, in
// the current batch, or at once when frames are not batched or do not
// fit a frame buffer. The frame counts as received (Stats) when it goes,
// with the rest of its batch.
func (e *Endpoint) forwardFrame(next netip.AddrPort, frame []byte) {
	f := &e.fwdq
	if !f.on {
		e.forwardNow(next, frame)
		return
	}
	var buf *[]byte
	if !f.hold {
		buf = e.bufs.get()
		if len(frame) > len(*buf) {
			e.bufs.put(buf)
			e.forwardNow(next, frame)
			return
		}
		frame = (*buf)[:copy(*buf, frame)]
	}
	f.lock()
	if f.b == nil {
		f.b = getBatch()
		f.b.fwd = true
	}
	f.b.add(next, frame, buf)
	f.n++
	var full *batch
	if f.n >= fwdBatchMax {
		full, f.b, f.n = f.b, nil, 0
	}
	f.unlock()
	if full != nil {
		full.flush(e)
	}
}

// flushForwarded sends the forwarded frames collected so far.
func (e *Endpoint) flushForwarded() {
	f := &e.fwdq
	if !f.on {
		return
	}
	f.lock()
	b := f.b
	f.b, f.n = nil, 0
	f.unlock()
	if b != nil {
		b.flush(e)
	}
}

// forwardNow sends one forwarded frame at once.
func (e *Endpoint) forwardNow(next netip.AddrPort, frame []byte) {
	e.countForwarded(1, uint64(len(frame)))
	frames := [][]byte{frame}
	e.fwdSent(frames[:e.send(next, sendTry, frames)])
}

// countForwarded counts n frames of size bytes that came in to be
// forwarded and are handed to the underlay now: as received and as
// forwarded (Stats), once per batch.
func (e *Endpoint) countForwarded(n, size uint64) {
	e.stats.framesReceived.Add(n)
	e.stats.bytesReceived.Add(size)
	e.stats.framesForwarded.Add(n)
}

// fwdSent hands the Forwarder the frames it passed on that the underlay
// took, when it keeps count of what it forwarded (ForwardMeter).
func (e *Endpoint) fwdSent(frames [][]byte) {
	if e.fwdMeter != nil && len(frames) > 0 {
		e.fwdMeter.Sent(frames)
	}
}
