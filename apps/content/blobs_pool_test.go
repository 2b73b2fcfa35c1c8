package content

import (
	"bytes"
	mrand "math/rand/v2"
	"testing"
)

// TestBlobPool: MemBlobs of one pool hold one copy of a complete blob,
// whichever way it became complete (Put, Finish, finishWith), and a
// shared blob cannot be written again.
func TestBlobPool(t *testing.T) {
	data := randomBytes(mrand.New(mrand.NewPCG(3, 3)), 3*GroupSize+100)
	pool := &BlobPool{}
	pub := &MemBlobs{Pool: pool}
	id, err := pub.Put(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	_, ob, err := Outboard(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	fetched := func(finish func(m *MemBlobs) error) *MemBlobs {
		m := &MemBlobs{Pool: pool}
		if err := m.Begin(id, int64(len(data))); err != nil {
			t.Fatal(err)
		}
		if err := m.WriteAt(id, data, 0); err != nil {
			t.Fatal(err)
		}
		if err := finish(m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	a := fetched(func(m *MemBlobs) error { return m.Finish(id) })
	b := fetched(func(m *MemBlobs) error { return m.finishWith(id, bytes.Clone(ob)) })
	for i, m := range []*MemBlobs{a, b} {
		if &m.data[id][0] != &pub.data[id][0] || &m.obs[id][0] != &pub.obs[id][0] {
			t.Errorf("MemBlobs %d holds a copy of its own", i)
		}
		got := make([]byte, len(data))
		if _, err := m.ReadAt(id, got, 0); err != nil || !bytes.Equal(got, data) {
			t.Errorf("MemBlobs %d reads other bytes (%v)", i, err)
		}
	}
	if err := a.WriteAt(id, []byte{1}, 0); err == nil {
		t.Error("a shared complete blob was written")
	}
	if pub.data[id][0] != data[0] {
		t.Error("writing one MemBlobs changed the others")
	}
	if err := a.Delete(id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := pub.Stat(id); err != nil {
		t.Errorf("deleting from one MemBlobs deleted from another: %v", err)
	}
	// A blob of another size under the same id (a liar's Finish fails
	// before sharing) is not shared.
	odd := &MemBlobs{Pool: pool}
	if err := odd.Begin(id, 5); err != nil {
		t.Fatal(err)
	}
	if err := odd.Finish(id); err == nil {
		t.Error("a blob that is not id was completed")
	}
}
