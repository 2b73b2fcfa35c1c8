//go:build !nochain

package stack_test

import (
	"context"
	"testing"

	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// TestRestartedPeerAtOnce: b restarts with its keys on its address and
// forgets its sessions. a, still sealing on the old session, gets a stale
// hint for its first frame and handshakes again at once, so its next
// connection to b works without waiting for the dead-peer timer (which
// would have taken KeepaliveTimeout + RekeyTimeout, about 15 s).
func TestRestartedPeerAtOnce(t *testing.T) {
	ctx := testCtx(t)
	am, bm := newMember(t), newMember(t)
	start := func(m *member, addr string) *stack.Node {
		nk := m.nodeKey
		n := &stack.Node{ListenAddr: addr, Wallet: transport.NewKeySigner(m.key), NodeKey: &nk}
		if err := n.Up(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Close() })
		return n
	}
	a, b := start(am, "127.0.0.1:0"), start(bm, "127.0.0.1:0")
	if err := a.AddPeer(ctx, b.Self()); err != nil {
		t.Fatal(err)
	}
	listenEcho(t, b)
	bob := bm.wallet.Hex() + ":7"
	echoOnce(t, ctx, a, bob, []byte("before the restart"))

	addr := b.Self().Addr
	b.Close()
	b = start(bm, addr.String())
	listenEcho(t, b)
	rekeys := a.TransportStats().Rekeys
	for {
		err := echoTry(ctx, a, bob, []byte("after the restart"))
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("a never reached the restarted b: %v", err)
		}
	}
	if n := b.TransportStats().StaleHintsSent; n == 0 {
		t.Error("the restarted b sent no stale hint")
	}
	if n := a.TransportStats().StaleHintsTaken; n != 1 {
		t.Errorf("a took %d stale hints, want 1", n)
	}
	if n := a.TransportStats().Rekeys - rekeys; n != 0 {
		t.Errorf("a's timers started %d handshakes: the dead-peer timer, not the hint, reconnected", n)
	}
}
