package router

import (
	"net/netip"
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
	m.count(&h, 1, 1000)
	m.count(&h, 1, 500)
	h2 := link.Header{Type: link.FrameTransport, Src: &dst, Dst: &other}
	m.count(&h2, 1, 70)
	m.count(&link.Header{Type: link.FrameControl, Src: &src, Dst: &dst}, 1, 99)
	m.count(&link.Header{Type: link.FrameTransport, Dst: &dst}, 1, 99)
	if c := m.pairs[meterKey{src, dst}]; c == nil || c.bytes.Load() != 1500 || c.frames.Load() != 2 {
		t.Fatalf("src→dst: %+v", c)
	}
	if c := m.pairs[meterKey{dst, other}]; c == nil || c.bytes.Load() != 70 || c.frames.Load() != 1 {
		t.Fatalf("dst→other: %+v", c)
	}
	if len(m.pairs) != 2 {
		t.Fatalf("%d pairs, want 2", len(m.pairs))
	}
	if n := testing.AllocsPerRun(100, func() { m.count(&h, 1, 1280) }); n != 0 {
		t.Fatalf("%v allocations per frame", n)
	}
	for i := 0; len(m.pairs) < maxMetered; i++ {
		l := link.Locator{byte(i), byte(i >> 8), 9}
		m.count(&link.Header{Type: link.FrameTransport, Src: &l, Dst: &dst}, 1, 1)
	}
	full := link.Locator{0xff, 0xff, 0xff}
	m.count(&link.Header{Type: link.FrameTransport, Src: &full, Dst: &dst}, 1, 1)
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
		m.count(&h, 1, 1280)
	}
}

// TestMeterSent: frames Forward passed on are metered when they are
// handed back as sent (link.ForwardMeter), per (source, destination)
// pair exactly when sources alternate within a batch and runs of one
// pair span batches, when the route changes under a flow, and past a
// full meter (Unmetered); frames that were not sent (a full queue
// dropped them) and control frames are not metered; forwarding and
// metering allocate nothing once the pairs are known.
func TestMeterSent(t *testing.T) {
	tr, _ := newTestRouter(t)
	dst := forwardDst
	tr.attachForTest(t, dst, netip.MustParseAddrPort("127.0.0.1:11"))
	srcs := []link.Locator{{0: 0x2b}, {0: 0x2c}, {0: 0x2d}}
	frame := func(src *link.Locator, size int) []byte {
		f := link.AppendHeader(nil, &link.Header{Type: link.FrameTransport, HopLimit: 64, Dst: &dst, Src: src})
		return append(f, make([]byte, size-len(f))...)
	}
	forward := func(f []byte) {
		t.Helper()
		var h link.Header
		payload, err := link.ParseHeader(f, &h)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := tr.r.Forward(f, h, payload, netip.MustParseAddrPort("127.0.0.1:3")); !ok {
			t.Fatal("not forwarded")
		}
	}
	want := map[meterKey]uint64{}
	var batch [][]byte
	for i := range 60 {
		src := &srcs[(i/4+i%2)%len(srcs)] // runs of one pair, and alternating pairs
		f := frame(src, 100+i)
		forward(f)
		if i%7 == 3 { // dropped by a full queue: never handed back
			continue
		}
		batch = append(batch, f)
		want[meterKey{*src, dst}] += uint64(len(f))
		if i%9 == 8 {
			tr.r.Sent(batch)
			batch = batch[:0]
		}
		if i == 20 { // the host attaches again elsewhere: a new cache entry
			tr.attachForTest(t, dst, netip.MustParseAddrPort("127.0.0.1:12"))
		}
	}
	ctl := link.AppendHeader(nil, &link.Header{Type: link.FrameControl, HopLimit: 64, Dst: &dst, Src: &srcs[0]})
	tr.r.Sent(append(batch, append(ctl, 1, 2, 3)))
	got := map[meterKey]uint64{}
	for _, f := range tr.r.Forwarded() {
		got[meterKey{f.Src, f.Dst}] = f.Bytes
	}
	if len(got) != len(want) {
		t.Fatalf("pairs %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Fatalf("pair %x→%x: %d bytes, want %d", k.src[0], k.dst[0], got[k], w)
		}
	}
	f := frame(&srcs[0], 200)
	var h link.Header
	payload, _ := link.ParseHeader(f, &h)
	one := [][]byte{f}
	if n := testing.AllocsPerRun(100, func() {
		f[1] = 64
		tr.r.Forward(f, h, payload, netip.AddrPort{})
		tr.r.Sent(one)
	}); n != 0 {
		t.Fatalf("%v allocations per forwarded frame", n)
	}

	for i := 0; len(tr.r.meter.pairs) < maxMetered; i++ { // fill the meter
		l := link.Locator{byte(i), byte(i >> 8), 9}
		tr.r.meter.count(&link.Header{Type: link.FrameTransport, Src: &l, Dst: &dst}, 1, 1)
	}
	before := tr.r.Unmetered()
	f = frame(&link.Locator{0xff, 0xff, 0xff}, 100)
	forward(f)
	tr.r.Sent([][]byte{f, f})
	if tr.r.Unmetered() != before+2 {
		t.Fatalf("a new pair past a full meter: unmetered %d, want %d", tr.r.Unmetered(), before+2)
	}
}
