package router

import (
	"net/netip"
	"runtime"
	"testing"

	"github.com/anynet/anynet/link"
)

// BenchmarkRouterHop measures the router's own work per forwarded frame:
// frames for a host attached to it are handed to its endpoint's
// receiver in batches of 32, as an underlay would, and go out to an
// underlay that discards them, so no queue, copy or other goroutine is
// in the figure. cpu-ns/frame is the CPU time of the benchmark's thread
// per frame, which other work on a shared machine disturbs far less
// than ns/op.
//
//	go test ./link/router -run '^$' -bench RouterHop
func BenchmarkRouterHop(b *testing.B) {
	u := &discardUnderlay{}
	tr := newTestRouterOn(b, u, nil)
	tr.attachForTest(b, forwardDst, netip.MustParseAddrPort("127.0.0.1:9"))
	const batch = 32
	frames := forwardFrames(link.MinUnderlayMTU, batch)
	src := netip.MustParseAddrPort("127.0.0.1:8")
	tr.in.mu.Lock()
	receive := tr.in.receive
	tr.in.mu.Unlock()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.SetBytes(int64(batch * link.MinUnderlayMTU))
	cpu0 := threadCPU()
	for b.Loop() {
		for _, f := range frames {
			f[1] = 64 // the hop limit Forward took down
			receive(f, src)
		}
		u.end()
	}
	if cpu := threadCPU(); cpu > 0 {
		b.ReportMetric(float64(cpu-cpu0)/float64(b.N*batch), "cpu-ns/frame")
	}
	if got, want := tr.ep.Stats().FramesForwarded, uint64(b.N*batch); got < want {
		b.Fatalf("forwarded %d of %d frames", got, want)
	}
}

// discardUnderlay is a link.BatchUnderlay and link.HandOffer that takes
// every frame and keeps none.
type discardUnderlay struct {
	end func()
}

var _ link.HandOffer = (*discardUnderlay)(nil)

func (*discardUnderlay) LocalAddr() netip.AddrPort { return netip.MustParseAddrPort("127.0.0.1:1") }
func (*discardUnderlay) MTU() int                  { return link.MinUnderlayMTU }
func (*discardUnderlay) Send(netip.AddrPort, ...[]byte) error {
	return nil
}
func (*discardUnderlay) TrySend(_ netip.AddrPort, frames ...[]byte) (int, error) {
	return len(frames), nil
}
func (*discardUnderlay) HandOff(_ netip.AddrPort, frames ...[]byte) (int, error) {
	return len(frames), nil
}
func (*discardUnderlay) SetReceiver(func([]byte, netip.AddrPort)) {}
func (u *discardUnderlay) SetBatchEnd(end func())                 { u.end = end }
func (*discardUnderlay) Close() error                             { return nil }
