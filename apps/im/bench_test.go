package im

import (
	"context"
	"crypto/rand"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"go.uber.org/goleak"
)

// BenchmarkSend: one sender, one recipient, each Send waiting for the
// delivery receipt, over the in-memory underlay and over UDP sockets on
// loopback, directly or over a 2-hop path through a router ("routed").
// Reports messages per second and the latency of a send (from Send to
// its receipt) at p50 and p99; "concurrent" keeps 8 sends in flight.
// Compare mem and mem-routed (or udp and udp-routed) of one run for the
// cost of the extra hop:
//
//	go test ./apps/im -run '^$' -bench 'Send/(mem|udp)(-routed)?$' -count 5
func BenchmarkSend(b *testing.B) {
	for _, under := range []string{"mem", "udp"} {
		for _, routed := range []bool{false, true} {
			for _, par := range []int{1, 8} {
				name := under
				if routed {
					name += "-routed"
				}
				if par > 1 {
					name += "-concurrent"
				}
				b.Run(name, func(b *testing.B) {
					alice, bob := benchPair(b, under == "udp", routed)
					benchSend(b, alice, bob, par)
				})
			}
		}
	}
}

func benchSend(b *testing.B, alice, bob *Service, par int) {
	ctx := testCtx(b)
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
// sockets bound to loopback: direct peers, or hosts of one router
// that know each other only by locator (host → router → host).
func benchPair(b *testing.B, udp, routed bool) (*Service, *Service) {
	ctx := testCtx(b)
	nw := mem.NewNetwork(mem.Config{})
	b.Cleanup(func() { nw.Close() })
	up := func(n *stack.Node) *stack.Node {
		n.ListenAddr = "127.0.0.1:0"
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
		return n
	}
	var nodes []*stack.Node
	if routed {
		nodes = routedHosts(b, up)
	} else {
		for range 2 {
			nodes = append(nodes, up(&stack.Node{}))
		}
		nodes[0].AddPeer(ctx, nodes[1].Self())
		nodes[1].AddPeer(ctx, nodes[0].Self())
	}
	var svcs []*Service
	for _, n := range nodes {
		s, err := Open(ctx, Config{Node: n, Limits: Limits{RateLimit: -1}})
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
	tn.dir.setMailbox(bob.Wallet, mbox.Wallet.Hex())
	tn.start(mbox, Config{Mailbox: true})
	tn.start(alice, Config{Limits: Limits{FetchInterval: time.Hour}})
	tn.start(bob, Config{})
	subCtx, subCancel := context.WithCancel(ctx)
	ev := bob.svc.Subscribe(subCtx)
	_ = alice.svc.Subscribe(ctx) // closed by Close
	m, err := alice.svc.Send(ctx, bob.Wallet.Hex(), "hi")
	if err != nil {
		t.Fatal(err)
	}
	waitEvent(t, ctx, ev, "message", func(e Event) bool { return e.Message.ID == m.ID })
	subCancel()
	for range ev { // closed when its context ends
	}
	if err := bob.svc.MarkRead(ctx, alice.Wallet); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.svc.CreateGroup(ctx, "g", bob.Wallet); err != nil {
		t.Fatal(err)
	}
	for _, m := range tn.members {
		if err := m.svc.Close(); err != nil {
			t.Fatal(err)
		}
		tn.stop(m) // closes the service a second time, then the node
	}
}

// routedHosts starts a router originating one subnet and two hosts
// attached to it, each a routed peer of the other (by locator, with no
// underlay address), and waits until both are attached.
func routedHosts(b *testing.B, up func(*stack.Node) *stack.Node) []*stack.Node {
	ctx := testCtx(b)
	subnet, err := locator.ParsePrefix("2a.1/128")
	if err != nil {
		b.Fatal(err)
	}
	role := func(r link.Role, nk transport.NodeKey, routers ...link.RouterPeer) *stack.Node {
		loc, err := locator.Assign(subnet, nk.Public, 0)
		if err != nil {
			b.Fatal(err)
		}
		// No hole punching: the path stays host → router → host.
		rt := link.Routing{Role: r, Locator: loc, Routers: routers, AdvertInterval: 100 * time.Millisecond, DisablePunch: true}
		if r == link.RoleRouter {
			rt.Prefixes = []locator.Prefix{subnet}
		}
		return up(&stack.Node{NodeKey: &nk, Routing: rt})
	}
	newKey := func() transport.NodeKey {
		nk, err := transport.GenerateNodeKey(rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		return nk
	}
	rk := newKey()
	r := role(link.RoleRouter, rk)
	self := r.Self()
	via := link.RouterPeer{Wallet: self.Wallet, NodeKey: rk.Public, Addr: self.Addr}
	hosts := []*stack.Node{role(link.RoleHost, newKey(), via), role(link.RoleHost, newKey(), via)}
	for i, h := range hosts {
		o := hosts[1-i].Self()
		if err := h.AddPeer(ctx, stack.Peer{Wallet: o.Wallet, NodeKey: o.NodeKey, Locator: hosts[1-i].Routing.Locator}); err != nil {
			b.Fatal(err)
		}
	}
	for !hosts[0].Attached() || !hosts[1].Attached() {
		if ctx.Err() != nil {
			b.Fatal("hosts never attached to their router")
		}
		time.Sleep(10 * time.Millisecond)
	}
	forwarded := func() uint64 { return r.LinkStats().FramesForwarded }
	before := forwarded()
	b.Cleanup(func() { // before the nodes close
		if n := forwarded() - before; n < uint64(b.N) {
			b.Errorf("the router forwarded %d frames for %d messages: the path was not routed", n, b.N)
		}
	})
	return hosts
}
