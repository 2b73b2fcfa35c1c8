//go:build !nochain

package mq

import (
	"context"
	"encoding/binary"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The benchmarks run the same workload on the same engine two ways:
//
//	loopback  nats.go → nats-server's own TCP listener on 127.0.0.1
//	overlay   nats.go → bob's loopback gateway → overlay (two anynet
//	          nodes over link/mem: gVisor stacks, Noise) → alice's Server
//
// Both use file storage with the engine's default sync. Run with a fixed
// count, the overlay setup (a chain, two nodes) being slow:
//
//	go test -run '^$' -bench . -benchtime 20000x ./apps/mq/

// benchClient returns a JetStream client for the two set-ups, with a
// file-stored stream BENCH on subject "bench".
func benchClient(b *testing.B, via string) jetstream.JetStream {
	b.Helper()
	var nc *nats.Conn
	var err error
	switch via {
	case "loopback":
		ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true,
			StoreDir: b.TempDir(), NoLog: true, NoSigs: true})
		if err != nil {
			b.Fatal(err)
		}
		ns.Start()
		if !ns.ReadyForConnections(30 * time.Second) {
			b.Fatal("engine did not start")
		}
		b.Cleanup(ns.Shutdown)
		nc, err = nats.Connect(ns.ClientURL())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(nc.Close)
	case "overlay":
		w := newWorld(b)
		if err := w.srv.SetPolicy(Policy{Wallets: map[common.Address]Grant{w.bob.Addr(): {
			Publish: []string{"bench"}, Consume: []string{"BENCH"}}}}); err != nil {
			b.Fatal(err)
		}
		anc, err := w.srv.Connect()
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(anc.Close)
		ajs, _ := jetstream.New(anc)
		if _, err := ajs.CreateStream(b.Context(), jetstream.StreamConfig{Name: "BENCH", Subjects: []string{"bench"},
			Storage: jetstream.FileStorage}); err != nil {
			b.Fatal(err)
		}
		nc = w.bobClient(b, "alice.anynet")
	}
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	if via == "loopback" {
		if _, err := js.CreateStream(b.Context(), jetstream.StreamConfig{Name: "BENCH", Subjects: []string{"bench"},
			Storage: jetstream.FileStorage}); err != nil {
			b.Fatal(err)
		}
	}
	return js
}

// BenchmarkPublishConsume: b.N 128-byte messages published (async, up to
// 1,024 unacknowledged) and consumed by a durable pull consumer that
// acks each; msg/s counts a message once it was both acknowledged to
// the publisher and consumed.
func BenchmarkPublishConsume(b *testing.B) {
	for _, via := range []string{"loopback", "overlay"} {
		b.Run(via, func(b *testing.B) {
			js := benchClient(b, via)
			ctx, cancel := context.WithTimeout(b.Context(), 10*time.Minute)
			defer cancel()
			cons, err := js.CreateOrUpdateConsumer(ctx, "BENCH", jetstream.ConsumerConfig{Durable: "c",
				AckPolicy: jetstream.AckExplicitPolicy, MaxAckPending: 10_000})
			if err != nil {
				b.Fatal(err)
			}
			var got atomic.Int64
			done := make(chan struct{})
			cc, err := cons.Consume(func(m jetstream.Msg) {
				m.Ack()
				if got.Add(1) == int64(b.N) {
					close(done)
				}
			}, jetstream.PullMaxMessages(1000))
			if err != nil {
				b.Fatal(err)
			}
			defer cc.Stop()
			payload := make([]byte, 128)
			b.SetBytes(int64(len(payload)))
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				if _, err := js.PublishAsync("bench", payload, jetstream.WithStallWait(time.Minute)); err != nil {
					b.Fatal(err)
				}
			}
			select {
			case <-js.PublishAsyncComplete():
			case <-ctx.Done():
				b.Fatal("publishes not acknowledged")
			}
			select {
			case <-done:
			case <-ctx.Done():
				b.Fatalf("consumed %d of %d", got.Load(), b.N)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msg/s")
		})
	}
}

// BenchmarkLatency: one message at a time, from publish to the
// consumer's callback: p50 and p99 over b.N messages.
func BenchmarkLatency(b *testing.B) {
	for _, via := range []string{"loopback", "overlay"} {
		b.Run(via, func(b *testing.B) {
			js := benchClient(b, via)
			ctx, cancel := context.WithTimeout(b.Context(), 10*time.Minute)
			defer cancel()
			cons, err := js.CreateOrUpdateConsumer(ctx, "BENCH", jetstream.ConsumerConfig{Durable: "l",
				AckPolicy: jetstream.AckExplicitPolicy})
			if err != nil {
				b.Fatal(err)
			}
			lat := make(chan time.Duration, 1)
			cc, err := cons.Consume(func(m jetstream.Msg) {
				sent := time.Unix(0, int64(binary.BigEndian.Uint64(m.Data())))
				lat <- time.Since(sent)
				m.Ack()
			})
			if err != nil {
				b.Fatal(err)
			}
			defer cc.Stop()
			all := make([]time.Duration, 0, b.N)
			payload := make([]byte, 128)
			b.ResetTimer()
			for range b.N {
				binary.BigEndian.PutUint64(payload, uint64(time.Now().UnixNano()))
				if _, err := js.Publish(ctx, "bench", payload); err != nil {
					b.Fatal(err)
				}
				select {
				case d := <-lat:
					all = append(all, d)
				case <-ctx.Done():
					b.Fatal("not consumed")
				}
			}
			b.StopTimer()
			slices.Sort(all)
			b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
		})
	}
}
