//go:build !nochain

package stack_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/anynet/anynet/internal/nodehook"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/route"
	"github.com/anynet/anynet/link/router"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// udpNode starts m's node on a UDP socket on loopback with routing r,
// resolving through names, and returns it with its link endpoint.
func udpNode(t *testing.T, m *member, names *naming.Client, r link.Routing, opts ...func(*stack.Node)) (*stack.Node, *link.Endpoint) {
	t.Helper()
	nk := m.nodeKey
	var ep *link.Endpoint
	n := &stack.Node{ListenAddr: "127.0.0.1:0", Wallet: transport.NewKeySigner(m.key), NodeKey: &nk,
		Names: names, Routing: r}
	for _, o := range opts {
		o(n)
	}
	ctx := nodehook.NewContext(context.Background(), &nodehook.Hooks{OnUp: func(in nodehook.Internals) { ep = in.Link }})
	if err := n.Up(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n, ep
}

// segments builds routers and hosts on UDP loopback that share one
// chain, for the tunnel tests.
type segments struct {
	t   *testing.T
	ctx context.Context
	env *chainEnv
}

const segAdvert, segHold = 200 * time.Millisecond, 2 * time.Second

func newSegments(t *testing.T, members ...*member) *segments {
	return &segments{t: t, ctx: testCtx(t), env: newChainEnv(t, members...)}
}

// at is m's locator in p.
func (s *segments) at(p locator.Prefix, m *member) locator.Locator {
	l, err := locator.Assign(p, m.nodeKey.Public, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	return l
}

// router starts m as a router of p, with tunnels from the chain, and
// publishes its DID document.
func (s *segments) router(m *member, p locator.Prefix, refresh time.Duration) (*stack.Node, *link.Endpoint, link.RouterPeer) {
	// The embedded chain's client: its Watch drops a cached answer when
	// a host that attached before it published publishes.
	n, ep := udpNode(s.t, m, s.env.emb.Client, link.Routing{Role: link.RoleRouter, Locator: s.at(p, m),
		Prefixes: []locator.Prefix{p}, AdvertInterval: segAdvert, HoldTime: segHold},
		func(n *stack.Node) { n.TunnelRefresh = refresh })
	if err := n.Publish(s.ctx, m.auth()); err != nil {
		s.t.Fatal(err)
	}
	return n, ep, link.RouterPeer{Wallet: m.wallet, NodeKey: m.nodeKey.Public, Addr: n.Self().Addr}
}

// pass mints p's network pass to holder and publishes routers as its
// router endpoints.
func (s *segments) pass(holder *member, p locator.Prefix, routers ...link.RouterPeer) *big.Int {
	id, err := s.env.emb.Client.MintPass(s.ctx, s.env.emb.Chain.DeployerAuth(), holder.wallet, p.Addr(), uint8(p.Bits()))
	if err != nil {
		s.t.Fatal(err)
	}
	s.setRouters(holder, id, routers...)
	return id
}

func (s *segments) setRouters(holder *member, pass *big.Int, routers ...link.RouterPeer) {
	var eps []string
	for _, r := range routers {
		eps = append(eps, r.Addr.String())
	}
	if err := s.env.emb.Client.SetRouters(s.ctx, holder.auth(), pass, eps); err != nil {
		s.t.Fatal(err)
	}
}

// host starts m as a host of p attached to routers, and publishes.
func (s *segments) host(m *member, p locator.Prefix, routers ...link.RouterPeer) *stack.Node {
	// No punching: the tests check the routers' path, which a direct
	// path found across the tunnel (ControlPunchSelf) would bypass.
	return s.hostPunch(m, p, false, routers...)
}

// hostPunch is host, punching if punch.
func (s *segments) hostPunch(m *member, p locator.Prefix, punch bool, routers ...link.RouterPeer) *stack.Node {
	n, _ := udpNode(s.t, m, s.env.client(s.t), link.Routing{Locator: s.at(p, m), Routers: routers,
		AdvertInterval: segAdvert, HoldTime: segHold, DisablePunch: !punch})
	if err := n.Publish(s.ctx, m.auth()); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// attached waits until every host is attached.
func (s *segments) attached(hosts ...*stack.Node) {
	for _, h := range hosts {
		for !h.Attached() {
			select {
			case <-s.ctx.Done():
				s.t.Fatalf("host %s did not attach", h.Self().Wallet)
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

// TestTunnelBetweenSegments: two segments whose routers are not
// neighbors and share no route, each holding a network pass on chain
// that publishes its router's UDP endpoint. alice (segment 2a) reaches
// bob (segment 2b) by name: r1 has no route for bob's locator, finds r2
// from bob's pass and tunnels the frames to it over UDP; r2 does the
// same for the way back. A locator no pass holds fails the dial with
// ErrUnreachable rather than a timeout.
func TestTunnelBetweenSegments(t *testing.T) {
	rm1, rm2, alice, bob := newMember(t), newMember(t), newMember(t), newMember(t)
	s := newSegments(t, rm1, rm2, alice, bob)
	ctx := s.ctx
	segA, segB := mustPrefix(t, "2a.1/128"), mustPrefix(t, "2b.1/128")
	r1, ep1, rp1 := s.router(rm1, segA, 0)
	r2, ep2, rp2 := s.router(rm2, segB, 0)
	s.pass(rm1, segA, rp1)
	s.pass(rm2, segB, rp2)
	a, b := s.host(alice, segA, rp1), s.host(bob, segB, rp2)
	if _, err := s.env.client(t).ClaimName(ctx, bob.auth(), "bob"); err != nil {
		t.Fatal(err)
	}
	s.attached(a, b)
	if rs := r1.Routes(); slices.ContainsFunc(rs, func(r route.Route) bool { return r.Prefix == segB }) {
		t.Fatalf("r1 has a route to %s (%v): the routers must not be neighbors", segB, rs)
	}

	listenEcho(t, b)
	c := echoOnce(t, ctx, a, "bob:7", []byte("hello bob, in another segment"))
	if w, err := a.PeerOf(c); err != nil || w != bob.wallet {
		t.Fatalf("a.PeerOf = %s, %v; want bob %s", w, err, bob.wallet)
	}
	for _, tc := range []struct {
		name string
		n    *stack.Node
		ep   *link.Endpoint
		want router.Tunnel
	}{{"r1", r1, ep1, router.Tunnel{Prefix: segB, Router: rp2.Addr}}, {"r2", r2, ep2, router.Tunnel{Prefix: segA, Router: rp1.Addr}}} {
		if got := tc.n.Tunnels(); !slices.Contains(got, tc.want) {
			t.Errorf("%s tunnels = %v, want %v among them", tc.name, got, tc.want)
		}
		if tc.ep.Stats().FramesForwarded == 0 {
			t.Errorf("%s forwarded no frame", tc.name)
		}
	}

	// A segment no pass holds.
	nowhere := newMember(t)
	key := nowhere.nodeKey.Public
	if err := a.AddPeer(ctx, stack.Peer{Wallet: nowhere.wallet, NodeKey: &key, Locator: s.at(mustPrefix(t, "2c.1/128"), nowhere)}); err != nil {
		t.Fatal(err)
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err := a.Dial(dctx, "tcp", nowhere.wallet.Hex()+":7")
	if !errors.Is(err, link.ErrUnreachable) {
		t.Fatalf("dial into a segment without a pass: %v, want ErrUnreachable", err)
	}
	if r2.LinkStats().DroppedNoRoute != 0 {
		t.Errorf("r2 dropped frames for lack of a route: %+v", r2.LinkStats())
	}
}

// TestTunnelFollowsMovedRouter: segment 2b has two routers, r2 and r2b,
// and bob attaches to both; its pass publishes r2 alone. alice, in
// segment 2a, reaches bob through r1's tunnel to r2. Then r2 stops and
// the pass holder publishes r2b instead: r1, asking the chain again
// while it uses the tunnel (Node.TunnelRefresh), follows the pass to
// r2b, and alice reaches bob again long before the cached tunnel would
// have expired.
func TestTunnelFollowsMovedRouter(t *testing.T) {
	rm1, rm2, rm2b, alice, bob := newMember(t), newMember(t), newMember(t), newMember(t), newMember(t)
	s := newSegments(t, rm1, rm2, rm2b, alice, bob)
	segA, segB := mustPrefix(t, "2a.1/128"), mustPrefix(t, "2b.1/128")
	const refresh = 300 * time.Millisecond
	r1, _, rp1 := s.router(rm1, segA, refresh)
	r2, _, rp2 := s.router(rm2, segB, refresh)
	_, ep2b, rp2b := s.router(rm2b, segB, refresh)
	s.pass(rm1, segA, rp1)
	passB := s.pass(rm2, segB, rp2)
	a, b := s.host(alice, segA, rp1), s.host(bob, segB, rp2, rp2b)
	s.attached(a, b)
	listenEcho(t, b)
	bobAddr := bob.wallet.Hex() + ":7"
	echoOnce(t, s.ctx, a, bobAddr, []byte("through r2"))
	if got := r1.Tunnels(); !slices.Contains(got, router.Tunnel{Prefix: segB, Router: rp2.Addr}) {
		t.Fatalf("r1 tunnels %v, want one to r2 at %s", got, rp2.Addr)
	}

	r2.Close()
	s.setRouters(rm2, passB, rp2b)
	// A fresh connection each try: each dial sends frames through r1,
	// which keep the tunnel in use.
	var err error
	for try := 0; ; try++ {
		if err = echoTry(s.ctx, a, bobAddr, []byte("through r2b")); err == nil {
			break
		}
		if s.ctx.Err() != nil {
			t.Fatalf("alice never reached bob after r2 stopped (%d tries): %v; r1 tunnels %v", try, err, r1.Tunnels())
		}
	}
	if got := r1.Tunnels(); !slices.Contains(got, router.Tunnel{Prefix: segB, Router: rp2b.Addr}) {
		t.Errorf("r1 tunnels %v, want one to r2b at %s", got, rp2b.Addr)
	}
	if ep2b.Stats().FramesForwarded == 0 {
		t.Error("r2b forwarded no frame")
	}
}

// echoTry dials addr from n, writes msg and reads it back, within 3 s.
func echoTry(ctx context.Context, n *stack.Node, addr string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	c, err := n.Dial(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	deadline, _ := ctx.Deadline()
	c.SetDeadline(deadline)
	if _, err := c.Write(msg); err != nil {
		return err
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		return err
	}
	if !bytes.Equal(got, msg) {
		return fmt.Errorf("echo %q, want %q", got, msg)
	}
	return nil
}

func mustPrefix(t *testing.T, s string) locator.Prefix {
	t.Helper()
	p, err := locator.ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPunchAcrossTunnel: alice (segment 2a) and bob (segment 2b) talk
// through r1's and r2's tunnel. No router can pair their punch asks, as
// neither has a route to the other segment; each answers its host with
// the address it sees it at, the hosts send it to each other inside
// their session, probe, and go direct: a large echo then passes no
// router. carol, in 2b with punching off, stays relayed.
func TestPunchAcrossTunnel(t *testing.T) {
	rm1, rm2, alice, bob, carol := newMember(t), newMember(t), newMember(t), newMember(t), newMember(t)
	s := newSegments(t, rm1, rm2, alice, bob, carol)
	segA, segB := mustPrefix(t, "2a.1/128"), mustPrefix(t, "2b.1/128")
	r1, _, rp1 := s.router(rm1, segA, 0)
	r2, _, rp2 := s.router(rm2, segB, 0)
	s.pass(rm1, segA, rp1)
	s.pass(rm2, segB, rp2)
	a, b := s.hostPunch(alice, segA, true, rp1), s.hostPunch(bob, segB, true, rp2)
	c, _ := udpNode(t, carol, s.env.client(t), link.Routing{Locator: s.at(segB, carol), Routers: []link.RouterPeer{rp2},
		AdvertInterval: segAdvert, HoldTime: segHold, DisablePunch: true})
	if err := c.Publish(s.ctx, carol.auth()); err != nil {
		t.Fatal(err)
	}
	s.attached(a, b, c)
	listenEcho(t, b)
	listenEcho(t, c)
	toBob := echoOnce(t, s.ctx, a, bob.wallet.Hex()+":7", []byte("through the tunnel"))
	toCarol := echoOnce(t, s.ctx, a, carol.wallet.Hex()+":7", []byte("through the tunnel"))
	msg := []byte("punching")
	for {
		for _, conn := range []net.Conn{toBob, toCarol} {
			if _, err := conn.Write(msg); err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(conn, make([]byte, len(msg))); err != nil {
				t.Fatal(err)
			}
		}
		_, ab := a.DirectPath(bob.wallet)
		_, ba := b.DirectPath(alice.wallet)
		if ab && ba {
			break
		}
		select {
		case <-s.ctx.Done():
			t.Fatalf("alice and bob never went direct (alice→bob %v, bob→alice %v); alice %+v; bob %+v", ab, ba, a.LinkStats(), b.LinkStats())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if a.LinkStats().PunchCandidates == 0 || b.LinkStats().PunchCandidates == 0 {
		t.Errorf("candidates sent: alice %d, bob %d; want both > 0", a.LinkStats().PunchCandidates, b.LinkStats().PunchCandidates)
	}
	if _, ok := a.DirectPath(carol.wallet); ok {
		t.Error("alice went direct to carol, who does not punch")
	}
	if n := c.LinkStats().PunchCandidates + c.LinkStats().PunchAsks; n != 0 {
		t.Errorf("carol, with punching off, sent %d asks and candidates", n)
	}

	fwd := func() uint64 { return r1.LinkStats().FramesForwarded + r2.LinkStats().FramesForwarded }
	fwd0, recv0 := fwd(), b.LinkStats().FramesReceived
	big := bytes.Repeat([]byte("direct across the tunnel "), 40000)
	if _, err := toBob.Write(big); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(big))
	if _, err := io.ReadFull(toBob, got); err != nil || !bytes.Equal(got, big) {
		t.Fatalf("large echo: %v", err)
	}
	if f, recv := fwd()-fwd0, b.LinkStats().FramesReceived-recv0; recv < 500 || f*10 > recv {
		t.Errorf("bob received %d frames, the routers forwarded %d: not direct", recv, f)
	}
}
