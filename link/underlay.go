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
	// slices after Send returns. Send may wait while the underlay's queue
	// is full rather than dropping (that is the netstack's backpressure),
	// but not for ever: a bounded time at most, and never once dst or the
	// underlay closed. It returns ErrClosed once closed and ErrFrameTooBig
	// (without sending any frame) if a frame exceeds MTU. An underlay that
	// is not a TrySender must not wait in Send for another node's receiver
	// at all (link/udp: the kernel drops what a full receive buffer cannot
	// take; the simulator: Send schedules an event).
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

// TrySender is an Underlay whose sends can be tried without waiting. The
// Endpoint sends this way everything but the netstack's own packets:
// forwarded frames, handshake replies, control messages, queue flushes.
// Those run on the underlay's reader goroutine (or the timer's), which
// must never wait for another node's queue: two routers forwarding into
// each other's full queues would otherwise wait on each other for ever.
// A frame TrySend cannot queue is dropped, as a router's full output
// queue drops, and counted (Stats.DroppedSendFull).
type TrySender interface {
	Underlay

	// TrySend is Send without waiting. It returns n, how many frames it
	// took, from the first: once one finds dst's queue full, it and the
	// rest are dropped and the error is ErrQueueFull. Other errors are
	// Send's.
	TrySend(dst netip.AddrPort, frames ...[]byte) (int, error)
}

// HandOffer is a TrySender that can hand frames straight to an idle
// receiver (package link/mem): when dst's queue is empty and nothing is
// being delivered to it, HandOff runs dst's receiver, and then its batch
// end, on the calling goroutine with the frames themselves, which the
// receiver may change in place (a router's hop limit), instead of
// queueing copies and waking dst's goroutine. The Endpoint hands off the
// frames its Forwarder passed on, from the underlay's reader goroutine
// holding no lock, so a frame crossing routers on one machine is copied
// once and handled by one goroutine from the first router to the host.
type HandOffer interface {
	TrySender

	// HandOff is TrySend, with the frames handed off when dst is idle.
	// The caller holds no lock a receiver may take and is not dst's
	// receiver.
	HandOff(dst netip.AddrPort, frames ...[]byte) (int, error)
}

// BatchUnderlay is an Underlay that says where the batches it receives
// end (one recvmmsg, one drained queue), so that the receiver can
// coalesce what one batch carried (GRO) and hand it on at the end. The
// frames of a batch stay valid, unchanged, until the batch end returns
// (the receiver's contract is otherwise SetReceiver's), so a router
// sends the frames it forwards at the batch end without copying them.
// The Endpoint uses it when the underlay offers it; an Underlay without
// it has every frame delivered on its own.
type BatchUnderlay interface {
	Underlay

	// SetBatchEnd installs end, which the underlay calls after it handed
	// the receiver the last frame of a batch, from the goroutine that
	// called the receiver, and never while a call to the receiver runs.
	// A BatchUnderlay calls the receiver and the batch end from one
	// goroutine at a time, each call after the one before returned (the
	// Endpoint then keeps a read batch's state without a lock). It must
	// be called before SetReceiver.
	SetBatchEnd(end func())
}
