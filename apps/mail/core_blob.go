package mail

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/anynet/anynet/apps/service"
)

// Large messages are kept in chunks, never as one value: a blob is a
// run of chunks of at most ChunkSize bytes under one 16-byte id,
// shared by reference count (a message submitted to several
// recipients, a message copied to another folder).
//
//	"B" blob[16] index[4] → chunk
//	"R" blob[16]          → references (4 raw bytes)
//	"S" blob[16]          → a spool being written (SpoolCmd) and not yet released
//
// A message of at most ChunkSize bytes stays one value ("O" id, "b"
// folder uid) as before.

// ChunkSize is the most bytes a blob chunk and a PART frame's message
// bytes hold.
const ChunkSize = 256 << 10

func blobKey(b MessageID, i int) []byte {
	return binary.BigEndian.AppendUint32(append([]byte("B"), b[:]...), uint32(i))
}

func refKey(b MessageID) []byte { return append([]byte("R"), b[:]...) }

func parseBlob(s string) (MessageID, bool) {
	var b MessageID
	x, err := hex.DecodeString(s)
	if err != nil || len(x) != len(b) {
		return b, false
	}
	return MessageID(x), true
}

// putChunks writes data as the blob's chunks from index first on (no
// copy: the writes alias data).
func putChunks(b MessageID, first int, data []byte, out *service.Effects) int {
	n := 0
	for len(data) > 0 {
		k := min(len(data), ChunkSize)
		out.Put(blobKey(b, first+n), data[:k])
		data = data[k:]
		n++
	}
	return n
}

// refs reads a blob's reference count, as changed in this Handle.
func (c *Core) refs(b MessageID) uint32 {
	if n, ok := c.refCache[b]; ok {
		return n
	}
	v, err := c.cfg.Store.Get(refKey(b))
	if err != nil || len(v) != 4 {
		return 0
	}
	return binary.BigEndian.Uint32(v)
}

// ref adds delta to a blob's references; at zero its chunks go.
func (c *Core) ref(b MessageID, delta int, out *service.Effects) {
	n := int(c.refs(b)) + delta
	if n > 0 {
		c.refCache[b] = uint32(n)
		out.Put(refKey(b), binary.BigEndian.AppendUint32(nil, uint32(n)))
		return
	}
	c.refCache[b] = 0
	out.Del(refKey(b))
	c.dropChunks(b, out)
}

// dropChunks deletes a blob's chunks.
func (c *Core) dropChunks(b MessageID, out *service.Effects) {
	prefix := append([]byte("B"), b[:]...)
	c.cfg.Store.Scan(prefix, func(k, _ []byte) bool {
		out.Del(bytes.Clone(k))
		return true
	})
}

// dropSpools lets go the spools a gateway did not release before the
// node stopped (Start).
func (c *Core) dropSpools(out *service.Effects) {
	c.cfg.Store.Scan([]byte("S"), func(k, _ []byte) bool {
		if len(k) == 17 {
			b := MessageID(k[1:])
			out.Del(bytes.Clone(k))
			if c.refs(b) == 0 {
				c.dropChunks(b, out)
			}
		}
		return true
	})
}

// blobReader reads a blob's chunks in order, one at a time.
type blobReader struct {
	st   service.Store
	blob MessageID
	next int
	cur  []byte
	err  error
}

func (r *blobReader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		v, err := r.st.Get(blobKey(r.blob, r.next))
		if err != nil {
			r.err = io.EOF // past the last chunk
			continue
		}
		r.cur, r.next = v, r.next+1
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// readChunk reads one chunk of a blob.
func readChunk(st service.Store, b MessageID, i int) ([]byte, error) {
	v, err := st.Get(blobKey(b, i))
	if err != nil {
		return nil, fmt.Errorf("mail: blob %s chunk %d: %w", b, i, err)
	}
	return v, nil
}
