package content

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
)

var (
	fvsRange  = flag.Int("fvs.range", 0, "BenchmarkFetchVsStream: the range size of the downloads (0: the default)")
	fvsWindow = flag.Int("fvs.window", 0, "BenchmarkFetchVsStream: Gets in flight per provider (0: the default)")
	fvsMiB    = flag.Int("fvs.mib", 64, "BenchmarkFetchVsStream: the blob's size in MiB")
	fvsOnly   = flag.String("fvs.only", "", "BenchmarkFetchVsStream: \"fetch\" or \"stream\" runs that path alone")
	fvsConn   = flag.String("fvs.conn", "mixed", "BenchmarkFetchVsStream: the connections: mixed (the fetch on the service's, kept; the stream on a new one), new (both new per transfer), kept (both kept)")
	fvsCC     = flag.String("fvs.cc", "", "BenchmarkFetchVsStream: the nodes' TCP congestion control, cubic or reno (empty: the stack's default)")
	fvsProf   = flag.String("fvs.cpuprofile", "", "BenchmarkFetchVsStream: a directory for CPU profiles of the timed transfers alone (fetch-N.pprof, stream-N.pprof)")
	fvsTrace  = flag.String("fvs.trace", "", "BenchmarkFetchVsStream: a directory for execution traces of the timed transfers alone (fetch-N.trace, stream-N.trace)")
)

