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
// frames handed to its receive path, each for a host attached to it, go
// out to that host's Conn. The baseline in the same run is the mem
// underlay alone carrying the same frames from one Conn to another, so
// the ratio of the two frames/s figures is the router's own cost.
//
//	go test ./link/router -run '^$' -bench RouterForward -count 3
func BenchmarkRouterForward(b *testing.B) {
	for _, size := range []int{link.MinUnderlayMTU, 128} {
		b.Run(fmt.Sprintf("underlay/%d", size), func(b *testing.B) {
			n := mem.NewNetwork(mem.Config{})
			defer n.Close()
			src, host := attachT(b, n), attachT(b, n)
			frame := forwardFrame(size)
			benchFrames(b, host, size, func() {
				if err := src.Send(host.LocalAddr(), frame); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(fmt.Sprintf("router/%d", size), func(b *testing.B) {
			n := mem.NewNetwork(mem.Config{})
			defer n.Close()
			conn, host := attachT(b, n), attachT(b, n)
			tr := newTestRouterOn(b, conn, nil)
			tr.attachForTest(b, forwardDst, host.LocalAddr())
			e := tr.ep
			frame := forwardFrame(size)
			from := netip.MustParseAddrPort("127.0.0.1:3")
			benchFrames(b, host, size, func() {
				frame[1] = 64 // forwarding decrements the hop limit in place
				tr.in.deliver(frame, from)
			})
			if got := e.Stats().FramesForwarded; got < uint64(b.N) {
				b.Fatalf("forwarded %d of %d frames", got, b.N)
			}
		})
	}
}

var forwardDst = link.Locator{0: 0x2a, 15: 1, 20: 9}

// forwardFrame is a transport frame of size bytes for 2a.1::9 (attached
// to the test router) from 2b::.
func forwardFrame(size int) []byte {
	dst, src := forwardDst, link.Locator{0: 0x2b}
	f := link.AppendHeader(nil, &link.Header{Type: link.FrameTransport, HopLimit: 64, Dst: &dst, Src: &src})
	return append(f, make([]byte, size-len(f))...)
}

// benchFrames runs send b.N times and reports frames/s and Gbit/s as
// counted where host receives them.
func benchFrames(b *testing.B, host *mem.Conn, size int, send func()) {
	got := make(chan struct{}, 1)
	var n int
	host.SetReceiver(func([]byte, netip.AddrPort) {
		if n++; n == b.N {
			got <- struct{}{}
		}
	})
	b.SetBytes(int64(size))
	start := time.Now()
	for range b.N {
		send()
	}
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		b.Fatalf("host received %d of %d frames", host.Stats().Delivered, b.N)
	}
	secs := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N)/secs, "frames/s")
	b.ReportMetric(float64(b.N*size*8)/secs/1e9, "Gbit/s")
}

func attachT(b *testing.B, n *mem.Network) *mem.Conn {
	c, err := n.Attach()
	if err != nil {
		b.Fatal(err)
	}
	return c
}
