package router

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/mem"
)

// BenchmarkRouterForward measures what one router forwards over mem:
// frames sent from one Conn to the router's, each for a host attached
// to it, go on to that host's Conn. The baseline in the same run is the
// mem underlay alone carrying the same frames from one Conn straight to
// the host's, so the ratio of the two frames/s figures is the cost of
// the router's hop (its queue, its goroutine, its forwarding).
//
//	go test ./link/router -run '^$' -bench RouterForward -count 3
func BenchmarkRouterForward(b *testing.B) {
	for _, size := range []int{link.MinUnderlayMTU, 128} {
		for _, batch := range []int{1, 32} {
			name := fmt.Sprintf("%d/batch=%d", size, batch)
			b.Run("underlay/"+name, func(b *testing.B) {
				n := mem.NewNetwork(mem.Config{})
				defer n.Close()
				src, host := attachT(b, n), attachT(b, n)
				frames := forwardFrames(size, batch)
				benchFrames(b, host, size, batch, func() {
					if err := src.Send(host.LocalAddr(), frames...); err != nil {
						b.Fatal(err)
					}
				})
			})
			b.Run("router/"+name, func(b *testing.B) {
				n := mem.NewNetwork(mem.Config{})
				defer n.Close()
				src, conn, host := attachT(b, n), attachT(b, n), attachT(b, n)
				tr := newTestRouterOn(b, conn, nil)
				tr.attachForTest(b, forwardDst, host.LocalAddr())
				frames := forwardFrames(size, batch)
				benchFrames(b, host, size, batch, func() {
					if err := src.Send(conn.LocalAddr(), frames...); err != nil {
						b.Fatal(err)
					}
				})
				if got, want := tr.ep.Stats().FramesForwarded, uint64(b.N*batch); got < want {
					b.Fatalf("forwarded %d of %d frames", got, want)
				}
			})
		}
	}
}

var forwardDst = link.Locator{0: 0x2a, 15: 1, 20: 9}

// forwardFrames are n transport frames of size bytes for 2a.1::9
// (attached to the test router) from 2b::.
func forwardFrames(size, n int) [][]byte {
	dst, src := forwardDst, link.Locator{0: 0x2b}
	frames := make([][]byte, n)
	for i := range frames {
		f := link.AppendHeader(nil, &link.Header{Type: link.FrameTransport, HopLimit: 64, Dst: &dst, Src: &src})
		frames[i] = append(f, make([]byte, size-len(f))...)
	}
	return frames
}

// benchFrames runs send, which sends batch frames, b.N times and reports
// frames/s and Gbit/s as counted where host receives them.
func benchFrames(b *testing.B, host *mem.Conn, size, batch int, send func()) {
	got := make(chan struct{}, 1)
	var n int
	want := b.N * batch
	host.SetReceiver(func([]byte, netip.AddrPort) {
		if n++; n == want {
			got <- struct{}{}
		}
	})
	b.SetBytes(int64(size * batch))
	start := time.Now()
	for range b.N {
		send()
	}
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		b.Fatalf("host received %d of %d frames", host.Stats().Delivered, want)
	}
	secs := time.Since(start).Seconds()
	b.ReportMetric(float64(want)/secs, "frames/s")
	b.ReportMetric(float64(want*size*8)/secs/1e9, "Gbit/s")
}

func attachT(b *testing.B, n *mem.Network) *mem.Conn {
	c, err := n.Attach()
	if err != nil {
		b.Fatal(err)
	}
	return c
}
