//go:build !nochain

package mq

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// TestGroupsAndFanOut: alice's owner API makes a work-queue stream and a
// limits stream; bob, through Gateway.Connect (the Go API, no socket),
// publishes; two clients sharing one durable consumer split the work
// (each message to one of them, all of them processed), and two durable
// consumers on the limits stream each get every message (fan-out);
// Streams reports the counts.
func TestGroupsAndFanOut(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if _, err := w.srv.AddStream(ctx, StreamSpec{Name: "JOBS", Subjects: []string{"jobs"}, Retention: "workqueue"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.srv.AddStream(ctx, StreamSpec{Name: "NEWS", Subjects: []string{"news"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.srv.AddStream(ctx, StreamSpec{Name: "BAD", Retention: "sometimes"}); err == nil {
		t.Fatal("a stream with an unknown retention was made")
	}
	if err := w.srv.SetPolicy(Policy{Anyone: &Grant{Publish: []string{"jobs", "news"}, Consume: []string{"JOBS", "NEWS"}}}); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.SetPolicy(Policy{Anyone: &Grant{Publish: []string{">"}}}); err == nil {
		t.Fatal("a grant of every subject (the engine's API too) was taken")
	}
	connect := func() jetstream.JetStream {
		nc, err := w.gw.Connect("alice.anynet")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		js, _ := jetstream.New(nc)
		return js
	}
	pub := connect()
	const n = 200
	publish := func(subj string) {
		for i := range n {
			if _, err := pub.Publish(ctx, subj, fmt.Appendf(nil, "%d", i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// consume starts the named durable consumers, one client each, then
	// publishes n messages to subj, and returns what each client got.
	consume := func(stream, subj string, durables ...string) []map[string]bool {
		got := make([]map[string]bool, len(durables))
		var mu sync.Mutex
		total := 0
		done := make(chan struct{})
		want := n
		if durables[0] != durables[len(durables)-1] { // fan-out: each gets all
			want = n * len(durables)
		}
		for i, d := range durables {
			got[i] = map[string]bool{}
			js := connect()
			c, err := js.CreateOrUpdateConsumer(ctx, stream, jetstream.ConsumerConfig{Durable: d, AckPolicy: jetstream.AckExplicitPolicy})
			if err != nil {
				t.Fatal(err)
			}
			cc, err := c.Consume(func(m jetstream.Msg) {
				m.Ack()
				mu.Lock()
				defer mu.Unlock()
				if got[i][string(m.Data())] {
					t.Errorf("%s/%s: %s twice", stream, d, m.Data())
				}
				got[i][string(m.Data())] = true
				if total++; total == want {
					close(done)
				}
			}, jetstream.PullMaxMessages(1))
			if err != nil {
				t.Fatal(err)
			}
			defer cc.Stop()
		}
		publish(subj)
		select {
		case <-done:
		case <-ctx.Done():
			t.Fatalf("%s: consumed %d of %d", stream, total, want)
		}
		mu.Lock()
		defer mu.Unlock()
		return got
	}
	// The group: one durable, two clients.
	g := consume("JOBS", "jobs", "workers", "workers")
	for k := range g[0] {
		if g[1][k] {
			t.Fatalf("job %s went to both members of the group", k)
		}
	}
	if len(g[0])+len(g[1]) != n || len(g[0]) == 0 || len(g[1]) == 0 {
		t.Fatalf("group split %d + %d of %d", len(g[0]), len(g[1]), n)
	}
	// Fan-out: two durables, each all.
	f := consume("NEWS", "news", "a", "b")
	if len(f[0]) != n || len(f[1]) != n {
		t.Fatalf("fan-out: %d and %d of %d", len(f[0]), len(f[1]), n)
	}
	streams, err := w.srv.Streams(ctx)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]uint64{}
	for _, s := range streams {
		counts[s.Name] = s.Messages
	}
	// The work queue empties as jobs are acked; the news stay.
	deadline := time.Now().Add(30 * time.Second)
	for counts["JOBS"] != 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		streams, _ = w.srv.Streams(ctx)
		for _, s := range streams {
			counts[s.Name] = s.Messages
		}
	}
	if counts["JOBS"] != 0 || counts["NEWS"] != n {
		t.Fatalf("stream counts %v", counts)
	}
}
