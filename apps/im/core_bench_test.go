package im

import (
	"context"
	"crypto/rand"
	"slices"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/runner"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
)

// BenchmarkSendCore is BenchmarkSend's direct cases for the core under
// the shared runtime (runner + im.Core) instead of Service: one message
// at a time, each waited for until its delivery receipt.
func BenchmarkSendCore(b *testing.B) {
	for _, under := range []string{"mem", "udp"} {
		b.Run(under, func(b *testing.B) {
			ctx := testCtx(b)
			nw := mem.NewNetwork(mem.Config{})
			b.Cleanup(func() { nw.Close() })
			var nodes []*stack.Node
			for range 2 {
				n := &stack.Node{ListenAddr: "127.0.0.1:0"}
				if under == "mem" {
					u, err := nw.Attach()
					if err != nil {
						b.Fatal(err)
					}
					n.Underlay = u
				}
				if err := n.Up(ctx); err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { n.Close() })
				nodes = append(nodes, n)
			}
			nodes[0].AddPeer(ctx, nodes[1].Self())
			nodes[1].AddPeer(ctx, nodes[0].Self())
			var rs []*runner.Runner
			events := make(chan Event, 1024)
			for i, n := range nodes {
				st := &service.Memory{}
				c, err := NewCore(CoreConfig{Self: n.Addr(), Rand: rand.Reader, Store: st, RateLimit: -1, FetchInterval: -1})
				if err != nil {
					b.Fatal(err)
				}
				cfg := runner.Config{Host: n, Core: c, Store: st, Port: Port}
				if i == 0 {
					cfg.OnEvent = func(e any) { events <- e.(Event) }
				}
				r, err := runner.Start(cfg)
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { r.Close() })
				rs = append(rs, r)
			}
			to := nodes[1].Addr()
			send := func(ctx context.Context) time.Duration {
				t0 := time.Now()
				res, err := rs[0].Do(ctx, SendCmd{To: to, Text: "benchmark message of a typical length, say sixty-four bytes.."})
				if err != nil {
					b.Fatal(err)
				}
				id := res.(Message).ID
				for {
					select {
					case e := <-events:
						if e.Kind == EventReceipt && e.Message.ID == id && e.Message.Status == Delivered {
							return time.Since(t0)
						}
					case <-ctx.Done():
						b.Fatal("no receipt")
					}
				}
			}
			send(ctx) // warm up: connection, HELLO
			var lat []time.Duration
			start := time.Now()
			for b.Loop() {
				lat = append(lat, send(ctx))
			}
			elapsed := time.Since(start)
			slices.Sort(lat)
			b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "msgs/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}
