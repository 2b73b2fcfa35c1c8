package daemon

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
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
