package link_test

import (
	"bytes"
	"net"
	"testing"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/stack"
)

// BenchmarkRoutedEcho compares, in one run, TCP echo throughput over a
// direct path and over host → router → router → host on mem. Each
// iteration writes 64 KiB and reads it back. Besides the wall-clock
// figures it reports cpu-ns/op, the process's CPU time (user and
// system, every node is in it) per iteration, which a machine shared
// with other work disturbs far less than the wall clock.
func BenchmarkRoutedEcho(b *testing.B) {
	msg := bytes.Repeat([]byte("x"), 64<<10)
	b.Run("direct", func(b *testing.B) {
		s := newSegment(b, link.MinUnderlayMTU)
		x, y := s.add("x", ""), s.add("y", "")
		s.up(x, link.RoleHost)
		s.up(y, link.RoleHost)
		for _, p := range [][2]*member{{x, y}, {y, x}} {
			key := p[1].key.Public
			if err := p[0].node.AddPeer(testCtx(b), stack.Peer{Wallet: p[1].wallet, NodeKey: &key, Addr: p[1].addr}); err != nil {
				b.Fatal(err)
			}
		}
		benchEcho(b, x, y, msg)
	})
	b.Run("two-routers", func(b *testing.B) {
		s := newSegment(b, link.MinUnderlayMTU)
		r1, _, x, y := s.twoRouters("2a.1/128", "2a.2/128", nil)
		benchEcho(b, x, y, msg)
		b.ReportMetric(float64(r1.ep.Stats().FramesForwarded)/float64(b.N), "fwd-frames/op")
	})
}

func benchEcho(b *testing.B, from, to *member, msg []byte) {
	l, err := to.node.Listen("tcp", ":7")
	if err != nil {
		b.Fatal(err)
	}
	serveEcho(b, l)
	var c net.Conn
	if c, err = from.node.Dial(testCtx(b), "tcp", dialAddr(to, 7)); err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	echo(b, c, msg) // warm up
	b.SetBytes(int64(len(msg)))
	b.ResetTimer()
	cpu0 := processCPU()
	for b.Loop() {
		echo(b, c, msg)
	}
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}
