package router

import (
	"testing"

	"github.com/anynet/anynet/link"
)

// TestMeterCounts: the meter counts transport frames per (source,
// destination) locator pair, skips control frames and frames without a
// source locator, allocates nothing per frame, and stops adding pairs
// at maxMetered.
func TestMeterCounts(t *testing.T) {
	var m meter
	src, dst, other := link.Locator{1}, link.Locator{2}, link.Locator{3}
	h := link.Header{Type: link.FrameTransport, Src: &src, Dst: &dst}
	m.count(&h, 1000)
	m.count(&h, 500)
	h2 := link.Header{Type: link.FrameTransport, Src: &dst, Dst: &other}
	m.count(&h2, 70)
	m.count(&link.Header{Type: link.FrameControl, Src: &src, Dst: &dst}, 99)
	m.count(&link.Header{Type: link.FrameTransport, Dst: &dst}, 99)
	if c := m.pairs[meterKey{src, dst}]; c == nil || c.bytes.Load() != 1500 || c.frames.Load() != 2 {
		t.Fatalf("src→dst: %+v", c)
	}
	if c := m.pairs[meterKey{dst, other}]; c == nil || c.bytes.Load() != 70 || c.frames.Load() != 1 {
		t.Fatalf("dst→other: %+v", c)
	}
	if len(m.pairs) != 2 {
		t.Fatalf("%d pairs, want 2", len(m.pairs))
	}
	if n := testing.AllocsPerRun(100, func() { m.count(&h, 1280) }); n != 0 {
		t.Fatalf("%v allocations per frame", n)
	}
	for i := 0; len(m.pairs) < maxMetered; i++ {
		l := link.Locator{byte(i), byte(i >> 8), 9}
		m.count(&link.Header{Type: link.FrameTransport, Src: &l, Dst: &dst}, 1)
	}
	full := link.Locator{0xff, 0xff, 0xff}
	m.count(&link.Header{Type: link.FrameTransport, Src: &full, Dst: &dst}, 1)
	if len(m.pairs) != maxMetered || m.unmetered.Load() != 1 {
		t.Fatalf("full meter: %d pairs, %d unmetered", len(m.pairs), m.unmetered.Load())
	}
}

// BenchmarkMeterCount: the cost the meter adds to a forwarded frame.
func BenchmarkMeterCount(b *testing.B) {
	var m meter
	src, dst := link.Locator{1}, link.Locator{2}
	h := link.Header{Type: link.FrameTransport, Src: &src, Dst: &dst}
	b.ReportAllocs()
	for b.Loop() {
		m.count(&h, 1280)
	}
}
