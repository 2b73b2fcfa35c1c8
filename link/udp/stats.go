package udp

import "sync/atomic"

// Stats counts what a Conn sent, received and dropped.
type Stats struct {
	FramesSent     uint64 // frames the kernel accepted
	GSOFrames      uint64 // of FramesSent, frames sent in a segmented (GSO) write
	FramesReceived uint64 // frames handed to the receiver
	GROFrames      uint64 // of FramesReceived, frames that came in a coalesced (GRO) read
	Truncated      uint64 // datagrams over the MTU, dropped
	Unreceived     uint64 // datagrams that arrived before SetReceiver, dropped
	SendErrors     uint64 // Sends that failed after the checks (socket errors)
	ReadErrors     uint64 // reads that failed for a reason other than Close
}

type counters struct {
	framesSent, gsoFrames, framesReceived atomic.Uint64
	groFrames                             atomic.Uint64
	truncated, unreceived                 atomic.Uint64
	sendErrors, readErrors                atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		FramesSent:     c.framesSent.Load(),
		GSOFrames:      c.gsoFrames.Load(),
		FramesReceived: c.framesReceived.Load(),
		GROFrames:      c.groFrames.Load(),
		Truncated:      c.truncated.Load(),
		Unreceived:     c.unreceived.Load(),
		SendErrors:     c.sendErrors.Load(),
		ReadErrors:     c.readErrors.Load(),
	}
}
