package linktest

import (
	"bytes"
	"errors"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/anynet/anynet/link"
)

// Pair makes two fresh underlays that reach each other, with no
// receiver set yet; it closes them when t ends.
type Pair func(t *testing.T) (a, b link.Underlay)

// Caps are the optional parts of link.Underlay that the underlays of a
// pair have. The suite holds an underlay to its Caps both ways: one that
// lacks a stated capability fails, and so does one that has a capability
// its Caps do not state, so nothing is skipped unnoticed. A test of a
// capability not stated skips, saying so.
type Caps struct {
	Batch   bool // link.BatchUnderlay: read batches end with a call of their own
	TrySend bool // link.TrySender
	HandOff bool // link.HandOffer
}

// Run runs the conformance suite on the underlays pair makes, which have
// the optional parts caps names.
func Run(t *testing.T, caps Caps, pair Pair) {
	t.Run("SendReceiveInOrder", func(t *testing.T) { sendReceiveInOrder(t, pair) })
	t.Run("FrameTooBig", func(t *testing.T) { frameTooBig(t, pair) })
	t.Run("ConcurrentSendersKeepOrder", func(t *testing.T) { concurrentSenders(t, pair) })
	t.Run("CloseIsFinal", func(t *testing.T) { closeIsFinal(t, pair) })
	t.Run("BatchEnd", func(t *testing.T) { batchEnd(t, caps, pair) })
	t.Run("TrySend", func(t *testing.T) { trySend(t, caps, pair) })
	t.Run("HandOff", func(t *testing.T) { handOff(t, caps, pair) })
}

// stated fails t if u's having capability name (has) differs from what
// the Caps state, and skips t, saying so, if the capability is stated
// absent.
func stated(t *testing.T, name string, has, want bool) {
	t.Helper()
	switch {
	case has && !want:
		t.Fatalf("the underlay is a %s, which its Caps do not state", name)
	case !has && want:
		t.Fatalf("the underlay is not a %s, which its Caps state", name)
	case !want:
		t.Skipf("stated in Caps: not a %s", name)
	}
}

// frames returns frames of the given sizes with distinct contents.
func frames(sizes ...int) [][]byte {
	out := make([][]byte, len(sizes))
	for i, s := range sizes {
		f := make([]byte, s)
		for j := range f {
			f[j] = byte(i*31 + j)
		}
		out[i] = f
	}
	return out
}

func sendReceiveInOrder(t *testing.T, pair Pair) {
	a, b := pair(t)
	ch := Collect(b)
	mtu := min(a.MTU(), b.MTU())
	batch := frames(1200, 1200, 100, 0, 7, mtu, 1)
	want := make([][]byte, len(batch))
	for i, f := range batch {
		want[i] = bytes.Clone(f)
	}
	if err := a.Send(b.LocalAddr(), batch...); err != nil {
		t.Fatal(err)
	}
	for _, f := range batch { // the underlay keeps no slice of the caller's
		clear(f)
	}
	for i, w := range want {
		r := Next(t, ch)
		if !bytes.Equal(r.Frame, w) {
			t.Fatalf("frame %d: %d bytes, want %d (first byte %d, want %d)", i, len(r.Frame), len(w), r.Frame[0], w[0])
		}
		if r.Src != a.LocalAddr() {
			t.Fatalf("frame %d from %v, want %v", i, r.Src, a.LocalAddr())
		}
	}
}

func frameTooBig(t *testing.T, pair Pair) {
	a, b := pair(t)
	ch := Collect(b)
	err := a.Send(b.LocalAddr(), []byte("first"), make([]byte, a.MTU()+1))
	if !errors.Is(err, link.ErrFrameTooBig) {
		t.Fatalf("Send of a frame over the MTU: %v, want ErrFrameTooBig", err)
	}
	if err := a.Send(b.LocalAddr(), []byte("marker")); err != nil {
		t.Fatal(err)
	}
	if r := Next(t, ch); string(r.Frame) != "marker" {
		t.Fatalf("received %q first: a refused batch sent something", r.Frame)
	}
}

