package content

import (
	"bytes"
	"errors"
	"io"
	mrand "math/rand/v2"
	"net/netip"
	"testing"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// TestInstancePeer: an instance address travels in a peer address and
// back; a wallet is not an instance.
func TestInstancePeer(t *testing.T) {
	ip := netip.MustParseAddr("fc12:3456:789a:bcde:f012:3456:789a:bcde")
	p := InstancePeer(ip)
	if got, ok := InstanceOf(p); !ok || got != ip {
		t.Fatalf("InstanceOf(InstancePeer(%s)) = %s, %v", ip, got, ok)
	}
	if want := "0xfC123456789AbcdEF0123456789aBcdE696e7374"; p.Hex() != want {
		t.Fatalf("InstancePeer(%s) = %s, want %s", ip, p.Hex(), want)
	}
	if _, ok := InstanceOf(addr(1)); ok {
		t.Fatal("a wallet taken for an instance")
	}
}

// anycastNet publishes data from three nodes of wallet w, each at its
// own instance address; the node at lying serves corrupted ranges.
func anycastNet(t *testing.T, n *fakeNet, w common.Address, data []byte, lying int) ([]Instance, []*fakeNode) {
	t.Helper()
	var ins []Instance
	var nodes []*fakeNode
	for i := range 3 {
		var b Blobs = &MemBlobs{}
		if _, err := b.Put(bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatal(err)
		}
		if i == lying {
			b = corruptBlobs{b}
		}
		ip := netip.AddrFrom16([16]byte{0: 0xfc, 15: byte(i + 1)})
		at := InstancePeer(ip)
		nodes = append(nodes, n.addAt(at, w, b, CoreConfig{}))
		if _, err := n.do(at, ShareCmd{Name: "f", ID: Sum(data), Size: int64(len(data)), Public: true}); err != nil {
			t.Fatal(err)
		}
		ins = append(ins, Instance{Wallet: w, Addr: ip})
	}
	return ins, nodes
}

// TestCoreInstances: a download given the three instances of an
// anycast wallet asks each at its instance address as a provider of
// its own — never the wallet's own address — so all three serve
// ranges; the one that lies is dropped and counted alone (EventDropped
// names the wallet and that instance) and the download completes from
// the other two. Cut off half way, bob's record names the wallet, not
// its instances; restarted and given the instances again, bob asks them
// in the wallet's place and does not fetch again what it verified.
func TestCoreInstances(t *testing.T) {
	r := mrand.New(mrand.NewPCG(3, 4))
	data := randomBytes(r, 4<<20+77)
	id := Sum(data)
	w := addr(1)
	n := newFakeNet(t)
	ins, nodes := anycastNet(t, n, w, data, 1)
	st := &service.Memory{}
	cfg := CoreConfig{RangeSize: 64 << 10, Window: 4, Store: st}
	bob := n.add(addr(9), &MemBlobs{}, cfg)
	if _, err := n.do(addr(9), FetchCmd{ID: id, Size: -1, Providers: []common.Address{w}, AskHolders: true, Instances: ins}); err != nil {
		t.Fatal(err)
	}
	n.run(mrand.New(mrand.NewPCG(5, 6)), 1_000_000)
	got := bob.core.status().Stats
	if got.Completed != 1 || got.Corrupt == 0 {
		t.Fatalf("stats %+v: want the download complete and the lie caught", got)
	}
	checkBlob(t, bob.blobs, id, data)
	for i, nd := range nodes {
		if s := nd.core.status().Stats; s.Served == 0 {
			t.Fatalf("instance %d served nothing", i)
		}
	}
	if d := dropsOf(bob.ev, w, ErrCorrupt); d != 1 {
		t.Fatalf("%d drops for lying, want 1: %v", d, bob.ev)
	}
	for _, e := range bob.ev {
		if e.Kind == EventDropped && e.Instance != ins[1].Addr {
			t.Fatalf("dropped %v, want the lying instance %s", e, ins[1].Addr)
		}
	}
	if n.sent[w] != 0 {
		t.Fatalf("%d frames to the wallet's own address", n.sent[w])
	}

	// Cut off half way, restarted, resumed.
	data2 := randomBytes(r, 4<<20+5)
	id2 := Sum(data2)
	ins, _ = anycastNet(t, n, addr(2), data2, -1)
	if _, err := n.do(addr(9), FetchCmd{ID: id2, Size: -1, Providers: []common.Address{addr(2)}, Instances: ins}); err != nil {
		t.Fatal(err)
	}
	for bob.core.have(bob.core.find(id2)) < int64(len(data2))/2 {
		if n.steps(nil, 1) {
			t.Fatal("idle before half way")
		}
	}
	rec, err := st.Get(fetchKey(id2))
	if err != nil {
		t.Fatal(err)
	}
	if want := append([]byte{0, 0, 0, 0, 0, 0x40, 0, 5, 0, 0, 1}, addr(2).Bytes()...); !bytes.HasPrefix(rec, want) {
		t.Fatalf("record %x, want it to name the wallet alone (%x…)", rec, want)
	}
	n.queue = nil // frames in flight are lost with bob
	fetched := got.Fetched
	bob = n.add(addr(9), bob.blobs, cfg)
	have := bob.core.have(bob.core.find(id2))
	if ps := bob.core.status().Downloads[0].Providers; len(ps) != 1 || ps[0].Wallet != addr(2) || ps[0].Instance.IsValid() {
		t.Fatalf("restarted with providers %+v, want the wallet", ps)
	}
	if _, err := n.do(addr(9), FetchCmd{ID: id2, Size: -1, Providers: []common.Address{addr(2)}, Instances: ins}); err != nil {
		t.Fatal(err)
	}
	ps := bob.core.status().Downloads[0].Providers
	if len(ps) != 3 {
		t.Fatalf("providers %+v, want the three instances", ps)
	}
	for i, p := range ps {
		if p.Wallet != addr(2) || p.Instance != ins[i].Addr {
			t.Fatalf("provider %d is %+v, want instance %s of %s", i, p, ins[i].Addr, addr(2))
		}
	}
	sentW := n.sent[addr(2)]
	n.run(nil, 1_000_000)
	checkBlob(t, bob.blobs, id2, data2)
	if st := bob.core.status().Stats; st.Fetched != int64(len(data2))-have {
		t.Fatalf("fetched %d after the restart, want %d (the rest) [before %d]", st.Fetched, int64(len(data2))-have, fetched)
	}
	if n.sent[addr(2)] != sentW {
		t.Fatal("the resumed download asked the wallet's own address")
	}
}

// checkBlob fails unless blob id in b is complete and holds data.
func checkBlob(t *testing.T, b Blobs, id ID, data []byte) {
	t.Helper()
	size, done, err := b.Stat(id)
	if err != nil || !done || size != int64(len(data)) {
		t.Fatalf("blob %s: size %d, done %v, %v", id.Short(), size, done, err)
	}
	got := make([]byte, size)
	if _, err := b.ReadAt(id, got, 0); err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatal("blob differs")
	}
}
