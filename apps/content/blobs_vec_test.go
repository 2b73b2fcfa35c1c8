package content

import (
	"bytes"
	mrand "math/rand/v2"
	"testing"
)

// TestDirBlobsWriteVec: pieces written at an offset land in order,
// more pieces than one pwritev takes (maxIovecs) included.
func TestDirBlobsWriteVec(t *testing.T) {
	d, err := OpenDirBlobs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	r := mrand.New(mrand.NewPCG(7, 8))
	data := randomBytes(r, 3000*7+100)
	id := Sum(data)
	if err := d.Begin(id, int64(len(data))); err != nil {
		t.Fatal(err)
	}
	var parts [][]byte
	for i := 100; i < len(data); i += 7 {
		parts = append(parts, data[i:i+7])
	}
	if err := d.writeVec(id, parts, 100); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteAt(id, data[:100], 0); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(data))
	if _, err := d.ReadAt(id, got, 0); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("bytes differ (%v)", err)
	}
	if err := d.Finish(id); err != nil {
		t.Fatal(err)
	}
}
