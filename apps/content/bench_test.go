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
	fvsRange  = flag.Int("fvs.range", 1<<20, "BenchmarkFetchVsStream: the range size of the downloads")
	fvsWindow = flag.Int("fvs.window", 0, "BenchmarkFetchVsStream: Gets in flight per provider (0: the default)")
)

// BenchmarkFetchVsStream measures, on one pair of real nodes (gVisor,
// Noise) over UDP on loopback, a verified blob download against a
// plain TCP stream of the same bytes over the same overlay path, each
// stored the same way (streamInto): the cost of Bao verification and
// the range protocol.
//
// Each round fetches a blob bob does not have (a miss) on bob's running
// service, then streams; after one warm-up round, not counted, it
// reports the median of the rounds' rate ratios (fetch/stream), the
// ratio of the best rounds' rates (best-fetch/stream: on a shared
// machine a round's rate swings 10× with the others' load, and the
// least disturbed round of each is the closest to what the path can
// do; the fetch and the stream alternate which goes first), both
// rates, the CPU time per MB of each and their ratio (user+system of
// the process, both nodes included: on a loaded machine the wall-clock
// ratio swings with the scheduler, this one much less), and the time
// to first byte of a download that misses (from the provider) and one
// that hits (the blob is already here, as on a cache). The "dir"
// variant stores into files and pebble, as a node does; "mem" into
// memory:
//
//	go test -run XXX -bench FetchVsStream -benchtime 7x ./apps/content/
func BenchmarkFetchVsStream(b *testing.B) {
	for _, store := range []string{"mem", "dir"} {
		b.Run(store, func(b *testing.B) { benchFetchVsStream(b, store == "dir") })
	}
}

