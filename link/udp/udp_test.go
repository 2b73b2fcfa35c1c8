package udp_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
	"github.com/anynet/anynet/link/udp"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type got struct {
	frame []byte
	src   netip.AddrPort
}

// listen opens a Conn on addr with a receiver that feeds a channel, and
// closes it at the end of the test.
func listen(t *testing.T, cfg udp.Config) (*udp.Conn, chan got) {
	t.Helper()
	c, err := udp.Listen(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ch := make(chan got, 1024)
	c.SetReceiver(func(f []byte, src netip.AddrPort) {
		ch <- got{bytes.Clone(f), src}
	})
	return c, ch
}

func next(t *testing.T, ch chan got) got {
	t.Helper()
	select {
	case g := <-ch:
		return g
	case <-time.After(10 * time.Second):
		t.Fatal("no datagram within 10s")
		return got{}
	}
}

// loopbacks are the families under test; IPv6 is skipped where the host
// has no ::1.
var loopbacks = []struct{ name, addr string }{
	{"ipv4", "127.0.0.1:0"},
	{"ipv6", "[::1]:0"},
}

func skipWithout(t *testing.T, addr string) {
	t.Helper()
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Skipf("no %s: %v", addr, err)
	}
	pc.Close()
}

func TestDefaults(t *testing.T) {
	if udp.DefaultMTU < link.MinUnderlayMTU {
		t.Fatalf("DefaultMTU %d < link.MinUnderlayMTU %d", udp.DefaultMTU, link.MinUnderlayMTU)
	}
	c, _ := listen(t, udp.Config{Addr: "127.0.0.1:0"})
	if c.MTU() != udp.DefaultMTU {
		t.Fatalf("MTU %d", c.MTU())
	}
	if a := c.LocalAddr(); !a.Addr().Is4() || !a.Addr().IsLoopback() || a.Port() == 0 {
		t.Fatalf("LocalAddr %v", a)
	}
}

func TestSendReceiveBatch(t *testing.T) {
	for _, fam := range loopbacks {
		for _, gso := range []bool{true, false} {
			name := fam.name + "/gso"
			if !gso {
				name = fam.name + "/nogso"
			}
			t.Run(name, func(t *testing.T) {
				skipWithout(t, fam.addr)
				a, _ := listen(t, udp.Config{Addr: fam.addr, DisableGSO: !gso})
				b, ch := listen(t, udp.Config{Addr: fam.addr})
				// Runs of equal sizes (GSO candidates), shorter tails,
				// an empty frame, MTU-sized frames.
				sizes := []int{1280, 1280, 1280, 100, 1280, 1280, 0, 7, 7, 7, udp.DefaultMTU, udp.DefaultMTU, 1}
				var batch, want [][]byte
				for i, s := range sizes {
					f := make([]byte, s)
					for j := range f {
						f[j] = byte(i*31 + j)
					}
					batch = append(batch, f)
					want = append(want, bytes.Clone(f))
				}
				if err := a.Send(b.LocalAddr(), batch...); err != nil {
					t.Fatal(err)
				}
				for _, f := range batch {
					clear(f)
				}
				for i, w := range want {
					g := next(t, ch)
					if !bytes.Equal(g.frame, w) {
						t.Fatalf("datagram %d: %d bytes, want %d (frame sizes %v)", i, len(g.frame), len(w), sizes)
					}
					if g.src != a.LocalAddr() {
						t.Fatalf("src %v, want %v", g.src, a.LocalAddr())
					}
				}
				st := a.Stats()
				if st.FramesSent != uint64(len(sizes)) {
					t.Fatalf("stats %+v", st)
				}
				if gso != a.GSO() {
					t.Logf("GSO requested %v, in use %v", gso, a.GSO())
				}
				if gso && a.GSO() && st.GSOFrames == 0 {
					t.Fatalf("GSO on but no frame sent segmented: %+v", st)
				}
				if !gso && st.GSOFrames != 0 {
					t.Fatalf("GSO off but %d frames segmented", st.GSOFrames)
				}
				// The receiver has GRO on: segmented writes arrive as
				// coalesced reads where the kernel supports it.
				if rs := b.Stats(); gso && a.GSO() && b.GRO() && rs.GROFrames == 0 {
					t.Fatalf("GRO on but no coalesced read: %+v", rs)
				}
			})
		}
	}
}

