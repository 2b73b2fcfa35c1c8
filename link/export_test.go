package link

import (
	"net/netip"
	"testing"
	"time"
)

// What the external tests (package link_test) reach inside the package.

// NewTestRouter is newTestRouterOn for external tests.
func NewTestRouter(t testing.TB, u Underlay) *Endpoint { return newTestRouterOn(t, u) }

// AttachForTest makes the router e treat addr as the attached host with
// locator loc, as if that host had attached.
func AttachForTest(e *Endpoint, loc Locator, addr netip.AddrPort) {
	e.rt.mu.Lock()
	defer e.rt.mu.Unlock()
	e.rt.attached[loc] = &attachment{p: &peer{addr: addr}, seen: time.Now()}
}

// ReceiveForTest hands frame to e as if its underlay had received it
// from src.
func ReceiveForTest(e *Endpoint, frame []byte, src netip.AddrPort) { e.receive(frame, src) }

// NextHopForTest is where e sends a frame for dst.
func NextHopForTest(e *Endpoint, dst Locator) (netip.AddrPort, bool) { return e.nextHop(&dst, 0) }
