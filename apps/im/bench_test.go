package im

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
	"go.uber.org/goleak"
)

// BenchmarkSend: one sender, one recipient, each Send waiting for the
// delivery receipt, over the in-memory underlay and over UDP sockets on
// loopback. Reports messages per second and the latency of a send (from
// Send to its receipt) at p50 and p99; "concurrent" keeps 8 sends in
// flight.
func BenchmarkSend(b *testing.B) {
	for _, under := range []string{"mem", "udp"} {
		for _, par := range []int{1, 8} {
			name := under
			if par > 1 {
				name += "-concurrent"
			}
			b.Run(name, func(b *testing.B) { benchSend(b, under == "udp", par) })
		}
	}
}

func benchSend(b *testing.B, udp bool, par int) {
	ctx := testCtx(b)
	alice, bob := benchPair(b, udp)
	to := bob.Self().Hex()
	if _, err := alice.Send(ctx, to, "warm up"); err != nil {
		b.Fatal(err)
	}
	var (
		mu  sync.Mutex
		lat []time.Duration
		n   int
	)
	start := time.Now()
	for b.Loop() {
		var wg sync.WaitGroup
		for range par {
			wg.Add(1)
			go func() {
				defer wg.Done()
				t0 := time.Now()
				m, err := alice.Send(ctx, to, "benchmark message of a typical length, say sixty-four bytes..")
				if err != nil || m.Status != Delivered {
					b.Errorf("send: %v %v", m.Status, err)
					return
				}
				mu.Lock()
				lat = append(lat, time.Since(t0))
				n++
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	elapsed := time.Since(start)
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(n)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// benchPair opens two services, on the in-memory network or on UDP
// sockets bound to loopback.
func benchPair(b *testing.B, udp bool) (*Service, *Service) {
	ctx := testCtx(b)
	var nodes []*stack.Node
	nw := mem.NewNetwork(mem.Config{})
	for range 2 {
		n := &stack.Node{ListenAddr: "127.0.0.1:0"}
		if !udp {
			u, err := nw.Attach()
			if err != nil {
				b.Fatal(err)
			}
			n.Underlay = u
		}
		if err := n.Up(ctx); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { n.Close() })
		nodes = append(nodes, n)
	}
	nodes[0].AddPeer(ctx, nodes[1].Self())
	nodes[1].AddPeer(ctx, nodes[0].Self())
	var svcs []*Service
	for _, n := range nodes {
		s, err := Open(ctx, Config{Node: n, RateLimit: -1})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		svcs = append(svcs, s)
	}
	return svcs[0], svcs[1]
}

func TestCloseNoLeaks(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tn := newTestNet(t, "alice", "bob", "mbox")
	alice, bob, mbox := tn.get("alice"), tn.get("bob"), tn.get("mbox")
	tn.dir.setMailbox(bob.wallet, mbox.wallet.Hex())
	tn.start(mbox, Config{Mailbox: true})
	tn.start(alice, Config{FetchInterval: time.Hour})
	tn.start(bob, Config{})
	subCtx, subCancel := context.WithCancel(ctx)
	ev := bob.svc.Subscribe(subCtx)
	_ = alice.svc.Subscribe(ctx) // closed by Close
	m, err := alice.svc.Send(ctx, bob.wallet.Hex(), "hi")
	if err != nil {
		t.Fatal(err)
	}
	waitEvent(t, ctx, ev, "message", func(e Event) bool { return e.Message.ID == m.ID })
	subCancel()
	for range ev { // closed when its context ends
	}
	if err := bob.svc.MarkRead(ctx, alice.wallet); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.svc.CreateGroup(ctx, "g", bob.wallet); err != nil {
		t.Fatal(err)
	}
	for _, m := range tn.members {
		if err := m.svc.Close(); err != nil {
			t.Fatal(err)
		}
		tn.stop(m) // closes the service a second time, then the node
	}
}
