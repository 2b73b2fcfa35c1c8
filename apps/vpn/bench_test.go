package vpn

import (
	"context"
	"io"
	"net"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/proxy"
)

// benchSize is what one iteration of BenchmarkThroughput moves.
const benchSize = 4 << 20

// sink reads benchSize bytes per connection, answers one byte, closes.
// It reads 64 KiB at a time, as a server would (io.Discard reads 8 KiB
// at a time: eight times the syscalls on the kernel socket a proxied
// stream ends at, for the sink's sake, not the tunnel's).
func sink(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			buf := make([]byte, 64<<10)
			for n := 0; n < benchSize; {
				k, err := c.Read(buf[:min(len(buf), benchSize-n)])
				if err != nil {
					return
				}
				n += k
			}
			c.Write([]byte{1})
		}()
	}
}

// push writes benchSize bytes on c and waits for the sink's answer.
func push(b *testing.B, c net.Conn, buf []byte) {
	for sent := 0; sent < benchSize; sent += len(buf) {
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	var one [1]byte
	if _, err := io.ReadFull(c, one[:]); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkThroughput compares a stream through the proxy and an exit
// with a direct overlay TCP stream between the same two nodes. Each
// iteration moves benchSize both ways, alternating which goes first,
// so both see the same load on a busy machine; it reports both rates
// and the median of the per-iteration ratios (proxy/direct), the
// number to compare with 0.8; median-cpu-ratio is the same for the
// process's CPU time per iteration (direct/proxied), which a busy
// machine disturbs less than the wall clock.
//
//	go test -run XXX -bench Throughput -benchtime 40x -count 3 ./apps/vpn/
func BenchmarkThroughput(b *testing.B) {
	buf := make([]byte, 32<<10)
	nodes := newNodes(b, 2)
	ovl, err := nodes[1].Listen("tcp", ":9000")
	if err != nil {
		b.Fatal(err)
	}
	defer ovl.Close()
	go sink(ovl)
	startExit(b, nodes[1], Policy{Allow: loopbackPolicy().Allow, Limits: Limits{SessionsPerSecond: -1}})
	addr, _ := startProxy(b, &Client{Host: nodes[0], Exits: []string{nodes[1].Addr().Hex()}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go sink(ln)
	d, err := proxy.SOCKS5("tcp", addr, nil, proxy.Direct)
	if err != nil {
		b.Fatal(err)
	}
	var cpuD, cpuP []float64 // process CPU seconds of each iteration
	direct := func() time.Duration {
		c0 := cpuNow()
		defer func() { cpuD = append(cpuD, cpuNow()-c0) }()
		start := time.Now()
		c, err := nodes[0].Dial(context.Background(), "tcp", nodes[1].Addr().Hex()+":9000")
		if err != nil {
			b.Fatal(err)
		}
		push(b, c, buf)
		c.Close()
		return time.Since(start)
	}
	proxied := func() time.Duration {
		c0 := cpuNow()
		defer func() { cpuP = append(cpuP, cpuNow()-c0) }()
		start := time.Now()
		c, err := d.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		push(b, c, buf)
		c.Close()
		return time.Since(start)
	}
	direct() // warm both paths up (handshakes, windows)
	proxied()
	cpuD, cpuP = nil, nil
	var ratios []float64
	var td, tp time.Duration
	i := 0
	for b.Loop() {
		var dd, dp time.Duration
		if i%2 == 0 {
			dd, dp = direct(), proxied()
		} else {
			dp, dd = proxied(), direct()
		}
		i++
		td, tp = td+dd, tp+dp
		ratios = append(ratios, float64(dd)/float64(dp)) // rate ratio proxy/direct
		if os.Getenv("VPNBENCH_DEBUG") != "" {
			b.Logf("direct %v proxy %v", dd, dp)
		}
	}
	slices.Sort(ratios)
	mb := func(t time.Duration) float64 { return float64(benchSize) * float64(i) / 1e6 / t.Seconds() }
	b.ReportMetric(mb(td), "direct-MB/s")
	b.ReportMetric(mb(tp), "proxy-MB/s")
	b.ReportMetric(ratios[len(ratios)/2], "median-ratio")
	b.ReportMetric(ratios[0], "min-ratio")
	var cr []float64
	for i := range cpuD {
		cr = append(cr, cpuD[i]/cpuP[i])
	}
	slices.Sort(cr)
	b.ReportMetric(cr[len(cr)/2], "median-cpu-ratio")
}

// cpuNow is the process's CPU time (user and system) in seconds.
func cpuNow() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkConnect measures opening a connection and a one-byte round
// trip: directly over the overlay, and through the proxy and an exit
// (the latency the exit adds is the difference).
//
//	go test -run XXX -bench Connect -benchtime 200x ./apps/vpn/
func BenchmarkConnect(b *testing.B) {
	echo := func(ln net.Listener) {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.CopyN(c, c, 1) }()
		}
	}
	roundTrip := func(b *testing.B, c net.Conn) {
		var one [1]byte
		if _, err := c.Write(one[:]); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, one[:]); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
	b.Run("direct-overlay", func(b *testing.B) {
		nodes := newNodes(b, 2)
		ln, err := nodes[1].Listen("tcp", ":9001")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		go echo(ln)
		for b.Loop() {
			c, err := nodes[0].Dial(context.Background(), "tcp", nodes[1].Addr().Hex()+":9001")
			if err != nil {
				b.Fatal(err)
			}
			roundTrip(b, c)
		}
	})
	b.Run("proxy-exit", func(b *testing.B) {
		nodes := newNodes(b, 2)
		startExit(b, nodes[1], Policy{Allow: loopbackPolicy().Allow, Limits: Limits{SessionsPerSecond: -1}})
		addr, _ := startProxy(b, &Client{Host: nodes[0], Exits: []string{nodes[1].Addr().Hex()}})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		go echo(ln)
		d, err := proxy.SOCKS5("tcp", addr, nil, proxy.Direct)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			c, err := d.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			roundTrip(b, c)
		}
	})
}
