package content

import (
	"bytes"
	"errors"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// publish adds a node at w holding data, shared publicly as "f".
func publish(t *testing.T, n *fakeNet, w common.Address, data []byte, cfg CoreConfig) ID {
	t.Helper()
	b := &MemBlobs{}
	id, err := b.Put(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	n.add(w, b, cfg)
	if _, err := n.do(w, ShareCmd{Name: "f", ID: id, Size: int64(len(data)), Public: true}); err != nil {
		t.Fatal(err)
	}
	return id
}

// dropsOf counts the drops of peer for why among ev.
func dropsOf(ev []Event, peer common.Address, why error) int {
	n := 0
	for _, e := range ev {
		if e.Kind == EventDropped && e.Peer == peer && errors.Is(e.Err, why) {
			n++
		}
	}
	return n
}

// count counts the events of kind k among ev.
func count(ev []Event, k EventKind) int {
	n := 0
	for _, e := range ev {
		if e.Kind == k {
			n++
		}
	}
	return n
}

// TestCoreReadmitLate: bob's only provider goes silent mid-download.
// Bob drops it for lateness but does not fail the download; the
// provider comes back after its back-off (twice, the second after a
// longer one), and once it answers again the download completes from
// it. Before, the first drop failed the download for good.
func TestCoreReadmitLate(t *testing.T) {
	r := mrand.New(mrand.NewPCG(1, 2))
	data := randomBytes(r, 1<<20+99)
	n := newFakeNet(t)
	id := publish(t, n, addr(1), data, CoreConfig{})
	const timeout = 5 * time.Second
	bob := n.add(addr(9), &MemBlobs{}, CoreConfig{RangeSize: 64 << 10, Window: 2, RequestTimeout: timeout})
	if _, err := n.do(addr(9), FetchCmd{ID: id, Size: -1, Providers: []common.Address{addr(1)}}); err != nil {
		t.Fatal(err)
	}
	n.steps(nil, 8) // the size probe and a range or two
	n.mute[addr(1)] = true
	start := n.now
	n.until = start.Add(timeout + timeout/2 + 2*timeout + time.Second) // two drops, two back-offs
	n.run(nil, 100_000)
	if d := dropsOf(bob.ev, addr(1), ErrTimeout); d != 2 {
		t.Fatalf("%d drops for lateness while silent, want 2 (events %v)", d, bob.ev)
	}
	if f := count(bob.ev, EventFailed); f != 0 {
		t.Fatalf("the download failed (%d) while its provider backed off", f)
	}
	n.mute[addr(1)] = false
	n.until = time.Time{}
	n.run(nil, 100_000)
	st := bob.core.status().Stats
	if st.Completed != 1 || st.Readmitted < 2 {
		t.Fatalf("completed %d, readmitted %d", st.Completed, st.Readmitted)
	}
	got := make([]byte, len(data))
	if _, err := bob.blobs.ReadAt(id, got, 0); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("bytes differ (%v)", err)
	}
}

// TestCoreShieldsOrigin: a mirror fetched the blob from alice and
// announced it; bob's download asks alice for holders and, once she
// named the mirror, takes every range from it: alice serves only the
// size probe sent before her answer.
func TestCoreShieldsOrigin(t *testing.T) {
	r := mrand.New(mrand.NewPCG(3, 5))
	data := randomBytes(r, 1<<20+5)
	n := newFakeNet(t)
	alice, mirror, bob := addr(1), addr(2), addr(9)
	id := publish(t, n, alice, data, CoreConfig{})
	n.add(mirror, &MemBlobs{}, CoreConfig{Serve: true, RangeSize: 64 << 10})
	if _, err := n.do(mirror, FetchCmd{ID: id, Size: -1, Providers: []common.Address{alice}, Public: true}); err != nil {
		t.Fatal(err)
	}
	n.run(r, 100_000)
	before := n.cores[alice].core.stats.Served
	b := n.add(bob, &MemBlobs{}, CoreConfig{RangeSize: 64 << 10})
	if _, err := n.do(bob, FetchCmd{ID: id, Size: -1, Providers: []common.Address{alice}, AskHolders: true, Public: true}); err != nil {
		t.Fatal(err)
	}
	n.run(r, 100_000)
	if b.core.stats.Completed != 1 {
		t.Fatalf("bob completed %d", b.core.stats.Completed)
	}
	fromAlice := n.cores[alice].core.stats.Served - before
	t.Logf("alice served bob %d bytes, the mirror %d", fromAlice, n.cores[mirror].core.stats.Served)
	if fromAlice > GroupSize {
		t.Fatalf("alice served bob %d bytes with a live holder named", fromAlice)
	}
}

// TestCoreFillingCacheServes: bob names his router as a cache on the
// path; the router starts filling on bob's Want and bob's Gets reach it
// before it has a byte. It holds them and answers as its ranges are
// verified: bob never drops it and it serves part of the blob, every
// range verified. Before, the router refused (not found) and bob
// dropped it for the rest of the download.
func TestCoreFillingCacheServes(t *testing.T) {
	r := mrand.New(mrand.NewPCG(4, 6))
	data := randomBytes(r, 2<<20+31)
	n := newFakeNet(t)
	alice, router, bob := addr(1), addr(3), addr(9)
	id := publish(t, n, alice, data, CoreConfig{})
	n.add(router, &MemBlobs{}, CoreConfig{Serve: true, RangeSize: 64 << 10})
	b := n.add(bob, &MemBlobs{}, CoreConfig{RangeSize: 64 << 10, Window: 4})
	if _, err := n.do(bob, FetchCmd{ID: id, Size: -1, Providers: []common.Address{alice}, Public: true, Caches: []common.Address{router}}); err != nil {
		t.Fatal(err)
	}
	n.run(r, 100_000)
	if b.core.stats.Completed != 1 {
		t.Fatalf("bob completed %d (events %v)", b.core.stats.Completed, b.ev)
	}
	for _, e := range b.ev {
		if e.Kind == EventDropped {
			t.Fatalf("bob dropped %s: %v", e.Peer, e.Err)
		}
	}
	rc := n.cores[router].core
	t.Logf("the router served bob %d bytes while filling; alice served %d", rc.stats.Served, n.cores[alice].core.stats.Served)
	if rc.stats.Served < int64(len(data))/8 || rc.stats.Completed != 1 {
		t.Fatalf("the router served %d bytes and completed %d", rc.stats.Served, rc.stats.Completed)
	}
	if len(rc.held) != 0 {
		t.Fatalf("%d Gets still held", len(rc.held))
	}
	got := make([]byte, len(data))
	if _, err := b.blobs.ReadAt(id, got, 0); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("bytes differ (%v)", err)
	}
}

