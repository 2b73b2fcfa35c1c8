package content

import (
	"bytes"
	"context"
	"flag"
	mrand "math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/time/rate"
)

var (
	threeMiB  = flag.Int("three.mib", 24, "BenchmarkThreeProviders: the blob's size in MiB (1024 for the 1 GiB run)")
	threeRate = flag.Float64("three.rate", 2, "BenchmarkThreeProviders: each provider's upload limit in MiB/s")
)

// limitedBlobs serves a blob's bytes at most at a rate: a provider
// whose upload is the bottleneck. The core reads a range right before
// it sends it (into the Data frame), so this paces the provider's send
// path: a range leaves only once the limiter has the tokens for it.
type limitedBlobs struct {
	Blobs
	lim *rate.Limiter
}

func (l limitedBlobs) ReadAt(id ID, p []byte, off int64) (int, error) {
	for n := len(p); n > 0; n -= l.lim.Burst() {
		if err := l.lim.WaitN(context.Background(), min(n, l.lim.Burst())); err != nil {
			return 0, err
		}
	}
	return l.Blobs.ReadAt(id, p, off)
}

// BenchmarkThreeProviders downloads one blob from one provider, then
// from three (the publisher and two mirrors), each limited to the same
// upload rate, on real nodes (gVisor stacks, Noise sessions, each node
// on its own UDP socket on loopback) in the same run, and reports both
// rates and their ratio (target ≥ 2.5). Every range is verified (Bao)
// before it is written. The size and the rate are flags; the 1 GiB run:
//
//	go test -run XXX -bench ThreeProviders -benchtime 1x -timeout 30m ./apps/content/ -three.mib 1024 -three.rate 6
func BenchmarkThreeProviders(b *testing.B) {
	size := int64(*threeMiB) << 20
	up := *threeRate * (1 << 20) // bytes per second per provider
	ctx := b.Context()           // bounded by -timeout: the 1 GiB run is longer than testCtx allows
	names := []string{"alice", "carol", "dave"}
	bob := udpMember(b, ctx, "bob")
	var provs []*member
	for _, n := range names {
		provs = append(provs, udpMember(b, ctx, n))
	}
	all := append([]*member{bob}, provs...)
	for _, m := range all {
		for _, o := range all {
			if m != o {
				if err := m.node.AddPeer(ctx, o.node.Self()); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	// One copy of the bytes, read by all three providers (each through
	// its own limiter): 1 GiB is not held four times.
	mem := &MemBlobs{}
	data := make([]byte, size)
	mrand.NewChaCha8([32]byte{2}).Read(data)
	id, err := mem.Put(bytes.NewReader(data), size)
	data = nil
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var ws []common.Address
	for _, m := range provs {
		openSvc(b, m, Config{Blobs: limitedBlobs{mem, rate.NewLimiter(rate.Limit(up), 256<<10)}, RangeSize: 256 << 10})
		if _, err := m.svc.r.Do(ctx, ShareCmd{Name: "big", ID: id, Public: true}); err != nil {
			b.Fatal(err)
		}
		ws = append(ws, m.Wallet)
	}
	fetch := func(ps []common.Address) time.Duration {
		openSvc(b, bob, Config{RangeSize: 256 << 10, Window: 4, RequestTimeout: time.Minute})
		defer func() { bob.svc.Close(); bob.svc = nil; runtime.GC() }()
		t0 := time.Now()
		if err := bob.svc.Fetch(ctx, id, FetchOptions{Size: size, SizeKnown: true, Providers: ps}); err != nil {
			st, _ := bob.svc.Status(ctx)
			b.Fatalf("%v; downloads %+v", err, st.Downloads)
		}
		d := time.Since(t0)
		if st, err := bob.svc.Status(ctx); err != nil || st.Stats.Fetched != size || st.Stats.Corrupt != 0 {
			b.Fatalf("bob's stats after the fetch: %+v, %v", st.Stats, err)
		}
		return d
	}
	var one, three time.Duration
	for b.Loop() {
		one += fetch(ws[:1])
		three += fetch(ws)
	}
	mb := float64(size) / 1e6 * float64(b.N)
	b.ReportMetric(mb/one.Seconds(), "one-MB/s")
	b.ReportMetric(mb/three.Seconds(), "three-MB/s")
	b.ReportMetric(one.Seconds()/three.Seconds(), "three/one")
	b.ReportMetric(up*3/1e6, "limit-3x-MB/s")
}
