package content

import (
	"bytes"
	"context"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/time/rate"
)

// limitedBlobs serves a blob's bytes at most at a rate: a provider
// whose upload is the bottleneck.
type limitedBlobs struct {
	Blobs
	lim *rate.Limiter
}

func (l limitedBlobs) ReadAt(id ID, p []byte, off int64) (int, error) {
	l.lim.WaitN(context.Background(), len(p))
	return l.Blobs.ReadAt(id, p, off)
}

// BenchmarkThreeProviders downloads one blob from one provider, then
// from three (the publisher and two mirrors), each limited to the same
// upload rate, on real nodes in the same run, and reports both rates
// and their ratio (target ≥ 2.5):
//
//	go test -run XXX -bench ThreeProviders -benchtime 1x ./apps/content/
func BenchmarkThreeProviders(b *testing.B) {
	const (
		size = 24 << 20
		up   = 2 << 20 // bytes per second per provider
	)
	ctx := testCtx(b)
	tn := newTestNet(b, "alice", "carol", "dave", "bob")
	bob := tn.get("bob")
	data := randomBytes(mrand.New(mrand.NewPCG(2, 2)), size)
	var provs []common.Address
	var id ID
	for _, name := range []string{"alice", "carol", "dave"} {
		m := tn.get(name)
		mem := &MemBlobs{}
		var err error
		if id, err = mem.Put(bytes.NewReader(data), size); err != nil {
			b.Fatal(err)
		}
		tn.open(m, Config{Blobs: limitedBlobs{mem, rate.NewLimiter(up, 256<<10)}, RangeSize: 256 << 10})
		if _, err := m.svc.r.Do(ctx, ShareCmd{Name: "big", ID: id, Public: true}); err != nil {
			b.Fatal(err)
		}
		provs = append(provs, m.Wallet)
	}
	fetch := func(ps []common.Address) time.Duration {
		tn.open(bob, Config{RangeSize: 256 << 10, Window: 4})
		defer tn.closeSvc(bob)
		t0 := time.Now()
		if err := bob.svc.Fetch(ctx, id, FetchOptions{Size: size, SizeKnown: true, Providers: ps}); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	var one, three time.Duration
	for b.Loop() {
		one += fetch(provs[:1])
		three += fetch(provs)
	}
	mb := float64(size) / 1e6 * float64(b.N)
	b.ReportMetric(mb/one.Seconds(), "one-MB/s")
	b.ReportMetric(mb/three.Seconds(), "three-MB/s")
	b.ReportMetric(one.Seconds()/three.Seconds(), "three/one")
}
