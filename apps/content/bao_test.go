package content

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"
	"unsafe"

	"lukechampine.com/blake3/bao"
)

// TestIDVectors: the ID of "abc" is what b3sum prints; its CID form
// round-trips and starts as IPFS prints raw BLAKE3 CIDs.
func TestIDVectors(t *testing.T) {
	id := Sum([]byte("abc"))
	if got, want := id.String(), "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"; got != want {
		t.Fatalf("id %s, want %s", got, want)
	}
	cid := id.CID()
	if cid != "bafkr4ideg6z2yocgkez77nr3outtvdnvjdcvqrs5phnqh7jvtrwnlpm5qu" {
		t.Fatalf("cid %s", cid)
	}
	for _, s := range []string{id.String(), cid} {
		if got, err := ParseID(s); err != nil || got != id {
			t.Fatalf("ParseID(%s) = %s, %v", s, got, err)
		}
	}
	for _, bad := range []string{"", "xyz", id.String()[:63], "bafkreie"} {
		if _, err := ParseID(bad); !errors.Is(err, ErrBadID) {
			t.Errorf("ParseID(%q): %v", bad, err)
		}
	}
}

// TestAssembledOutboard: the parents of the verified slices of ranges
// that cover a blob, put in their places, are its outboard, whatever
// the range size and order.
func TestAssembledOutboard(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, size := range []int64{1, GroupSize, GroupSize + 1, 5*GroupSize + 3, 64 * GroupSize, 100*GroupSize - 1} {
		data := randomBytes(r, int(size))
		id, want, err := Outboard(bytes.NewReader(data), size)
		if err != nil {
			t.Fatal(err)
		}
		for _, rs := range []int64{GroupSize, 3 * GroupSize, 16 * GroupSize} {
			ob := binary.LittleEndian.AppendUint64(make([]byte, 0, len(want)), uint64(size))[:len(want)]
			n := (size + rs - 1) / rs
			for _, i := range r.Perm(int(n)) {
				off := int64(i) * rs
				l := min(rs, size-off)
				s, err := extractSlice(bytes.NewReader(data), want, size, off, l)
				if err != nil {
					t.Fatal(err)
				}
				got := make([]byte, l)
				if _, err := verifyRange(got, ob, id, s, off, l); err != nil || !bytes.Equal(got, data[off:off+l]) {
					t.Fatalf("size %d range %d: %v", size, i, err)
				}
			}
			if !bytes.Equal(ob, want) {
				t.Fatalf("size %d, ranges of %d: assembled outboard differs", size, rs)
			}
		}
	}
}

// TestSlices: for sizes around group and tree boundaries, the root is
// the BLAKE3 hash, extractSlice matches the library's ExtractSlice, a
// slice verifies, and any flipped byte makes it fail.
func TestSlices(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int64{1, 1000, GroupSize, GroupSize + 1, 3*GroupSize - 7, 8 * GroupSize, 37*GroupSize + 5} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		id, ob, err := Outboard(bytes.NewReader(data), size)
		if err != nil || id != Sum(data) {
			t.Fatalf("size %d: root %s want %s (%v)", size, id.Short(), Sum(data).Short(), err)
		}
		for _, rg := range [][2]int64{{0, size}, {0, min(size, GroupSize)}, {size - 1, 1}, {size / 2, size / 3}} {
			off, n := rg[0]/GroupSize*GroupSize, rg[1]
			if n == 0 {
				continue
			}
			if off+n > size {
				n = size - off
			}
			s, err := extractSlice(bytes.NewReader(data), ob, size, off, n)
			if err != nil {
				t.Fatal(err)
			}
			// The library wants only the groups inside the slice.
			g0, g1 := off/GroupSize*GroupSize, min(size, (off+n+GroupSize-1)/GroupSize*GroupSize)
			var lib bytes.Buffer
			if err := bao.ExtractSlice(&lib, bytes.NewReader(data[g0:g1]), bytes.NewReader(ob), groupLog, uint64(off), uint64(n)); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(s, lib.Bytes()) {
				t.Fatalf("size %d [%d,+%d): slice differs from bao.ExtractSlice", size, off, n)
			}
			gotSize, b, err := verifySlice(id, s, off, n)
			if err != nil || gotSize != size || !bytes.Equal(b, data[off:off+n]) {
				t.Fatalf("size %d [%d,+%d): verify %v", size, off, n, err)
			}
			if _, err := verifyRange(make([]byte, n), make([]byte, 7), id, s, off, n); !errors.Is(err, ErrMalformed) {
				t.Fatalf("size %d: an outboard of the wrong size accepted: %v", size, err)
			}
			gotSize, parts, err := verifyParts(nil, nil, id, s, off, n)
			if err != nil || gotSize != size || !bytes.Equal(bytes.Join(parts, nil), data[off:off+n]) {
				t.Fatalf("size %d [%d,+%d): verifyParts %v", size, off, n, err)
			}
			for _, p := range parts { // where they lie in the slice, not copies
				if i := int(uintptr(unsafe.Pointer(&p[0])) - uintptr(unsafe.Pointer(&s[0]))); i < 8 || i+len(p) > len(s) {
					t.Fatalf("size %d [%d,+%d): a piece outside the slice", size, off, n)
				}
			}
			bad := bytes.Clone(s)
			bad[8+r.IntN(len(bad)-8)] ^= 1
			if _, _, err := verifySlice(id, bad, off, n); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("size %d [%d,+%d): corrupted slice accepted: %v", size, off, n, err)
			}
			if _, _, err := verifyParts(parts, nil, id, bad, off, n); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("size %d [%d,+%d): corrupted slice accepted by verifyParts: %v", size, off, n, err)
			}
		}
	}
}