// BenchmarkFetchVsStream measures, on one pair of real nodes (gVisor,
// Noise) over UDP on loopback, a verified blob download against a
// plain TCP stream of the same bytes over the same overlay path, each
// stored the same way (streamInto): the cost of Bao verification and
// the range protocol.
//
// Each iteration is a pair: a fetch of a blob bob does not have (a
// miss, on bob's running service) and a stream of the same bytes,
// back to back, the order swapped every pair (A B, B A, A B, …), so
// that a change in the machine's load falls on both alike. A runtime.GC
// precedes each transfer, so neither pays the other's garbage. The
// blob is large (-fvs.mib, 64 MiB) so that the fixed costs of one
// transfer (a dial, the size probe, the first range's round trip) are
// a few per cent of it. Per pair it takes the rate ratio fetch/stream
// (wall clock) and the CPU ratio
// stream-cpu/fetch-cpu (user+system time of the whole process, both
// nodes: getrusage); it reports the medians over the pairs (one
// disturbed pair moves neither), the median rates and CPU times per MB
// of each path, and the time to first byte of a download that misses
// (from the provider) and one that hits (the blob is already here, as
// on a cache), outside the timed transfers. fetch/stream-fastest is
// the ratio of the fastest fetch to the fastest stream (min of N: a
// stall only adds time, so the fastest is the least disturbed). One
// warm-up pair is not counted. The "dir" variant stores into files and
// pebble, as a node does; "mem" into memory. The downloads use the
// core's RangeSize and Window (256 KiB × 8) unless -fvs.range and
// -fvs.window say otherwise.
//
// On a loaded machine the wall ratio swings with the scheduler, not
// the code. The machine's scheduler shares the 2 cores between
// sessions (autogroups) alike, so what one transfer gets depends on how
// many others are busy that second: at load 20–30 a transfer used
// 20–100 % of a core, its goroutines "running" 3–5 times longer than
// they got CPU (-fvs.trace with -fvs.cpuprofile), and stalls of
// 100–800 ms fell on either path at random; one pair's ratio ranged
// 0.12–7.75 within one run, and neither the median of 15–25 pairs nor
// the fastest of each is steady there. On a quiet stretch (six pairs
// back to back, 16 MiB, mem) the fetch ran 171–208 MB/s against the
// stream's 222–237 (0.75–0.89), at 4.8–5.9 against 4.1–4.5 CPU-ms/MB.
// With 1 MiB ranges (the old default here) the download's loop spent
// 0.8–1.1 s of a 1.7 s transfer inside pwritev of one range (13–26 ms
// each, preempted about once per call; 2 ms of CPU for 1 MiB there,
// 0.2 ms alone), the whole pipeline waiting behind it: its fastest
// fetch was 62–89 MB/s, against 156–240 with 256 KiB.
//
// The connections may differ: a TCP connection idle for longer than
// its RTO starts again from gVisor's initial window of 10 segments and
// keeps the slow-start threshold it had (Linux first raises it to ¾ of
// the old window), so a transfer on a kept connection may climb back in
// congestion avoidance where a new one slow-starts. -fvs.conn chooses:
// "mixed" (default, as before) fetches on the service's connection,
// kept between downloads as on a node, and streams on a new connection
// per pair; "kept" streams on one kept connection too (like for like);
// "new" gives each fetch a new service connection (bob's service is
// reopened outside the timing; the dial is inside, as the stream's).
// On a machine at load 20–40 the three gave the same ratios within the
// noise. -fvs.cc reno runs both nodes on Reno (no HyStart). The
// command:
//
//	go test -run XXX -bench FetchVsStream -benchtime 15x -timeout 30m ./apps/content/
//
// Five runs of it back to back (Dec 2026, 2 cores, load average at
// the start 28, 28, 25, 25, 20), medians of 15 pairs, mem / dir:
//
//	fetch/stream          0.81/0.74  1.07/1.11  0.67/1.27  0.93/0.89  1.26/1.12
//	fetch/stream-fastest  0.44/0.62  1.30/1.17  0.63/0.99  0.77/0.76  1.27/0.69
//	cpu-stream/fetch      0.82/0.90  0.85/0.92  0.80/0.94  0.86/0.89  0.92/0.96
//
// The CPU ratio held ≥ 0.8 in every run and variant; the wall ratios
// did not (the median below 0.8 in 2 of 10, the fastest in 6 of 10),
// swinging with the load as above.
//
// -fvs.cpuprofile DIR profiles the timed transfers alone (not the
// set-up, the blobs' Puts nor the GCs), one file per transfer, to be
// read together; -fvs.only fetch (or stream) runs one path alone:
//
//	go test -run XXX -bench FetchVsStream/dir -benchtime 9x -fvs.cpuprofile /tmp/fvs ./apps/content/
//	go tool pprof -top /tmp/fvs/fetch-*.pprof
//
// -fvs.trace DIR writes an execution trace of each timed transfer (go
// tool trace); with -fvs.cpuprofile too, the trace carries CPU samples,
// which tell a goroutine's CPU time from its time "running" on a
// thread the machine did not run (at load 30 on 2 cores, the
// receiving node's UDP reader was "running" 1.8 s of a 3.1 s stream
// and used 0.25 s of CPU).
//
// Where the fetch's extra CPU goes (mem, 12 pairs, load 11; the five
// fastest transfers of each path, -fvs.cpuprofile): 3.93 ms/MB against
// the stream's 3.31. Of the 0.62: BLAKE3 of every group 0.30 (the
// floor of verification; 0.26 alone: BenchmarkVerifyStore/verify), the
// link's coalescing buffers (gVisor views cleared) 0.15 and sendmmsg
// calls 0.20 (the fetch's frames reach the link in smaller runs), the
// range's copy into its frame on the sender 0.06, and its copy into the
// blob 0.03. The blob's allocation (MemBlobs.Begin, 64 MiB cleared)
// costs what the stream's buffer does; after the warm-up neither
// faults a page in (minflt ≈ 0 per transfer), and it is the only
// large allocation of the path (-fvs.only fetch -benchmem -memprofile:
// 64 MiB, the rest about 5 MB per fetch).
//
// Each large frame was written as two writes, its length, then the
// frame from where it lies, and the 4-byte write left
// as a segment of its own; now the length goes in the room Frames makes
// in front of its buffers, in one write (runner.Frames.WithLength):
// 255 fewer packets per 64 MiB (58,195 → 57,940; the stream sends
// 57,450), 10–23 % fewer sendmmsg calls, and 4–12 % less CPU per MB
// in each of five paired -fvs.only fetch runs. Three runs of the
// command with it and three without, interleaved (Dec 2026, load 8–10),
// with / without:
//
//	mem fetch/stream          0.90 0.87 0.88  /  0.72 0.86 0.74
//	mem fetch/stream-fastest  0.87 0.90 0.95  /  0.73 0.65 0.86
//	dir fetch/stream          1.01 1.03 0.94  /  0.90 0.85 1.09
//	dir fetch/stream-fastest  0.87 0.94 0.94  /  0.89 0.91 1.40
//
// Nine runs of the command on an idle machine (load 0.1–1.2, Dec 2026,
// the build with it), median of each run's pairs:
//
//	mem fetch/stream  0.79 0.85 0.66 0.89 0.87 0.92 0.88 0.87 0.77  (median 0.87)
//	dir fetch/stream  0.98 0.91 0.87 0.96 0.80 1.04 0.95 0.75 0.88  (median 0.91)
func BenchmarkFetchVsStream(b *testing.B) {
	for _, store := range []string{"mem", "dir"} {
		b.Run(store, func(b *testing.B) { benchFetchVsStream(b, store == "dir") })
	}
}

