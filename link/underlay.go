package link

import (
	"net/netip"
)

// Underlay carries frames between nodes: UDP sockets to today's internet
// (package link/udp), memory inside one process (package link/mem), or the
// simulator's virtual network (package sim).
//
// Addresses are netip.AddrPort for every underlay; in-memory and simulated
// underlays hand out addresses of their own choosing (for example from
// 100.64.0.0/10), so a frame's source always names a place a reply can go.
//
// An Underlay is safe for concurrent use.
type Underlay interface {
	// LocalAddr is the address other nodes send to to reach this one.
	LocalAddr() netip.AddrPort

	// MTU is the largest frame, in bytes, that Send accepts.
	MTU() int

	// Send transmits frames to dst, in order, as one batch where the
	// underlay can (sendmmsg, GSO). The underlay does not retain the
	// slices after Send returns. Send blocks while the underlay's queue
	// is full rather than dropping; it returns ErrClosed once closed and
	// ErrFrameTooBig (without sending any frame) if a frame exceeds MTU.
	Send(dst netip.AddrPort, frames ...[]byte) error

	// SetReceiver installs the function that inbound frames are handed
	// to. It must be called once, before frames can arrive (frames that
	// arrive before are dropped). The underlay calls recv from its own
	// goroutine(s); recv must not retain frame after returning.
	SetReceiver(recv func(frame []byte, src netip.AddrPort))

	// Close stops the underlay and waits for its goroutines to exit.
	// After Close, recv is never called again. Close is idempotent.
	Close() error
}

// BatchUnderlay is an Underlay that says where the batches it receives
// end (one recvmmsg, one drained queue), so that the receiver can
// coalesce what one batch carried (GRO) and hand it on at the end. The
// Endpoint uses it when the underlay offers it; an Underlay without it
// has every frame delivered on its own.
type BatchUnderlay interface {
	Underlay

	// SetBatchEnd installs end, which the underlay calls after it handed
	// the receiver the last frame of a batch, from the goroutine that
	// called the receiver, and never while a call to the receiver runs.
	// It must be called before SetReceiver.
	SetBatchEnd(end func())
}
