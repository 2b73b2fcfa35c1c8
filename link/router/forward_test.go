package router

import (
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/crypto"
)

// sinkUnderlay records what an endpoint sends and never delivers.
type sinkUnderlay struct {
	mu    sync.Mutex // guards the fields below
	sent  [][]byte
	to    []netip.AddrPort // where each of sent went
	calls int              // Send calls
}

var _ link.Underlay = (*sinkUnderlay)(nil)

func (*sinkUnderlay) LocalAddr() netip.AddrPort { return netip.MustParseAddrPort("127.0.0.1:1") }
func (*sinkUnderlay) MTU() int                  { return link.MinUnderlayMTU }
func (u *sinkUnderlay) Send(dst netip.AddrPort, frames ...[]byte) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.calls++
	for _, f := range frames {
		if len(f) > link.MinUnderlayMTU {
			return link.ErrFrameTooBig
		}
		u.sent = append(u.sent, append([]byte(nil), f...))
		u.to = append(u.to, dst)
	}
	return nil
}
func (*sinkUnderlay) SetReceiver(func([]byte, netip.AddrPort)) {}
func (*sinkUnderlay) Close() error                             { return nil }

// tap is an underlay whose receiver the test can call itself: deliver
// hands the endpoint a frame as if it had arrived.
type tap struct {
	link.Underlay
	mu      sync.Mutex
	receive func([]byte, netip.AddrPort)
}

func (u *tap) SetReceiver(f func([]byte, netip.AddrPort)) {
	u.mu.Lock()
	u.receive = f
	u.mu.Unlock()
	u.Underlay.SetReceiver(f)
}

// batchTap is a tap over a BatchUnderlay.
type batchTap struct {
	*tap
	bu link.BatchUnderlay
}

func (u batchTap) SetBatchEnd(end func()) { u.bu.SetBatchEnd(end) }

func (u *tap) deliver(frame []byte, src netip.AddrPort) {
	u.mu.Lock()
	f := u.receive
	u.mu.Unlock()
	f(frame, src)
}

// testRouter is a router node for the tests: its endpoint, its Router
// and its underlay.
type testRouter struct {
	ep *link.Endpoint
	r  *Router
	in *tap
}

// newTestRouter returns a router endpoint for 2a.1/128 with one neighbor
// that originates nothing, over a sinkUnderlay, with no timer goroutine.
func newTestRouter(t testing.TB) (*testRouter, *sinkUnderlay) {
	t.Helper()
	u := &sinkUnderlay{}
	return newTestRouterOn(t, u, nil), u
}

// newTestRouterOn is newTestRouter over u with its endpoint's config
// changed by opt, and the router built from rc.
func newTestRouterOn(t testing.TB, u link.Underlay, opt func(*link.Config), rc ...Config) *testRouter {
	t.Helper()
	ses := newTestSessions(t)
	nb := newTestSessions(t)
	p := locator.MustPrefix(locator.Locator{0: 0x2a, 15: 1}, 128)
	var c Config
	if len(rc) > 0 {
		c = rc[0]
	}
	r := New(c)
	in := &tap{Underlay: u}
	var under link.Underlay = in
	if bu, ok := u.(link.BatchUnderlay); ok {
		under = batchTap{in, bu}
	}
	cfg := link.Config{Sessions: ses, Underlay: under, TickInterval: -1, Router: r, Routing: link.Routing{
		Role:     link.RoleRouter,
		Locator:  locator.Locator{0: 0x2a, 15: 1, 31: 1},
		Prefixes: []locator.Prefix{p},
		Routers:  []link.RouterPeer{{Wallet: nb.Wallet(), NodeKey: nb.PublicKey(), Addr: netip.MustParseAddrPort("127.0.0.1:2")}},
	}}
	if opt != nil {
		opt(&cfg)
	}
	e, err := link.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return &testRouter{e, r, in}
}

// attachForTest makes the router treat addr as the attached host with
// locator loc, as if a host with a fresh key had attached from there.
func (tr *testRouter) attachForTest(t testing.TB, loc link.Locator, addr netip.AddrPort) {
	t.Helper()
	h := newTestSessions(t)
	p, err := tr.r.port.Neighbor(link.RouterPeer{Wallet: h.Wallet(), NodeKey: h.PublicKey(), Addr: addr})
	if err != nil {
		t.Fatal(err)
	}
	tr.r.mu.Lock()
	defer tr.r.mu.Unlock()
	tr.r.attached[loc] = &attachment{p: p, seen: time.Now()}
	tr.r.routesChanged()
}

