package runner

import (
	"math/bits"
	"sync"
)

// Frames recycles the buffers of large frames, for a core that moves
// bulk bytes (a blob's ranges): allocating a fresh megabyte per frame
// costs more than the bytes' copy and its hash (the new pages are
// faulted in and zeroed). A Runner with Config.Frames reads frames of
// at least MinPooled bytes into its buffers and takes them back once
// the core has handled the frame (service.Input.Frame is the driver's);
// frames the core sends that came from Get go back once written. The
// zero value is ready; it is safe for concurrent use.
type Frames struct {
	pools [maxClass - minClass + 1]sync.Pool // by power-of-two capacity
}

const (
	minClass = 16 // MinPooled = 64 KiB
	maxClass = 24 // 16 MiB
	// MinPooled is the smallest frame Frames recycles.
	MinPooled = 1 << minClass
)

// class is the pool of a buffer of capacity c, or -1.
func class(c int) int {
	if c < MinPooled || c > 1<<maxClass || c&(c-1) != 0 {
		return -1
	}
	return bits.Len(uint(c)) - 1 - minClass
}

// Get returns a buffer of length n: a recycled one when n is at least
// MinPooled, else a new one. A nil Frames allocates.
func (f *Frames) Get(n int) []byte {
	if f == nil || n < MinPooled || n > 1<<maxClass {
		return make([]byte, n)
	}
	c := 1 << bits.Len(uint(n-1))
	if b, ok := f.pools[class(c)].Get().(*[]byte); ok {
		return (*b)[:n]
	}
	return make([]byte, n, c)
}

// Put hands back a buffer from Get that nothing uses any more; other
// buffers (and a nil Frames) are ignored.
func (f *Frames) Put(b []byte) {
	if f == nil {
		return
	}
	if k := class(cap(b)); k >= 0 {
		b = b[:0]
		f.pools[k].Put(&b)
	}
}
