package link

import (
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/crypto"
)

// sinkUnderlay records what an endpoint sends and never delivers.
type sinkUnderlay struct {
	mu   sync.Mutex // guards sent and to
	sent [][]byte
	to   []netip.AddrPort // where each of sent went
}

var _ Underlay = (*sinkUnderlay)(nil)

func (*sinkUnderlay) LocalAddr() netip.AddrPort { return netip.MustParseAddrPort("127.0.0.1:1") }
func (*sinkUnderlay) MTU() int                  { return MinUnderlayMTU }
func (u *sinkUnderlay) Send(dst netip.AddrPort, frames ...[]byte) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, f := range frames {
		if len(f) > MinUnderlayMTU {
			return ErrFrameTooBig
		}
		u.sent = append(u.sent, append([]byte(nil), f...))
		u.to = append(u.to, dst)
	}
	return nil
}
func (*sinkUnderlay) SetReceiver(func([]byte, netip.AddrPort)) {}
func (*sinkUnderlay) Close() error                             { return nil }

// newTestRouter returns a router endpoint for 2a.1/128 with one neighbor
// that originates nothing, over a sinkUnderlay, with no timer goroutine.
func newTestRouter(t testing.TB) (*Endpoint, *sinkUnderlay) {
	t.Helper()
	u := &sinkUnderlay{}
	return newTestRouterOn(t, u), u
}

// newTestRouterOn is newTestRouter over the underlay u, with its
// config changed by opts.
func newTestRouterOn(t testing.TB, u Underlay, opts ...func(*Config)) *Endpoint {
	t.Helper()
	ses := newTestSessions(t)
	nb := newTestSessions(t)
	p := locator.MustPrefix(locator.Locator{0: 0x2a, 15: 1}, 128)
	cfg := Config{Sessions: ses, Underlay: u, TickInterval: -1, Routing: Routing{
		Role:     RoleRouter,
		Locator:  locator.Locator{0: 0x2a, 15: 1, 31: 1},
		Prefixes: []locator.Prefix{p},
		Routers:  []RouterPeer{{Wallet: nb.Wallet(), NodeKey: nb.PublicKey(), Addr: netip.MustParseAddrPort("127.0.0.1:2")}},
	}}
	for _, o := range opts {
		o(&cfg)
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
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
	dst, src := Locator{0: 0x2a, 15: 1, 20: 9}, Locator{0: 0x2b}
	for _, h := range []Header{
		{Type: FrameTransport, HopLimit: 1, Dst: &dst, Src: &src},
		{Type: FrameTransport, HopLimit: 9, Dst: &src, Src: &dst},
		{Type: FrameControl, HopLimit: 1},
		{Type: FrameUnreachable, HopLimit: 3, Dst: &dst},
	} {
		f.Add(append(AppendHeader(nil, &h), 4, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12))
	}
	e, u := newTestRouter(f)
	f.Fuzz(func(t *testing.T, frame []byte) {
		var h Header
		in := append([]byte(nil), frame...)
		_, perr := ParseHeader(in, &h)
		e.receive(frame, netip.MustParseAddrPort("127.0.0.1:3"))
		e.Tick()
		u.mu.Lock()
		sent := u.sent
		u.sent = nil
		u.mu.Unlock()
		for _, s := range sent {
			var out Header
			if _, err := ParseHeader(s, &out); err != nil {
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
	e, u := newTestRouter(t)
	dst, src := Locator{0: 0x2c}, Locator{0: 0x2b}
	for _, hops := range []uint8{0, 1} {
		f := AppendHeader(nil, &Header{Type: FrameTransport, HopLimit: hops, Dst: &dst, Src: &src})
		e.receive(append(f, 4, 0, 0, 0), netip.MustParseAddrPort("127.0.0.1:3"))
	}
	if st := e.Stats(); st.DroppedHopLimit != 2 || st.FramesForwarded != 0 {
		t.Errorf("stats %+v", st)
	}
	for _, s := range u.sent {
		var h Header
		if _, err := ParseHeader(s, &h); err != nil || h.Type != FrameUnreachable {
			t.Errorf("sent %x, want only unreachable frames", s)
		}
	}
}