// TestCoreLateStrikesOut: a provider that never answers again is
// readmitted maxStrikes times, then stays dropped and the download,
// with no other provider, fails instead of waiting for ever.
func TestCoreLateStrikesOut(t *testing.T) {
	r := mrand.New(mrand.NewPCG(2, 3))
	data := randomBytes(r, 1<<20)
	n := newFakeNet(t)
	id := publish(t, n, addr(1), data, CoreConfig{})
	bob := n.add(addr(9), &MemBlobs{}, CoreConfig{RangeSize: 64 << 10, RequestTimeout: time.Second})
	if _, err := n.do(addr(9), FetchCmd{ID: id, Size: -1, Providers: []common.Address{addr(1)}}); err != nil {
		t.Fatal(err)
	}
	n.steps(nil, 8)
	n.mute[addr(1)] = true
	n.run(nil, 100_000)
	if d := dropsOf(bob.ev, addr(1), ErrTimeout); d != maxStrikes+1 {
		t.Fatalf("%d drops for lateness, want %d", d, maxStrikes+1)
	}
	if f := count(bob.ev, EventFailed); f != 1 {
		t.Fatalf("%d failures, want 1", f)
	}
}

// TestCoreCacheShieldsOrigin: three downloaders name their router as
// the cache on the path; the router fills from alice and they take
// every range from it, so alice serves the blob once (the router's
// fill), not once more per downloader. Then the router goes away and a
// fourth downloader behind it falls back to alice. Before, each
// downloader asked alice for ranges too, beside the filling router.
func TestCoreCacheShieldsOrigin(t *testing.T) {
	r := mrand.New(mrand.NewPCG(8, 1))
	data := randomBytes(r, 1<<20+77)
	n := newFakeNet(t)
	alice, router := addr(1), addr(3)
	id := publish(t, n, alice, data, CoreConfig{})
	n.add(router, &MemBlobs{}, CoreConfig{Serve: true, RangeSize: 64 << 10})
	var bobs []*fakeNode
	for i := range 3 {
		w := addr(byte(10 + i))
		bobs = append(bobs, n.add(w, &MemBlobs{}, CoreConfig{RangeSize: 64 << 10, Window: 4}))
		if _, err := n.do(w, FetchCmd{ID: id, Size: -1, Providers: []common.Address{alice}, AskHolders: true, Public: true, Caches: []common.Address{router}}); err != nil {
			t.Fatal(err)
		}
	}
	n.run(r, 100_000)
	for i, b := range bobs {
		if b.core.stats.Completed != 1 {
			t.Fatalf("bob %d completed %d (events %v)", i, b.core.stats.Completed, b.ev)
		}
	}
	served := n.cores[alice].core.stats.Served
	t.Logf("alice served %d bytes, the router %d", served, n.cores[router].core.stats.Served)
	if served > int64(len(data))+GroupSize {
		t.Fatalf("alice served %d bytes for a %d-byte blob behind a live cache", served, len(data))
	}
	n.down[router] = true
	carol := n.add(addr(20), &MemBlobs{}, CoreConfig{RangeSize: 64 << 10, Window: 4})
	if _, err := n.do(addr(20), FetchCmd{ID: id, Size: -1, Providers: []common.Address{alice}, Public: true, Caches: []common.Address{router}}); err != nil {
		t.Fatal(err)
	}
	n.run(r, 100_000)
	if carol.core.stats.Completed != 1 {
		t.Fatalf("carol completed %d without her cache (events %v)", carol.core.stats.Completed, carol.ev)
	}
}

