package content

import (
	"bytes"
	mrand "math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/time/rate"
)

// BenchmarkCacheTTFB measures a cache hit's time to first byte against
// a miss's, on real nodes (gVisor, Noise, each on its own UDP socket on
// loopback): alice publishes from a congested origin (her upload
// limited to 4 MiB/s, paced per 16 KiB group), carol is a cache on her
// users' path (Serve), bob and dave are users whose downloads name
// carol as a cache (Config.Caches). Each round alice shares a new
// 4 MiB blob; bob's download misses (carol does not have it: his Want
// makes her fill from alice, and his first verified range comes from
// alice), then, once carol's fill is complete, dave's hits (his first
// range can come from carol). Reported: the mean times to the first
// verified byte and miss/hit:
//
//	go test -run XXX -bench CacheTTFB -benchtime 5x ./apps/content/
func BenchmarkCacheTTFB(b *testing.B) {
	const size = 4 << 20
	ctx := b.Context()
	alice, carol := udpMember(b, ctx, "alice"), udpMember(b, ctx, "carol")
	bob, dave := udpMember(b, ctx, "bob"), udpMember(b, ctx, "dave")
	all := []*member{alice, carol, bob, dave}
	for _, m := range all {
		for _, o := range all {
			if m != o {
				if err := m.node.AddPeer(ctx, o.node.Self()); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	mem := &MemBlobs{}
	openSvc(b, alice, Config{Blobs: limitedBlobs{mem, rate.NewLimiter(4<<20, GroupSize)}})
	openSvc(b, carol, Config{Serve: true})
	openSvc(b, bob, Config{Caches: []common.Address{carol.Wallet}})
	openSvc(b, dave, Config{Caches: []common.Address{carol.Wallet}})
	data := make([]byte, size)
	mrand.NewChaCha8([32]byte{3}).Read(data)
	ttfb := func(m *member, id ID) time.Duration {
		var first time.Time
		t0 := time.Now()
		err := m.svc.Fetch(ctx, id, FetchOptions{Size: size, SizeKnown: true, Public: true, Providers: []common.Address{alice.Wallet},
			Progress: func(have, _ int64) {
				if first.IsZero() {
					first = time.Now()
				}
			}})
		if err != nil {
			b.Fatal(err)
		}
		return first.Sub(t0)
	}
	var miss, hit time.Duration
	var fromCache int64
	for b.Loop() {
		data[0]++
		id, err := mem.Put(bytes.NewReader(data), size)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := alice.svc.r.Do(ctx, ShareCmd{Name: "big", ID: id, Public: true}); err != nil {
			b.Fatal(err)
		}
		miss += ttfb(bob, id)
		for { // carol's fill
			if _, done, _ := carol.svc.Blobs().Stat(id); done {
				break
			}
			st, _ := carol.svc.Status(ctx)
			if _, done, _ := carol.svc.Blobs().Stat(id); !done && !slices.ContainsFunc(st.Downloads, func(d Download) bool { return d.ID == id }) {
				b.Fatalf("carol is not filling %s: %+v", id.Short(), st)
			}
			time.Sleep(5 * time.Millisecond)
		}
		before, _ := carol.svc.Status(ctx)
		hit += ttfb(dave, id)
		after, _ := carol.svc.Status(ctx)
		fromCache += after.Stats.Served - before.Stats.Served
	}
	n := float64(b.N)
	b.ReportMetric(miss.Seconds()*1e3/n, "miss-ttfb-ms")
	b.ReportMetric(hit.Seconds()*1e3/n, "hit-ttfb-ms")
	b.ReportMetric(miss.Seconds()/hit.Seconds(), "miss/hit")
	b.ReportMetric(float64(fromCache)/size/n, "hit-share-from-cache")
}
