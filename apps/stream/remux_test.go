package stream

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/asticode/go-astits"
)

// TestNALUnits splits Annex B access units: 3- and 4-byte start codes,
// a trailing zero byte before a 4-byte start code dropped, bytes before
// the first start code ignored.
func TestNALUnits(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want [][]byte
	}{
		{[]byte{0, 0, 0, 1, 0x67, 0xaa, 0, 0, 1, 0x68, 0xbb, 0, 0, 0, 1, 0x65, 0xcc, 0xdd},
			[][]byte{{0x67, 0xaa}, {0x68, 0xbb}, {0x65, 0xcc, 0xdd}}},
		{[]byte{0xff, 0, 0, 1, 0x41, 1, 2, 3}, [][]byte{{0x41, 1, 2, 3}}},
		{[]byte{0x41, 1, 2, 3}, nil},
		{[]byte{0, 0, 1}, nil},
		{nil, nil},
	} {
		if got := nalUnits(c.in); !slices.EqualFunc(got, c.want, bytes.Equal) {
			t.Errorf("nalUnits(% x) = % x, want % x", c.in, got, c.want)
		}
	}
}

var (
	testSPS = []byte{0x67, 0x42, 0xc0, 0x1e}
	testPPS = []byte{0x68, 0xce, 0x3c, 0x80}
)

// testAU is an access unit: with key, an IDR slice (with SPS and PPS
// when sets), else a non-IDR slice.
func testAU(key, sets bool, i int) []byte {
	var b []byte
	if sets {
		b = append(append(append(b, 0, 0, 0, 1), testSPS...), append([]byte{0, 0, 0, 1}, testPPS...)...)
	}
	slice := []byte{0x41, byte(i)}
	if key {
		slice = []byte{0x65, 0x88, byte(i)}
	}
	return append(append(b, 0, 0, 0, 1), slice...)
}

type pushed struct {
	data     []byte
	d        time.Duration
	captured time.Time
}

// demux reads an entry back: each PES's PTS and data.
func demux(t *testing.T, b []byte) (pts []int64, data [][]byte) {
	t.Helper()
	if len(b)%188 != 0 || b[0] != 0x47 {
		t.Fatalf("entry of %d bytes starting %#x: not whole TS packets", len(b), b[0])
	}
	d := astits.NewDemuxer(context.Background(), bytes.NewReader(b))
	first := true
	for {
		x, err := d.NextData()
		if errors.Is(err, astits.ErrNoMorePackets) || errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if first && x.PAT == nil {
			t.Fatalf("an entry starts with %+v, not PAT", x)
		}
		first = false
		if x.PES != nil {
			pts = append(pts, x.PES.Header.OptionalHeader.PTS.Base)
			data = append(data, x.PES.Data)
		}
	}
}

// TestCutter: access units before the first keyframe are dropped;
// entries are cut at the first keyframe 200 ms (the target) after their
// start, each starting with PAT, PMT and that keyframe, with its
// duration from the RTP clock (across a wrap of the 32-bit timestamp)
// and the arrival of its first frame, PTS from the first one's arrival
// (90 kHz, 33 bits) on; a keyframe without SPS and PPS
// gets the last ones; every access unit starts with a delimiter; a
// keyframe later than the target is asked for once per entry.
func TestCutter(t *testing.T) {
	var got []pushed
	asked := 0
	c := newCutter(200*time.Millisecond, func(b []byte, d time.Duration, at time.Time) { got = append(got, pushed{b, d, at}) },
		func() { asked++ })
	t0 := time.Unix(1_700_000_000, 0)
	ts := uint32(1<<32 - 3*3600) // wraps in the first entry
	add := func(i int, key, sets bool) {
		t.Helper()
		if err := c.add(testAU(key, sets, i), ts, t0.Add(time.Duration(i)*40*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		ts += 3600 // 40 ms
	}
	add(0, false, false) // before the first keyframe: dropped
	for i := 1; i <= 15; i++ {
		add(i, i%5 == 1, i == 1) // a keyframe every 5 frames; SPS/PPS only with the first
	}
	if asked != 0 || len(got) != 2 {
		t.Fatalf("%d entries, %d keyframes asked for; want 2 and 0", len(got), asked)
	}
	for i, e := range got {
		if e.d != 200*time.Millisecond || !e.captured.Equal(t0.Add(time.Duration(1+5*i)*40*time.Millisecond)) {
			t.Errorf("entry %d: %v captured %v", i, e.d, e.captured)
		}
		pts, data := demux(t, e.data)
		if len(pts) != 5 {
			t.Fatalf("entry %d: %d access units", i, len(pts))
		}
		for j := range pts {
			if want := (t0.Add(40*time.Millisecond).UnixNano()*9/100_000 + int64(3600*(5*i+j))) & tsMask; pts[j] != want {
				t.Errorf("entry %d AU %d: PTS %d, want %d", i, j, pts[j], want)
			}
			if !bytes.HasPrefix(data[j], []byte{0, 0, 0, 1, 9, 0xf0}) {
				t.Errorf("entry %d AU %d: no delimiter: % x", i, j, data[j][:8])
			}
		}
		key := data[0]
		if !bytes.Contains(key, testSPS) || !bytes.Contains(key, testPPS) || !bytes.Contains(key, []byte{0, 0, 0, 1, 0x65}) {
			t.Errorf("entry %d does not start with SPS, PPS and an IDR slice: % x", i, key)
		}
	}
	// The next keyframe is late (the entry from frame 11 reaches the
	// target at 16): asked for once; the entry ends at 23, 12 frames long.
	for i := 16; i <= 22; i++ {
		add(i, false, false)
	}
	if asked != 1 || len(got) != 2 {
		t.Fatalf("late keyframe: asked %d times, %d entries; want 1, 2", asked, len(got))
	}
	add(23, true, false)
	if len(got) != 3 || got[2].d != 480*time.Millisecond {
		t.Fatalf("after the late keyframe: %d entries, the last %v long", len(got), got[len(got)-1].d)
	}
}

// FuzzCutter: any access unit bytes and timestamps give whole TS
// packets, never a panic.
func FuzzCutter(f *testing.F) {
	f.Add(testAU(true, true, 1), uint32(0), testAU(false, false, 2), uint32(3600))
	f.Add([]byte{0, 0, 1, 0x65}, uint32(1<<32-1), []byte{0, 0, 1}, uint32(5))
	f.Fuzz(func(t *testing.T, a []byte, ta uint32, b []byte, tb uint32) {
		var out [][]byte
		c := newCutter(time.Millisecond, func(d []byte, _ time.Duration, _ time.Time) { out = append(out, d) }, nil)
		for i, x := range [][]byte{a, b, a, b} {
			c.add(x, []uint32{ta, tb}[i%2]+uint32(i), time.Now())
		}
		for _, d := range append(out, c.buf.Bytes()) {
			if len(d)%188 != 0 {
				t.Fatalf("%d bytes: not whole TS packets", len(d))
			}
		}
	})
}
