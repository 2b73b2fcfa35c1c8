package link_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
)

// gated is a test firewall in front of a real underlay: while closed it
// drops every inbound frame that does not come from the router, so the
// direct path between two hosts is blocked and only the relayed one
// works, as behind NATs that do not let a punch through.
type gated struct {
	inner   link.BatchUnderlay
	router  netip.AddrPort // always let through
	open    atomic.Bool
	dropped atomic.Uint64
}

func (g *gated) LocalAddr() netip.AddrPort { return g.inner.LocalAddr() }
func (g *gated) MTU() int                  { return g.inner.MTU() }
func (g *gated) Close() error              { return g.inner.Close() }
func (g *gated) SetBatchEnd(end func())    { g.inner.SetBatchEnd(end) }
func (g *gated) Send(dst netip.AddrPort, frames ...[]byte) error {
	return g.inner.Send(dst, frames...)
}

func (g *gated) SetReceiver(recv func(frame []byte, src netip.AddrPort)) {
	g.inner.SetReceiver(func(frame []byte, src netip.AddrPort) {
		if g.open.Load() || src == g.router {
			recv(frame, src)
			return
		}
		g.dropped.Add(1)
	})
}

// newGatedSegment is a UDP segment on loopback with router r ("2a.1")
// and hosts a and b attached to it behind closed gates.
func newGatedSegment(t *testing.T) (r, a, b *member, ga, gb *gated) {
	s := newUDPSegment(t)
	r = s.add("r", "2a.1/128")
	listen := s.attach
	var gates []*gated
	s.attach = func() (link.Underlay, error) {
		c, err := listen()
		if err != nil {
			return nil, err
		}
		g := &gated{inner: c.(link.BatchUnderlay), router: r.addr}
		gates = append(gates, g)
		return g, nil
	}
	a, b = s.add("a", "2a.1/128"), s.add("b", "2a.1/128")
	a.punch, b.punch = true, true
	s.up(r, link.RoleRouter)
	s.up(a, link.RoleHost, "r")
	s.up(b, link.RoleHost, "r")
	attachedAndRouted(t, []*member{a, b}, []*member{r})
	s.route(a, b)
	return r, a, b, gates[0], gates[1]
}

// stream is a TCP connection from a to b on which a writes a paced
// stream of pseudo-random bytes until stopped; b hashes what it reads
// and answers with the byte count and the hash.
type stream struct {
	c       net.Conn
	written atomic.Int64 // by a
	read    atomic.Int64 // by b
	paused  atomic.Bool
	stop    chan struct{}
	done    chan error
	sum     [32]byte
}

// counter counts what passes through it into n.
type counter struct{ n *atomic.Int64 }

func (c counter) Write(b []byte) (int, error) { c.n.Add(int64(len(b))); return len(b), nil }

func startStream(t *testing.T, a, b *member) *stream {
	t.Helper()
	l, err := b.node.Listen("tcp", ":9")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	s := &stream{stop: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(h, counter{&s.read}), c)
		if err != nil {
			return
		}
		fmt.Fprintf(c, "%d %x\n", n, h.Sum(nil))
	}()
	c, err := a.node.Dial(testCtx(t), "tcp", dialAddr(b, 9))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s.c = c
	go func() {
		h := sha256.New()
		src := rand.NewChaCha8([32]byte{4})
		buf := make([]byte, 32<<10)
		for {
			select {
			case <-s.stop:
				copy(s.sum[:], h.Sum(nil))
				s.done <- nil
				return
			default:
			}
			if s.paused.Load() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			src.Read(buf)
			h.Write(buf)
			if _, err := c.Write(buf); err != nil {
				s.done <- err
				return
			}
			s.written.Add(int64(len(buf)))
			time.Sleep(2 * time.Millisecond) // pacing only: keeps the stream running through the phases
		}
	}()
	return s
}

// more waits until n more bytes were written.
func (s *stream) more(t *testing.T, n int64) {
	t.Helper()
	want := s.written.Load() + n
	linktest.WaitFor(t, fmt.Sprintf("%d bytes written", want), func() bool { return s.written.Load() >= want })
}

// pause stops the writer and waits until b read all that was written.
func (s *stream) pause(t *testing.T) {
	t.Helper()
	s.paused.Store(true)
	linktest.WaitFor(t, "the stream drained", func() bool {
		w := s.written.Load()
		time.Sleep(20 * time.Millisecond) // a write in progress lands
		return w == s.written.Load() && s.read.Load() == w
	})
}

