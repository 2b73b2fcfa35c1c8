//go:build !nochain

package stack_test

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// serveWho answers on TCP port 81 of n with one line: the wallet and the
// instance address of the conn's remote end, as n sees them.
func serveWho(t *testing.T, n *stack.Node) {
	t.Helper()
	serve(t, n, ":81", func(c net.Conn) {
		a := c.RemoteAddr().(*stack.Addr)
		fmt.Fprintf(c, "%s %s\n", a.Wallet.Hex(), a.Instance)
	})
}

func askWho(t *testing.T, from *stack.Node, addr string) string {
	t.Helper()
	c, err := from.Dial(testCtx(t), "tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("read from %s: %v", addr, err)
	}
	return strings.TrimSpace(line)
}

func (an *anycastNet) dialAddr(t *testing.T, from *stack.Node, addr string) *keyConn {
	t.Helper()
	c, err := from.Dial(testCtx(t), "tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return &keyConn{Conn: c, r: bufio.NewReader(c)}
}

// TestInstanceDialSameWallet: a and b serve one wallet (real netstacks,
// real Noise, the in-memory underlay). a reaches b — not itself, though
// b's wallet is its own — at b's instance address, from its own; b sees
// a's instance address and reaches a back at it without being told
// where a is. A client that reaches the wallet by anycast at the near
// instance a reaches the far one, b, at its instance address, every
// time.
func TestInstanceDialSameWallet(t *testing.T) {
	ctx := testCtx(t)
	an := newAnycastNet(t, nil)
	a, b := an.a, an.b
	for _, n := range []*stack.Node{a, b} {
		serveWho(t, n)
	}
	ia, ib := a.InstanceAddr(), b.InstanceAddr()
	if ia != stack.InstanceAddr(an.wallet, *a.Self().NodeKey) || ia == ib || !ia.IsValid() {
		t.Fatalf("instance addresses %s and %s", ia, ib)
	}
	got, err := a.AddInstance(ctx, b.Self())
	if err != nil || got != ib {
		t.Fatalf("AddInstance(b) = %s, %v; want %s", got, err, ib)
	}
	at := func(ip netip.Addr, port int) string { return netip.AddrPortFrom(ip, uint16(port)).String() }

	c := an.dialAddr(t, a, at(ib, 80))
	if got := c.ask(t); got != keyOf(b) {
		t.Fatalf("a dialled b's instance address and reached %s, want b %s", got, keyOf(b))
	}
	remote, local := c.RemoteAddr().(*stack.Addr), c.LocalAddr().(*stack.Addr)
	if remote.Wallet != an.wallet || remote.Instance != ib || local.Instance != ia {
		t.Fatalf("conn from %+v to %+v", local, remote)
	}
	if w, err := a.PeerOf(c); err != nil || w != an.wallet {
		t.Fatalf("PeerOf = %s, %v", w, err)
	}
	if got, want := askWho(t, a, at(ib, 81)), an.wallet.Hex()+" "+ia.String(); got != want {
		t.Fatalf("b saw the dialer as %q, want %q", got, want)
	}
	// b was never told where a is: it answers the instance it heard.
	if got := an.dialAddr(t, b, at(ia, 80)).ask(t); got != keyOf(a) {
		t.Fatalf("b dialled a's instance address and reached %s, want a %s", got, keyOf(a))
	}
	// UDP too: a datagram to b's instance address is answered from it.
	pc, err := b.ListenPacket("udp", ":53")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 64)
		n, from, err := pc.ReadFrom(buf)
		if err == nil {
			pc.WriteTo([]byte(fmt.Sprintf("%s from %s", buf[:n], from.(*stack.Addr).Instance)), from)
		}
	}()
	uc, err := a.Dial(ctx, "udp", at(ib, 53))
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	uc.Write([]byte("ping"))
	buf := make([]byte, 128)
	n, err := uc.Read(buf)
	if err != nil || string(buf[:n]) != "ping from "+ia.String() {
		t.Fatalf("UDP over instance addresses: %q, %v", buf[:n], err)
	}

	// The client: anycast goes to the near instance, the instance
	// address to the one it names.
	if _, err := an.client.AddInstance(ctx, b.Self()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if got := an.dial(t, ctx).ask(t); got != keyOf(a) {
			t.Fatalf("anycast reached %s, want the near instance a", got)
		}
		if got := an.dialAddr(t, an.client, at(ib, 80)).ask(t); got != keyOf(b) {
			t.Fatalf("b's instance address reached %s, want b", got)
		}
	}
	if got, want := askWho(t, an.client, at(ib, 81)), an.client.Addr().Hex()+" "+an.client.InstanceAddr().String(); got != want {
		t.Fatalf("b saw the client as %q, want %q", got, want)
	}

	// The static peers name the wallet's instances.
	ins, err := an.client.LookupInstances(ctx, an.wallet.Hex())
	if err != nil || len(ins) != 2 {
		t.Fatalf("LookupInstances = %+v, %v; want a and b", ins, err)
	}
	for _, in := range ins {
		if in.Wallet != an.wallet || (in.Addr != ia && in.Addr != ib) || in.Addr != stack.InstanceAddr(in.Wallet, in.NodeKey) {
			t.Fatalf("instance %+v", in)
		}
	}
	if _, err := a.AddInstance(ctx, stack.Peer{Wallet: an.wallet, Addr: b.Self().Addr}); !errors.Is(err, stack.ErrInstanceNeedsKey) {
		t.Fatalf("AddInstance without a node key = %v, want ErrInstanceNeedsKey", err)
	}
	if _, err := a.Dial(ctx, "tcp", "[fc00::1]:80"); !errors.Is(err, stack.ErrUnknownPeer) {
		t.Fatalf("dial an unknown instance address = %v, want ErrUnknownPeer", err)
	}
}