func concurrentSenders(t *testing.T, pair Pair) {
	const senders, per = 4, 50
	a, b := pair(t)
	var (
		mu   sync.Mutex
		next [senders]byte
		bad  atomic.Value
		n    atomic.Int64
	)
	b.SetReceiver(func(f []byte, _ netip.AddrPort) {
		if len(f) != 2 || f[0] >= senders {
			bad.Store("malformed frame")
			return
		}
		mu.Lock()
		if f[1] != next[f[0]] {
			bad.Store("out of order")
		}
		next[f[0]] = f[1] + 1
		mu.Unlock()
		n.Add(1)
	})
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := range per {
				if err := a.Send(b.LocalAddr(), []byte{byte(s), byte(i)}); err != nil {
					t.Errorf("Send: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	WaitFor(t, "every frame", func() bool { return n.Load() == senders*per || bad.Load() != nil })
	if v := bad.Load(); v != nil {
		t.Fatal(v)
	}
}

func closeIsFinal(t *testing.T, pair Pair) {
	a, b := pair(t)
	var closed atomic.Bool
	var count, late atomic.Int64
	b.SetReceiver(func([]byte, netip.AddrPort) {
		count.Add(1)
		if closed.Load() {
			late.Add(1)
		}
	})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := a.Send(b.LocalAddr(), []byte("frame"), []byte("frame")); err != nil {
				t.Errorf("Send: %v", err)
				return
			}
		}
	})
	WaitFor(t, "some frames", func() bool { return count.Load() > 10 })
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	closed.Store(true)
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	close(stop)
	wg.Wait()
	if late.Load() != 0 {
		t.Fatalf("receiver called %d times after Close", late.Load())
	}
	if err := b.Send(a.LocalAddr(), []byte("x")); !errors.Is(err, link.ErrClosed) {
		t.Fatalf("Send after Close: %v, want ErrClosed", err)
	}
}

func batchEnd(t *testing.T, caps Caps, pair Pair) {
	a, b := pair(t)
	bu, ok := b.(link.BatchUnderlay)
	stated(t, "link.BatchUnderlay", ok, caps.Batch)
	var inRecv, overlap atomic.Bool
	var frames, ends atomic.Int64
	bu.SetBatchEnd(func() {
		if inRecv.Load() {
			overlap.Store(true)
		}
		ends.Add(1)
	})
	b.SetReceiver(func([]byte, netip.AddrPort) {
		inRecv.Store(true)
		frames.Add(1)
		inRecv.Store(false)
	})
	if err := a.Send(b.LocalAddr(), []byte("1"), []byte("2"), []byte("3")); err != nil {
		t.Fatal(err)
	}
	WaitFor(t, "three frames and a batch end after them", func() bool { return frames.Load() == 3 && ends.Load() > 0 })
	if overlap.Load() {
		t.Fatal("batch end called while the receiver ran")
	}
}

func trySend(t *testing.T, caps Caps, pair Pair) {
	a, b := pair(t)
	ts, ok := a.(link.TrySender)
	stated(t, "link.TrySender", ok, caps.TrySend)
	ch := Collect(b)
	n, err := ts.TrySend(b.LocalAddr(), []byte("a"), []byte("b"))
	if n != 2 || err != nil {
		t.Fatalf("TrySend to an idle receiver = %d, %v; want 2, nil", n, err)
	}
	for _, want := range []string{"a", "b"} {
		if r := Next(t, ch); string(r.Frame) != want {
			t.Fatalf("received %q, want %q", r.Frame, want)
		}
	}
	if _, err := ts.TrySend(b.LocalAddr(), make([]byte, a.MTU()+1)); !errors.Is(err, link.ErrFrameTooBig) {
		t.Fatalf("TrySend over the MTU: %v, want ErrFrameTooBig", err)
	}
}

// handOff: a HandOffer's frames arrive whole, in order, from the sender,
// whether handed off or queued, and a frame over the MTU is refused.
func handOff(t *testing.T, caps Caps, pair Pair) {
	a, b := pair(t)
	ho, ok := a.(link.HandOffer)
	stated(t, "link.HandOffer", ok, caps.HandOff)
	ch := Collect(b)
	batch := frames(1200, 0, 100)
	want := make([][]byte, len(batch))
	for i, f := range batch {
		want[i] = bytes.Clone(f)
	}
	for range 2 { // the second may find the receiver busy with the first
		if n, err := ho.HandOff(b.LocalAddr(), batch...); n != len(batch) || err != nil {
			t.Fatalf("HandOff = %d, %v; want %d, nil", n, err, len(batch))
		}
	}
	for range 2 {
		for i, w := range want {
			r := Next(t, ch)
			if !bytes.Equal(r.Frame, w) || r.Src != a.LocalAddr() {
				t.Fatalf("frame %d: %d bytes from %v, want %d from %v", i, len(r.Frame), r.Src, len(w), a.LocalAddr())
			}
		}
	}
	if _, err := ho.HandOff(b.LocalAddr(), make([]byte, a.MTU()+1)); !errors.Is(err, link.ErrFrameTooBig) {
		t.Fatalf("HandOff over the MTU: %v, want ErrFrameTooBig", err)
	}
}