// checkRelayed fails the test if a or b reaches the other directly; why
// says what should have kept them relayed.
func checkRelayed(t testing.TB, a, b *member, why string) {
	t.Helper()
	for _, p := range [][2]*member{{a, b}, {b, a}} {
		if _, ok := direct(p[0], p[1]); ok {
			t.Fatalf("%s went direct to %s %s", p[0].name, p[1].name, why)
		}
	}
}

// finish stops the writer, half-closes, and checks b's count and hash.
func (s *stream) finish(t *testing.T) {
	t.Helper()
	close(s.stop)
	if err := <-s.done; err != nil {
		t.Fatalf("stream write: %v", err)
	}
	s.c.(interface{ CloseWrite() error }).CloseWrite()
	s.c.SetDeadline(time.Now().Add(45 * time.Second))
	reply, err := bufio.NewReader(s.c).ReadString('\n')
	if err != nil {
		t.Fatalf("read checksum: %v", err)
	}
	if want := fmt.Sprintf("%d %x\n", s.written.Load(), s.sum); reply != want {
		t.Fatalf("receiver got %q, sent %q", reply, want)
	}
}

func direct(from, to *member) (netip.AddrPort, bool) {
	return from.ep.DirectPath(link.IdentityAddr(to.wallet))
}

// TestPunchMidStream: a TCP stream from host a to host b runs through
// their router while gates block the direct path, so the punches the
// router coordinates fail; opened, the next punch moves both to the
// direct path mid-stream and the router stops carrying the stream;
// closed again, both fall back to the router. The stream completes with
// a matching checksum on the one TCP connection throughout.
func TestPunchMidStream(t *testing.T) {
	r, a, b, ga, gb := newGatedSegment(t)
	s := startStream(t, a, b)

	// Relayed: the router coordinates punches, the gates stop the probes.
	s.more(t, 1<<20)
	linktest.WaitFor(t, "a punch coordinated", func() bool { return r.ep.Stats().PunchesCoordinated >= 1 })
	linktest.WaitFor(t, "probes dropped", func() bool { return ga.dropped.Load() > 0 && gb.dropped.Load() > 0 })
	checkRelayed(t, a, b, "through a closed gate")
	if r.ep.Stats().FramesForwarded == 0 {
		t.Fatal("the router forwarded nothing while the direct path was closed")
	}

	// Direct: the next punch gets through.
	ga.open.Store(true)
	gb.open.Store(true)
	linktest.WaitFor(t, "both direct", func() bool {
		_, ab := direct(a, b)
		_, ba := direct(b, a)
		return ab && ba
	})
	if got, _ := direct(a, b); got != b.addr {
		t.Errorf("a reaches b directly at %s, want %s", got, b.addr)
	}
	if got, _ := direct(b, a); got != a.addr {
		t.Errorf("b reaches a directly at %s, want %s", got, a.addr)
	}
	fwd0, recv0 := r.ep.Stats().FramesForwarded, b.ep.Stats().FramesReceived
	s.more(t, 2<<20)
	fwd, recv := r.ep.Stats().FramesForwarded-fwd0, b.ep.Stats().FramesReceived-recv0
	t.Logf("direct phase: b received %d frames, the router forwarded %d", recv, fwd)
	if recv < 1000 || fwd*10 > recv {
		t.Errorf("direct phase: b received %d frames, the router forwarded %d: not direct", recv, fwd)
	}
	for _, m := range []*member{a, b} {
		if st := m.ep.Stats(); st.PathsDirect == 0 || st.PunchAsks == 0 || st.PunchProbes == 0 {
			t.Errorf("%s: %+v", m.name, st)
		}
	}

	// Fallback: the direct path dies, the relayed one carries on. The
	// writer pauses meanwhile: gVisor's TCP takes many seconds to recover
	// a window lost in a blackout of a hold time, on any path.
	s.pause(t)
	ga.open.Store(false)
	gb.open.Store(false)
	linktest.WaitFor(t, "both back through the router", func() bool {
		_, ab := direct(a, b)
		_, ba := direct(b, a)
		return !ab && !ba
	})
	s.paused.Store(false)
	fwd0 = r.ep.Stats().FramesForwarded
	s.more(t, 1<<20)
	linktest.WaitFor(t, "the router carrying the stream again", func() bool { return r.ep.Stats().FramesForwarded > fwd0+500 })
	for _, m := range []*member{a, b} {
		if m.ep.Stats().PathsFallback == 0 {
			t.Errorf("%s counted no fallback", m.name)
		}
	}
	s.finish(t)
}

