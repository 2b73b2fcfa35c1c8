//go:build !nochain

package stack_test

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// nodeOn starts m's node on network nw with routing r and extra NICs,
// resolving and checking through names.
func nodeOn(t *testing.T, nw *mem.Network, m *member, names *naming.Client, r link.Routing, nics ...stack.NIC) *stack.Node {
	t.Helper()
	u, err := nw.Attach()
	if err != nil {
		t.Fatal(err)
	}
	nk := m.nodeKey
	n := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(m.key), NodeKey: &nk,
		Names: names, Routing: r, NICs: nics}
	if err := n.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// TestTwoNICsByName: host h has NIC 0 on network A (router rA, subnet
// 2a.1) and NIC 1 on network B (router rB, subnet 2b.1); the networks
// share nothing. h publishes both locators and both endpoints in its DID
// document; a client on A and one on B, each knowing only the chain and
// its router, dial "h" by name: each picks the locator in its own
// network (the nearest to its own) and reaches h through its router.
func TestTwoNICsByName(t *testing.T) {
	ctx := testCtx(t)
	ra, rb, hm, am, bm := newMember(t), newMember(t), newMember(t), newMember(t), newMember(t)
	env := newChainEnv(t, ra, rb, hm, am, bm)
	nwB := mem.NewNetwork(mem.Config{MTU: link.MinUnderlayMTU})
	t.Cleanup(func() { nwB.Close() })
	subA, err := locator.ParsePrefix("2a.1/128")
	if err != nil {
		t.Fatal(err)
	}
	subB, err := locator.ParsePrefix("2b.1/128")
	if err != nil {
		t.Fatal(err)
	}
	at := func(p locator.Prefix, m *member, nic uint32) locator.Locator {
		l, err := locator.Assign(p, m.nodeKey.Public, nic)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	const advert, hold = 200 * time.Millisecond, 2 * time.Second
	router := func(nw *mem.Network, m *member, p locator.Prefix) (*stack.Node, link.RouterPeer) {
		n := nodeOn(t, nw, m, env.emb.Client, link.Routing{Role: link.RoleRouter, Locator: at(p, m, 0),
			Prefixes: []locator.Prefix{p}, AdvertInterval: advert, HoldTime: hold})
		if err := n.Publish(ctx, m.auth()); err != nil {
			t.Fatal(err)
		}
		return n, link.RouterPeer{Wallet: m.wallet, NodeKey: m.nodeKey.Public, Addr: n.Self().Addr}
	}
	rA, rpA := router(env.nw, ra, subA)
	rB, rpB := router(nwB, rb, subB)
	host := func(loc locator.Locator, rp link.RouterPeer) link.Routing {
		return link.Routing{Locator: loc, Routers: []link.RouterPeer{rp}, AdvertInterval: advert, HoldTime: hold}
	}

	// An address of its own on B, so that the two endpoints differ (the
	// networks number their nodes alike).
	uB, err := nwB.AttachAt(netip.MustParseAddrPort("100.64.2.2:1"))
	if err != nil {
		t.Fatal(err)
	}
	h0, h1 := at(subA, hm, 0), at(subB, hm, 1)
	h := nodeOn(t, env.nw, hm, env.client(t), host(h0, rpA),
		stack.NIC{Underlay: uB, Locator: h1, Routers: []link.RouterPeer{rpB}})
	a := nodeOn(t, env.nw, am, env.client(t), host(at(subA, am, 0), rpA))
	b := nodeOn(t, nwB, bm, env.client(t), host(at(subB, bm, 0), rpB))
	for _, p := range []struct {
		n *stack.Node
		m *member
	}{{h, hm}, {a, am}, {b, bm}} {
		if err := p.n.Publish(ctx, p.m.auth()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.client(t).ClaimName(ctx, hm.auth(), "h"); err != nil {
		t.Fatal(err)
	}

	doc, err := env.client(t).DIDDocument(ctx, hm.wallet)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(doc.Locators, []string{h0.String(), h1.String()}) {
		t.Fatalf("h's locators = %q, want [%s %s]", doc.Locators, h0, h1)
	}
	if !slices.Contains(doc.Routers, rpA.Addr.String()) || !slices.Contains(doc.Routers, rpB.Addr.String()) {
		t.Errorf("h's routers = %q, want %s and %s", doc.Routers, rpA.Addr, rpB.Addr)
	}
	var eps []string
	for _, u := range doc.Underlays {
		eps = append(eps, u.Addr.String())
	}
	if want := h.Endpoints(); len(want) != 2 || !slices.Contains(eps, want[0].String()) || !slices.Contains(eps, want[1].String()) {
		t.Errorf("h's endpoints = %q, want %v", eps, want)
	}
	if got := h.Locators(); !slices.Equal(got, []locator.Locator{h0, h1}) {
		t.Errorf("h.Locators() = %v", got)
	}
	// Republishing an unchanged node writes and revokes nothing.
	if err := h.Publish(ctx, hm.auth()); err != nil {
		t.Fatal(err)
	}
	if again, err := env.client(t).DIDDocument(ctx, hm.wallet); err != nil || len(again.Underlays) != len(doc.Underlays) || len(again.Locators) != 2 {
		t.Errorf("after republishing: %+v, %v", again, err)
	}

	for !h.Attached() || !a.Attached() || !b.Attached() {
		select {
		case <-ctx.Done():
			t.Fatal("hosts did not attach")
		case <-time.After(20 * time.Millisecond):
		}
	}
	listenEcho(t, h)
	for _, tc := range []struct {
		name string
		from *stack.Node
		m    *member
		via  *stack.Node
	}{{"on A", a, am, rA}, {"on B", b, bm, rB}} {
		before := tc.via.LinkStats().FramesForwarded
		c := echoOnce(t, ctx, tc.from, "h:7", []byte("hello h, "+tc.name))
		if w, err := tc.from.PeerOf(c); err != nil || w != hm.wallet {
			t.Errorf("%s: PeerOf = %s, %v; want h %s", tc.name, w, err, hm.wallet)
		}
		if w, err := h.WhoIs(&net.TCPAddr{IP: link.IdentityAddr(tc.m.wallet).AsSlice()}); err != nil || w != tc.m.wallet {
			t.Errorf("%s: h.WhoIs = %s, %v; want %s", tc.name, w, err, tc.m.wallet)
		}
		if tc.via.LinkStats().FramesForwarded <= before {
			t.Errorf("%s: the router forwarded nothing", tc.name)
		}
	}
}

// TestPublishRevokesStaleLocators: a node that moved to another subnet
// republishes; the locator it held before is revoked, while a locator
// another node of the wallet published (anycast) stays.
func TestPublishRevokesStaleLocators(t *testing.T) {
	ctx := testCtx(t)
	m, other := newMember(t), newMember(t)
	env := newChainEnv(t, m)
	sub := func(s string) locator.Prefix {
		p, err := locator.ParsePrefix(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	old, _ := locator.Assign(sub("2a.1/128"), m.nodeKey.Public, 0)
	moved, _ := locator.Assign(sub("2a.2/128"), m.nodeKey.Public, 0)
	sibling, _ := locator.Assign(sub("2a.1/128"), other.nodeKey.Public, 0)
	if _, err := env.client(t).Publish(ctx, m.auth(), naming.PublishRequest{Identity: m.wallet, Locators: []string{sibling.String()}}); err != nil {
		t.Fatal(err)
	}
	for _, loc := range []locator.Locator{old, moved} {
		n := nodeOn(t, env.nw, m, env.client(t), link.Routing{Locator: loc})
		if err := n.Publish(ctx, m.auth()); err != nil {
			t.Fatal(err)
		}
		n.Close()
	}
	doc, err := env.client(t).DIDDocument(ctx, m.wallet)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(doc.Locators, []string{sibling.String(), moved.String()}) {
		t.Errorf("locators after moving = %q, want [%s %s]", doc.Locators, sibling, moved)
	}
}
