package content

import (
	"bytes"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// benchRange is the range size of the benchmark's downloads.
const benchRange = 1 << 20

// BenchmarkFetchVsStream measures, on one pair of real nodes (gVisor,
// Noise, memory underlay), a verified blob download against a plain TCP
// stream of the same bytes over the same overlay path, in the same run:
// the cost of Bao verification and the range protocol. It reports both
// rates and their ratio (fetch/stream), and the time to first byte of
// a download that misses (from the provider) and one that hits (the
// blob is already here, as on a cache):
//
//	go test -run XXX -bench FetchVsStream -benchtime 3x ./apps/content/
func BenchmarkFetchVsStream(b *testing.B) {
	const size = 32 << 20
	ctx := testCtx(b)
	tn := newTestNet(b, "alice", "bob")
	alice, bob := tn.get("alice"), tn.get("bob")
	data := randomBytes(mrand.New(mrand.NewPCG(1, 1)), size)
	tn.open(alice, Config{})
	id, err := alice.svc.blobs.Put(bytes.NewReader(data), size)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := alice.svc.r.Do(ctx, ShareCmd{Name: "big", ID: id, Size: size, Public: true}); err != nil {
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
	var fetchT, streamT, missT, hitT time.Duration
	for b.Loop() {
		tn.open(bob, Config{RangeSize: benchRange}) // a fresh memory store: a miss
		var first time.Time
		t0 := time.Now()
		err := bob.svc.Fetch(ctx, id, FetchOptions{Providers: []common.Address{alice.Wallet}, Progress: func(have, _ int64) {
			if first.IsZero() {
				first = time.Now()
			}
		}})
		if err != nil {
			b.Fatal(err)
		}
		fetchT += time.Since(t0)
		missT += first.Sub(t0)
		t1 := time.Now()
		if err := bob.svc.Fetch(ctx, id, FetchOptions{Providers: []common.Address{alice.Wallet}}); err != nil {
			b.Fatal(err)
		}
		r, err := bob.svc.Open(id)
		if err != nil {
			b.Fatal(err)
		}
		var one [1]byte
		r.ReadAt(one[:], 0)
		hitT += time.Since(t1)
		tn.closeSvc(bob)

		t2 := time.Now()
		c, err := bob.node.Dial(ctx, "tcp", fmt.Sprintf("%s:9000", alice.Wallet.Hex()))
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, c)
		c.Close()
		if err != nil || n != size {
			b.Fatalf("stream: %d bytes, %v", n, err)
		}
		streamT += time.Since(t2)
	}
	mb := float64(size) / 1e6 * float64(b.N)
	b.ReportMetric(mb/fetchT.Seconds(), "fetch-MB/s")
	b.ReportMetric(mb/streamT.Seconds(), "stream-MB/s")
	b.ReportMetric(streamT.Seconds()/fetchT.Seconds(), "fetch/stream")
	b.ReportMetric(float64(missT.Microseconds())/float64(b.N), "miss-ttfb-µs")
	b.ReportMetric(float64(hitT.Microseconds())/float64(b.N), "hit-ttfb-µs")
}
