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
	DroppedSendFull     uint64 // frames sent without waiting (forwarded, replies, control) that found the underlay's queue full

	// Recovery (nudge.go).
	Nudges           uint64 // TCP segments sent again at once because their peer was heard again after a silence
	EarlyRetransmits uint64 // unacknowledged SYNs and SYN-ACKs sent again after 2 round trips of the path, before the netstack's 1 s timer
	TailProbes       uint64 // unacknowledged data or FINs sent again after 2 round trips of the path, before the netstack's RTO

	// Routing (host_routing.go, host_route.go, package link/router).
	FramesForwarded       uint64 // frames a router passed on, never opened
	DroppedHopLimit       uint64 // frames whose hop limit ran out here
	DroppedNoRoute        uint64 // frames for a locator this node has no route to
	DroppedUnknownSession uint64 // frames for us naming a session we do not have (also in DroppedOpen)
	DroppedControl        uint64 // control frames refused (unknown sender, bad message), unreachable frames for no peer of ours
	ControlSent           uint64 // routing control frames sent
	ControlReceived       uint64 // routing control frames accepted
	UnreachableSent       uint64 // unreachable frames sent to a source
	UnreachableReceived   uint64 // unreachable frames accepted for one of our peers

	// NAT traversal (host_punch.go, link/router punch.go).
	PunchAsks          uint64 // a host's asks to its router for a direct path to a peer
	PunchProbes        uint64 // probes a host sent straight to a peer's underlay address
	PathsDirect        uint64 // routed peers whose frames moved to a direct path
	PathsFallback      uint64 // direct paths that went quiet, back through routers
	PunchesCoordinated uint64 // a router's punch pairs: two hosts told each other's address
	PunchCandidates    uint64 // a host's own addresses sent to a peer end to end (host_punch_peer.go)
}

type counters struct {
	framesSent, framesReceived atomic.Uint64
	bytesSent, bytesReceived   atomic.Uint64
	handshakesStarted          atomic.Uint64

	droppedMalformed, droppedOpen, droppedReplay, droppedSpoofed     atomic.Uint64
	droppedNoPeer, droppedNotIPv6                                    atomic.Uint64
	droppedQueueFull, droppedQueueExpired, sendErrors, droppedTooBig atomic.Uint64
	droppedSendFull, nudges, earlyRetransmits, tailProbes            atomic.Uint64

	// Routing (host_routing.go, host_route.go, package link/router).
	framesForwarded, droppedHopLimit, droppedNoRoute, droppedUnknownSession atomic.Uint64
	droppedControl, controlSent, controlReceived                            atomic.Uint64
	unreachableSent, unreachableReceived                                    atomic.Uint64

	// NAT traversal (host_punch.go, link/router punch.go).
	punchAsks, punchProbes, pathsDirect, pathsFallback, punchesCoordinated, punchCandidates atomic.Uint64
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
		DroppedSendFull:     c.droppedSendFull.Load(),
		Nudges:              c.nudges.Load(),
		EarlyRetransmits:    c.earlyRetransmits.Load(),
		TailProbes:          c.tailProbes.Load(),

		FramesForwarded:       c.framesForwarded.Load(),
		DroppedHopLimit:       c.droppedHopLimit.Load(),
		DroppedNoRoute:        c.droppedNoRoute.Load(),
		DroppedUnknownSession: c.droppedUnknownSession.Load(),
		DroppedControl:        c.droppedControl.Load(),
		ControlSent:           c.controlSent.Load(),
		ControlReceived:       c.controlReceived.Load(),
		UnreachableSent:       c.unreachableSent.Load(),
		UnreachableReceived:   c.unreachableReceived.Load(),

		PunchAsks:          c.punchAsks.Load(),
		PunchProbes:        c.punchProbes.Load(),
		PathsDirect:        c.pathsDirect.Load(),
		PathsFallback:      c.pathsFallback.Load(),
		PunchesCoordinated: c.punchesCoordinated.Load(),
		PunchCandidates:    c.punchCandidates.Load(),
	}
}
