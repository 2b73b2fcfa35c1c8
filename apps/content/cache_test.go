package content

import (
	"bytes"
	mrand "math/rand/v2"
	"testing"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// TestCoreCache: bob's cache holds 250 KiB of 100 KiB blobs. The least
// recently used unpinned blob goes when a download passes the cap (a
// re-fetch of a complete blob counts as a use); a pinned blob and a
// blob bob shares himself stay; pins and the cache's records survive a
// restart.
func TestCoreCache(t *testing.T) {
	r := mrand.New(mrand.NewPCG(5, 6))
	n := newFakeNet(t)
	alice := addr(1)
	pub := &MemBlobs{}
	n.add(alice, pub, CoreConfig{})
	var ids []ID
	for i := range 4 {
		data := randomBytes(r, 100<<10)
		id, err := pub.Put(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		if _, err := n.do(alice, ShareCmd{Name: string(rune('a' + i)), ID: id, Public: true}); err != nil {
			t.Fatal(err)
		}
	}
	bobBlobs, bobStore := &MemBlobs{}, &service.Memory{}
	own, err := bobBlobs.Put(bytes.NewReader(randomBytes(r, 200<<10)), 200<<10)
	if err != nil {
		t.Fatal(err)
	}
	bob := n.add(addr(9), bobBlobs, CoreConfig{Store: bobStore, CacheBytes: 250 << 10})
	if _, err := n.do(addr(9), ShareCmd{Name: "mine", ID: own, Public: true}); err != nil {
		t.Fatal(err)
	}
	fetch := func(id ID) {
		t.Helper()
		if _, err := n.do(addr(9), FetchCmd{ID: id, Size: -1, Providers: []common.Address{alice}}); err != nil {
			t.Fatal(err)
		}
		n.run(r, 100_000)
	}
	have := func(id ID) bool {
		_, done, err := bobBlobs.Stat(id)
		return err == nil && done
	}
	fetch(ids[0])
	fetch(ids[1])
	fetch(ids[0]) // complete here: a use, no download
	fetch(ids[2]) // 300 KiB: ids[1], the least recently used, goes
	if !have(ids[0]) || have(ids[1]) || !have(ids[2]) || !have(own) {
		t.Fatalf("after the third: have %v %v %v own %v", have(ids[0]), have(ids[1]), have(ids[2]), have(own))
	}
	if _, err := n.do(addr(9), PinCmd{ID: ids[0], Pin: true}); err != nil {
		t.Fatal(err)
	}
	fetch(ids[3]) // ids[0] is older than ids[2] but pinned: ids[2] goes
	if have(ids[2]) || !have(ids[3]) || !have(ids[0]) || !have(own) {
		t.Fatalf("after the fourth: have ids[2] %v ids[3] %v ids[0] %v own %v", have(ids[2]), have(ids[3]), have(ids[0]), have(own))
	}
	var evicted int
	for _, e := range bob.ev {
		if e.Kind == EventEvicted {
			evicted++
		}
		if e.Kind == EventFailed {
			t.Fatalf("failed: %v", e.Err)
		}
	}
	if st := bob.core.status(); evicted != 2 || st.Stats.Evicted != 2 || st.Cache.Bytes != 200<<10 {
		t.Fatalf("evicted %d, stats %+v, cache %+v", evicted, st.Stats, st.Cache)
	}
	// A restart keeps the pin and the records.
	bob = n.add(addr(9), bobBlobs, CoreConfig{Store: bobStore, CacheBytes: 250 << 10})
	ca := bob.core.status().Cache
	if len(ca.Blobs) != 2 || ca.Bytes != 200<<10 || !ca.Blobs[1].Pinned || ca.Blobs[1].ID != ids[0] || ca.Blobs[0].ID != ids[3] {
		t.Fatalf("after restart: %+v", ca)
	}
}
