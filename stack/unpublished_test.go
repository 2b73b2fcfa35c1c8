//go:build !nochain

package stack_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/internal/nodehook"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
)

// TestAdmitUnpublished: carol's wallet never wrote to the DID registry.
// Bob (AdmitUnpublished) admits her on her binding alone and sees her
// wallet on the conn; alice (the default) refuses her handshake. When
// carol's wallet then writes to the registry (a second node publishes
// another node key), her document governs: bob's key check cuts the live
// session of the key it does not list, and her next handshake is refused.
func TestAdmitUnpublished(t *testing.T) {
	ctx := testCtx(t)
	alice, bob, carol := newMember(t), newMember(t), newMember(t)
	env := newChainEnv(t, alice, bob, carol)
	bNames := env.client(t)
	if _, err := bNames.PollEvents(ctx); err != nil { // marks where the next poll starts
		t.Fatal(err)
	}
	var bSessions *transport.Sessions
	up := func(m *member, names *naming.Client, admit bool, publish bool, onUp func(nodehook.Internals)) *stack.Node {
		u, err := env.nw.Attach()
		if err != nil {
			t.Fatal(err)
		}
		nk := m.nodeKey
		n := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(m.key), NodeKey: &nk, Names: names,
			AdmitUnpublished: admit, KeyCheckInterval: 50 * time.Millisecond}
		if err := n.Up(nodehook.NewContext(ctx, &nodehook.Hooks{OnUp: onUp})); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Close() })
		if publish {
			if err := n.Publish(ctx, m.auth()); err != nil {
				t.Fatal(err)
			}
		}
		return n
	}
	a := up(alice, env.client(t), false, true, nil)
	b := up(bob, bNames, true, true, func(in nodehook.Internals) { bSessions = in.Sessions })
	c := up(carol, env.client(t), false, false, nil)
	listenEcho(t, a)
	var mu sync.Mutex
	var seen []common.Address
	serve(t, b, ":7", func(conn net.Conn) {
		w, err := b.PeerOf(conn)
		if err == nil {
			mu.Lock()
			seen = append(seen, w)
			mu.Unlock()
		}
		buf := make([]byte, 64)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			if _, err := conn.Write(buf[:n]); err != nil {
				return
			}
		}
	})

	doc, err := bNames.DIDDocument(ctx, carol.wallet)
	if err != nil || !doc.Unwritten() || len(doc.NodeKeys) != 0 {
		t.Fatalf("carol's document before: %+v, %v", doc, err)
	}
	conn := echoOnce(t, ctx, c, bob.wallet.Hex()+":7", []byte("stranger"))
	mu.Lock()
	if len(seen) != 1 || seen[0] != carol.wallet {
		t.Fatalf("bob saw %v, want carol %s", seen, carol.wallet)
	}
	mu.Unlock()

	// Alice refuses the same binding.
	dctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	if ac, err := c.Dial(dctx, "tcp", alice.wallet.Hex()+":7"); err == nil {
		ac.Close()
		t.Fatal("alice admitted a wallet with no DID document")
	}
	cancel()
	if a.TransportStats().DroppedRefused == 0 {
		t.Fatal("alice dropped nothing as refused")
	}

	// Carol's wallet writes: another node of hers publishes its own key.
	other := newMember(t)
	other.key, other.wallet = carol.key, carol.wallet
	up(other, env.client(t), false, true, nil)
	if n, err := bNames.PollEvents(ctx); err != nil || n == 0 {
		t.Fatalf("PollEvents after carol's write dropped %d entries (%v), want some", n, err)
	}
	for established(bSessions) {
		select {
		case <-ctx.Done():
			t.Fatal("bob's session with carol's unlisted key outlived her first write")
		case <-time.After(20 * time.Millisecond):
		}
	}
	refused := b.TransportStats().DroppedRefused
	conn.SetDeadline(time.Now().Add(3 * time.Second))
	conn.Write([]byte("again"))
	conn.Read(make([]byte, 5))
	if b.TransportStats().DroppedRefused == refused {
		t.Fatal("bob did not refuse carol's unlisted key after her write")
	}
}
