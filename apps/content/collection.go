package content

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path"
	"slices"
	"strings"
)

// A collection is a directory tree as a blob: its entries, each a file's
// path (slash-separated, relative, clean) with the ID and size of the
// file's blob, sorted by path:
//
//	"ANC1" | u32 count | count × (u16 len | path | 32-byte id | u64 size)
//
// Two files with the same bytes are one blob (deduplication); a
// collection's own ID names the whole tree.

var collectionMagic = []byte("ANC1")

// FileEntry is one file of a collection.
type FileEntry struct {
	Path string `json:"path"`
	ID   ID     `json:"id"`
	Size int64  `json:"size"`
}

// EncodeCollection returns the collection blob of files (sorted here).
func EncodeCollection(files []FileEntry) ([]byte, error) {
	fs := slices.Clone(files)
	slices.SortFunc(fs, func(a, b FileEntry) int { return strings.Compare(a.Path, b.Path) })
	b := binary.BigEndian.AppendUint32(bytes.Clone(collectionMagic), uint32(len(fs)))
	for i, f := range fs {
		if !validPath(f.Path) || f.Size < 0 || (i > 0 && fs[i-1].Path == f.Path) {
			return nil, fmt.Errorf("%w: collection path %q", ErrMalformed, f.Path)
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(f.Path)))
		b = append(b, f.Path...)
		b = append(b, f.ID[:]...)
		b = binary.BigEndian.AppendUint64(b, uint64(f.Size))
	}
	return b, nil
}

// DecodeCollection parses a collection blob.
func DecodeCollection(b []byte) ([]FileEntry, error) {
	if !bytes.HasPrefix(b, collectionMagic) {
		return nil, fmt.Errorf("%w: not a collection", ErrMalformed)
	}
	r := &reader{b: b[len(collectionMagic):]}
	n := r.u32()
	if int64(n) > int64(len(b))/42 {
		return nil, fmt.Errorf("%w: collection of %d entries in %d bytes", ErrMalformed, n, len(b))
	}
	fs := make([]FileEntry, 0, n)
	for range n {
		f := FileEntry{Path: string(r.take(r.u16())), ID: r.id(), Size: int64(r.u64())}
		if r.bad || !validPath(f.Path) || f.Size < 0 || (len(fs) > 0 && fs[len(fs)-1].Path >= f.Path) {
			return nil, fmt.Errorf("%w: collection entry %q", ErrMalformed, f.Path)
		}
		fs = append(fs, f)
	}
	if r.bad || len(r.b) != 0 {
		return nil, fmt.Errorf("%w: collection trailer", ErrMalformed)
	}
	return fs, nil
}

// validPath: relative, clean, slash-separated, no "..", at most 1 KiB.
func validPath(p string) bool {
	return p != "" && len(p) <= 1024 && path.Clean(p) == p && !strings.HasPrefix(p, "/") &&
		p != ".." && !strings.HasPrefix(p, "../") && !strings.Contains(p, "\\") && !strings.ContainsRune(p, 0)
}
