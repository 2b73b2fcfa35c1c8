package content

import (
	"bytes"
	"errors"
	mrand "math/rand/v2"
	"testing"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// TestCoreMultiSource: bob downloads one blob from three providers at
// once, one of which lies: every range is verified, the liar is caught
// on its first answer, dropped and counted, and the blob completes from
// the other two, each of which served part of it. Bob stores in memory
// (ranges verified in place), in files (verified in the frame, written
// from there with pwritev) and in a store with neither (through the
// scratch buffer).
func TestCoreMultiSource(t *testing.T) {
	for _, store := range []string{"mem", "dir", "plain"} {
		t.Run(store, func(t *testing.T) {
			var bb Blobs = &MemBlobs{}
			switch store {
			case "dir":
				db, err := OpenDirBlobs(t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				bb = db
			case "plain":
				bb = struct{ Blobs }{&MemBlobs{}}
			}
			testCoreMultiSource(t, bb)
		})
	}
}

func testCoreMultiSource(t *testing.T, bb Blobs) {
	r := mrand.New(mrand.NewPCG(3, 4))
	data := randomBytes(r, 5<<20+12345)
	n := newFakeNet(t)
	var ids []ID
	for i := byte(1); i <= 3; i++ {
		b := &MemBlobs{}
		id, err := b.Put(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		var bl Blobs = b
		if i == 2 {
			bl = corruptBlobs{b}
		}
		fn := n.add(addr(i), bl, CoreConfig{})
		if _, err := n.do(addr(i), ShareCmd{Name: "f", ID: id, Size: int64(len(data)), Public: true}); err != nil {
			t.Fatal(err)
		}
		_ = fn
	}
	bob := n.add(addr(9), bb, CoreConfig{RangeSize: 64 << 10})
	if _, err := n.do(addr(9), FetchCmd{ID: ids[0], Size: -1, Providers: []common.Address{addr(1), addr(2), addr(3)}}); err != nil {
		t.Fatal(err)
	}
	n.run(r, 1_000_000)
	var done, dropped int
	for _, e := range bob.ev {
		switch e.Kind {
		case EventDone:
			done++
		case EventDropped:
			dropped++
			if e.Peer != addr(2) || !errors.Is(e.Err, ErrCorrupt) {
				t.Errorf("dropped %s: %v", e.Peer, e.Err)
			}
		case EventFailed:
			t.Fatalf("failed: %v", e.Err)
		}
	}
	if done != 1 || dropped != 1 {
		t.Fatalf("done %d dropped %d", done, dropped)
	}
	got := make([]byte, len(data))
	if _, err := bob.blobs.ReadAt(ids[0], got, 0); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("bytes differ (%v)", err)
	}
	// Every range was verified here: the outboard was assembled from
	// the slices, not hashed again, and is the blob's.
	_, want, _ := Outboard(bytes.NewReader(data), int64(len(data)))
	if ob, err := bob.blobs.Outboard(ids[0]); err != nil || !bytes.Equal(ob, want) {
		t.Fatalf("assembled outboard differs (%v)", err)
	}
	if _, vec := bb.(vecWriter); vec != (cap(bob.core.parts) > 0) {
		t.Fatalf("a store that writes from the frame: %v; ranges written so: %v", vec, cap(bob.core.parts) > 0)
	}
	st := bob.core.status().Stats
	if st.Corrupt != 1 || st.Fetched != int64(len(data)) {
		t.Fatalf("stats %+v", st)
	}
	if a, c := n.cores[addr(1)].core.stats.Served, n.cores[addr(3)].core.stats.Served; a == 0 || c == 0 {
		t.Fatalf("served %d and %d: not multi-source", a, c)
	}
}

// TestCoreEndgameCopies: a small blob from four honest providers that
// answer in a shuffled order completes with every range fetched about
// once. Before copies waited for both providers to be measured, every
// range was asked of a second provider from the start (the providers
// served twice the blob).
func TestCoreEndgameCopies(t *testing.T) {
	r := mrand.New(mrand.NewPCG(8, 9))
	data := randomBytes(r, 1<<20+777)
	n := newFakeNet(t)
	var id ID
	provs := []common.Address{addr(1), addr(2), addr(3), addr(4)}
	for _, w := range provs {
		b := &MemBlobs{}
		var err error
		if id, err = b.Put(bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatal(err)
		}
		n.add(w, b, CoreConfig{})
		if _, err := n.do(w, ShareCmd{Name: "f", ID: id, Size: int64(len(data)), Public: true}); err != nil {
			t.Fatal(err)
		}
	}
	bob := n.add(addr(9), &MemBlobs{}, CoreConfig{RangeSize: 64 << 10, Window: 4})
	if _, err := n.do(addr(9), FetchCmd{ID: id, Size: -1, Providers: provs}); err != nil {
		t.Fatal(err)
	}
	n.run(r, 1_000_000)
	var served int64
	used := 0
	for _, w := range provs {
		if s := n.cores[w].core.stats.Served; s > 0 {
			served += s
			used++
		}
	}
	st := bob.core.status().Stats
	t.Logf("served %d for %d bytes by %d providers; wasted %d, late %d", served, len(data), used, st.Wasted, st.Late)
	if st.Completed != 1 || used < 2 {
		t.Fatalf("completed %d from %d providers", st.Completed, used)
	}
	if served > int64(len(data))*5/4 {
		t.Fatalf("providers served %d bytes for a blob of %d", served, len(data))
	}
}

// TestCoreFirstRecord: a download writes no progress record before
// its first verified range (the first Gets would wait for the record's
// sync), writes one with that range, and a core restarted from it
// resumes without fetching the recorded ranges again; the record is
// gone at the end.
func TestCoreFirstRecord(t *testing.T) {
	r := mrand.New(mrand.NewPCG(5, 6))
	data := randomBytes(r, 6<<16+999)
	n := newFakeNet(t)
	pb := &MemBlobs{}
	id, err := pb.Put(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	n.add(addr(1), pb, CoreConfig{})
	if _, err := n.do(addr(1), ShareCmd{Name: "f", ID: id, Size: int64(len(data)), Public: true}); err != nil {
		t.Fatal(err)
	}
	bb := &MemBlobs{}
	cfg := CoreConfig{RangeSize: 64 << 10, Window: 1}
	bob := n.add(addr(9), bb, cfg)
	out := n.handle(addr(9), service.Input{Kind: service.Command, Cmd: FetchCmd{ID: id, Size: -1, Providers: []common.Address{addr(1)}}})
	if len(out.Writes) != 0 || len(out.Send) != 1 {
		t.Fatalf("fetch: %d writes, %d frames; want the size probe alone", len(out.Writes), len(out.Send))
	}
	recorded := func() bool { _, err := bob.store.Get(fetchKey(id)); return err == nil }
	for len(bob.ev) == 0 || bob.ev[len(bob.ev)-1].Kind != EventProgress {
		if recorded() {
			t.Fatal("a progress record before the first verified range")
		}
		if len(n.queue) == 0 {
			t.Fatal("no progress")
		}
		f := n.queue[0]
		n.queue = n.queue[1:]
		n.handle(f.to, service.Input{Kind: service.Frame, Peer: f.from, Frame: f.b})
	}
	if !recorded() {
		t.Fatal("no progress record with the first verified range")
	}
	n.queue = nil // bob stops here; what he verified is recorded
	bob = n.add(addr(9), bb, CoreConfig{RangeSize: 64 << 10, Window: 1, Store: bob.store})
	n.run(nil, 100_000)
	st := bob.core.status().Stats
	if st.Completed != 1 || st.Fetched != int64(len(data))-64<<10 {
		t.Fatalf("after the restart: completed %d, fetched %d of %d (the first range again?)", st.Completed, st.Fetched, len(data))
	}
	if recorded() {
		t.Fatal("the progress record outlived the download")
	}
	got := make([]byte, len(data))
	if _, err := bb.ReadAt(id, got, 0); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("bytes differ (%v)", err)
	}
}

// TestCoreLazyEnd: the records a private download ends with are lazy
// (no sync holds its end up), a public one that serves announces itself
// with synced records, and a core restarted with a progress record of
// a blob that is complete (its end's records lost in a crash) drops
// the record without fetching or failing.
func TestCoreLazyEnd(t *testing.T) {
	r := mrand.New(mrand.NewPCG(7, 8))
	data := randomBytes(r, 5<<16+321)
	for _, serve := range []bool{false, true} {
		n := newFakeNet(t)
		id := publish(t, n, addr(1), data, CoreConfig{})
		bb := &MemBlobs{}
		cfg := CoreConfig{RangeSize: 64 << 10, Window: 2, Serve: serve}
		bob := n.add(addr(9), bb, cfg)
		n.handle(addr(9), service.Input{Kind: service.Command, Cmd: FetchCmd{ID: id, Size: -1, Providers: []common.Address{addr(1)}, Public: true}})
		var record []byte
		var end service.Effects
		for len(n.queue) > 0 {
			f := n.queue[0]
			n.queue = n.queue[1:]
			out := n.handle(f.to, service.Input{Kind: service.Frame, Peer: f.from, Frame: f.b})
			if v, err := bob.store.Get(fetchKey(id)); err == nil {
				record = v
			}
			if f.to == addr(9) && len(out.Events) > 0 && out.Events[len(out.Events)-1].(Event).Kind == EventDone {
				end = out
			}
		}
		if end.Events == nil || record == nil {
			t.Fatalf("serve %v: done %v, recorded %v", serve, end.Events != nil, record != nil)
		}
		lazy := 0
		for _, w := range end.Writes {
			if w.Lazy {
				lazy++
			}
		}
		if want := len(end.Writes); serve && lazy == want || !serve && lazy != want || want == 0 {
			t.Fatalf("serve %v: %d of the end's %d writes lazy", serve, lazy, want)
		}
		if serve {
			continue
		}
		// A crash lost the end's records: the progress record is back.
		if err := bob.store.Apply([]service.Write{{Key: fetchKey(id), Value: record}}); err != nil {
			t.Fatal(err)
		}
		bob = n.add(addr(9), bb, CoreConfig{RangeSize: 64 << 10, Window: 2, Store: bob.store})
		n.run(nil, 1000)
		if _, err := bob.store.Get(fetchKey(id)); err == nil {
			t.Fatal("the stale progress record stayed")
		}
		if st := bob.core.status(); len(st.Downloads) != 0 || st.Stats.Fetched != 0 || len(bob.ev) != 0 {
			t.Fatalf("after the restart: %d downloads, %d bytes fetched, events %+v", len(st.Downloads), st.Stats.Fetched, bob.ev)
		}
	}
}
