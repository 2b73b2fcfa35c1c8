//go:build !nochain

package mq

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats.go/jetstream"
)

// TestRetentionAndReplayByTime: bob, through his gateway and the
// overlay, on streams alice made with the owner API: a limits stream
// keeps only its newest MaxMsgs; an interest stream drops what every
// consumer acknowledged; an ordered consumer replays from a time (the
// stored time of a message) and gets that message and those after it.
func TestRetentionAndReplayByTime(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if _, err := w.srv.AddStream(ctx, StreamSpec{Name: "LAST3", Subjects: []string{"last3"}, MaxMsgs: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.srv.AddStream(ctx, StreamSpec{Name: "INT", Subjects: []string{"int"}, Retention: "interest"}); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.SetPolicy(Policy{Wallets: map[common.Address]Grant{w.bob.Addr(): {
		Publish: []string{"last3", "int"}, Consume: []string{"LAST3", "INT"}}}}); err != nil {
		t.Fatal(err)
	}
	nc, err := w.gw.Connect("alice.anynet")
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)

	// Limits: five published, the newest three kept.
	for i := 1; i <= 5; i++ {
		if _, err := js.Publish(ctx, "last3", fmt.Appendf(nil, "m%d", i)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // distinct stored times, for the replay below
	}
	st, err := js.Stream(ctx, "LAST3")
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 3 || info.State.FirstSeq != 3 || info.State.LastSeq != 5 {
		t.Fatalf("limits stream state %+v: want seqs 3..5", info.State)
	}

	// Replay from a time: from the stored time of seq 4.
	m4, err := st.GetMsg(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	oc, err := js.OrderedConsumer(ctx, "LAST3", jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &m4.Time})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"m4", "m5"} {
		m, err := oc.Next(jetstream.FetchMaxWait(10 * time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if string(m.Data()) != want {
			t.Fatalf("replay from %v: %q, want %q", m4.Time, m.Data(), want)
		}
	}

	// Interest: kept while a consumer has not acknowledged it.
	cons, err := js.CreateOrUpdateConsumer(ctx, "INT", jetstream.ConsumerConfig{Durable: "bob", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := js.Publish(ctx, "int", fmt.Appendf(nil, "i%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	ist, err := js.Stream(ctx, "INT")
	if err != nil {
		t.Fatal(err)
	}
	msgs := func() uint64 {
		info, err := ist.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return info.State.Msgs
	}
	if n := msgs(); n != 2 {
		t.Fatalf("interest stream holds %d before any ack, want 2", n)
	}
	b, err := cons.Fetch(2, jetstream.FetchMaxWait(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for m := range b.Messages() {
		if err := m.DoubleAck(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := msgs(); n != 0 {
		t.Fatalf("interest stream holds %d after every consumer acked, want 0", n)
	}
}
