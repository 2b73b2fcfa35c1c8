package mem_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
	"github.com/anynet/anynet/link/mem"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// sink collects received frames on a channel.
type sink struct {
	ch chan got
}

type got struct {
	frame []byte
	src   netip.AddrPort
}

func newSink(c *mem.Conn, n int) *sink {
	s := &sink{ch: make(chan got, n)}
	c.SetReceiver(func(frame []byte, src netip.AddrPort) {
		s.ch <- got{bytes.Clone(frame), src}
	})
	return s
}

func (s *sink) next(t *testing.T) got {
	t.Helper()
	select {
	case g := <-s.ch:
		return g
	case <-time.After(10 * time.Second):
		t.Fatal("no frame within 10s")
		return got{}
	}
}

func attach(t *testing.T, n *mem.Network) *mem.Conn {
	t.Helper()
	c, err := n.Attach()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func frame(i int, size int) []byte {
	f := make([]byte, size)
	for j := range f {
		f[j] = byte(i + j)
	}
	if size >= 4 {
		binary.BigEndian.PutUint32(f, uint32(i))
	}
	return f
}

func TestDefaultMTUCarriesLink(t *testing.T) {
	if mem.DefaultMTU < link.MinUnderlayMTU {
		t.Fatalf("DefaultMTU %d < link.MinUnderlayMTU %d", mem.DefaultMTU, link.MinUnderlayMTU)
	}
	n := mem.NewNetwork(mem.Config{})
	defer n.Close()
	c := attach(t, n)
	if c.MTU() != mem.DefaultMTU {
		t.Fatalf("MTU %d, want %d", c.MTU(), mem.DefaultMTU)
	}
}

func TestSendReceiveBatchInOrder(t *testing.T) {
	n := mem.NewNetwork(mem.Config{QueueLen: 4}) // smaller than the batch: Send must wait, not drop
	defer n.Close()
	a, b := attach(t, n), attach(t, n)
	s := newSink(b, 64)

	sizes := []int{0, 1, 100, 1280, mem.DefaultMTU}
	var batch [][]byte
	for i := range 32 {
		batch = append(batch, frame(i, sizes[i%len(sizes)]))
	}
	want := make([][]byte, len(batch))
	for i, f := range batch {
		want[i] = bytes.Clone(f)
	}
	if err := a.Send(b.LocalAddr(), batch...); err != nil {
		t.Fatal(err)
	}
	for _, f := range batch { // the caller reuses its buffers at once
		clear(f)
	}
	for i := range want {
		g := s.next(t)
		if !bytes.Equal(g.frame, want[i]) {
			t.Fatalf("frame %d: got %d bytes %x…, want %d bytes", i, len(g.frame), g.frame[:min(8, len(g.frame))], len(want[i]))
		}
		if g.src != a.LocalAddr() {
			t.Fatalf("frame %d: src %v, want %v", i, g.src, a.LocalAddr())
		}
	}
	if st := a.Stats(); st.Sent != 32 {
		t.Fatalf("sender stats %+v", st)
	}
	linktest.WaitFor(t, "delivered count", func() bool { return b.Stats().Delivered == 32 })
}

func TestMTU(t *testing.T) {
	n := mem.NewNetwork(mem.Config{MTU: 1400})
	defer n.Close()
	a, b := attach(t, n), attach(t, n)
	s := newSink(b, 4)
	tests := []struct {
		name   string
		frames [][]byte
		err    error
	}{
		{"at MTU", [][]byte{make([]byte, 1400)}, nil},
		{"over MTU", [][]byte{make([]byte, 1401)}, link.ErrFrameTooBig},
		{"one of many over", [][]byte{make([]byte, 10), make([]byte, 1401), make([]byte, 10)}, link.ErrFrameTooBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := a.Send(b.LocalAddr(), tt.frames...); !errors.Is(err, tt.err) {
				t.Fatalf("Send: %v, want %v", err, tt.err)
			}
		})
	}
	// Only the first case sent anything: one frame.
	if st := a.Stats(); st.Sent != 1 {
		t.Fatalf("sent %d frames, want 1", st.Sent)
	}
	if g := s.next(t); len(g.frame) != 1400 {
		t.Fatalf("got %d bytes", len(g.frame))
	}
}

