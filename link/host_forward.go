package link

import (
	"net/netip"
	"sync"
)

// Forwarded frames leave in batches. On a BatchUnderlay (link/udp,
// link/mem) the frames a router's Forwarder passes on during one read
// batch are copied into the endpoint's frame buffers and grouped by next
// hop, and go out when the underlay says the batch ended (or every
// fwdBatchMax frames): one TrySend per next hop and batch, which is one
// sendmmsg on link/udp, instead of one per frame. The next router or
// host then reads them as one batch too, so its GRO merges a flow's
// segments as it would on a direct path. The copy is the price of
// holding a frame past the receiver's return, which the underlay's
// contract forbids; it is the only copy a forwarded frame takes. On
// other underlays (the simulator's) each frame goes at once.

// fwdBatchMax bounds the frames held for one read batch.
const fwdBatchMax = 64

// fwdState is the batch of forwarded frames being collected.
type fwdState struct {
	on bool // a Forwarder on a BatchUnderlay; set by New

	mu sync.Mutex // guards b
	b  *batch     // nil when empty
}

// forwardFrame sends frame, which the Forwarder passed on to next, in
// the current batch, or at once when frames are not batched or do not
// fit a frame buffer.
func (e *Endpoint) forwardFrame(next netip.AddrPort, frame []byte) {
	e.stats.framesForwarded.Add(1)
	f := &e.fwdq
	if !f.on {
		e.sendFrames(next, frame)
		return
	}
	buf := e.bufs.get()
	if len(frame) > len(*buf) {
		e.bufs.put(buf)
		e.sendFrames(next, frame)
		return
	}
	n := copy(*buf, frame)
	f.mu.Lock()
	if f.b == nil {
		f.b = getBatch()
	}
	f.b.add(next, (*buf)[:n], buf)
	var full *batch
	if len(f.b.bufs) >= fwdBatchMax {
		full, f.b = f.b, nil
	}
	f.mu.Unlock()
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
	f.mu.Lock()
	b := f.b
	f.b = nil
	f.mu.Unlock()
	if b != nil {
		b.flush(e)
	}
}
