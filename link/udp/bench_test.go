package udp_test

import (
	"context"
	"fmt"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anynet/anynet/link/udp"
)

// BenchmarkSend measures frames/s of 1280-byte frames over IPv4
// loopback, in batches of 1 and 32, with and without GSO. frames/s is
// what Send pushed into the kernel; delivered/s and recv% what the
// receiving Conn handed to its receiver (loopback drops when the reader
// falls behind). Both Conns share the machine's cores.
func BenchmarkSend(b *testing.B) {
	for _, batch := range []int{1, 32} {
		for _, gso := range []bool{false, true} {
			b.Run(fmt.Sprintf("batch=%d/gso=%v", batch, gso), func(b *testing.B) {
				ctx := context.Background()
				src, err := udp.Listen(ctx, udp.Config{Addr: "127.0.0.1:0", DisableGSO: !gso})
				if err != nil {
					b.Fatal(err)
				}
				defer src.Close()
				if gso && !src.GSO() {
					b.Skip("no UDP GSO here")
				}
				dst, err := udp.Listen(ctx, udp.Config{Addr: "127.0.0.1:0"})
				if err != nil {
					b.Fatal(err)
				}
				defer dst.Close()
				var got atomic.Int64
				dst.SetReceiver(func([]byte, netip.AddrPort) { got.Add(1) })
				frames := make([][]byte, batch)
				for i := range frames {
					frames[i] = make([]byte, 1280)
				}
				b.SetBytes(int64(1280 * batch))
				start := time.Now()
				for b.Loop() {
					if err := src.Send(dst.LocalAddr(), frames...); err != nil {
						b.Fatal(err)
					}
				}
				elapsed := time.Since(start)
				sent := src.Stats().FramesSent
				// Let the reader drain what the kernel holds.
				for prev := int64(-1); got.Load() != prev; {
					prev = got.Load()
					time.Sleep(20 * time.Millisecond)
				}
				b.ReportMetric(float64(sent)/elapsed.Seconds(), "frames/s")
				b.ReportMetric(float64(got.Load())/elapsed.Seconds(), "delivered/s")
				b.ReportMetric(100*float64(got.Load())/float64(sent), "recv%")
			})
		}
	}
}
