//go:build !nochain

package stack_test

import (
	"context"
	"testing"
	"time"

	"github.com/anynet/anynet/internal/nodehook"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// routedNode starts m's node on env's memory network with routing r,
// resolving and checking through names, and returns it with its link
// endpoint.
func (env *chainEnv) routedNode(t *testing.T, m *member, names *naming.Client, r link.Routing) (*stack.Node, *link.Endpoint) {
	t.Helper()
	u, err := env.nw.Attach()
	if err != nil {
		t.Fatal(err)
	}
	nk := m.nodeKey
	var ep *link.Endpoint
	n := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(m.key), NodeKey: &nk,
		Names: names, Routing: r}
	ctx := nodehook.NewContext(context.Background(), &nodehook.Hooks{OnUp: func(in nodehook.Internals) { ep = in.Link }})
	if err := n.Up(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n, ep
}

// TestRoutedByName: two hosts attached to one router, each knowing only
// the chain and its router, find each other by name; the connection goes
// through the router (it forwards frames it cannot open), not straight
// between the hosts' published underlay endpoints.
func TestRoutedByName(t *testing.T) {
	ctx := testCtx(t)
	rm, alice, bob := newMember(t), newMember(t), newMember(t)
	env := newChainEnv(t, rm, alice, bob)
	subnet, err := locator.ParsePrefix("2a.1/128")
	if err != nil {
		t.Fatal(err)
	}
	at := func(m *member) locator.Locator {
		l, err := locator.Assign(subnet, m.nodeKey.Public, 0)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	const advert, hold = 200 * time.Millisecond, 2 * time.Second

	// The router checks the hosts' bindings as they attach, which may be
	// before they publish: its client is the embedded chain's, whose
	// Watch drops a cached answer when the host's DID document changes.
	r, rep := env.routedNode(t, rm, env.emb.Client, link.Routing{Role: link.RoleRouter, Locator: at(rm),
		Prefixes: []locator.Prefix{subnet}, AdvertInterval: advert, HoldTime: hold})
	if err := r.Publish(ctx, rm.auth()); err != nil {
		t.Fatal(err)
	}
	rp := link.RouterPeer{Wallet: rm.wallet, NodeKey: rm.nodeKey.Public, Addr: r.Self().Addr}
	host := func(m *member) link.Routing {
		return link.Routing{Locator: at(m), Routers: []link.RouterPeer{rp}, AdvertInterval: advert, HoldTime: hold}
	}
	a, _ := env.routedNode(t, alice, env.client(t), host(alice))
	b, _ := env.routedNode(t, bob, env.client(t), host(bob))
	for _, p := range []struct {
		n *stack.Node
		m *member
	}{{a, alice}, {b, bob}} {
		if err := p.n.Publish(ctx, p.m.auth()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.client(t).ClaimName(ctx, bob.auth(), "bob"); err != nil {
		t.Fatal(err)
	}
	doc, err := env.client(t).DIDDocument(ctx, bob.wallet)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Locators) != 1 || doc.Locators[0] != at(bob).String() {
		t.Fatalf("bob's locators = %q, want [%s]", doc.Locators, at(bob))
	}
	if len(doc.Routers) != 1 || doc.Routers[0] != rp.Addr.String() {
		t.Fatalf("bob's routers = %q, want [%s]", doc.Routers, rp.Addr)
	}
	for !a.Attached() || !b.Attached() {
		select {
		case <-ctx.Done():
			t.Fatalf("hosts did not attach to the router (alice %v, bob %v)", a.Attached(), b.Attached())
		case <-time.After(20 * time.Millisecond):
		}
	}

	listenEcho(t, b)
	c := echoOnce(t, ctx, a, "bob:7", []byte("hello bob, through r"))
	if w, err := a.PeerOf(c); err != nil || w != bob.wallet {
		t.Fatalf("a.PeerOf = %s, %v; want bob %s", w, err, bob.wallet)
	}
	if rs := r.Routes(); len(rs) == 0 || rs[0].Prefix != subnet {
		t.Errorf("router's routes = %v, want its subnet %s", rs, subnet)
	}
	if st := r.LinkStats(); st.FramesForwarded == 0 {
		t.Fatalf("the router forwarded no frame: %+v", st)
	}
	if _, ok := rep.Wallet(link.IdentityAddr(bob.wallet)); !ok {
		t.Error("the router has no session with bob, its attached host")
	}
	if _, ok := rep.PeerWallet(link.IdentityAddr(alice.wallet)); !ok {
		t.Error("the router has no session with alice, its attached host")
	}
}
