//go:build !nochain

package content

import (
	"bytes"
	"errors"
	mrand "math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/stack"
)

// TestAnycastInstances, end to end on real nodes (gVisor stacks, Noise
// sessions bound to DID keys on the embedded chain, link/mem): one
// wallet is served by three nodes, each publishing its node key and
// endpoint into the wallet's DID document and sharing the same blob;
// the second one's disk lies. Bob gets the share by the wallet's link:
// his service finds the wallet's three instances (LookupInstances) and
// downloads from each at its instance address at once, where the
// wallet's address would reach one of them. Every instance serves
// ranges; the lying one is caught, dropped and counted (by its
// instance address), and the file arrives intact from the other two.
func TestAnycastInstances(t *testing.T) {
	ch := apptest.NewChain(t)
	ctx := testCtx(t)
	first, key := ch.Node(t, ctx)
	nodes := []*stack.Node{first, ch.NodeOf(t, ctx, key), ch.NodeOf(t, ctx, key)}
	wallet := first.Addr()
	bob, _ := ch.Node(t, ctx)
	data := randomBytes(mrand.New(mrand.NewPCG(8, 9)), 6<<20+123)
	const lying = 1
	var svcs []*Service
	for i, n := range nodes {
		var b Blobs = &MemBlobs{}
		id, err := b.Put(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		if i == lying {
			b = corruptBlobs{b}
		}
		s, err := Open(ctx, Config{Host: n, Blobs: b})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.r.Do(ctx, ShareCmd{Name: "f", ID: id, Size: int64(len(data)), Public: true}); err != nil {
			t.Fatal(err)
		}
		svcs = append(svcs, s)
	}
	bs, err := Open(ctx, Config{Host: bob, RangeSize: 256 << 10, Window: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bs.Close() })
	var mu sync.Mutex
	var dropped []Event
	ranges := map[string]int{} // verified ranges by instance address
	cancel := bs.Subscribe(func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		switch e.Kind {
		case EventDropped:
			dropped = append(dropped, e)
		case EventProgress:
			ranges[e.Instance.String()]++
		}
	})
	defer cancel()

	out, err := bs.Get(ctx, wallet.Hex()+"/f", t.TempDir(), nil)
	if err != nil {
		mu.Lock()
		t.Fatalf("%v (dropped: %v)", err, dropped)
	}
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("the file: %d bytes, %v; want the %d bytes shared", len(got), err, len(data))
	}
	for i, s := range svcs {
		st, err := s.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Stats.Served == 0 {
			t.Fatalf("instance %d (%s) served nothing (dropped %v, ranges %v)", i, nodes[i].InstanceAddr(), dropped, ranges)
		}
		t.Logf("instance %d (%s) served %d bytes", i, nodes[i].InstanceAddr(), st.Stats.Served)
	}
	st, err := bs.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Stats.Corrupt == 0 || st.Stats.Dropped != 1 {
		t.Fatalf("bob's stats %+v: want the lie counted and one provider dropped", st.Stats)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(dropped) != 1 || dropped[0].Peer != wallet || dropped[0].Instance != nodes[lying].InstanceAddr() || !errors.Is(dropped[0].Err, ErrCorrupt) {
		t.Fatalf("dropped %+v; want instance %s of %s for lying", dropped, nodes[lying].InstanceAddr(), wallet)
	}
	for i, n := range nodes {
		if i != lying && ranges[n.InstanceAddr().String()] == 0 {
			t.Fatalf("no range verified from instance %d (%s): %v", i, n.InstanceAddr(), ranges)
		}
	}
	if ranges[nodes[lying].InstanceAddr().String()] != 0 || ranges["invalid IP"] != 0 {
		t.Fatalf("ranges verified by provider: %v; want none from the liar, none from the wallet's address", ranges)
	}
	t.Logf("ranges verified by instance: %v", ranges)
}
