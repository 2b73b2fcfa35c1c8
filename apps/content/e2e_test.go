package content

import (
	"bytes"
	"context"
	"errors"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"go.uber.org/goleak"
)

// writeTree writes files of the given sizes (random bytes; "dup" the
// same bytes as "a") under dir and returns their contents by path.
func writeTree(t *testing.T, dir string, sizes map[string]int, seed uint64) map[string][]byte {
	r := mrand.New(mrand.NewPCG(seed, seed))
	files := map[string][]byte{}
	for p, n := range sizes {
		files[p] = randomBytes(r, n)
	}
	if a, ok := files["a.bin"]; ok {
		files["sub/dup.bin"] = a
	}
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

func checkTree(t *testing.T, root string, files map[string][]byte) {
	t.Helper()
	for p, want := range files {
		got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: %d bytes, want %d (%v)", p, len(got), len(want), err)
		}
	}
}

// TestShareGetResume, end to end on real nodes (gVisor, Noise, pebble,
// files): alice shares a collection publicly (100 MB, or 12 MB with
// -short); carol mirrors it and mallory too, but mallory's disk lies.
// Both announce themselves to alice, so bob's download takes ranges
// from alice, carol and mallory at once. Bob is cut off at half way
// (service closed, no progress saved beyond what the core stored),
// restarts on the same directory and resumes; every file arrives
// intact, mallory is caught, dropped and counted, and the part already
// verified is not fetched again.
func TestShareGetResume(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx := testCtx(t)
	unit := 25 << 20
	if testing.Short() {
		unit = 3 << 20
	}
	tn := newTestNet(t, "alice", "bob", "carol", "mallory")
	alice, bob, carol, mallory := tn.get("alice"), tn.get("bob"), tn.get("carol"), tn.get("mallory")
	src := t.TempDir()
	files := writeTree(t, src, map[string]int{"a.bin": unit, "b.bin": unit, "sub/c.bin": unit, "d.txt": 1000}, 7)
	tn.open(alice, Config{Dir: t.TempDir()})
	e, err := alice.svc.Share(ctx, src, "site", true, nil)
	if err != nil {
		t.Fatal(err)
	}
	link := alice.Wallet.Hex() + "/site"

	tn.open(carol, Config{Dir: t.TempDir(), Serve: true})
	if _, err := carol.svc.Get(ctx, link, t.TempDir(), nil); err != nil {
		t.Fatal(err)
	}
	mdir := t.TempDir()
	mb, err := OpenDirBlobs(filepath.Join(mdir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	tn.open(mallory, Config{Dir: mdir, Serve: true, Blobs: mb})
	if _, err := mallory.svc.Get(ctx, link, t.TempDir(), nil); err != nil {
		t.Fatal(err)
	}
	tn.closeSvc(mallory) // from now on her disk lies
	tn.open(mallory, Config{Dir: mdir, Serve: true, Blobs: corruptBlobs{mb}})

	bdir, out := t.TempDir(), t.TempDir()
	tn.open(bob, Config{Dir: bdir})
	var mu sync.Mutex
	dropped := map[common.Address]error{}
	watch := func(s *Service) func() {
		return s.Subscribe(func(e Event) {
			if e.Kind == EventDropped {
				mu.Lock()
				dropped[e.Peer] = e.Err
				mu.Unlock()
			}
		})
	}
	stop := watch(bob.svc)
	total := int64(4*unit + 1000) // a.bin and sub/dup.bin count twice
	cut, cancel := context.WithCancel(ctx)
	var half atomic.Int64
	_, err = bob.svc.Get(cut, link, out, func(have, size int64) {
		if have >= total/2 && half.CompareAndSwap(0, have) {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cut off get: %v", err)
	}
	stop()
	before, _ := bob.svc.Status(ctx)
	tn.closeSvc(bob) // the cut: nothing more is saved
	if before.Stats.Fetched < total/2 {
		t.Fatalf("fetched %d before the cut", before.Stats.Fetched)
	}

	tn.open(bob, Config{Dir: bdir})
	defer watch(bob.svc)()
	root, err := bob.svc.Get(ctx, link, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkTree(t, root, files)
	after, _ := bob.svc.Status(ctx)
	// Unique bytes: a.bin and sub/dup.bin are one blob.
	unique := int64(3*unit+1000) + e.Size
	// What was verified and recorded before the cut is not fetched
	// again: at most the ranges since the last record are lost.
	lost := int64(progressBytes + (progressEvery+8)*(256<<10))
	if after.Stats.Fetched > unique-before.Stats.Fetched+lost {
		t.Errorf("fetched %d then %d bytes of %d unique: the resume started over", before.Stats.Fetched, after.Stats.Fetched, unique)
	}
	mu.Lock()
	defer mu.Unlock()
	if err := dropped[mallory.Wallet]; !errors.Is(err, ErrCorrupt) {
		t.Fatalf("mallory not caught: %v (dropped: %v)", err, dropped)
	}
	for _, w := range []common.Address{alice.Wallet, carol.Wallet} {
		if err := dropped[w]; errors.Is(err, ErrCorrupt) {
			t.Fatalf("honest provider %s blamed: %v", w, err)
		}
	}
	if before.Stats.Corrupt+after.Stats.Corrupt == 0 {
		t.Fatal("no corrupt range counted")
	}
	t.Logf("bob fetched %d + %d bytes, corrupt ranges %d + %d, cut at %d", before.Stats.Fetched, after.Stats.Fetched,
		before.Stats.Corrupt, after.Stats.Corrupt, half.Load())
	for _, m := range tn.members {
		tn.stop(m)
	}
}