func TestNoRoute(t *testing.T) {
	n := mem.NewNetwork(mem.Config{})
	defer n.Close()
	a := attach(t, n)
	nowhere := netip.MustParseAddrPort("100.127.0.9:1")
	if err := a.Send(nowhere, []byte("x"), []byte("y")); err != nil {
		t.Fatalf("Send to nowhere: %v", err)
	}
	if st := a.Stats(); st.NoRoute != 2 || st.Sent != 0 {
		t.Fatalf("stats %+v", st)
	}
	if st := n.Stats(); st.NoRoute != 2 {
		t.Fatalf("network stats %+v", st)
	}
}

func TestAttach(t *testing.T) {
	n := mem.NewNetwork(mem.Config{})
	defer n.Close()
	first := netip.MustParseAddrPort("100.64.0.1:1")
	c0, err := n.AttachAt(first)
	if err != nil {
		t.Fatal(err)
	}
	defer c0.Close()
	if _, err := n.AttachAt(first); !errors.Is(err, mem.ErrAddrInUse) {
		t.Fatalf("AttachAt taken: %v", err)
	}
	for _, bad := range []netip.AddrPort{{}, netip.MustParseAddrPort("10.0.0.1:0")} {
		if _, err := n.AttachAt(bad); !errors.Is(err, mem.ErrInvalidAddr) {
			t.Fatalf("AttachAt(%v): %v", bad, err)
		}
	}
	space := netip.MustParsePrefix("100.64.0.0/10")
	seen := map[netip.AddrPort]bool{first: true}
	for range 100 {
		c := attach(t, n)
		ap := c.LocalAddr()
		if seen[ap] || !space.Contains(ap.Addr()) || ap.Port() != 1 {
			t.Fatalf("Attach gave %v (seen %v)", ap, seen[ap])
		}
		seen[ap] = true
	}
	// A closed Conn's address is free again.
	c0.Close()
	c1, err := n.AttachAt(first)
	if err != nil {
		t.Fatalf("AttachAt after Close: %v", err)
	}
	c1.Close()
	// IPv6 works too, and a mapped address is the IPv4 one.
	c6, err := n.AttachAt(netip.MustParseAddrPort("[fd00::1]:7"))
	if err != nil {
		t.Fatal(err)
	}
	defer c6.Close()
	if _, err := n.AttachAt(netip.MustParseAddrPort("[::ffff:100.64.0.2]:1")); !errors.Is(err, mem.ErrAddrInUse) {
		t.Fatalf("mapped address not unmapped: %v", err)
	}
}