// TestInstancesByDIDDocument: two nodes of one wallet on the embedded
// chain find each other in their wallet's DID document
// (LookupInstances of their own wallet, by name and by wallet) and
// reach each other at their instance addresses; another wallet's node
// reaches each one by its instance address too.
func TestInstancesByDIDDocument(t *testing.T) {
	owner, user := newMember(t), newMember(t)
	nk2, err := transport.GenerateNodeKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	second := &member{key: owner.key, wallet: owner.wallet, nodeKey: nk2}
	env := newChainEnv(t, owner, user)
	ctx := testCtx(t)
	a := env.node(t, owner, env.client(t), netip.AddrPort{})
	b := env.node(t, second, env.client(t), netip.AddrPort{})
	c := env.node(t, user, env.client(t), netip.AddrPort{})
	for _, n := range []struct {
		n *stack.Node
		m *member
	}{{a, owner}, {b, second}, {c, user}} {
		if err := n.n.Publish(ctx, n.m.auth()); err != nil {
			t.Fatal(err)
		}
	}
	serveNodeKey(t, a)
	serveNodeKey(t, b)
	ins, err := a.LookupInstances(ctx, owner.wallet.Hex())
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 2 {
		t.Fatalf("a's own wallet has instances %+v, want a and b", ins)
	}
	var other netip.Addr
	for _, in := range ins {
		if in.Addr != a.InstanceAddr() {
			other = in.Addr
		}
	}
	if other != b.InstanceAddr() {
		t.Fatalf("instances %+v: want b's %s", ins, b.InstanceAddr())
	}
	dial := func(from *stack.Node, ip netip.Addr) string {
		conn, err := from.Dial(ctx, "tcp", netip.AddrPortFrom(ip, 80).String())
		if err != nil {
			t.Fatalf("dial %s: %v", ip, err)
		}
		t.Cleanup(func() { conn.Close() })
		return (&keyConn{Conn: conn, r: bufio.NewReader(conn)}).ask(t)
	}
	if got := dial(a, b.InstanceAddr()); got != keyOf(b) {
		t.Fatalf("a reached %s at b's instance address", got)
	}
	if _, err := c.LookupInstances(ctx, owner.wallet.Hex()); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*stack.Node{a, b} {
		if got := dial(c, n.InstanceAddr()); got != keyOf(n) {
			t.Fatalf("c reached %s at %s, want %s", got, n.InstanceAddr(), keyOf(n))
		}
	}
}

// TestInstanceOfAnycastSession: a client that reached an anycast
// wallet at its near instance, a, already has a session with a's node
// key when it dials a's instance address; the connection it gets is
// verified all the same (PeerOf names the wallet), as it is for an
// instance whose session the dial starts. Before, an instance address
// was marked verified only by a new session, and PeerOf of the second
// connection failed with ErrNotVerified.
func TestInstanceOfAnycastSession(t *testing.T) {
	ctx := testCtx(t)
	an := newAnycastNet(t, nil)
	if got := an.dial(t, ctx).ask(t); got != keyOf(an.a) {
		t.Fatalf("anycast reached %s, want the near instance a", got)
	}
	for _, n := range []*stack.Node{an.a, an.b} { // a: a session already; b: none yet
		ip, err := an.client.AddInstance(ctx, n.Self())
		if err != nil {
			t.Fatal(err)
		}
		c := an.dialAddr(t, an.client, netip.AddrPortFrom(ip, 80).String())
		if got := c.ask(t); got != keyOf(n) {
			t.Fatalf("instance address %s reached %s, want %s", ip, got, keyOf(n))
		}
		if w, err := an.client.PeerOf(c); err != nil || w != an.wallet {
			t.Fatalf("PeerOf(conn to instance %s) = %s, %v; want %s", ip, w, err, an.wallet)
		}
	}
}
