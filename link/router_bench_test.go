package link_test

import (
	"bytes"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
)

// BenchmarkRoutedEcho compares, in one run, TCP echo throughput over a
// direct path and over host → router → router → host on mem. Each
// iteration writes 64 KiB and reads it back. Besides the wall-clock
// figures it reports cpu-ns/op, the process's CPU time (user and
// system, every node is in it) per iteration, which a machine shared
// with other work disturbs far less than the wall clock.
//
// paired runs both paths in the same iterations, interleaved (one echo
// on each per iteration, which goes first alternating too), so that
// both see the same load on a shared machine. Each iteration gives one
// ratio of the two echoes' times, and the figures are the medians of
// those ratios: the routed path's throughput as a fraction of the
// direct path's, by wall clock (routed/direct) and by the process's CPU
// time (routed/direct-cpu). A median of pairs taken moments apart
// shrugs off the load swings of a shared machine that a ratio of sums
// (routed/direct-sum, also reported) takes in whole.
//
//	go test ./link -run '^$' -bench RoutedEcho -count 3
func BenchmarkRoutedEcho(b *testing.B) {
	msg := bytes.Repeat([]byte("x"), 64<<10)
	b.Run("direct", func(b *testing.B) {
		x, y := directPair(b)
		benchEcho(b, x, y, msg)
	})
	b.Run("two-routers", func(b *testing.B) {
		s := newSegment(b, link.MinUnderlayMTU)
		r1, _, x, y := s.twoRouters("2a.1/128", "2a.2/128", nil)
		benchEcho(b, x, y, msg)
		b.ReportMetric(float64(r1.ep.Stats().FramesForwarded)/float64(b.N), "fwd-frames/op")
	})
	b.Run("paired", func(b *testing.B) {
		x, y := directPair(b)
		s := newSegment(b, link.MinUnderlayMTU)
		_, _, rx, ry := s.twoRouters("2a.1/128", "2a.2/128", nil)
		conns := [2]net.Conn{echoDial(b, x, y), echoDial(b, rx, ry)}
		var sum [2]time.Duration
		var wallRatio, cpuRatio []float64
		for _, c := range conns {
			echo(b, c, msg) // warm up
		}
		b.SetBytes(int64(len(msg)))
		b.ResetTimer()
		i := 0
		for b.Loop() {
			var wall, cpu [2]time.Duration
			for k := range 2 {
				k ^= i & 1 // which goes first alternates
				w0, c0 := time.Now(), processCPU()
				echo(b, conns[k], msg)
				cpu[k] = processCPU() - c0
				wall[k] = time.Since(w0)
				sum[k] += wall[k]
			}
			wallRatio = append(wallRatio, float64(wall[0])/float64(wall[1]))
			if cpu[1] > 0 {
				cpuRatio = append(cpuRatio, float64(cpu[0])/float64(cpu[1]))
			}
			i++
		}
		b.ReportMetric(median(wallRatio), "routed/direct")
		b.ReportMetric(median(cpuRatio), "routed/direct-cpu")
		b.ReportMetric(float64(sum[0])/float64(sum[1]), "routed/direct-sum")
	})
}

// median returns the median of v (which it sorts), 0 for none.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	if n := len(v); n%2 == 0 {
		return (v[n/2-1] + v[n/2]) / 2
	}
	return v[len(v)/2]
}

// directPair is two hosts on mem that know each other as direct peers.
func directPair(b *testing.B) (x, y *member) {
	s := newSegment(b, link.MinUnderlayMTU)
	x, y = s.add("x", ""), s.add("y", "")
	s.up(x, link.RoleHost)
	s.up(y, link.RoleHost)
	s.peers(x, y)
	return x, y
}

// echoDial serves echo on to's TCP port 7 and dials it from from.
func echoDial(b *testing.B, from, to *member) net.Conn {
	l, err := to.node.Listen("tcp", ":7")
	if err != nil {
		b.Fatal(err)
	}
	serveEcho(b, l)
	c, err := from.node.Dial(testCtx(b), "tcp", dialAddr(to, 7))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

func benchEcho(b *testing.B, from, to *member, msg []byte) {
	c := echoDial(b, from, to)
	echo(b, c, msg) // warm up
	b.SetBytes(int64(len(msg)))
	b.ResetTimer()
	cpu0 := processCPU()
	for b.Loop() {
		echo(b, c, msg)
	}
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}