func TestConcurrentSend(t *testing.T) {
	const senders, perSender, batch = 8, 200, 5
	n := mem.NewNetwork(mem.Config{QueueLen: 16})
	defer n.Close()
	dst := attach(t, n)
	total := senders * perSender * batch
	next := make(map[netip.AddrPort]uint32) // only deliver touches it
	done := make(chan struct{})
	var count int
	var bad atomic.Value
	dst.SetReceiver(func(f []byte, src netip.AddrPort) {
		seq := binary.BigEndian.Uint32(f)
		if seq != next[src] {
			bad.Store(src.String())
		}
		next[src] = seq + 1
		if count++; count == total {
			close(done)
		}
	})
	var wg sync.WaitGroup
	for range senders {
		c := attach(t, n)
		wg.Go(func() {
			bufs := make([][]byte, batch)
			for i := range bufs {
				bufs[i] = make([]byte, 64)
			}
			seq := 0
			for range perSender {
				for _, b := range bufs {
					binary.BigEndian.PutUint32(b, uint32(seq))
					seq++
				}
				if err := c.Send(dst.LocalAddr(), bufs...); err != nil {
					t.Errorf("Send: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("delivered %d of %d", dst.Stats().Delivered, total)
	}
	if v := bad.Load(); v != nil {
		t.Fatalf("frames from %v out of order", v)
	}
}

func TestBackpressure(t *testing.T) {
	n := mem.NewNetwork(mem.Config{QueueLen: 1, SendWait: time.Hour})
	defer n.Close()
	a, b := attach(t, n), attach(t, n)

	entered := make(chan byte, 3)
	release := make(chan struct{})
	b.SetReceiver(func(f []byte, _ netip.AddrPort) {
		entered <- f[0]
		<-release
	})
	// Frame 1 is taken by deliver, whose receiver blocks; frame 2 fills
	// the one-slot queue.
	if err := a.Send(b.LocalAddr(), []byte{1}); err != nil {
		t.Fatal(err)
	}
	if got := <-entered; got != 1 {
		t.Fatalf("entered with %d", got)
	}
	if err := a.Send(b.LocalAddr(), []byte{2}); err != nil {
		t.Fatal(err)
	}

	// Frame 3 must wait. The filter tells us Send reached the push.
	inSend := make(chan struct{})
	n.SetFilter(func(_, _ netip.AddrPort, f []byte) bool {
		if f[0] == 3 {
			close(inSend)
		}
		return true
	})
	var released atomic.Bool
	sendDone := make(chan error, 1)
	go func() {
		err := a.Send(b.LocalAddr(), []byte{3})
		if !released.Load() {
			err = errors.New("Send returned while the receiver was blocked")
		}
		sendDone <- err
	}()
	<-inSend
	// Give a Send that wrongly drops a chance to return before release;
	// a correct one never does, so this cannot fail a correct Send.
	select {
	case err := <-sendDone:
		t.Fatalf("Send returned early: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	if st := n.Stats(); st.Filtered != 0 || st.NoRoute != 0 || st.Dropped != 0 {
		t.Fatalf("something dropped: %+v", st)
	}
	released.Store(true)
	close(release)
	if err := <-sendDone; err != nil {
		t.Fatal(err)
	}
	for want := byte(2); want <= 3; want++ {
		if got := <-entered; got != want {
			t.Fatalf("entered with %d, want %d", got, want)
		}
	}
	linktest.WaitFor(t, "three deliveries", func() bool { return b.Stats().Delivered == 3 })
}

// fullQueue returns a and b on n, with b's receiver holding frame 1
// until release closes and frame 2 filling b's one-slot queue.
func fullQueue(t *testing.T, n *mem.Network) (a, b *mem.Conn, release chan struct{}) {
	a, b = attach(t, n), attach(t, n)
	entered := make(chan struct{}, 8)
	release = make(chan struct{})
	b.SetReceiver(func([]byte, netip.AddrPort) {
		entered <- struct{}{}
		<-release
	})
	if err := a.Send(b.LocalAddr(), []byte{1}); err != nil {
		t.Fatal(err)
	}
	<-entered
	if err := a.Send(b.LocalAddr(), []byte{2}); err != nil {
		t.Fatal(err)
	}
	return a, b, release
}

// TestTrySendFull: TrySend to a full queue takes nothing, returns
// ErrQueueFull and counts the frames as QueueFull, at once.
func TestTrySendFull(t *testing.T) {
	n := mem.NewNetwork(mem.Config{QueueLen: 1, SendWait: time.Hour})
	defer n.Close()
	a, b, release := fullQueue(t, n)
	defer close(release)
	got, err := a.TrySend(b.LocalAddr(), []byte{3}, []byte{4})
	if got != 0 || !errors.Is(err, link.ErrQueueFull) {
		t.Fatalf("TrySend to a full queue = %d, %v; want 0, ErrQueueFull", got, err)
	}
	if st := a.Stats(); st.QueueFull != 2 || st.Sent != 2 {
		t.Fatalf("stats %+v, want 2 sent and 2 QueueFull", st)
	}
}

// TestSendWaitBounded: Send to a queue that stays full gives up after
// SendWait, dropping the rest of the batch as QueueFull, rather than
// waiting for ever.
func TestSendWaitBounded(t *testing.T) {
	n := mem.NewNetwork(mem.Config{QueueLen: 1, SendWait: 10 * time.Millisecond})
	defer n.Close()
	a, b, release := fullQueue(t, n)
	defer close(release)
	if err := a.Send(b.LocalAddr(), []byte{3}, []byte{4}); err != nil {
		t.Fatalf("Send to a queue that stays full: %v", err)
	}
	if st := a.Stats(); st.QueueFull != 2 {
		t.Fatalf("stats %+v, want 2 QueueFull", st)
	}
}

func TestCloseUnblocksSender(t *testing.T) {
	for _, who := range []string{"receiver", "sender"} {
		t.Run(who, func(t *testing.T) {
			n := mem.NewNetwork(mem.Config{QueueLen: 1})
			defer n.Close()
			a, b := attach(t, n), attach(t, n)
			entered := make(chan struct{}, 1)
			release := make(chan struct{})
			defer close(release)
			b.SetReceiver(func([]byte, netip.AddrPort) {
				entered <- struct{}{}
				<-release
			})
			if err := a.Send(b.LocalAddr(), []byte{1}); err != nil {
				t.Fatal(err)
			}
			<-entered
			sendDone := make(chan error, 1)
			go func() { sendDone <- a.Send(b.LocalAddr(), []byte{2}, []byte{3}, []byte{4}) }()
			linktest.WaitFor(t, "frame 2 queued", func() bool { return a.Stats().Sent == 2 })
			switch who {
			case "receiver":
				go b.Close() // waits for the blocked receiver until release
				if err := <-sendDone; err != nil {
					t.Fatalf("Send to a closing Conn: %v", err)
				}
			case "sender":
				a.Close()
				if err := <-sendDone; !errors.Is(err, link.ErrClosed) {
					t.Fatalf("Send on a closing Conn: %v", err)
				}
			}
		})
	}
}

func TestReceiverUnsetDrops(t *testing.T) {
	n := mem.NewNetwork(mem.Config{})
	defer n.Close()
	a, b := attach(t, n), attach(t, n)
	if err := a.Send(b.LocalAddr(), []byte{1}, []byte{2}); err != nil {
		t.Fatal(err)
	}
	linktest.WaitFor(t, "drops", func() bool { return b.Stats().Dropped == 2 })
	s := newSink(b, 1)
	if err := a.Send(b.LocalAddr(), []byte{3}); err != nil {
		t.Fatal(err)
	}
	if g := s.next(t); g.frame[0] != 3 {
		t.Fatalf("got frame %d", g.frame[0])
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		cfg mem.Config
		ok  bool
	}{
		{mem.Config{}, true},
		{mem.DefaultConfig(), true},
		{mem.Config{MTU: -1}, false},
		{mem.Config{MTU: 70000}, false},
		{mem.Config{QueueLen: -1}, false},
	}
	for _, tt := range tests {
		if err := tt.cfg.Validate(); (err == nil) != tt.ok {
			t.Errorf("Validate(%+v) = %v", tt.cfg, err)
		}
	}
}

// TestBatchEnd checks link.BatchUnderlay: the batch end runs when the
// queue ran dry after a delivery — after the last frame of a Send, never
// before the first frame, never twice without a frame in between.
func TestBatchEnd(t *testing.T) {
	n := mem.NewNetwork(mem.Config{})
	defer n.Close()
	a, b := attach(t, n), attach(t, n)
	var (
		mu     sync.Mutex
		events []byte
	)
	ended := make(chan int, 64)
	b.SetBatchEnd(func() {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, 'e')
		ended <- bytes.Count(events, []byte("r"))
	})
	b.SetReceiver(func([]byte, netip.AddrPort) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, 'r')
	})
	batch := make([][]byte, 32)
	for i := range batch {
		batch[i] = frame(i, 100)
	}
	if err := a.Send(b.LocalAddr(), batch...); err != nil {
		t.Fatal(err)
	}
	for got := 0; got < len(batch); {
		select {
		case got = <-ended:
		case <-time.After(10 * time.Second):
			t.Fatal("no batch end after the last frame")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if events[0] != 'r' || events[len(events)-1] != 'e' || bytes.Contains(events, []byte("ee")) {
		t.Fatalf("events %s", events)
	}
}