// transfer is one timed transfer: its wall-clock and CPU time, and the
// frames and bytes the sending node's link sent (segments, ACKs and
// retransmissions on the wire).
type transfer struct {
	wall, cpu     time.Duration
	frames, bytes uint64
}

// sentBy returns a func that records in t what n's link sent since.
func sentBy(n *stack.Node) func(t *transfer) {
	s0 := n.LinkStats()
	return func(t *transfer) {
		s1 := n.LinkStats()
		t.frames, t.bytes = s1.FramesSent-s0.FramesSent, s1.BytesSent-s0.BytesSent
	}
}

// timed runs fn after a GC and returns its wall-clock and CPU time;
// with -fvs.cpuprofile, fn's CPU profile goes to DIR/name-N.pprof.
func timed(b *testing.B, name string, fn func()) transfer {
	runtime.GC()
	if *fvsProf != "" {
		if err := os.MkdirAll(*fvsProf, 0o755); err != nil {
			b.Fatal(err)
		}
		f, err := os.CreateTemp(*fvsProf, name+"-*.pprof")
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	if *fvsTrace != "" {
		if err := os.MkdirAll(*fvsTrace, 0o755); err != nil {
			b.Fatal(err)
		}
		f, err := os.CreateTemp(*fvsTrace, name+"-*.trace")
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			b.Fatal(err)
		}
		defer trace.Stop()
	}
	t, c := time.Now(), cpuTime()
	fn()
	return transfer{wall: time.Since(t), cpu: cpuTime() - c}
}