func TestLargeBatchOrder(t *testing.T) {
	// More frames than one GSO write or one sendmmsg takes in, all
	// in order.
	a, _ := listen(t, udp.Config{Addr: "127.0.0.1:0"})
	b, ch := listen(t, udp.Config{Addr: "127.0.0.1:0"})
	const n = 150
	batch := make([][]byte, n)
	for i := range batch {
		batch[i] = make([]byte, 1200)
		binary.BigEndian.PutUint32(batch[i], uint32(i))
	}
	if err := a.Send(b.LocalAddr(), batch...); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		g := next(t, ch)
		if seq := binary.BigEndian.Uint32(g.frame); seq != uint32(i) {
			t.Fatalf("datagram %d carries %d", i, seq)
		}
	}
}

func TestDualStack(t *testing.T) {
	skipWithout(t, "[::1]:0")
	any6, ch := listen(t, udp.Config{Addr: "[::]:0"})
	v4, _ := listen(t, udp.Config{Addr: "127.0.0.1:0"})
	to := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), any6.LocalAddr().Port())
	if err := v4.Send(to, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if g := next(t, ch); g.src != v4.LocalAddr() {
		t.Fatalf("src %v, want unmapped %v", g.src, v4.LocalAddr())
	}
	// And back: the dual-stack socket sends to an IPv4 address, as one
	// batch (segmented where GSO is on).
	v4b, ch4 := listen(t, udp.Config{Addr: "127.0.0.1:0"})
	if err := any6.Send(v4b.LocalAddr(), []byte("one"), []byte("two")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"one", "two"} {
		g := next(t, ch4)
		if string(g.frame) != want || !g.src.Addr().Is4() || g.src.Port() != any6.LocalAddr().Port() {
			t.Fatalf("got %q from %v", g.frame, g.src)
		}
	}
}

func TestSendErrors(t *testing.T) {
	a, _ := listen(t, udp.Config{Addr: "127.0.0.1:0", MTU: 1400})
	b, ch := listen(t, udp.Config{Addr: "127.0.0.1:0"})
	tests := []struct {
		name   string
		dst    netip.AddrPort
		frames [][]byte
		err    error
	}{
		{"at MTU", b.LocalAddr(), [][]byte{make([]byte, 1400)}, nil},
		{"over MTU", b.LocalAddr(), [][]byte{make([]byte, 1401)}, link.ErrFrameTooBig},
		{"one of many over", b.LocalAddr(), [][]byte{{1}, make([]byte, 1401), {2}}, link.ErrFrameTooBig},
		{"invalid dst", netip.AddrPort{}, [][]byte{{1}}, udp.ErrInvalidAddr},
		{"port 0", netip.MustParseAddrPort("127.0.0.1:0"), [][]byte{{1}}, udp.ErrInvalidAddr},
		{"ipv6 from ipv4 socket", netip.MustParseAddrPort("[::1]:9"), [][]byte{{1}}, udp.ErrAddrFamily},
		{"empty batch", b.LocalAddr(), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := a.Send(tt.dst, tt.frames...); !errors.Is(err, tt.err) {
				t.Fatalf("Send: %v, want %v", err, tt.err)
			}
		})
	}
	if g := next(t, ch); len(g.frame) != 1400 {
		t.Fatalf("got %d bytes", len(g.frame))
	}
	if st := a.Stats(); st.FramesSent != 1 {
		t.Fatalf("sent %d frames, want 1", st.FramesSent)
	}
}

