//go:build !nochain

package stack_test

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/anynet/anynet/internal/nodehook"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// TestRevocationCutsLiveSession: alice holds a TCP connection to bob
// when bob's wallet revokes his node key. Alice's key check (every
// KeyCheckInterval, from her client's cache, which her PollEvents
// clears) resets the session; the handshake that follows is refused, and
// the open connection carries nothing more.
func TestRevocationCutsLiveSession(t *testing.T) {
	ctx := testCtx(t)
	alice, bob := newMember(t), newMember(t)
	env := newChainEnv(t, alice, bob)
	aNames, bNames := env.client(t), env.client(t)
	if _, err := aNames.PollEvents(ctx); err != nil { // marks where the next poll starts
		t.Fatal(err)
	}
	var aSessions *transport.Sessions
	up := func(m *member, names *naming.Client, onUp func(nodehook.Internals)) *stack.Node {
		u, err := env.nw.Attach()
		if err != nil {
			t.Fatal(err)
		}
		nk := m.nodeKey
		n := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(m.key), NodeKey: &nk, Names: names,
			KeyCheckInterval: 50 * time.Millisecond}
		if err := n.Up(nodehook.NewContext(ctx, &nodehook.Hooks{OnUp: onUp})); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Close() })
		if err := n.Publish(ctx, m.auth()); err != nil {
			t.Fatal(err)
		}
		return n
	}
	a := up(alice, aNames, func(in nodehook.Internals) { aSessions = in.Sessions })
	b := up(bob, bNames, nil)
	listenEcho(t, b)
	if err := a.AddPeer(ctx, b.Self()); err != nil {
		t.Fatal(err)
	}
	c := echoOnce(t, ctx, a, bob.wallet.Hex()+":7", []byte("before"))
	defer c.Close()
	refused := a.TransportStats().DroppedRefused

	if err := bNames.RevokeNodeKey(ctx, bob.auth(), bob.nodeKey.Public); err != nil {
		t.Fatal(err)
	}
	if n, err := aNames.PollEvents(ctx); err != nil || n == 0 {
		t.Fatalf("PollEvents after the revocation dropped %d entries (%v), want some", n, err)
	}
	for established(aSessions) {
		select {
		case <-ctx.Done():
			t.Fatal("alice's session with bob outlived the revocation of bob's node key")
		case <-time.After(20 * time.Millisecond):
		}
	}
	// The connection is still open, but nothing gets through: alice's
	// packets start a handshake that she refuses.
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write([]byte("after")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err == nil {
		t.Fatalf("echo %q through a revoked node key", buf)
	} else if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Logf("read after revocation: %v", err)
	}
	if a.TransportStats().DroppedRefused == refused {
		t.Error("no handshake with bob's revoked key was refused")
	}
	if established(aSessions) {
		t.Error("a session with bob was established again")
	}
}

// established reports whether s has an established session with anyone.
func established(s *transport.Sessions) bool {
	for _, p := range s.Peers() {
		if p.Established() {
			return true
		}
	}
	return false
}
