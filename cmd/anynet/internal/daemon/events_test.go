//go:build !nochain

package daemon

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/transport"
)

// TestEvents: what happens on two real daemons is journaled: each meets
// the other (peer, then path direct), alice's sent message and bob's
// received one (message), the receipts of its delivery and reading
// (receipt), and both nodes' publication and name (service); the seqs
// count from 1 without holes.
func TestEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	alice, bob := pair(t)
	ctx := context.Background()
	if _, err := alice.ChatSend(ctx, "bob", "events please"); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.ChatRead(ctx, "alice", 0, false); err != nil { // marks it read: a READ receipt
		t.Fatal(err)
	}
	has := func(d *Daemon, what string, ok func(control.Event) bool) {
		t.Helper()
		deadline := time.Now().Add(time.Minute) // bounds a broken test only
		for {
			evs, _, _ := d.Events(ctx, 0)
			for i, e := range evs {
				if e.Seq != uint64(i+1) {
					t.Fatalf("event %d has seq %d", i, e.Seq)
				}
				if ok(e) {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s among %s", what, kinds(evs))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	aw, bw := alice.Wallet().Hex(), bob.Wallet().Hex()
	has(alice, "service: name", func(e control.Event) bool {
		return e.Kind == control.EventService && e.Service.What == "name" && e.Service.Detail == "alice.anynet"
	})
	has(alice, "peer bob", func(e control.Event) bool { return e.Kind == control.EventPeer && e.Peer.Wallet == bw })
	has(alice, "path to bob direct", func(e control.Event) bool {
		return e.Kind == control.EventPath && e.Peer.Wallet == bw && e.Peer.Path == "direct"
	})
	has(alice, "the sent message", func(e control.Event) bool {
		return e.Kind == control.EventMessage && e.Message.Text == "events please" && e.Message.From == aw
	})
	has(alice, "bob's read receipt", func(e control.Event) bool {
		return e.Kind == control.EventReceipt && e.Message.Status == control.StatusRead
	})
	has(bob, "alice's message (a request: never allowed)", func(e control.Event) bool {
		return (e.Kind == control.EventRequest || e.Kind == control.EventMessage) && e.Message.Text == "events please" && e.Message.From == aw
	})
	has(bob, "peer alice", func(e control.Event) bool { return e.Kind == control.EventPeer && e.Peer.Wallet == aw })

	// Peers carry the activity: bob's entry at alice counts the message
	// and names bob, once looked up.
	deadline := time.Now().Add(time.Minute)
	for {
		ps, _ := alice.Peers(ctx)
		if len(ps) == 1 && ps[0].Messages == 1 && ps[0].Name == "bob.anynet" && !ps[0].Seen.IsZero() && ps[0].Path == "direct" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("alice's peers = %+v", ps)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func kinds(evs []control.Event) string {
	s := ""
	for _, e := range evs {
		s += fmt.Sprintf(" %d:%s", e.Seq, e.Kind)
	}
	return s
}

// TestPeerEvents: bob comes up at alice (peer-up) and goes away
// (peer-down, once alice's data to him goes unanswered): each event is
// journaled once, and a client that resumes from a cursor gets exactly
// the events after it. Peers shows bob's traffic meanwhile.
func TestPeerEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	ctx := context.Background()
	emb, dir := testChain(t)
	start := func(name string, timers transport.Timers) *Daemon {
		t.Helper()
		return startNode(t, emb, dir, name, Options{Config: config.Config{Name: name}, Timers: timers})
	}
	// alice gives a silent peer up after 1.5 s rather than 90.
	alice := start("alice", transport.Timers{KeepaliveTimeout: 250 * time.Millisecond, RekeyTimeout: 250 * time.Millisecond, HandshakeGiveUp: 1500 * time.Millisecond})
	bob := start("bob", transport.Timers{})
	bw := bob.Wallet().Hex()
	_, cursor, _ := alice.Events(ctx, ^uint64(0)) // the newest event before bob shows up

	if _, err := alice.Ping(ctx, "bob", 3); err != nil {
		t.Fatal(err)
	}
	ofBob := func(evs []control.Event, kind string) int {
		n := 0
		for _, e := range evs {
			if e.Kind == kind && e.Peer != nil && e.Peer.Wallet == bw {
				n++
			}
		}
		return n
	}
	wait := func(kind string) uint64 {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
			evs, newest, _ := alice.Events(ctx, cursor)
			if ofBob(evs, kind) > 0 {
				return newest
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s for bob after seq %d:%s", kind, cursor, kinds(evs))
			}
		}
	}
	upAt := wait(control.EventPeerUp)
	ps, err := alice.Peers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got control.Peer
	for _, p := range ps {
		if p.Wallet == bw {
			got = p
		}
	}
	if !got.Up || got.BytesIn == 0 || got.BytesOut == 0 || got.Seen.IsZero() {
		t.Fatalf("bob in alice's peers after a ping: %+v", got)
	}

	bob.Close()
	alice.Ping(ctx, "bob", 1) // unanswered: alice handshakes again, then gives up
	wait(control.EventPeerDown)

	evs, _, _ := alice.Events(ctx, cursor)
	if up, down := ofBob(evs, control.EventPeerUp), ofBob(evs, control.EventPeerDown); up != 1 || down != 1 {
		t.Fatalf("after seq %d: %d peer-up and %d peer-down for bob, want one each:%s", cursor, up, down, kinds(evs))
	}
	// Resuming from the cursor after peer-up gives the rest, and only it.
	later, _, _ := alice.Events(ctx, upAt)
	if ofBob(later, control.EventPeerUp) != 0 || ofBob(later, control.EventPeerDown) != 1 {
		t.Fatalf("after seq %d:%s", upAt, kinds(later))
	}
	for i, e := range later {
		if e.Seq <= upAt || (i > 0 && e.Seq != later[i-1].Seq+1) {
			t.Fatalf("resumed at %d: seqs%s", upAt, kinds(later))
		}
	}
}
