package mem_test

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/anynet/anynet/link/mem"
)

// BenchmarkSend measures frames/s of 1280-byte frames from one Conn to
// another, through the queue and the deliver goroutine.
func BenchmarkSend(b *testing.B) {
	for _, batch := range []int{1, 32} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			n := mem.NewNetwork(mem.Config{})
			defer n.Close()
			src, _ := n.Attach()
			dst, _ := n.Attach()
			dst.SetReceiver(func([]byte, netip.AddrPort) {})
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
			sent := float64(src.Stats().Sent)
			b.ReportMetric(sent/time.Since(start).Seconds(), "frames/s")
		})
	}
}