func benchFetchVsStream(b *testing.B, dir bool) {
	size := *fvsMiB << 20
	if c := *fvsConn; c != "mixed" && c != "new" && c != "kept" {
		b.Fatalf("-fvs.conn %q: want mixed, new or kept", c)
	}
	doFetch, doStream := *fvsOnly != "stream", *fvsOnly != "fetch"
	ctx := testCtx(b)
	tcp := stack.TCPConfig{CongestionControl: *fvsCC}
	alice, bob := udpMemberTCP(b, ctx, "alice", tcp), udpMemberTCP(b, ctx, "bob", tcp)
	if err := alice.node.AddPeer(ctx, bob.node.Self()); err != nil {
		b.Fatal(err)
	}
	if err := bob.node.AddPeer(ctx, alice.node.Self()); err != nil {
		b.Fatal(err)
	}
	data := randomBytes(mrand.New(mrand.NewPCG(1, 1)), size)
	openSvc(b, alice, Config{})
	// bob keeps one blob: each pair's download evicts the last one.
	cfg := Config{RangeSize: int64(*fvsRange), Window: *fvsWindow, CacheBytes: int64(size + size/2)}
	if dir {
		cfg.Dir = b.TempDir()
	}
	openSvc(b, bob, cfg)
	if _, err := bob.svc.List(ctx, alice.Wallet.Hex(), ""); err != nil { // the service's connection, as on a running node
		b.Fatal(err)
	}
	ln, err := alice.node.Listen("tcp", ":9000")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) { // a byte asks for the blob
				defer c.Close()
				var one [1]byte
				for {
					if _, err := io.ReadFull(c, one[:]); err != nil {
						return
					}
					if _, err := c.Write(data); err != nil {
						return
					}
				}
			}(c)
		}
	}()
	var last ID
	// fetch downloads a blob bob does not have (a miss), timed, then
	// measures the times to first byte of that miss and of a hit.
	fetch := func() (t transfer, miss, hit time.Duration) {
		data[0]++ // a blob bob does not have: a miss
		id, err := alice.svc.blobs.Put(bytes.NewReader(data), int64(size))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := alice.svc.r.Do(ctx, ShareCmd{Name: "big", ID: id, Size: int64(size), Public: true}); err != nil {
			b.Fatal(err)
		}
		if last != (ID{}) {
			alice.svc.blobs.Delete(last)
		}
		last = id
		if *fvsConn == "new" { // a new service connection, dialed by the first Get
			bob.svc.Close()
			openSvc(b, bob, cfg)
		}
		var t0, first time.Time
		sent := sentBy(alice.node)
		t = timed(b, "fetch", func() {
			t0 = time.Now()
			err := bob.svc.Fetch(ctx, id, FetchOptions{Providers: []common.Address{alice.Wallet}, Progress: func(have, _ int64) {
				if first.IsZero() {
					first = time.Now()
				}
			}})
			if err != nil {
				b.Fatal(err)
			}
		})
		sent(&t)
		t1 := time.Now()
		if err := bob.svc.Fetch(ctx, id, FetchOptions{Providers: []common.Address{alice.Wallet}}); err != nil {
			b.Fatal(err)
		}
		rd, err := bob.svc.Open(id)
		if err != nil {
			b.Fatal(err)
		}
		var one [1]byte
		rd.ReadAt(one[:], 0)
		return t, first.Sub(t0), time.Since(t1)
	}
	var kept net.Conn
	defer func() {
		if kept != nil {
			kept.Close()
		}
	}()
	var stored storedStream // the last stream's bytes, kept as bob's cache keeps the last blob
	stream := func() transfer {
		sent := sentBy(alice.node)
		t := timed(b, "stream", func() {
			c := kept
			if c == nil {
				var err error
				if c, err = bob.node.Dial(ctx, "tcp", fmt.Sprintf("%s:9000", alice.Wallet.Hex())); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := c.Write([]byte{1}); err != nil {
				b.Fatal(err)
			}
			n, err := streamInto(b, c, dir, size, &stored)
			if *fvsConn == "kept" {
				kept = c
			} else {
				c.Close()
			}
			if err != nil || n != int64(size) {
				b.Fatalf("stream: %d bytes, %v", n, err)
			}
		})
		sent(&t)
		return t
	}
	type pair struct {
		f, s      transfer
		miss, hit time.Duration
	}
	npair := 0
	run := func() (p pair) {
		streamFirst := npair%2 == 1 // A B, B A, …: neither always runs after the other
		npair++
		if doStream && streamFirst {
			p.s = stream()
		}
		if doFetch {
			p.f, p.miss, p.hit = fetch()
		}
		if doStream && !streamFirst {
			p.s = stream()
		}
		return p
	}
	run() // warm-up, not counted: the first use of the paths' buffers
	var ps []pair
	mb := float64(size) / 1e6
	perMB := func(t transfer) float64 { return t.cpu.Seconds() * 1e3 / mb }
	rate := func(t transfer) float64 { return mb / t.wall.Seconds() }
	for b.Loop() {
		p := run()
		ps = append(ps, p)
		b.Logf("pair %d: fetch %.1f MB/s (%.2f cpu-ms/MB, %d frames, %.3f of the bytes), stream %.1f MB/s (%.2f cpu-ms/MB, %d frames)", len(ps),
			rate(p.f), perMB(p.f), p.f.frames, float64(p.f.bytes)/float64(max(p.s.bytes, 1)), rate(p.s), perMB(p.s), p.s.frames)
	}
	med := func(fn func(p pair) float64) float64 {
		v := make([]float64, len(ps))
		for i, p := range ps {
			v[i] = fn(p)
		}
		slices.Sort(v)
		if len(v)%2 == 0 {
			return (v[len(v)/2-1] + v[len(v)/2]) / 2
		}
		return v[len(v)/2]
	}
	if doFetch {
		b.ReportMetric(med(func(p pair) float64 { return rate(p.f) }), "fetch-MB/s")
		b.ReportMetric(med(func(p pair) float64 { return perMB(p.f) }), "fetch-cpu-ms/MB")
		b.ReportMetric(med(func(p pair) float64 { return float64(p.miss.Microseconds()) }), "miss-ttfb-µs")
		b.ReportMetric(med(func(p pair) float64 { return float64(p.hit.Microseconds()) }), "hit-ttfb-µs")
	}
	if doStream {
		b.ReportMetric(med(func(p pair) float64 { return rate(p.s) }), "stream-MB/s")
		b.ReportMetric(med(func(p pair) float64 { return perMB(p.s) }), "stream-cpu-ms/MB")
	}
	if doFetch && doStream {
		bf, bs := ps[0].f.wall, ps[0].s.wall // the fastest of each: the least disturbed
		for _, p := range ps {
			bf, bs = min(bf, p.f.wall), min(bs, p.s.wall)
		}
		b.Logf("fastest: fetch %.1f MB/s, stream %.1f MB/s", mb/bf.Seconds(), mb/bs.Seconds())
		b.ReportMetric(med(func(p pair) float64 { return p.s.wall.Seconds() / p.f.wall.Seconds() }), "fetch/stream")
		b.ReportMetric(bs.Seconds()/bf.Seconds(), "fetch/stream-fastest")
		b.ReportMetric(med(func(p pair) float64 { return p.s.cpu.Seconds() / p.f.cpu.Seconds() }), "cpu-stream/fetch")
	}
}

