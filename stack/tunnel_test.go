package stack_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/route"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// udpNode starts m's node on a UDP socket on loopback with routing r,
// resolving through names, and returns it with its link endpoint.
func udpNode(t *testing.T, m *member, names *naming.Client, r link.Routing) (*stack.Node, *link.Endpoint) {
	t.Helper()
	nk := m.nodeKey
	var ep *link.Endpoint
	n := &stack.Node{ListenAddr: "127.0.0.1:0", Wallet: transport.NewKeySigner(m.key), NodeKey: &nk,
		Names: names, Routing: r, OnUp: func(in stack.Internals) { ep = in.Link }}
	if err := n.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n, ep
}

// TestTunnelBetweenSegments: two segments whose routers are not
// neighbors and share no route, each holding a network pass on chain
// that publishes its router's UDP endpoint. alice (segment 2a) reaches
// bob (segment 2b) by name: r1 has no route for bob's locator, finds r2
// from bob's pass and tunnels the frames to it over UDP; r2 does the
// same for the way back. A locator no pass holds fails the dial with
// ErrUnreachable rather than a timeout.
func TestTunnelBetweenSegments(t *testing.T) {
	ctx := testCtx(t)
	rm1, rm2, alice, bob := newMember(t), newMember(t), newMember(t), newMember(t)
	env := newChainEnv(t, rm1, rm2, alice, bob)
	const advert, hold = 200 * time.Millisecond, 2 * time.Second
	segA, segB := mustPrefix(t, "2a.1/128"), mustPrefix(t, "2b.1/128")
	at := func(p locator.Prefix, m *member) locator.Locator {
		l, err := locator.Assign(p, m.nodeKey.Public, 0)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	router := func(m *member, p locator.Prefix) (*stack.Node, *link.Endpoint, link.RouterPeer) {
		// The embedded chain's client: its Watch drops a cached answer
		// when a host that attached before it published publishes.
		n, ep := udpNode(t, m, env.emb.Client, link.Routing{Role: link.RoleRouter, Locator: at(p, m),
			Prefixes: []locator.Prefix{p}, AdvertInterval: advert, HoldTime: hold})
		if err := n.Publish(ctx, m.auth()); err != nil {
			t.Fatal(err)
		}
		pass, err := env.emb.Client.MintPass(ctx, env.emb.Chain.DeployerAuth(), m.wallet, p.Addr(), uint8(p.Bits()))
		if err != nil {
			t.Fatal(err)
		}
		if err := env.emb.Client.SetRouters(ctx, m.auth(), pass, []string{n.Self().Addr.String()}); err != nil {
			t.Fatal(err)
		}
		return n, ep, link.RouterPeer{Wallet: m.wallet, NodeKey: m.nodeKey.Public, Addr: n.Self().Addr}
	}
	r1, ep1, rp1 := router(rm1, segA)
	r2, ep2, rp2 := router(rm2, segB)
	host := func(m *member, p locator.Prefix, rp link.RouterPeer) *stack.Node {
		n, _ := udpNode(t, m, env.client(t), link.Routing{Locator: at(p, m), Routers: []link.RouterPeer{rp},
			AdvertInterval: advert, HoldTime: hold})
		if err := n.Publish(ctx, m.auth()); err != nil {
			t.Fatal(err)
		}
		return n
	}
	a, b := host(alice, segA, rp1), host(bob, segB, rp2)
	if _, err := env.client(t).ClaimName(ctx, bob.auth(), "bob"); err != nil {
		t.Fatal(err)
	}
	for !a.Attached() || !b.Attached() {
		select {
		case <-ctx.Done():
			t.Fatalf("hosts did not attach (alice %v, bob %v)", a.Attached(), b.Attached())
		case <-time.After(20 * time.Millisecond):
		}
	}
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
		ep   *link.Endpoint
		want link.Tunnel
	}{{"r1", ep1, link.Tunnel{Prefix: segB, Router: rp2.Addr}}, {"r2", ep2, link.Tunnel{Prefix: segA, Router: rp1.Addr}}} {
		if got := tc.ep.Tunnels(); !slices.Contains(got, tc.want) {
			t.Errorf("%s tunnels = %v, want %v among them", tc.name, got, tc.want)
		}
		if tc.ep.Stats().FramesForwarded == 0 {
			t.Errorf("%s forwarded no frame", tc.name)
		}
	}

	// A segment no pass holds.
	nowhere := newMember(t)
	key := nowhere.nodeKey.Public
	if err := a.AddPeer(ctx, stack.Peer{Wallet: nowhere.wallet, NodeKey: &key, Locator: at(mustPrefix(t, "2c.1/128"), nowhere)}); err != nil {
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

func mustPrefix(t *testing.T, s string) locator.Prefix {
	t.Helper()
	p, err := locator.ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