// TestCoreCancelHeld: bob's router, filling from a publisher gone
// silent, holds bob's Gets; bob drops it for lateness and withdraws
// them (a cancel), so the router forgets them at once instead of
// answering them to no one once its fill completes (bob would count
// those bytes late). Before, it held them for heldFor and sent them.
func TestCoreCancelHeld(t *testing.T) {
	r := mrand.New(mrand.NewPCG(5, 8))
	data := randomBytes(r, 1<<20+5)
	n := newFakeNet(t)
	alice, router, bob := addr(1), addr(3), addr(9)
	id := publish(t, n, alice, data, CoreConfig{})
	rt := n.add(router, &MemBlobs{}, CoreConfig{Serve: true, RangeSize: 64 << 10, RequestTimeout: 20 * time.Second})
	b := n.add(bob, &MemBlobs{}, CoreConfig{RangeSize: 64 << 10, Window: 4, RequestTimeout: time.Second})
	n.mute[alice] = true
	if _, err := n.do(bob, FetchCmd{ID: id, Size: -1, Providers: []common.Address{alice}, Public: true, Caches: []common.Address{router}}); err != nil {
		t.Fatal(err)
	}
	n.until = n.now.Add(1200 * time.Millisecond) // past bob's timeout, before his back-off ends
	n.run(nil, 100_000)
	if d := dropsOf(b.ev, router, ErrTimeout); d == 0 {
		t.Fatalf("bob did not drop his silent router (events %v)", b.ev)
	}
	if len(rt.core.held) != 0 {
		t.Fatalf("the router still holds %d Gets bob withdrew", len(rt.core.held))
	}
	n.mute[alice], n.until = false, time.Time{}
	n.run(nil, 100_000)
	if b.core.stats.Completed != 1 {
		t.Fatalf("bob completed %d (events %v)", b.core.stats.Completed, b.ev)
	}
	t.Logf("bob: %d bytes late, %d drops", b.core.stats.Late, b.core.stats.Dropped)
}
