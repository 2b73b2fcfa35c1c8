package mem_test

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
	"github.com/anynet/anynet/link/mem"
)

// TestHandOffIdle: HandOff to an idle Conn runs its receiver, then its
// batch end, before it returns, with the caller's own slices (no copy),
// and counts the frames as sent and delivered.
func TestHandOffIdle(t *testing.T) {
	n := mem.NewNetwork(mem.Config{})
	defer n.Close()
	a, b := attach(t, n), attach(t, n)
	var got [][]byte
	ends := 0
	b.SetBatchEnd(func() { ends++ })
	b.SetReceiver(func(f []byte, src netip.AddrPort) {
		if src != a.LocalAddr() {
			t.Errorf("src %v, want %v", src, a.LocalAddr())
		}
		got = append(got, f)
	})
	frames := [][]byte{frame(0, 100), frame(1, 1280), frame(2, 0)}
	if k, err := a.HandOff(b.LocalAddr(), frames...); k != 3 || err != nil {
		t.Fatalf("HandOff = %d, %v", k, err)
	}
	// Read without waiting: the receiver ran on this goroutine.
	if len(got) != 3 || ends != 1 {
		t.Fatalf("after HandOff: %d frames, %d batch ends; want 3 and 1", len(got), ends)
	}
	for i := range frames {
		if len(frames[i]) > 0 && &got[i][0] != &frames[i][0] {
			t.Fatalf("frame %d was copied", i)
		}
	}
	if st := a.Stats(); st.Sent != 3 {
		t.Fatalf("sender stats %+v", st)
	}
	if st := b.Stats(); st.Delivered != 3 {
		t.Fatalf("receiver stats %+v", st)
	}
}

// TestHandOffBusyQueues: while the receiver is busy with a batch, or
// frames wait on its queue, HandOff queues copies behind them as TrySend
// does and returns at once; the receiver gets everything in order.
func TestHandOffBusyQueues(t *testing.T) {
	n := mem.NewNetwork(mem.Config{})
	defer n.Close()
	a, b := attach(t, n), attach(t, n)
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	var mu sync.Mutex
	var order []uint32
	b.SetReceiver(func(f []byte, _ netip.AddrPort) {
		i := binary.BigEndian.Uint32(f)
		if i == 0 {
			entered <- struct{}{}
			<-release
		}
		mu.Lock()
		order = append(order, i)
		mu.Unlock()
	})
	if err := a.Send(b.LocalAddr(), frame(0, 8)); err != nil {
		t.Fatal(err)
	}
	<-entered // b's goroutine holds frame 0
	if err := a.Send(b.LocalAddr(), frame(1, 8)); err != nil {
		t.Fatal(err)
	}
	handed := [][]byte{frame(2, 8), frame(3, 8)}
	if k, err := a.HandOff(b.LocalAddr(), handed...); k != 2 || err != nil {
		t.Fatalf("HandOff to a busy Conn = %d, %v", k, err)
	}
	clear(handed[0]) // queued as copies: the caller may reuse its slices
	clear(handed[1])
	close(release)
	linktest.WaitFor(t, "four deliveries", func() bool { return b.Stats().Delivered == 4 })
	mu.Lock()
	defer mu.Unlock()
	for i, got := range order {
		if got != uint32(i) {
			t.Fatalf("order %v", order)
		}
	}
}

