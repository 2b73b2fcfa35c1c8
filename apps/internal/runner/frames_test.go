package runner

import "testing"

// TestFrames: small frames are plain allocations; large ones come in
// power-of-two buffers that Put takes back and Get hands out again;
// foreign buffers and a nil Frames are ignored.
func TestFrames(t *testing.T) {
	var f Frames
	if b := f.Get(100); len(b) != 100 || cap(b) != 100 {
		t.Fatalf("small frame: len %d cap %d", len(b), cap(b))
	}
	b := f.Get(MinPooled + 1)
	if len(b) != MinPooled+1 || cap(b) != 2*MinPooled {
		t.Fatalf("large frame: len %d cap %d", len(b), cap(b))
	}
	f.Put(make([]byte, 3*MinPooled)) // not a class: ignored
	reused := false
	for range 100 { // sync.Pool may drop an item (it does at random under -race)
		b := f.Get(2 * MinPooled)
		b[0] = 42
		f.Put(b)
		if got := f.Get(2*MinPooled - 5); len(got) == 2*MinPooled-5 && got[0] == 42 {
			reused = true
			break
		}
	}
	if !reused {
		t.Fatal("a buffer put back was never reused")
	}
	var nilFrames *Frames
	if b := nilFrames.Get(MinPooled); len(b) != MinPooled {
		t.Fatal("nil Frames: no buffer")
	}
	nilFrames.Put(b)
}