func TestGarbageAndOversize(t *testing.T) {
	c, ch := listen(t, udp.Config{Addr: "127.0.0.1:0", MTU: 1300})
	raw, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	to := net.UDPAddrFromAddrPort(c.LocalAddr())
	send := func(p []byte) {
		t.Helper()
		if _, err := raw.WriteToUDP(p, to); err != nil {
			t.Fatal(err)
		}
	}
	send(make([]byte, 1301))  // one byte over: fits the buffer, still dropped
	send(make([]byte, 60000)) // truncated by the kernel
	send(make([]byte, 1302))
	garbage := []byte{0xff, 0x00, 0x13, 0x37, 0xde, 0xad}
	send(garbage)
	send(make([]byte, 1300))
	if g := next(t, ch); !bytes.Equal(g.frame, garbage) {
		t.Fatalf("first delivered %x, want the garbage", g.frame[:min(8, len(g.frame))])
	}
	if g := next(t, ch); len(g.frame) != 1300 {
		t.Fatalf("second delivered %d bytes", len(g.frame))
	}
	if st := c.Stats(); st.Truncated != 3 || st.FramesReceived != 2 {
		t.Fatalf("stats %+v", st)
	}
	// Still serving a Conn peer.
	a, _ := listen(t, udp.Config{Addr: "127.0.0.1:0"})
	if err := a.Send(c.LocalAddr(), []byte("still here")); err != nil {
		t.Fatal(err)
	}
	if g := next(t, ch); string(g.frame) != "still here" {
		t.Fatalf("got %q", g.frame)
	}
}

