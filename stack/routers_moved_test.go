//go:build !nochain

package stack_test

import (
	"context"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// TestHostFindsMovedRouter: h is attached to r, given at r's address.
// r restarts on another port with its keys and publishes its new
// endpoint; h, looking up the document of its router that went down,
// moves to the new address and attaches again, and reaches g, the other
// host of the segment, through r.
func TestHostFindsMovedRouter(t *testing.T) {
	rm, hm, gm := newMember(t), newMember(t), newMember(t)
	env := newChainEnv(t, rm, hm, gm)
	ctx := testCtx(t)
	seg := mustPrefix(t, "2a.1/128")
	at := func(m *member) locator.Locator {
		l, err := locator.Assign(seg, m.nodeKey.Public, 0)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	const advert, hold = 200 * time.Millisecond, time.Second
	startRouter := func() *stack.Node {
		nk := rm.nodeKey
		n := &stack.Node{ListenAddr: "127.0.0.1:0", Wallet: transport.NewKeySigner(rm.key), NodeKey: &nk, Names: env.emb.Client,
			Routing: link.Routing{Role: link.RoleRouter, Locator: at(rm), Prefixes: []locator.Prefix{seg}, AdvertInterval: advert, HoldTime: hold}}
		if err := n.Up(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := n.Publish(ctx, rm.auth()); err != nil {
			t.Fatal(err)
		}
		return n
	}
	r := startRouter()
	rp := link.RouterPeer{Wallet: rm.wallet, NodeKey: rm.nodeKey.Public, Addr: r.Self().Addr}
	host := func(m *member) *stack.Node {
		nk := m.nodeKey
		n := &stack.Node{ListenAddr: "127.0.0.1:0", Wallet: transport.NewKeySigner(m.key), NodeKey: &nk, Names: env.client(t),
			KeyCheckInterval: 200 * time.Millisecond,
			Routing:          link.Routing{Locator: at(m), Routers: []link.RouterPeer{rp}, AdvertInterval: advert, HoldTime: hold}}
		if err := n.Up(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Close() })
		if err := n.Publish(ctx, m.auth()); err != nil {
			t.Fatal(err)
		}
		return n
	}
	h, g := host(hm), host(gm)
	waitAttached := func(what string, n *stack.Node) {
		for !n.Attached() {
			select {
			case <-ctx.Done():
				t.Fatalf("%s never attached; its routers %+v", what, n.Routers())
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	waitAttached("h", h)
	waitAttached("g", g)
	listenEcho(t, g)
	echoOnce(t, ctx, h, gm.wallet.Hex()+":7", []byte("through r"))

	old := r.Self().Addr
	r.Close()
	r = startRouter() // another port, same keys, published again
	t.Cleanup(func() { r.Close() })
	if r.Self().Addr == old {
		t.Fatalf("the router came back on its old address %s: nothing moved", old)
	}
	for !h.Attached() || !g.Attached() || h.Routers()[0].Addr != r.Self().Addr {
		select {
		case <-ctx.Done():
			t.Fatalf("hosts did not follow the router to %s: h %+v, g %+v", r.Self().Addr, h.Routers(), g.Routers())
		case <-time.After(20 * time.Millisecond):
		}
	}
	for {
		if err := echoTry(ctx, h, gm.wallet.Hex()+":7", []byte("through r, moved")); err == nil {
			break
		} else if ctx.Err() != nil {
			t.Fatalf("h never reached g through the moved router: %v", err)
		}
	}
}
