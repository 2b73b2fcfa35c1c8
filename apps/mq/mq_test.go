//go:build !nochain

package mq

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// TestBobConsumesAliceStream is the first Must show, with a real
// NATS client (nats.go) on bob's loopback gateway and every byte to
// alice through the overlay (gVisor stacks, Noise): alice's owner
// client makes a stream; bob, allowed by alice's policy, publishes with
// message ids (a repeat is dropped), consumes with a durable consumer,
// acks; a nak redelivers after its backoff; a message that reaches
// max-deliver lands in the dead-letter stream; a delayed message comes
// at its time.
func TestBobConsumesAliceStream(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	// Alice, as owner, through her own in-process connection.
	anc, err := w.srv.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer anc.Close()
	ajs, _ := jetstream.New(anc)
	if _, err := ajs.CreateStream(ctx, jetstream.StreamConfig{
		Name: "ORDERS", Subjects: []string{"orders.>"}, Storage: jetstream.FileStorage,
		Duplicates: time.Minute, AllowMsgSchedules: true,
	}); err != nil {
		t.Fatal(err)
	}

	// Bob is refused until alice's policy lets him in.
	if nc, err := nats.Connect(GatewayURL(w.gwAddr, "alice.anynet", testGatewayPassword), nats.NoReconnect()); err == nil {
		nc.Close()
		t.Fatal("bob connected with no grant")
	} else if !errors.Is(err, nats.ErrAuthorization) {
		t.Fatalf("refused bob: %v, want an authorization error", err)
	}
	if err := w.srv.SetPolicy(Policy{Wallets: map[common.Address]Grant{w.bob.Addr(): {
		Publish: []string{"orders.>"}, Consume: []string{"ORDERS"}}}}); err != nil {
		t.Fatal(err)
	}

	// A wallet whose document has no AnynetMQ entry is refused by bob's
	// gateway with a clear error.
	carol, _ := w.Node(t, ctx)
	if nc, err := nats.Connect(GatewayURL(w.gwAddr, carol.Addr().Hex(), testGatewayPassword), nats.NoReconnect()); err == nil {
		nc.Close()
		t.Fatal("connected to a wallet that serves no queues")
	} else if !strings.Contains(err.Error(), "serves no queues") {
		t.Fatalf("wallet with no queues: %v", err)
	}

	nc := w.bobClient(t, "alice.anynet")
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	// Publish with ids: the repeat of id-1 is a duplicate, not a message.
	for i, id := range []string{"id-1", "id-2", "id-1", "id-3"} {
		ack, err := js.Publish(ctx, "orders.new", fmt.Appendf(nil, "order %s", id), jetstream.WithMsgID(id))
		if err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
		if ack.Duplicate != (i == 2) {
			t.Fatalf("publish %d (%s): duplicate=%v", i, id, ack.Duplicate)
		}
	}
	// Bob may not touch what the policy does not give him.
	// (A refused publish gets no acknowledgement: the engine reports a
	// permissions violation and the publish times out.)
	short, cancelShort := context.WithTimeout(ctx, time.Second)
	_, err = js.Publish(short, "billing.x", []byte("no"))
	cancelShort()
	if err == nil {
		t.Fatal("bob published outside his grant")
	}

	cons, err := js.CreateOrUpdateConsumer(ctx, "ORDERS", jetstream.ConsumerConfig{
		Durable: "bob", AckPolicy: jetstream.AckExplicitPolicy, FilterSubject: "orders.new",
		MaxDeliver: 3,
		BackOff:    []time.Duration{time.Second, 2 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	next := func() jetstream.Msg {
		t.Helper()
		b, err := cons.Fetch(1, jetstream.FetchMaxWait(20*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range b.Messages() {
			return m
		}
		t.Fatalf("no message: %v", b.Error())
		return nil
	}
	// id-1: acked at once.
	m := next()
	if string(m.Data()) != "order id-1" {
		t.Fatalf("first message %q", m.Data())
	}
	if err := m.DoubleAck(ctx); err != nil {
		t.Fatal(err)
	}
	// id-2: nak with a delay: it comes back (delivery 2), not before.
	// id-3: never acked (a worker that died): it comes back on the
	// consumer's backoff schedule (1 s, then 2 s) until MaxDeliver (3)
	// is spent.
	m = next()
	if string(m.Data()) != "order id-2" {
		t.Fatalf("second message %q", m.Data())
	}
	nak2 := time.Now()
	if err := m.NakWithDelay(500 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	m = next()
	if string(m.Data()) != "order id-3" {
		t.Fatalf("third message %q", m.Data())
	}
	got3 := time.Now()
	redelivered := func(want string, n uint64, after time.Time, delay time.Duration) jetstream.Msg {
		t.Helper()
		m := next()
		md, _ := m.Metadata()
		if string(m.Data()) != want || md.NumDelivered != n {
			t.Fatalf("redelivery: %q delivered %d times, want %q %d", m.Data(), md.NumDelivered, want, n)
		}
		if since := time.Since(after); since < delay {
			t.Fatalf("%q redelivered %v after, before %v", want, since, delay)
		}
		return m
	}
	redelivered("order id-2", 2, nak2, 500*time.Millisecond).DoubleAck(ctx)
	redelivered("order id-3", 2, got3, time.Second)
	redelivered("order id-3", 3, got3, 3*time.Second)
	// The engine notices a spent MaxDeliver when it would deliver again,
	// which a pull consumer asks for: one more fetch, which gets nothing.
	b, err := cons.Fetch(1, jetstream.FetchMaxWait(4*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for m := range b.Messages() {
		t.Fatalf("delivered past MaxDeliver: %q", m.Data())
	}
	// It lands in the dead-letter stream, once, with where it came from.
	dl := deadLetter(t, ctx, ajs, "dlq.ORDERS.bob")
	if string(dl.Data) != "order id-3" || dl.Header.Get(HdrDeadReason) != "max_deliveries" ||
		dl.Header.Get(HdrDeadSeq) != "3" || dl.Header.Get(HdrDeadSubject) != "orders.new" {
		t.Fatalf("dead letter %q %v", dl.Data, dl.Header)
	}

	// A term goes to the dead-letter stream at once.
	if _, err := js.Publish(ctx, "orders.new", []byte("poison"), jetstream.WithMsgID("id-4")); err != nil {
		t.Fatal(err)
	}
	m = next()
	if err := m.TermWithReason("cannot parse"); err != nil {
		t.Fatal(err)
	}
	dl = deadLetter(t, ctx, ajs, "dlq.ORDERS.bob", 2)
	if string(dl.Data) != "poison" || dl.Header.Get(HdrDeadReason) != "terminated: cannot parse" {
		t.Fatalf("terminated dead letter %q %v", dl.Data, dl.Header)
	}

	// Delayed: published now for 2 s later to orders.new via a schedule
	// subject; nothing is delivered before then.
	at := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
	if _, err := js.Publish(ctx, "orders.later.1", []byte("delayed"),
		jetstream.WithScheduleAt(at), jetstream.WithScheduleTarget("orders.new")); err != nil {
		t.Fatal(err)
	}
	m = next()
	if string(m.Data()) != "delayed" {
		t.Fatalf("delayed message %q", m.Data())
	}
	if now := time.Now(); now.Before(at) {
		t.Fatalf("delayed message came at %v, before %v", now, at)
	}
	m.DoubleAck(ctx)

	// Replay from a sequence: an ordered consumer from seq 2 sees 2, 3.
	oc, err := js.OrderedConsumer(ctx, "ORDERS", jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: 2, FilterSubjects: []string{"orders.new"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"order id-2", "order id-3"} {
		m, err := oc.Next(jetstream.FetchMaxWait(10 * time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if string(m.Data()) != want {
			t.Fatalf("replay: %q, want %q", m.Data(), want)
		}
	}
}

// deadLetter returns the n-th (1 by default) dead letter on subject.
func deadLetter(t *testing.T, ctx context.Context, js jetstream.JetStream, subject string, n ...int) *jetstream.RawStreamMsg {
	t.Helper()
	want := 1
	if len(n) > 0 {
		want = n[0]
	}
	st, err := js.Stream(ctx, DeadLetterStream)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m, err := st.GetMsg(ctx, uint64(want)); err == nil {
			if m.Subject != subject {
				t.Fatalf("dead letter %d on %q, want %q", want, m.Subject, subject)
			}
			if _, err := st.GetMsg(ctx, uint64(want+1)); err == nil {
				t.Fatalf("more than %d dead letters", want)
			}
			return m
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no dead letter %d on %s", want, subject)
	return nil
}
