package transport

import (
	"encoding/binary"
	"testing"
)

func TestReplayWindow(t *testing.T) {
	const limit = 1 << 20
	var w replayWindow
	steps := []struct {
		counter uint64
		want    bool
	}{
		{0, true}, {0, false}, {1, true}, {3, true}, {2, true}, {2, false},
		{5000, true},
		{5000 - replayWindowSize, true},      // oldest in the window
		{5000 - replayWindowSize - 1, false}, // just behind it
		{4999, true}, {4999, false},
		{5000 + 10*replayBlockBits*replayRingBlocks, true}, // jump far ahead clears the ring
		{5000, false},
		{limit - 1, true},
		{limit, false}, // at the limit
	}
	for i, s := range steps {
		if got := w.check(s.counter, limit); got != s.want {
			t.Fatalf("step %d: check(%d) = %v, want %v", i, s.counter, got, s.want)
		}
	}
}

// refWindow is the reference model: every counter seen, and the newest.
type refWindow struct {
	seen map[uint64]bool
	last uint64
}

func (r *refWindow) check(c, limit uint64) bool {
	if c >= limit {
		return false
	}
	if c > r.last {
		r.last = c
	} else if r.last-c > replayWindowSize {
		return false
	}
	if r.seen[c] {
		return false
	}
	r.seen[c] = true
	return true
}

// FuzzReplayWindow runs the window against the reference model. Each 3
// input bytes are one step: a signed delta from the newest counter
// (mostly small, to stay near the window's edge) and a scale.
func FuzzReplayWindow(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0, 0, 0x80, 0, 1})
	f.Add([]byte{0xff, 0x07, 2, 0x01, 0x08, 2, 0xc1, 0x07, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 1 << 40
		var w replayWindow
		ref := refWindow{seen: map[uint64]bool{}}
		for len(data) >= 3 {
			d := int64(int16(binary.LittleEndian.Uint16(data)))
			switch data[2] % 4 {
			case 1:
				d *= 4
			case 2:
				d *= 64
			case 3:
				d *= 1 << 30
			}
			data = data[3:]
			c := int64(ref.last) + d
			if c < 0 {
				c = -c
			}
			if got, want := w.check(uint64(c), limit), ref.check(uint64(c), limit); got != want {
				t.Fatalf("check(%d) after last %d: window %v, model %v", c, w.last, got, want)
			}
		}
	})
}
