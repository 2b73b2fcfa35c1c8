package content

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"slices"

	"lukechampine.com/blake3/bao"
)

// Verified streaming (iroh-blobs' layout): a blob's BLAKE3 tree is kept
// beside it as a Bao outboard with chunk groups of GroupSize bytes, so
// any group-aligned range travels as a Bao slice (the parents on its
// path and its groups, in pre-order) and is checked against the ID
// before a byte of it is used.
const (
	// groupLog is the Bao group parameter: 2^4 chunks of 1 KiB.
	groupLog = 4
	// GroupSize is the unit of verification: 16 KiB.
	GroupSize = 1024 << groupLog
)

// Outboard hashes size bytes of r and returns the ID and the Bao
// outboard (8-byte little-endian length, then 64-byte parents in
// pre-order).
func Outboard(r io.Reader, size int64) (ID, []byte, error) {
	buf := &writerAt{b: make([]byte, bao.EncodedSize(int(size), groupLog, true))}
	root, err := bao.Encode(buf, r, size, groupLog, true)
	if err != nil {
		return ID{}, nil, fmt.Errorf("content: hash: %w", err)
	}
	return ID(root), buf.b, nil
}

type writerAt struct{ b []byte }

func (w *writerAt) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 || int(off)+len(p) > len(w.b) {
		return 0, io.ErrShortWrite
	}
	return copy(w.b[off:], p), nil
}

// outboardSize is the length the outboard of size bytes has.
func outboardSize(size int64) int { return bao.EncodedSize(int(size), groupLog, true) }

// extractSlice returns the Bao slice of [off, off+n) of a blob of size
// bytes, reading its groups from data and its parents from outboard. It
// skips the parents of subtrees outside the range, so its cost follows
// the range and the tree's depth, not the blob's size. off and n are
// rounded out to groups by the slice format itself.
func extractSlice(data io.ReaderAt, outboard []byte, size, off, n int64) ([]byte, error) {
	return appendSlice(nil, data, outboard, size, off, n)
}

// appendSlice appends the slice extractSlice returns to dst, reading
// the groups straight into it (one copy of the bytes, one allocation).
func appendSlice(dst []byte, data io.ReaderAt, outboard []byte, size, off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off+n > size || len(outboard) != outboardSize(size) {
		return nil, fmt.Errorf("%w: slice [%d,+%d) of %d bytes", ErrMalformed, off, n, size)
	}
	out := slices.Grow(dst, sliceSize(size, off, n))
	out = append(out, outboard[:8]...)
	o := 8 // next parent in outboard
	var err error
	var rec func(pos, l int64)
	rec = func(pos, l int64) {
		if err != nil {
			return
		}
		in := pos < off+n && off < pos+l
		if l <= GroupSize {
			if in {
				at := len(out)
				if cap(out) >= at+int(l) {
					out = out[:at+int(l)] // within the capacity Grow made: not zeroed first
				} else {
					out = append(out, make([]byte, l)...)
				}
				if _, e := data.ReadAt(out[at:], pos); e != nil && !(e == io.EOF && pos+l == size) {
					err = fmt.Errorf("content: read blob at %d: %w", pos, e)
				}
			}
			return
		}
		if !in {
			o += 64 * parentsWithin(l)
			return
		}
		out = append(out, outboard[o:o+64]...)
		o += 64
		mid := int64(1) << (bits.Len64(uint64(l-1)) - 1)
		rec(pos, mid)
		rec(pos+mid, l-mid)
	}
	if size > 0 {
		rec(0, size)
	}
	return out, err
}

// sliceSize is the length of the Bao slice of [off, off+n) of a blob
// of size bytes (appendSlice's walk, without the bytes).
func sliceSize(size, off, n int64) int {
	total := 8
	var rec func(pos, l int64)
	rec = func(pos, l int64) {
		if pos >= off+n || off >= pos+l {
			return
		}
		if l <= GroupSize {
			total += int(l)
			return
		}
		total += 64
		mid := int64(1) << (bits.Len64(uint64(l-1)) - 1)
		rec(pos, mid)
		rec(pos+mid, l-mid)
	}
	if size > 0 {
		rec(0, size)
	}
	return total
}

// parentsWithin is how many parent nodes a subtree of l bytes has.
func parentsWithin(l int64) int {
	g := (l + GroupSize - 1) / GroupSize
	return int(g - 1)
}

// verifySlice checks a Bao slice of [off, off+n) against id and returns
// the blob's size and the range's bytes (a new slice). A slice proves
// the size only when it reaches the blob's last group (see Core).
func verifySlice(id ID, slice []byte, off, n int64) (int64, []byte, error) {
	if len(slice) < 8 {
		return 0, nil, fmt.Errorf("%w: slice of %d bytes", ErrMalformed, len(slice))
	}
	size := int64(binary.LittleEndian.Uint64(slice))
	if size < 0 || off < 0 || n < 0 || off+n > size {
		return 0, nil, fmt.Errorf("%w: range [%d,+%d) of %d bytes", ErrCorrupt, off, n, size)
	}
	b := make([]byte, n)
	size, err := verifyInto(b, id, slice, off, n)
	if err != nil {
		return 0, nil, err
	}
	return size, b, nil
}