// TestPunchDisabled: with DisablePunch on one host, the other asks but
// the router never pairs them and the peers stay relayed, although the
// direct path is open.
func TestPunchDisabled(t *testing.T) {
	s := newUDPSegment(t)
	r, a, b := s.add("r", "2a.1/128"), s.add("a", "2a.1/128"), s.add("b", "2a.1/128")
	a.punch = true // b does not
	s.up(r, link.RoleRouter)
	s.up(a, link.RoleHost, "r")
	s.up(b, link.RoleHost, "r")
	attachedAndRouted(t, []*member{a, b}, []*member{r})
	s.route(a, b)
	st := startStream(t, a, b)
	linktest.WaitFor(t, "a asked twice", func() bool { return a.ep.Stats().PunchAsks >= 2 })
	st.more(t, 256<<10)
	checkRelayed(t, a, b, "with punching disabled on b")
	if n := r.ep.Stats().PunchesCoordinated; n != 0 {
		t.Errorf("router coordinated %d punches", n)
	}
	if s := b.ep.Stats(); s.PunchAsks != 0 || s.PunchProbes != 0 {
		t.Errorf("b asked %d times, probed %d", s.PunchAsks, s.PunchProbes)
	}
	if n := a.ep.Stats().PunchProbes; n != 0 {
		t.Errorf("a probed %d times", n)
	}
	st.finish(t)
}

// BenchmarkPunchedEcho compares, in one run, TCP echo throughput between
// two hosts attached to one router on mem: relayed by the router
// (punching disabled), and after hole punching moved them to the direct
// path. Each iteration writes 64 KiB and reads it back.
func BenchmarkPunchedEcho(b *testing.B) {
	msg := bytes.Repeat([]byte("x"), 64<<10)
	for _, punch := range []bool{false, true} {
		name := map[bool]string{false: "relayed", true: "punched"}[punch]
		b.Run(name, func(b *testing.B) {
			s := newSegment(b, link.MinUnderlayMTU)
			r, x, y := s.add("r", "2a.1/128"), s.add("x", "2a.1/128"), s.add("y", "2a.1/128")
			x.punch, y.punch = punch, punch
			s.up(r, link.RoleRouter)
			s.up(x, link.RoleHost, "r")
			s.up(y, link.RoleHost, "r")
			attachedAndRouted(b, []*member{x, y}, []*member{r})
			s.route(x, y)
			l, err := y.node.Listen("tcp", ":7")
			if err != nil {
				b.Fatal(err)
			}
			serveEcho(b, l)
			c, err := x.node.Dial(testCtx(b), "tcp", dialAddr(y, 7))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			echo(b, c, msg) // warm up
			if punch {
				linktest.WaitFor(b, "direct", func() bool {
					_, xy := direct(x, y)
					_, yx := direct(y, x)
					return xy && yx
				})
			}
			fwd := r.ep.Stats().FramesForwarded
			b.SetBytes(int64(len(msg)))
			b.ResetTimer()
			for b.Loop() {
				echo(b, c, msg)
			}
			b.ReportMetric(float64(r.ep.Stats().FramesForwarded-fwd)/float64(b.N), "fwd-frames/op")
		})
	}
}

// TestPunchAcrossRouters: hosts attached to two different routers over
// UDP on loopback. Their asks travel router to router to the other
// host's router, which pairs them; the hosts go direct and the routers
// stop carrying their connection.
func TestPunchAcrossRouters(t *testing.T) {
	s := newUDPSegment(t)
	r1, r2, a, b := s.twoRouters("2a.1/128", "2a.2/128", func(a, b *member) { a.punch, b.punch = true, true })
	c := echoConn(t, testCtx(t), a, b)
	echo(t, c, []byte("through r1 and r2"))
	linktest.WaitFor(t, "both direct", func() bool {
		echo(t, c, []byte("punching"))
		_, ab := direct(a, b)
		_, ba := direct(b, a)
		return ab && ba
	})
	if r1.ep.Stats().PunchesCoordinated+r2.ep.Stats().PunchesCoordinated == 0 {
		t.Error("no router coordinated a punch")
	}
	fwd0 := r1.ep.Stats().FramesForwarded + r2.ep.Stats().FramesForwarded
	recv0 := b.ep.Stats().FramesReceived
	echo(t, c, bytes.Repeat([]byte("direct across routers "), 50000))
	fwd := r1.ep.Stats().FramesForwarded + r2.ep.Stats().FramesForwarded - fwd0
	recv := b.ep.Stats().FramesReceived - recv0
	if recv < 500 || fwd*10 > recv {
		t.Errorf("b received %d frames, the routers forwarded %d: not direct", recv, fwd)
	}
}