func benchFetchVsStream(b *testing.B, dir bool) {
	const size = 32 << 20
	ctx := testCtx(b)
	alice, bob := udpMember(b, ctx, "alice"), udpMember(b, ctx, "bob")
	if err := alice.node.AddPeer(ctx, bob.node.Self()); err != nil {
		b.Fatal(err)
	}
	if err := bob.node.AddPeer(ctx, alice.node.Self()); err != nil {
		b.Fatal(err)
	}
	data := randomBytes(mrand.New(mrand.NewPCG(1, 1)), size)
	openSvc(b, alice, Config{})
	// bob keeps one blob: each round's download evicts the last one.
	cfg := Config{RangeSize: int64(*fvsRange), Window: *fvsWindow, CacheBytes: size + size/2}
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
			go func(c net.Conn) { c.Write(data); c.Close() }(c)
		}
	}()
	var last ID
	nround := 0
	// round fetches a blob bob does not have (a miss), measures a hit,
	// then streams the same bytes.
	type times struct{ fetch, fetchCPU, stream, streamCPU, miss, hit time.Duration }
	round := func() (r times) {
		data[0]++ // a blob bob does not have: a miss
		id, err := alice.svc.blobs.Put(bytes.NewReader(data), size)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := alice.svc.r.Do(ctx, ShareCmd{Name: "big", ID: id, Size: size, Public: true}); err != nil {
			b.Fatal(err)
		}
		if last != (ID{}) {
			alice.svc.blobs.Delete(last)
		}
		last = id
		runtime.GC() // the Put's garbage is not the fetch's

		stream := func() {
			runtime.GC() // nor the fetch's the stream's
			t2, c2 := time.Now(), cpuTime()
			c, err := bob.node.Dial(ctx, "tcp", fmt.Sprintf("%s:9000", alice.Wallet.Hex()))
			if err != nil {
				b.Fatal(err)
			}
			n, err := streamInto(b, c, dir, size)
			c.Close()
			if err != nil || n != size {
				b.Fatalf("stream: %d bytes, %v", n, err)
			}
			r.stream, r.streamCPU = time.Since(t2), cpuTime()-c2
		}
		streamFirst := nround%2 == 1 // alternate, so neither always runs after the other
		nround++
		if streamFirst {
			stream()
			runtime.GC()
		}
		var first time.Time
		t0, c0 := time.Now(), cpuTime()
		err = bob.svc.Fetch(ctx, id, FetchOptions{Providers: []common.Address{alice.Wallet}, Progress: func(have, _ int64) {
			if first.IsZero() {
				first = time.Now()
			}
		}})
		if err != nil {
			b.Fatal(err)
		}
		r.fetch, r.fetchCPU, r.miss = time.Since(t0), cpuTime()-c0, first.Sub(t0)
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
		r.hit = time.Since(t1)

		if !streamFirst {
			stream()
		}
		return r
	}
	round() // warm-up, not counted: the first use of the paths' buffers
	var sum times
	var ratios []float64
	best := times{fetch: time.Hour, stream: time.Hour}
	for b.Loop() {
		r := round()
		sum.fetch, sum.fetchCPU, sum.stream, sum.streamCPU = sum.fetch+r.fetch, sum.fetchCPU+r.fetchCPU, sum.stream+r.stream, sum.streamCPU+r.streamCPU
		sum.miss, sum.hit = sum.miss+r.miss, sum.hit+r.hit
		ratios = append(ratios, r.stream.Seconds()/r.fetch.Seconds())
		best.fetch, best.stream = min(best.fetch, r.fetch), min(best.stream, r.stream)
		b.Logf("round %d: fetch %.1f MB/s (%.2f cpu-ms/MB), stream %.1f MB/s (%.2f cpu-ms/MB)", len(ratios),
			float64(size)/1e6/r.fetch.Seconds(), r.fetchCPU.Seconds()*1e3/(float64(size)/1e6),
			float64(size)/1e6/r.stream.Seconds(), r.streamCPU.Seconds()*1e3/(float64(size)/1e6))
	}
	slices.Sort(ratios)
	mb := float64(size) / 1e6 * float64(b.N)
	b.ReportMetric(mb/sum.fetch.Seconds(), "fetch-MB/s")
	b.ReportMetric(mb/sum.stream.Seconds(), "stream-MB/s")
	b.ReportMetric(ratios[len(ratios)/2], "fetch/stream")
	b.ReportMetric(best.stream.Seconds()/best.fetch.Seconds(), "best-fetch/stream")
	b.ReportMetric(sum.streamCPU.Seconds()/sum.fetchCPU.Seconds(), "cpu-stream/fetch")
	b.ReportMetric(sum.fetchCPU.Seconds()*1e3/mb, "fetch-cpu-ms/MB")
	b.ReportMetric(sum.streamCPU.Seconds()*1e3/mb, "stream-cpu-ms/MB")
	b.ReportMetric(float64(sum.miss.Microseconds())/float64(b.N), "miss-ttfb-µs")
	b.ReportMetric(float64(sum.hit.Microseconds())/float64(b.N), "hit-ttfb-µs")
}

// streamInto reads size bytes of c into where the fetch keeps a blob
// (a new file in a temporary directory, or new memory), so that the
// stream pays for storing its bytes as the fetch does and the ratio is
// the cost of the range protocol and verification.
func streamInto(b *testing.B, c net.Conn, dir bool, size int) (int64, error) {
	if !dir {
		buf := make([]byte, size)
		n, err := io.ReadFull(c, buf)
		return int64(n), err
	}
	f, err := os.CreateTemp(b.TempDir(), "stream-*")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	defer os.Remove(f.Name())
	return io.Copy(f, c)
}

// udpMember is a node on its own UDP socket on loopback (the overlay a
// real node runs), closed when b ends.
func udpMember(b testing.TB, ctx context.Context, name string) *member {
	k := apptest.NewKeys(b)
	nk := k.NodeKey
	node := &stack.Node{ListenAddr: "127.0.0.1:0", Wallet: transport.NewKeySigner(k.Key), NodeKey: &nk}
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
