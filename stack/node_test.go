//go:build !nochain

package stack_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"go.uber.org/goleak"
)

// testCtx bounds a test's blocking calls; it never asserts on time.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// memPair starts two nodes on one in-memory network, each knowing the
// other as a static peer.
func memPair(t *testing.T, tweak func(a, b *stack.Node)) (a, b *stack.Node) {
	t.Helper()
	ctx := testCtx(t)
	nw := mem.NewNetwork(mem.Config{MTU: link.MinUnderlayMTU})
	ua, err := nw.Attach()
	if err != nil {
		t.Fatal(err)
	}
	ub, err := nw.Attach()
	if err != nil {
		t.Fatal(err)
	}
	a, b = &stack.Node{Underlay: ua}, &stack.Node{Underlay: ub}
	if tweak != nil {
		tweak(a, b)
	}
	for _, n := range []*stack.Node{a, b} {
		if err := n.Up(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Close() })
	}
	if err := a.AddPeer(ctx, b.Self()); err != nil {
		t.Fatal(err)
	}
	if err := b.AddPeer(ctx, a.Self()); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// serveEcho echoes every TCP conn accepted on l.
func serveEcho(t *testing.T, l net.Listener) {
	t.Helper()
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
}

func echoOnce(t *testing.T, ctx context.Context, from *stack.Node, addr string, msg []byte) net.Conn {
	t.Helper()
	c, err := from.Dial(ctx, "tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("echo = %q, want %q", got, msg)
	}
	return c
}

func TestTCPEchoOverMem(t *testing.T) {
	ctx := testCtx(t)
	a, b := memPair(t, nil)
	l, err := b.Listen("tcp", ":7")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
		io.Copy(c, c)
		c.Close()
	}()
	t.Cleanup(func() { l.Close() })

	msg := make([]byte, 200_000) // many segments, both directions
	rand.Read(msg)
	c := echoOnce(t, ctx, a, b.Addr().Hex()+":7", msg)

	// Both ends see the other's verified wallet.
	if got := c.RemoteAddr().(*stack.Addr).Wallet; got != b.Addr() {
		t.Fatalf("dialer RemoteAddr wallet %s, want %s", got, b.Addr())
	}
	if w, err := a.PeerOf(c); err != nil || w != b.Addr() {
		t.Fatalf("a.PeerOf = %s, %v; want %s", w, err, b.Addr())
	}
	sc := <-accepted
	if sc == nil {
		t.Fatal("accept failed")
	}
	if w, err := b.WhoIs(sc.RemoteAddr()); err != nil || w != a.Addr() {
		t.Fatalf("b.WhoIs = %s, %v; want %s", w, err, a.Addr())
	}
	if got := sc.RemoteAddr().String(); got != c.LocalAddr().String() {
		t.Fatalf("server sees %s, client is %s", got, c.LocalAddr())
	}
}

