package link

import (
	"net/netip"
)

// What the external tests (package link_test) reach inside the package.

// ReceiveForTest hands frame to e as if its underlay had received it
// from src.
func ReceiveForTest(e *Endpoint, frame []byte, src netip.AddrPort) { e.receive(frame, src) }

// NextHopForTest is where e sends a frame for dst.
func NextHopForTest(e *Endpoint, dst Locator) (netip.AddrPort, bool) { return e.nextHop(&dst, 0) }

// DisableNudgeForTest stops e from sending a stalled flow's segments
// again when its peer is heard again (nudge.go); probes still go.
func DisableNudgeForTest(e *Endpoint) { e.probes.nudgeOff.Store(true) }
