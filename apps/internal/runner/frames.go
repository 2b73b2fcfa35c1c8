package runner

import (
	"encoding/binary"
	"math/bits"
	"runtime"
	"sync"
	"unsafe"
	"weak"
)

// Frames recycles the buffers of large frames, for a core that moves
// bulk bytes (a blob's ranges): allocating a fresh megabyte per frame
// costs more than the bytes' copy and its hash (the new pages are
// faulted in and zeroed). A Runner with Config.Frames reads frames of
// at least MinPooled bytes into its buffers and takes them back once
// the core has handled the frame (service.Input.Frame is the driver's);
// frames the core sends that came from Get go back once written.
//
// Buffers come in classes a quarter of a power of two apart (a frame of
// a 1 MiB range and its parents takes 1.25 MiB, not 2), and up to
// MaxIdle bytes of them wait between uses on free lists the garbage
// collector leaves alone: a sync.Pool empties every other collection,
// and the transfer after it would fault in and zero new buffers again.
// The zero value is ready; it is safe for concurrent use.
//
// Each buffer it makes has room for the frame's length in front of it,
// so that the writer sends a large frame and its length in one write
// (WithLength): written apart, the 4-byte length left as a TCP segment
// of its own before every frame, which split the link's batches (a
// 64 MiB download in 256 KiB ranges sent 255 more packets and 10–25 %
// more sendmmsg calls than with one write).
type Frames struct {
	mu   sync.Mutex // guards free, idle and made
	free [nClass][][]byte
	idle int // bytes on the free lists
	// made holds the buffers made here: the address of a buffer's
	// first byte, to the first byte of its room in front. Weak: a
	// buffer nothing uses any more goes, and its entry with it (forget).
	made map[uintptr]weak.Pointer[byte]
}

// lenRoom is the room a buffer has in front: a frame's u32 length.
const lenRoom = 4

const (
	minShift = 16 // MinPooled = 64 KiB
	maxShift = 24 // 16 MiB
	steps    = 4  // classes per power of two
	nClass   = 1 + (maxShift-minShift)*steps
	// MinPooled is the smallest frame Frames recycles.
	MinPooled = 1 << minShift
	// MaxIdle bounds the bytes of buffers a Frames keeps between uses.
	MaxIdle = 32 << 20
)

// classOf is the smallest class whose buffers hold n bytes
// (MinPooled ≤ n ≤ 1<<maxShift).
func classOf(n int) int {
	if n <= MinPooled {
		return 0
	}
	k := bits.Len(uint(n-1)) - 1 // 1<<k < n ≤ 1<<(k+1)
	step := 1 << (k - 2)
	j := (n - 1<<k + step - 1) / step // 1…steps
	return 1 + (k-minShift)*steps + j - 1
}

// classSize is the capacity of class i's buffers.
func classSize(i int) int {
	if i == 0 {
		return MinPooled
	}
	k, j := minShift+(i-1)/steps, (i-1)%steps+1
	return 1<<k + j<<(k-2)
}

// Get returns a buffer of length n: a recycled one when n is at least
// MinPooled, else a new one. A nil Frames allocates.
func (f *Frames) Get(n int) []byte {
	if f == nil || n < MinPooled || n > 1<<maxShift {
		return make([]byte, n)
	}
	i := classOf(n)
	f.mu.Lock()
	if l := f.free[i]; len(l) > 0 {
		b := l[len(l)-1]
		l[len(l)-1] = nil
		f.free[i] = l[:len(l)-1]
		f.idle -= cap(b)
		f.mu.Unlock()
		return b[:n]
	}
	f.mu.Unlock()
	return f.make(i)[:n]
}

// make returns a new buffer of class i, with room in front of it.
func (f *Frames) make(i int) []byte {
	whole := make([]byte, lenRoom+classSize(i))
	at, room := uintptr(unsafe.Pointer(&whole[lenRoom])), weak.Make(&whole[0])
	f.mu.Lock()
	if f.made == nil {
		f.made = map[uintptr]weak.Pointer[byte]{}
	}
	f.made[at] = room
	f.mu.Unlock()
	runtime.AddCleanup(&whole[0], f.forget, madeBuf{at, room})
	return whole[lenRoom:]
}

// madeBuf is an entry of Frames.made.
type madeBuf struct {
	at   uintptr
	room weak.Pointer[byte]
}

// forget drops the entry of a collected buffer (unless a new buffer
// took its address since).
func (f *Frames) forget(m madeBuf) {
	f.mu.Lock()
	if f.made[m.at] == m.room {
		delete(f.made, m.at)
	}
	f.mu.Unlock()
}

// WithLength returns the frame b preceded by its length (u32
// big-endian), the wire form, in the room in front of b, when b starts
// a buffer from Get; else nil. It writes that room: b must be the
// caller's to send.
func (f *Frames) WithLength(b []byte) []byte {
	if f == nil || len(b) == 0 || cap(b) < MinPooled {
		return nil
	}
	f.mu.Lock()
	room, ok := f.made[uintptr(unsafe.Pointer(&b[0]))]
	f.mu.Unlock()
	// A buffer made here and still alive (a collected one's address
	// may hold another object now): b starts lenRoom bytes into it.
	p := room.Value()
	if !ok || p == nil {
		return nil
	}
	w := unsafe.Slice(p, lenRoom+len(b))
	binary.BigEndian.PutUint32(w, uint32(len(b)))
	return w
}

// Put hands back a buffer from Get that nothing uses any more; other
// buffers (and a nil Frames) are ignored, as are buffers past MaxIdle.
func (f *Frames) Put(b []byte) {
	c := cap(b)
	if f == nil || c < MinPooled || c > 1<<maxShift {
		return
	}
	i := classOf(c)
	if classSize(i) != c {
		return
	}
	f.mu.Lock()
	if f.idle+c <= MaxIdle {
		f.free[i] = append(f.free[i], b[:0])
		f.idle += c
	}
	f.mu.Unlock()
}