// TestHandOffOneReceiverAtATime: Sends and HandOffs from many goroutines
// at once never run the receiver (or its batch end) on two goroutines
// at the same time, and every sender's frames arrive in its order.
func TestHandOffOneReceiverAtATime(t *testing.T) {
	n := mem.NewNetwork(mem.Config{QueueLen: 4096})
	defer n.Close()
	b := attach(t, n)
	const senders, per = 4, 500
	var inside atomic.Int32
	overlap := atomic.Bool{}
	next := make(map[netip.AddrPort]uint32)
	var bad atomic.Value
	enter := func() {
		if inside.Add(1) != 1 {
			overlap.Store(true)
		}
		runtime.Gosched() // widen the window for another goroutine to enter
	}
	leave := func() { inside.Add(-1) }
	b.SetBatchEnd(func() { enter(); leave() })
	b.SetReceiver(func(f []byte, src netip.AddrPort) {
		enter()
		defer leave()
		i := binary.BigEndian.Uint32(f)
		if i != next[src] { // only one goroutine at a time touches next
			bad.Store(src)
		}
		next[src] = i + 1
	})
	var wg sync.WaitGroup
	for s := range senders {
		a := attach(t, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i += 2 {
				f := [][]byte{frame(i, 16), frame(i+1, 16)}
				if s%2 == 0 {
					a.HandOff(b.LocalAddr(), f...)
				} else {
					a.Send(b.LocalAddr(), f...)
				}
			}
		}()
	}
	wg.Wait()
	linktest.WaitFor(t, "every frame", func() bool { return b.Stats().Delivered == senders*per })
	if overlap.Load() {
		t.Fatal("the receiver ran on two goroutines at once")
	}
	if src := bad.Load(); src != nil {
		t.Fatalf("frames from %v out of order", src)
	}
}

// TestHandOffNoSelfWait: a receiver handed frames that Sends back,
// waiting, to the Conn whose goroutine is handing them off, and finds its
// queue full, gives up in handOffWait, not SendWait (an hour here): the
// room it waits for would come only once the hand-off ends.
func TestHandOffNoSelfWait(t *testing.T) {
	n := mem.NewNetwork(mem.Config{QueueLen: 1, SendWait: time.Hour})
	defer n.Close()
	a, b, c := attach(t, n), attach(t, n), attach(t, n)
	done := make(chan struct{})
	c.SetReceiver(func([]byte, netip.AddrPort) {
		// On a's goroutine, inside a's hand-off; a's queue is full.
		if err := c.Send(a.LocalAddr(), []byte{9}); err != nil {
			t.Errorf("Send back: %v", err)
		}
	})
	a.SetReceiver(func(f []byte, _ netip.AddrPort) {
		if f[0] != 1 {
			return
		}
		if err := b.Send(a.LocalAddr(), []byte{2}); err != nil { // fills a's one-slot queue
			t.Errorf("fill: %v", err)
		}
		if _, err := a.HandOff(c.LocalAddr(), []byte{3}); err != nil {
			t.Errorf("HandOff: %v", err)
		}
		close(done)
	})
	if err := b.Send(a.LocalAddr(), []byte{1}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the hand-off waited on its own queue")
	}
	if st := c.Stats(); st.QueueFull != 1 {
		t.Fatalf("c's stats %+v, want the frame sent back counted QueueFull", st)
	}
	linktest.WaitFor(t, "frame 2 delivered", func() bool { return a.Stats().Delivered == 2 })
}

// TestCloseWaitsForHandOff: Close of a Conn that a hand-off is running
// into returns only after the receiver did, and later HandOffs to it go
// nowhere (NoRoute).
func TestCloseWaitsForHandOff(t *testing.T) {
	n := mem.NewNetwork(mem.Config{})
	defer n.Close()
	a, b := attach(t, n), attach(t, n)
	entered := make(chan struct{})
	release := make(chan struct{})
	var returned atomic.Bool
	b.SetReceiver(func([]byte, netip.AddrPort) {
		close(entered)
		<-release
		returned.Store(true)
	})
	handed := make(chan error, 1)
	go func() {
		_, err := a.HandOff(b.LocalAddr(), []byte{1})
		handed <- err
	}()
	<-entered
	closed := make(chan struct{})
	go func() {
		b.Close()
		close(closed)
	}()
	linktest.WaitFor(t, "b detached", func() bool {
		k, err := a.TrySend(b.LocalAddr(), []byte{2})
		return k == 1 && err == nil && a.Stats().NoRoute > 0
	})
	select {
	case <-closed:
		t.Fatal("Close returned while the receiver ran")
	default:
	}
	close(release)
	<-closed
	if !returned.Load() {
		t.Fatal("Close returned before the receiver")
	}
	if err := <-handed; err != nil {
		t.Fatalf("HandOff: %v", err)
	}
	if k, err := a.HandOff(b.LocalAddr(), []byte{3}); k != 1 || err != nil || errors.Is(err, link.ErrClosed) {
		t.Fatalf("HandOff to a closed Conn = %d, %v", k, err)
	}
}
