package mem_test

import (
	"net/netip"
	"testing"

	"github.com/anynet/anynet/link/mem"
)

func TestPartition(t *testing.T) {
	n := mem.NewNetwork(mem.Config{})
	defer n.Close()
	a, b, c := attach(t, n), attach(t, n), attach(t, n)
	sa, sb, sc := newSink(a, 8), newSink(b, 8), newSink(c, 8)

	n.Disconnect(a.LocalAddr(), b.LocalAddr())
	for _, s := range []struct{ from, to *mem.Conn }{{a, b}, {b, a}} {
		if err := s.from.Send(s.to.LocalAddr(), []byte("cut")); err != nil {
			t.Fatal(err)
		}
	}
	if a.Stats().NoRoute != 1 || b.Stats().NoRoute != 1 {
		t.Fatalf("cut frames not counted: a %+v b %+v", a.Stats(), b.Stats())
	}
	// The rest of the network still works.
	if err := a.Send(c.LocalAddr(), []byte("a-c")); err != nil {
		t.Fatal(err)
	}
	if g := sc.next(t); string(g.frame) != "a-c" {
		t.Fatalf("c got %q", g.frame)
	}
	// Connect heals; the first frame through is the new one, so the cut
	// ones were never delivered.
	n.Connect(b.LocalAddr(), a.LocalAddr()) // order does not matter
	for _, s := range []struct {
		from, to *mem.Conn
		sink     *sink
	}{{a, b, sb}, {b, a, sa}} {
		if err := s.from.Send(s.to.LocalAddr(), []byte("healed")); err != nil {
			t.Fatal(err)
		}
		if g := s.sink.next(t); string(g.frame) != "healed" {
			t.Fatalf("got %q after Connect", g.frame)
		}
	}
}

func TestFilter(t *testing.T) {
	n := mem.NewNetwork(mem.Config{})
	defer n.Close()
	a, b := attach(t, n), attach(t, n)
	s := newSink(b, 16)
	n.SetFilter(func(src, dst netip.AddrPort, f []byte) bool {
		if src != a.LocalAddr() || dst != b.LocalAddr() {
			t.Errorf("filter saw %v -> %v", src, dst)
		}
		return f[0]%2 == 0
	})
	var batch [][]byte
	for i := range 10 {
		batch = append(batch, []byte{byte(i)})
	}
	if err := a.Send(b.LocalAddr(), batch...); err != nil {
		t.Fatal(err)
	}
	for want := byte(0); want < 10; want += 2 {
		if g := s.next(t); g.frame[0] != want {
			t.Fatalf("got %d, want %d", g.frame[0], want)
		}
	}
	if st := a.Stats(); st.Filtered != 5 || st.Sent != 5 {
		t.Fatalf("stats %+v", st)
	}
	n.SetFilter(nil)
	if err := a.Send(b.LocalAddr(), []byte{1}); err != nil {
		t.Fatal(err)
	}
	if g := s.next(t); g.frame[0] != 1 {
		t.Fatalf("filter not removed: got %d", g.frame[0])
	}
}

func TestRandomLoss(t *testing.T) {
	var zero netip.AddrPort
	decisions := func(f mem.Filter, n int) []bool {
		out := make([]bool, n)
		for i := range out {
			out[i] = f(zero, zero, nil)
		}
		return out
	}
	tests := []struct {
		rate     float64
		min, max int // kept of 10000; deterministic for the seed
	}{
		{0, 10000, 10000},
		{1, 0, 0},
		{0.25, 7000, 8000},
	}
	for _, tt := range tests {
		d1 := decisions(mem.RandomLoss(tt.rate, 42), 10000)
		d2 := decisions(mem.RandomLoss(tt.rate, 42), 10000)
		kept := 0
		for i := range d1 {
			if d1[i] != d2[i] {
				t.Fatalf("rate %v: same seed, different decision at %d", tt.rate, i)
			}
			if d1[i] {
				kept++
			}
		}
		if kept < tt.min || kept > tt.max {
			t.Fatalf("rate %v kept %d, want [%d, %d]", tt.rate, kept, tt.min, tt.max)
		}
	}
	d1 := decisions(mem.RandomLoss(0.5, 1), 64)
	d2 := decisions(mem.RandomLoss(0.5, 2), 64)
	if equalBools(d1, d2) {
		t.Fatal("different seeds gave the same losses")
	}
}

func equalBools(a, b []bool) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
