package content

import (
	"encoding/binary"
	"fmt"
	"math/bits"

	"lukechampine.com/blake3/guts"
)

// The verifier hashes every group where it lies in the slice (a full
// group is exactly one SIMD buffer of the BLAKE3 implementation: 16
// chunks, compressed at once by its AVX-512 or AVX2 code) and copies
// only the range's bytes out, into their place in a memory blob
// (verifyRange), or copies nothing and names the verified pieces of
// the slice, which a file store writes from there with one pwritev
// (verifyParts). Checking a range costs one BLAKE3 pass and at most
// one copy, with no allocation: the receiving side of a download stays
// as cheap as a plain stream plus the hash.

// A full group is one guts buffer: hashed where it lies, not copied.
const _ = uint(GroupSize - guts.MaxSIMD*guts.ChunkSize) // GroupSize ≥ the buffer
const _ = uint(guts.MaxSIMD*guts.ChunkSize - GroupSize) // and ≤ it

// verifyInto checks a Bao slice of [off, off+n) against id and copies
// the range's bytes into dst[:n]; it returns the blob's size (proven
// only when the range reaches the blob's last group). dst must hold n
// bytes; what it holds past the verified bytes on an error is
// unspecified.
func verifyInto(dst []byte, id ID, slice []byte, off, n int64) (int64, error) {
	return verifyRange(dst, nil, id, slice, off, n)
}

// verifyRange is verifyInto that also copies the slice's parent nodes,
// once verified, to their places in ob, the blob's outboard being
// assembled (nil: not kept). The slices of ranges that cover a blob
// hold every parent of its tree, so a download whose ranges were all
// verified here has its outboard without hashing the blob again.
func verifyRange(dst, ob []byte, id ID, slice []byte, off, n int64) (int64, error) {
	if n < 0 || int64(len(dst)) < n {
		return 0, fmt.Errorf("%w: range [%d,+%d) into %d bytes", ErrCorrupt, off, n, len(dst))
	}
	v := verifier{dst: dst[:n]}
	return v.verify(ob, id, slice, off, n)
}

// verifyParts is verifyRange that copies nothing: it appends to parts,
// in order, the pieces of slice that hold the range's bytes, each
// verified (the groups where they lie in the slice, between the
// parents), for a store that writes them from there (vecWriter). The
// pieces alias slice.
func verifyParts(parts [][]byte, ob []byte, id ID, slice []byte, off, n int64) (int64, [][]byte, error) {
	v := verifier{parts: parts[:0], vec: true}
	size, err := v.verify(ob, id, slice, off, n)
	return size, v.parts, err
}

// verify checks slice, a Bao slice of [off, off+n), against id and
// puts the range's bytes where v says (dst, or parts).
func (v *verifier) verify(ob []byte, id ID, slice []byte, off, n int64) (int64, error) {
	if len(slice) < 8 {
		return 0, fmt.Errorf("%w: slice of %d bytes", ErrMalformed, len(slice))
	}
	size := int64(binary.LittleEndian.Uint64(slice))
	if size < 0 || off < 0 || n < 0 || off+n > size {
		return 0, fmt.Errorf("%w: range [%d,+%d) of %d bytes", ErrCorrupt, off, n, size)
	}
	if size == 0 {
		if id != Sum(nil) || len(slice) != 8 {
			return 0, fmt.Errorf("%w: empty blob", ErrCorrupt)
		}
		return 0, nil
	}
	if ob != nil && len(ob) != outboardSize(size) {
		return 0, fmt.Errorf("%w: outboard of %d bytes for a blob of %d", ErrMalformed, len(ob), size)
	}
	v.ob, v.o, v.s, v.p, v.off, v.end = ob, 8, slice, 8, off, off+n
	root := bytesToCV(id[:])
	if !v.rec(root, 0, size, guts.FlagRoot) || v.p != len(slice) {
		return 0, fmt.Errorf("%w: range [%d,+%d) of %s", ErrCorrupt, off, n, id.Short())
	}
	return size, nil
}

// verifier walks one slice in pre-order, as appendSlice wrote it.
type verifier struct {
	dst      []byte   // the range's bytes go here, unless vec
	vec      bool     // the range's pieces of s are appended to parts instead
	parts    [][]byte // (verifyParts)
	ob       []byte   // the outboard being assembled, or nil
	o        int      // where the next parent in pre-order goes in ob
	s        []byte
	p        int // next unread byte of s
	off, end int64
	tmp      *[GroupSize]byte // a short last group is hashed from here
}

func (v *verifier) rec(cv [8]uint32, pos, l int64, flags uint32) bool {
	if pos >= v.end || v.off >= pos+l {
		if l > GroupSize {
			v.o += 64 * parentsWithin(l) // outside the range: not in the slice
		}
		return true
	}
	if l <= GroupSize {
		if len(v.s)-v.p < int(l) {
			return false
		}
		g := v.s[v.p : v.p+int(l)]
		v.p += int(l)
		var buf *[GroupSize]byte
		if l == GroupSize {
			buf = (*[GroupSize]byte)(g)
		} else {
			if v.tmp == nil {
				v.tmp = new([GroupSize]byte)
			}
			buf = v.tmp
			copy(buf[:], g)
		}
		node := guts.CompressBuffer((*[guts.MaxSIMD * guts.ChunkSize]byte)(buf), int(l), &guts.IV, uint64(pos/guts.ChunkSize), 0)
		node.Flags |= flags
		if guts.ChainingValue(node) != cv {
			return false
		}
		lo, hi := max(pos, v.off), min(pos+l, v.end)
		if v.vec {
			piece := g[lo-pos : hi-pos]
			if k := len(v.parts) - 1; k >= 0 && sameArray(v.parts[k], piece) {
				v.parts[k] = v.parts[k][:len(v.parts[k])+len(piece)] // adjacent in s: one piece
			} else {
				v.parts = append(v.parts, piece)
			}
			return true
		}
		copy(v.dst[lo-v.off:hi-v.off], g[lo-pos:hi-pos])
		return true
	}
	if len(v.s)-v.p < 64 {
		return false
	}
	parent := v.s[v.p : v.p+64]
	left, right := bytesToCV(parent), bytesToCV(parent[32:])
	v.p += 64
	if guts.ChainingValue(guts.ParentNode(left, right, &guts.IV, flags)) != cv {
		return false
	}
	if v.ob != nil {
		copy(v.ob[v.o:], parent)
	}
	v.o += 64
	mid := int64(1) << (bits.Len64(uint64(l-1)) - 1)
	return v.rec(left, pos, mid, 0) && v.rec(right, pos+mid, l-mid, 0)
}

// sameArray reports whether b follows a directly in one array (a's
// capacity reaches b's start).
func sameArray(a, b []byte) bool {
	return cap(a) > len(a) && len(b) > 0 && &a[:len(a)+1][len(a)] == &b[0]
}

// bytesToCV reads a 32-byte chaining value (little-endian words).
func bytesToCV(b []byte) (cv [8]uint32) {
	_ = b[31]
	for i := range cv {
		cv[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return cv
}
