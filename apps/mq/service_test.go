//go:build !nochain

package mq

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/anynet/anynet/apps/service"
)

// TestServiceOverNATSEngine runs Core on real nodes (gVisor stacks,
// Noise, the embedded chain) as a node does: alice's Service over her
// embedded engine (NATSEngine), bob's with none. Bob is refused until
// alice grants him; he publishes (an id and its repeat: one message),
// fetches with a durable consumer the first fetch makes, acks, naks
// (redelivered), terms (into the dead-letter stream); on a consumer
// with MaxDeliver 2 a message he never acks is dead-lettered after its
// second delivery. While alice's
// core is down bob's publish waits in his outbox; bob's service
// restarts over the same store; when alice's core is back, the publish
// is delivered, once.
func TestServiceOverNATSEngine(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := t.Context()
	if _, err := w.srv.AddStream(ctx, StreamSpec{Name: "ORDERS", Subjects: []string{"orders.>"}, Duplicates: time.Hour}); err != nil {
		t.Fatal(err)
	}
	eng, err := NewNATSEngine(w.srv)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	eng.Wait = 0
	aliceStore := &service.Memory{}
	startAlice := func() *Service {
		// A restart on the same stack may find the port held a moment
		// by a connection's last packets.
		deadline := time.Now().Add(2 * time.Minute)
		for {
			s, err := StartService(ServiceConfig{Host: w.alice, Store: aliceStore, Engine: eng})
			if err == nil {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	alice := startAlice()
	bobStore := &service.Memory{}
	startBob := func() *Service {
		s, err := StartService(ServiceConfig{Host: w.bob, Store: bobStore})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	bob := startBob()
	a := w.alice.Addr()

	if _, _, err := bob.Publish(ctx, a, Message{Subject: "orders.new", ID: "o-1", Data: []byte("hello")}, time.Minute); !errors.Is(err, ErrRefused) {
		t.Fatalf("publish with no grant: %v, want ErrRefused", err)
	}
	if err := alice.SetPolicy(ctx, Policy{Wallets: map[common.Address]Grant{w.bob.Addr(): {Publish: []string{"orders.>"}, Consume: []string{"ORDERS"}}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := bob.Publish(ctx, a, Message{Subject: "secret.x", Data: []byte("no")}, time.Minute); !errors.Is(err, ErrRefused) {
		t.Fatalf("publish outside the grant: %v, want ErrRefused", err)
	}
	for i, m := range []Message{{Subject: "orders.new", ID: "o-1", Data: []byte("hello")}, {Subject: "orders.new", ID: "o-1", Data: []byte("hello")},
		{Subject: "orders.new", ID: "o-2", Data: []byte("nak me")}, {Subject: "orders.new", ID: "o-3", Data: []byte("poison")}} {
		ack, _, err := bob.Publish(ctx, a, m, time.Minute)
		if err != nil || ack.Stream != "ORDERS" || ack.Duplicate != (i == 1) {
			t.Fatalf("publish %d: %+v %v", i, ack, err)
		}
	}
	if got := alice.Stored(); got != 3 {
		t.Fatalf("alice's core stored %d publishes, want 3", got)
	}

	fetch := func(want ...string) []Delivery {
		t.Helper()
		var got []Delivery
		deadline := time.Now().Add(time.Minute)
		for len(got) < len(want) && time.Now().Before(deadline) {
			ds, err := bob.Fetch(ctx, a, "ORDERS", "bob", 10, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ds...)
			if len(ds) == 0 {
				time.Sleep(200 * time.Millisecond)
			}
		}
		var ids []string
		for _, d := range got {
			ids = append(ids, d.ID)
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("fetched %q, want %q", ids, want)
		}
		return got
	}
	ds := fetch("o-1", "o-2", "o-3")
	settle := func(seq uint64, how Settlement, d time.Duration) {
		t.Helper()
		if err := bob.Settle(ctx, a, "ORDERS", "bob", seq, how, d); err != nil {
			t.Fatal(err)
		}
	}
	settle(ds[0].Seq, Ack, 0)
	settle(ds[1].Seq, Nak, 500*time.Millisecond)
	settle(ds[2].Seq, Term, 0)
	if again := fetch("o-2"); again[0].Deliveries != 2 {
		t.Fatalf("nak'd message delivered again as delivery %d", again[0].Deliveries)
	} else {
		settle(again[0].Seq, Ack, 0)
	}
	// The terminated message lands in the dead-letter stream.
	deadline := time.Now().Add(time.Minute)
	for {
		dl, err := eng.DeadLetters(time.Now(), "ORDERS")
		if err == nil && len(dl) == 1 && dl[0].ID == "o-3" && dl[0].Reason == "terminated" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dead letters: %+v %v", dl, err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// A consumer with MaxDeliver 2 (alice's, on her engine): a message
	// bob never acks goes to the dead letters after its second delivery.
	if err := eng.AddConsumer(time.Now(), "ORDERS", ConsumerSpec{Name: "strict", AckWait: time.Second, MaxDeliver: 2, StartSeq: ds[0].Seq}); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(time.Minute)
	for deliveries := 0; ; {
		got, err := bob.Fetch(ctx, a, "ORDERS", "strict", 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range got {
			if d.ID != "o-1" { // the others are acked
				if err := bob.Settle(ctx, a, "ORDERS", "strict", d.Seq, Ack, 0); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if d.Deliveries != deliveries+1 {
				t.Fatalf("strict consumer: %+v after %d deliveries", d, deliveries)
			}
			deliveries++
		}
		dl, _ := eng.DeadLetters(time.Now(), "ORDERS")
		if i := slices.IndexFunc(dl, func(d DeadLetter) bool { return d.Consumer == "strict" }); i >= 0 {
			if dl[i].ID != "o-1" || dl[i].Reason != "max_deliveries" || deliveries != 2 {
				t.Fatalf("dead letter %+v after %d deliveries", dl[i], deliveries)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no dead letter after %d deliveries", deliveries)
		}
		time.Sleep(300 * time.Millisecond)
	}

	// Alice's core goes down (bob closes first, so that her port is
	// free at once): bob's publish (no id: the core gives it one) waits
	// in his outbox, across his restart.
	bob.Close()
	time.Sleep(500 * time.Millisecond)
	alice.Close()
	bob = startBob()
	if _, req, err := bob.Publish(ctx, a, Message{Subject: "orders.new", Data: []byte("while down")}, 2*time.Second); !errors.Is(err, ErrQueued) || req == 0 {
		t.Fatalf("publish while alice is down: %v (request %d), want ErrQueued", err, req)
	}
	out, err := bob.Outbox(ctx)
	if err != nil || len(out) != 1 || out[0].Msg.ID == "" {
		t.Fatalf("bob's outbox: %+v %v", out, err)
	}
	bob.Close()
	bob = startBob()
	defer bob.Close()
	if again, err := bob.Outbox(ctx); err != nil || len(again) != 1 || again[0].Msg.ID != out[0].Msg.ID {
		t.Fatalf("bob's outbox after his restart: %+v %v", again, err)
	}
	alice = startAlice()
	defer alice.Close()
	deadline = time.Now().Add(2 * time.Minute)
	for {
		out, err := bob.Outbox(ctx)
		if err == nil && len(out) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("bob's outbox never emptied: %+v %v", out, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(2 * RetryAfter) // a late resend would be a second copy
	js, _ := jetstream.New(eng.nc)
	st, err := js.Stream(ctx, "ORDERS")
	if err != nil {
		t.Fatal(err)
	}
	if n := st.CachedInfo().State.Msgs; n != 4 {
		t.Fatalf("ORDERS holds %d messages, want 4 (the one published while alice was down once)", n)
	}
	if got := fetch(out[0].Msg.ID); string(got[0].Data) != "while down" {
		t.Fatalf("fetched %q", got[0].Data)
	}
}
