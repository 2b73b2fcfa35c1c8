package link

import "sync/atomic"

// Stats counts what an endpoint sent, received and dropped, by reason.
type Stats struct {
	FramesSent, FramesReceived uint64
	BytesSent, BytesReceived   uint64
	HandshakesStarted          uint64

	DroppedMalformed    uint64 // frame header unreadable or of an unknown type
	DroppedOpen         uint64 // the transport refused the message (bad MAC, unknown index, bad binding …)
	DroppedReplay       uint64 // a data message seen before
	DroppedSpoofed      uint64 // inner IPv6 source is not the peer's identity
	DroppedNoPeer       uint64 // outbound packet to an identity with no known peer
	DroppedNotIPv6      uint64 // outbound or inbound packet that is not IPv6
	DroppedQueueFull    uint64 // waiting for a handshake, oldest dropped
	DroppedQueueExpired uint64 // waited for a handshake that never came
	DroppedTooBig       uint64 // outbound packet larger than the MTU
	SendErrors          uint64 // the underlay refused a batch
}

type counters struct {
	framesSent, framesReceived atomic.Uint64
	bytesSent, bytesReceived   atomic.Uint64
	handshakesStarted          atomic.Uint64

	droppedMalformed, droppedOpen, droppedReplay, droppedSpoofed     atomic.Uint64
	droppedNoPeer, droppedNotIPv6                                    atomic.Uint64
	droppedQueueFull, droppedQueueExpired, sendErrors, droppedTooBig atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		FramesSent:          c.framesSent.Load(),
		FramesReceived:      c.framesReceived.Load(),
		BytesSent:           c.bytesSent.Load(),
		BytesReceived:       c.bytesReceived.Load(),
		HandshakesStarted:   c.handshakesStarted.Load(),
		DroppedMalformed:    c.droppedMalformed.Load(),
		DroppedOpen:         c.droppedOpen.Load(),
		DroppedReplay:       c.droppedReplay.Load(),
		DroppedSpoofed:      c.droppedSpoofed.Load(),
		DroppedNoPeer:       c.droppedNoPeer.Load(),
		DroppedNotIPv6:      c.droppedNotIPv6.Load(),
		DroppedQueueFull:    c.droppedQueueFull.Load(),
		DroppedQueueExpired: c.droppedQueueExpired.Load(),
		DroppedTooBig:       c.droppedTooBig.Load(),
		SendErrors:          c.sendErrors.Load(),
	}
}