func TestUDPRoundTripOverMem(t *testing.T) {
	ctx := testCtx(t)
	a, b := memPair(t, nil)
	pc, err := b.ListenPacket("udp", ":53")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo(append([]byte("re:"), buf[:n]...), from)
		}
	}()
	c, err := a.Dial(ctx, "udp", b.Addr().Hex()+":53")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The first datagram waits in the link's queue for the handshake, so a
	// single try suffices; retry anyway as UDP callers do.
	buf := make([]byte, 64)
	for i := 0; ; i++ {
		if _, err := c.Write([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, err := c.Read(buf)
		if err == nil {
			if string(buf[:n]) != "re:ping" {
				t.Fatalf("got %q", buf[:n])
			}
			break
		}
		if i == 10 {
			t.Fatalf("no UDP reply: %v", err)
		}
	}
	if w, err := a.WhoIs(c.RemoteAddr()); err != nil || w != b.Addr() {
		t.Fatalf("WhoIs = %s, %v", w, err)
	}
}

func TestDialErrors(t *testing.T) {
	ctx := testCtx(t)
	a, _ := memPair(t, nil)
	stranger, _ := crypto.GenerateKey()
	tests := []struct {
		network, addr string
		want          error
	}{
		{"tcp", "no-port", stack.ErrBadAddress},
		{"tcp", "0x00:99999", stack.ErrBadAddress},
		{"tcp", crypto.PubkeyToAddress(stranger.PublicKey).Hex() + ":80", stack.ErrUnknownPeer},
		{"tcp", "alice.eth:80", stack.ErrNoResolver},
		{"sctp", "x:1", stack.ErrNetwork},
	}
	for _, tt := range tests {
		if _, err := a.Dial(ctx, tt.network, tt.addr); !errors.Is(err, tt.want) {
			t.Errorf("Dial(%q, %q) = %v, want %v", tt.network, tt.addr, err, tt.want)
		}
	}
	if _, err := a.Listen("tcp", "0x0000000000000000000000000000000000000001:80"); !errors.Is(err, stack.ErrBadAddress) {
		t.Errorf("Listen on another wallet: %v", err)
	}
}

// TestOwnBindingRefused: a node will not come up with a binding its
// peers would refuse. (That peers refuse such a binding in the handshake
// is shown by transport's TestBindingRefused.)
func TestOwnBindingRefused(t *testing.T) {
	victim, _ := crypto.GenerateKey()
	k, _ := crypto.GenerateKey()
	nk, _ := transport.GenerateNodeKey(rand.Reader)
	forged, err := transport.SignBinding(transport.NewKeySigner(k), nk.Public, 1337, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	forged.Wallet = crypto.PubkeyToAddress(victim.PublicKey)
	nw := mem.NewNetwork(mem.Config{})
	u, err := nw.Attach()
	if err != nil {
		t.Fatal(err)
	}
	n := &stack.Node{Underlay: u, NodeKey: &nk, Wallet: fixedAddr{transport.NewKeySigner(k), forged.Wallet}, Binding: &forged}
	defer n.Close()
	if err := n.Up(testCtx(t)); !errors.Is(err, transport.ErrBadSignature) {
		t.Fatalf("Up with a binding signed by A claiming B = %v, want %v", err, transport.ErrBadSignature)
	}
}

// TestRefusedBindings: a peer presenting a binding that does not hold
// where it arrives cannot connect, is counted, and is never verified.
func TestRefusedBindings(t *testing.T) {
	tests := []struct {
		name  string
		tweak func(a, b *stack.Node)
		count func(transport.Stats) uint64
	}{
		{"expired binding (A's clock is behind)", func(a, _ *stack.Node) {
			k, _ := crypto.GenerateKey()
			nk, _ := transport.GenerateNodeKey(rand.Reader)
			then := time.Now().Add(-2 * time.Hour)
			s := transport.NewKeySigner(k)
			old, err := transport.SignBinding(s, nk.Public, 1337, then.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			a.Wallet, a.NodeKey, a.Binding = s, &nk, &old
			a.Now = func() time.Time { return time.Now().Add(-2 * time.Hour) }
		}, func(s transport.Stats) uint64 { return s.DroppedBindingExpired }},
		{"wallet revoked by B's check", func(a, b *stack.Node) {
			b.CheckBinding = func(bd transport.Binding) error {
				return fmt.Errorf("node key of %s revoked", bd.Wallet)
			}
		}, func(s transport.Stats) uint64 { return s.DroppedRefused }},
		{"binding for another chain", func(a, _ *stack.Node) {
			a.ChainID = 1
		}, func(s transport.Stats) uint64 { return s.DroppedWrongChain + s.DroppedMAC + s.DroppedAuth }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := memPair(t, tt.tweak)
			l, err := b.Listen("tcp", ":7")
			if err != nil {
				t.Fatal(err)
			}
			serveEcho(t, l)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			if c, err := a.Dial(ctx, "tcp", b.Addr().Hex()+":7"); err == nil {
				c.Close()
				t.Fatal("dial succeeded with a refused binding")
			}
			if got := tt.count(b.TransportStats()); got == 0 {
				t.Fatalf("responder counted no refusal: %+v", b.TransportStats())
			}
			if _, err := b.WhoIs(&stack.Addr{Wallet: a.Addr()}); err == nil {
				t.Fatal("refused peer is verified")
			}
		})
	}
}

// fixedAddr is a signer that reports a chosen wallet.
type fixedAddr struct {
	transport.Signer
	addr common.Address
}

func (f fixedAddr) Address() common.Address { return f.addr }

// tamperUnderlay sends every frame as is, plus a copy with its last byte
// flipped and a verbatim duplicate.
type tamperUnderlay struct {
	link.Underlay
	on bool
}

func (u *tamperUnderlay) Send(dst netip.AddrPort, frames ...[]byte) error {
	if err := u.Underlay.Send(dst, frames...); err != nil || !u.on {
		return err
	}
	for _, f := range frames {
		bad := append([]byte(nil), f...)
		bad[len(bad)-1] ^= 1
		u.Underlay.Send(dst, bad)
		u.Underlay.Send(dst, f)
	}
	return nil
}

func TestTamperedAndReplayedFramesDropped(t *testing.T) {
	ctx := testCtx(t)
	var tu *tamperUnderlay
	a, b := memPair(t, func(a, _ *stack.Node) {
		tu = &tamperUnderlay{Underlay: a.Underlay}
		a.Underlay = tu
	})
	l, err := b.Listen("tcp", ":7")
	if err != nil {
		t.Fatal(err)
	}
	serveEcho(t, l)
	echoOnce(t, ctx, a, b.Addr().Hex()+":7", []byte("before"))
	tu.on = true
	msg := make([]byte, 50_000)
	rand.Read(msg)
	echoOnce(t, ctx, a, b.Addr().Hex()+":7", msg)
	s := b.LinkStats()
	if s.DroppedOpen == 0 || s.DroppedReplay == 0 {
		t.Fatalf("tampered %d, replayed %d frames dropped; want both > 0", s.DroppedOpen, s.DroppedReplay)
	}
}

func TestCloseIdempotentNoLeaks(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx := testCtx(t)
	nw := mem.NewNetwork(mem.Config{MTU: link.MinUnderlayMTU})
	var nodes []*stack.Node
	for range 2 {
		u, err := nw.Attach()
		if err != nil {
			t.Fatal(err)
		}
		n := &stack.Node{Underlay: u}
		if err := n.Up(ctx); err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, n)
	}
	a, b := nodes[0], nodes[1]
	a.AddPeer(ctx, b.Self())
	b.AddPeer(ctx, a.Self())
	l, err := b.Listen("tcp", ":7")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := l.Accept()
		if err == nil {
			io.Copy(c, c)
			c.Close()
		}
	}()
	c := echoOnce(t, ctx, a, b.Addr().Hex()+":7", []byte("hello"))
	c.Close()
	<-done
	l.Close()
	for _, n := range nodes {
		if err := n.Close(); err != nil {
			t.Fatal(err)
		}
		if err := n.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	}
	if err := a.Up(ctx); !errors.Is(err, stack.ErrClosed) {
		t.Fatalf("Up after Close = %v, want ErrClosed", err)
	}
}
