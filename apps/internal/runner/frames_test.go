package runner

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"
)

// TestFrames: small frames are plain allocations; large ones come in
// buffers of classes a quarter of a power of two apart that Put takes
// back and Get hands out again, also after a garbage collection; past
// MaxIdle, foreign buffers and a nil Frames are ignored.
func TestFrames(t *testing.T) {
	var f Frames
	if b := f.Get(100); len(b) != 100 || cap(b) != 100 {
		t.Fatalf("small frame: len %d cap %d", len(b), cap(b))
	}
	for _, c := range []struct{ n, cap int }{
		{MinPooled, MinPooled},
		{MinPooled + 1, MinPooled + MinPooled/4},
		{2 * MinPooled, 2 * MinPooled},
		{1<<20 + 4608, 1<<20 + 1<<18}, // a 1 MiB range and its parents: 1.25 MiB
		{3 << 20, 3 << 20},
		{1 << 24, 1 << 24},
	} {
		if b := f.Get(c.n); len(b) != c.n || cap(b) != c.cap {
			t.Errorf("Get(%d): len %d cap %d, want cap %d", c.n, len(b), cap(b), c.cap)
		}
	}
	b := f.Get(2 * MinPooled)
	b[0] = 42
	f.Put(b)
	runtime.GC()
	runtime.GC()
	if got := f.Get(2*MinPooled - 5); len(got) != 2*MinPooled-5 || got[0] != 42 {
		t.Fatal("a buffer put back was not reused after a GC")
	}
	f.Put(make([]byte, 3*MinPooled+1)) // not a class: ignored
	if f.idle != 0 {
		t.Fatalf("a foreign buffer was kept: %d bytes idle", f.idle)
	}
	for range 2 * MaxIdle / (1 << 20) {
		f.Put(make([]byte, 1<<20))
	}
	if f.idle != MaxIdle {
		t.Fatalf("%d bytes idle, want MaxIdle %d", f.idle, MaxIdle)
	}
	var nilFrames *Frames
	if b := nilFrames.Get(MinPooled); len(b) != MinPooled {
		t.Fatal("nil Frames: no buffer")
	}
	nilFrames.Put(b)
}

// TestFrameClasses: every class holds the lengths it is chosen for,
// and is the smallest that does.
func TestFrameClasses(t *testing.T) {
	for n := MinPooled; n <= 1<<maxShift; n += 997 {
		i := classOf(n)
		if classSize(i) < n || (i > 0 && classSize(i-1) >= n) {
			t.Fatalf("n %d: class %d of %d bytes (the one below: %d)", n, i, classSize(i), classSize(i-1))
		}
	}
	if i := classOf(1 << maxShift); i != nClass-1 {
		t.Fatalf("the largest frame is class %d of %d", i, nClass)
	}
}

// TestFramesWithLength: a buffer from Get, new or recycled, has room
// for its length in front, so WithLength gives the frame's wire form
// without a copy; a foreign buffer, one sliced past its start, a small
// frame and a nil Frames have none; a collected buffer's entry goes.
func TestFramesWithLength(t *testing.T) {
	var f Frames
	b := f.Get(MinPooled + 10)
	for i := range b {
		b[i] = byte(i)
	}
	for round := range 2 { // made, then recycled
		w := f.WithLength(b)
		if len(w) != 4+len(b) || binary.BigEndian.Uint32(w) != uint32(len(b)) || &w[4] != &b[0] {
			t.Fatalf("round %d: %d bytes, length %x, want %d bytes after it in place", round, len(w), w[:min(4, len(w))], len(b))
		}
		f.Put(b)
		b = f.Get(MinPooled + 3)
	}
	var nilFrames *Frames
	for name, x := range map[string][]byte{
		"foreign":    make([]byte, MinPooled),
		"past start": b[1:],
		"small":      f.Get(100),
	} {
		if w := f.WithLength(x); w != nil {
			t.Errorf("%s: room in front of it", name)
		}
	}
	if nilFrames.WithLength(b) != nil {
		t.Error("nil Frames: room in front")
	}
	f.Put(b)
	f.mu.Lock()
	f.free = [nClass][][]byte{} // nothing refers to the buffer any more
	f.idle = 0
	f.mu.Unlock()
	b = nil
	for range 100 {
		runtime.GC()
		f.mu.Lock()
		n := len(f.made)
		f.mu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond) // cleanups run on a goroutine of their own
	}
	t.Fatalf("%d buffers still listed after they were collected", len(f.made))
}