func TestUnreceived(t *testing.T) {
	c, err := udp.Listen(context.Background(), udp.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	a, _ := listen(t, udp.Config{Addr: "127.0.0.1:0"})
	if err := a.Send(c.LocalAddr(), []byte{1}); err != nil {
		t.Fatal(err)
	}
	linktest.WaitFor(t, "unreceived count", func() bool { return c.Stats().Unreceived == 1 })
}

func TestConcurrentSend(t *testing.T) {
	// Senders share a Conn; each waits for its previous batch to arrive
	// before the next, so the kernel buffers never overflow whatever
	// size they were granted.
	const senders, perSender, batch = 4, 50, 8
	src, _ := listen(t, udp.Config{Addr: "127.0.0.1:0"})
	dst, err := udp.Listen(context.Background(), udp.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	acks := make([]chan struct{}, senders)
	for i := range acks {
		acks[i] = make(chan struct{}, 1)
	}
	var bad atomic.Value
	next := make([]uint32, senders) // only the reader touches it
	dst.SetReceiver(func(f []byte, from netip.AddrPort) {
		id, seq := binary.BigEndian.Uint32(f), binary.BigEndian.Uint32(f[4:])
		if from != src.LocalAddr() || id >= senders || seq != next[id] {
			bad.Store(fmt.Sprintf("frame (%d, %d) from %v, want seq %d", id, seq, from, next[id%senders]))
			return
		}
		if next[id]++; next[id]%batch == 0 {
			acks[id] <- struct{}{}
		}
	})
	var wg sync.WaitGroup
	for id := range senders {
		wg.Go(func() {
			bufs := make([][]byte, batch)
			for i := range bufs {
				bufs[i] = make([]byte, 1000)
				binary.BigEndian.PutUint32(bufs[i], uint32(id))
			}
			seq := 0
			for range perSender {
				for _, b := range bufs {
					binary.BigEndian.PutUint32(b[4:], uint32(seq))
					seq++
				}
				if err := src.Send(dst.LocalAddr(), bufs...); err != nil {
					t.Errorf("Send: %v", err)
					return
				}
				select {
				case <-acks[id]:
				case <-time.After(10 * time.Second):
					t.Errorf("sender %d: batch not delivered: %v", id, bad.Load())
					return
				}
			}
		})
	}
	wg.Wait()
	if v := bad.Load(); v != nil {
		t.Fatal(v)
	}
	if got := dst.Stats().FramesReceived; got != senders*perSender*batch {
		t.Fatalf("received %d frames", got)
	}
}

func TestListenErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  udp.Config
	}{
		{"bad MTU", udp.Config{Addr: "127.0.0.1:0", MTU: -1}},
		{"huge MTU", udp.Config{Addr: "127.0.0.1:0", MTU: 70000}},
		{"bad batch", udp.Config{Addr: "127.0.0.1:0", BatchSize: -1}},
		{"bad addr", udp.Config{Addr: "not an address"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := udp.Listen(context.Background(), tt.cfg)
			if err == nil {
				c.Close()
				t.Fatal("Listen succeeded")
			}
		})
	}
	if err := udp.DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestBatchEnd checks link.BatchUnderlay: the batch end runs after the
// frames of a read were delivered, never before the first frame and never
// twice without a frame in between, and after the last frame.
func TestBatchEnd(t *testing.T) {
	a, _ := listen(t, udp.Config{Addr: "127.0.0.1:0"})
	b, err := udp.Listen(context.Background(), udp.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	const want = 200
	var (
		mu     sync.Mutex
		events []byte
		recvd  int
		once   sync.Once
	)
	done := make(chan struct{})
	b.SetBatchEnd(func() {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, 'e')
		if recvd >= want {
			once.Do(func() { close(done) })
		}
	})
	b.SetReceiver(func([]byte, netip.AddrPort) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, 'r')
		recvd++
	})
	batch := make([][]byte, 50)
	for i := range batch {
		batch[i] = make([]byte, 1000)
	}
	// Loopback may drop under load: send batches until enough are in.
	for i := 0; ; i++ {
		if err := a.Send(b.LocalAddr(), batch...); err != nil {
			t.Fatal(err)
		}
		select {
		case <-done:
		case <-time.After(10 * time.Millisecond):
			if i < 1000 {
				continue
			}
			t.Fatal("the batch end never followed the last frame")
		}
		break
	}
	b.Close() // no more reads: the log is final
	mu.Lock()
	defer mu.Unlock()
	if events[0] != 'r' || events[len(events)-1] != 'e' || bytes.Contains(events, []byte("ee")) {
		t.Fatalf("events %s", events)
	}
}

// TestGROSplit sends runs the kernel coalesces into one read (equal
// frames, a shorter tail) to a receiver with and without UDP GRO, and
// expects the same frames back in order.
func TestGROSplit(t *testing.T) {
	for _, gro := range []bool{true, false} {
		t.Run(fmt.Sprintf("gro=%v", gro), func(t *testing.T) {
			a, _ := listen(t, udp.Config{Addr: "127.0.0.1:0"})
			b, ch := listen(t, udp.Config{Addr: "127.0.0.1:0", DisableGRO: !gro})
			var batch [][]byte
			for i := range 50 {
				size := 1000
				if i == 49 {
					size = 3
				}
				f := make([]byte, size)
				binary.BigEndian.PutUint16(f, uint16(i))
				batch = append(batch, f)
			}
			if err := a.Send(b.LocalAddr(), batch...); err != nil {
				t.Fatal(err)
			}
			for i, w := range batch {
				if g := next(t, ch); !bytes.Equal(g.frame, w) {
					t.Fatalf("frame %d: %d bytes %x…, want %d bytes", i, len(g.frame), g.frame[:min(2, len(g.frame))], len(w))
				}
			}
			st := b.Stats()
			if !gro && (b.GRO() || st.GROFrames != 0) {
				t.Fatalf("GRO off but in use: %+v", st)
			}
			if gro && a.GSO() && b.GRO() && st.GROFrames != uint64(len(batch)) {
				t.Fatalf("%d of %d frames in coalesced reads", st.GROFrames, len(batch))
			}
		})
	}
}