// streamInto reads size bytes of c into where the fetch keeps a blob
// (a new file in a temporary directory, or new memory), so that the
// stream pays for storing its bytes as the fetch does and the ratio is
// the cost of the range protocol and verification. Like bob's cache of
// one blob, it keeps what it stored until the next stream has stored
// its bytes (last), then drops it: the fetch's new blob, too, is made
// while the last one is still kept, which decides whether the memory
// it gets is fresh (faulted in by the kernel) or reused (zeroed by the
// runtime first); a stream that dropped its buffer at once got the
// cheap kind, and the fetch the dear one.
func streamInto(b *testing.B, c net.Conn, dir bool, size int, last *storedStream) (int64, error) {
	if !dir {
		buf := make([]byte, size)
		n, err := io.ReadFull(c, buf)
		last.mem = buf
		return int64(n), err
	}
	f, err := os.CreateTemp(b.TempDir(), "stream-*")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := io.CopyN(f, c, int64(size))
	if last.file != "" {
		os.Remove(last.file)
	}
	last.file = f.Name()
	return n, err
}

// storedStream is what the last stream stored: its bytes or its file.
type storedStream struct {
	mem  []byte
	file string
}

// udpMember is a node on its own UDP socket on loopback (the overlay a
// real node runs), closed when b ends.
func udpMember(b testing.TB, ctx context.Context, name string) *member {
	return udpMemberTCP(b, ctx, name, stack.TCPConfig{})
}

// udpMemberTCP is udpMember with TCP options.
func udpMemberTCP(b testing.TB, ctx context.Context, name string, tcp stack.TCPConfig) *member {
	k := apptest.NewKeys(b)
	nk := k.NodeKey
	node := &stack.Node{ListenAddr: "127.0.0.1:0", Wallet: transport.NewKeySigner(k.Key), NodeKey: &nk, TCP: tcp}
	if err := node.Up(ctx); err != nil {
		b.Fatal(err)
	}
	m := &member{Keys: k, name: name, node: node}
	b.Cleanup(func() {
		if m.svc != nil {
			m.svc.Close()
		}
		node.Close()
	})
	return m
}

// openSvc starts m's content service on its node.
func openSvc(b testing.TB, m *member, cfg Config) {
	cfg.Host = m.node
	s, err := Open(testCtx(b), cfg)
	if err != nil {
		b.Fatal(err)
	}
	m.svc = s
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