func newTestSessions(t testing.TB) *transport.Sessions {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	nk, err := transport.GenerateNodeKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := transport.SignBinding(transport.NewKeySigner(k), nk.Public, 1337, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	s, err := transport.New(transport.Config{Key: nk, Binding: b, ChainID: 1337})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// FuzzRouterReceive feeds arbitrary frames to a router: nothing may
// panic, and nothing it sends may exceed the underlay MTU or carry a
// higher hop limit than the frame it came from.
func FuzzRouterReceive(f *testing.F) {
	dst, src := link.Locator{0: 0x2a, 15: 1, 20: 9}, link.Locator{0: 0x2b}
	for _, h := range []link.Header{
		{Type: link.FrameTransport, HopLimit: 1, Dst: &dst, Src: &src},
		{Type: link.FrameTransport, HopLimit: 9, Dst: &src, Src: &dst},
		{Type: link.FrameControl, HopLimit: 1},
		{Type: link.FrameUnreachable, HopLimit: 3, Dst: &dst},
	} {
		f.Add(append(link.AppendHeader(nil, &h), 4, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12))
	}
	tr, u := newTestRouter(f)
	e := tr.ep
	f.Fuzz(func(t *testing.T, frame []byte) {
		var h link.Header
		in := append([]byte(nil), frame...)
		_, perr := link.ParseHeader(in, &h)
		tr.in.deliver(frame, netip.MustParseAddrPort("127.0.0.1:3"))
		e.Tick()
		u.mu.Lock()
		sent := u.sent
		u.sent = nil
		u.mu.Unlock()
		for _, s := range sent {
			var out link.Header
			if _, err := link.ParseHeader(s, &out); err != nil {
				t.Fatalf("sent an unparsable frame %x: %v", s, err)
			}
			forwarded := perr == nil && h.Dst != nil && out.Type == h.Type && out.Dst != nil && *out.Dst == *h.Dst
			if forwarded && out.HopLimit >= h.HopLimit {
				t.Fatalf("forwarded with hop limit %d from %d", out.HopLimit, h.HopLimit)
			}
		}
	})
}

// TestForwardHopLimitNeverZero: a frame arriving with hop limit 0 or 1
// is never forwarded.
func TestForwardHopLimitNeverZero(t *testing.T) {
	tr, u := newTestRouter(t)
	e := tr.ep
	dst, src := link.Locator{0: 0x2c}, link.Locator{0: 0x2b}
	for _, hops := range []uint8{0, 1} {
		f := link.AppendHeader(nil, &link.Header{Type: link.FrameTransport, HopLimit: hops, Dst: &dst, Src: &src})
		tr.in.deliver(append(f, 4, 0, 0, 0), netip.MustParseAddrPort("127.0.0.1:3"))
	}
	if st := e.Stats(); st.DroppedHopLimit != 2 || st.FramesForwarded != 0 {
		t.Errorf("stats %+v", st)
	}
	for _, s := range u.sent {
		var h link.Header
		if _, err := link.ParseHeader(s, &h); err != nil || h.Type != link.FrameUnreachable {
			t.Errorf("sent %x, want only unreachable frames", s)
		}
	}
}

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// batchSink is a sinkUnderlay that marks where its batches end, as
// link/mem and link/udp do.
type batchSink struct {
	*sinkUnderlay
	end func()
}

var _ link.BatchUnderlay = (*batchSink)(nil)

func (u *batchSink) SetBatchEnd(end func()) { u.end = end }

// TestForwardBatched: on an underlay that marks its read batches, the
// frames forwarded during one batch leave together at its end, in one
// send per next hop and in order, each with its hop limit decremented;
// the next router or host then reads them as one batch.
func TestForwardBatched(t *testing.T) {
	sink := &sinkUnderlay{}
	u := &batchSink{sinkUnderlay: sink}
	tr := newTestRouterOn(t, u, nil)
	host := netip.MustParseAddrPort("127.0.0.1:9")
	dst, src := link.Locator{0: 0x2a, 15: 1, 20: 9}, link.Locator{0: 0x2b}
	tr.attachForTest(t, dst, host)
	sink.mu.Lock()
	sink.sent, sink.to, sink.calls = nil, nil, 0
	sink.mu.Unlock()
	const n = 10
	for i := range n {
		f := link.AppendHeader(nil, &link.Header{Type: link.FrameTransport, HopLimit: 8, Dst: &dst, Src: &src})
		tr.in.deliver(append(f, 4, 0, 0, byte(i)), netip.MustParseAddrPort("127.0.0.1:3"))
	}
	sink.mu.Lock()
	before := len(sink.sent)
	sink.mu.Unlock()
	if before != 0 {
		t.Fatalf("%d frames sent before the batch ended", before)
	}
	u.end()
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.sent) != n || sink.calls != 1 {
		t.Fatalf("after the batch: %d frames in %d sends, want %d in 1", len(sink.sent), sink.calls, n)
	}
	for i, f := range sink.sent {
		var h link.Header
		p, err := link.ParseHeader(f, &h)
		if err != nil || h.HopLimit != 7 || sink.to[i] != host || p[len(p)-1] != byte(i) {
			t.Errorf("frame %d: %x to %s (%v), want hop limit 7, to %s, in order", i, f, sink.to[i], err, host)
		}
	}
	if got := tr.ep.Stats().FramesForwarded; got != n {
		t.Errorf("FramesForwarded = %d, want %d", got, n)
	}
}
