//go:build !nochain

package relay

import (
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// The link-receipt overhead benchmark: hosts A1…An behind router R1
// and B1…Bn behind R2 (two subnets, paths A → R1 → R2 → B, no punched
// paths) on real gVisor stacks, Noise sessions and the embedded chain,
// every host running the relay service on its real link meter and both
// routers running the Edge core. A shape of traffic runs for
// linkBenchEpochs whole epochs and the benchmark measures, over them:
//
//   - relayed: what R1 and R2 forwarded between hosts (their own meters,
//     Router.Forwarded), every frame counted at each router it crossed;
//   - receipts on the wire: every transport frame between a host and a
//     router, its own or the far one (the relay service's connections
//     to the routers: the receipts, in, and the routers'
//     acknowledgements, out), read off the underlay on the host's link
//     to its router, both ways;
//   - tells (frame 8, host to host through both routers): the bytes
//     the hosts' relay services wrote to other hosts, and an estimate
//     of their wire cost (tellSegment per write, and one bare
//     acknowledgement back).
//
// Epochs are short (linkBenchEpoch) so that several run in seconds;
// each shape is scaled to them (what a session does in an epoch is
// what matters: see the shapes).
const (
	linkBenchEpoch  = 4 * time.Second
	linkBenchEpochs = 3
	linkBenchSample = 200 * time.Millisecond // MeterEvery: 20 samples an epoch
	// tellSegment: what a routed TCP segment costs on the wire beyond
	// its payload: the link header with two locators (4 + 64), the
	// transport's data header and tag (transport.Overhead), IPv6 (40)
	// and TCP with timestamps (32).
	tellSegment = link.MinFrameHeader + 2*link.LocatorLen + transport.Overhead + 40 + 32
)

// linkShape is a traffic pattern: run drives the hosts until the
// context ends (setup runs once before the measured epochs).
type linkShape struct {
	name     string
	hosts    int // behind each router
	sessions int // the host pairs the shape runs between
	setup    func(tb testing.TB, ctx context.Context, w *linkWorld)
	run      func(ctx context.Context, w *linkWorld)
}

// BenchmarkLinkReceiptOverhead reports, per shape of traffic, link
// receipts and tells as a share of the bytes the routers relayed
// (overhead-%, target ≤ 1 %), and their parts. Shapes:
//
//   - bulk: one session, A1 sends B1 as fast as it can for the whole
//     run;
//   - small: 4 hosts a side, request/response flows of 1–16 KiB each
//     way (log-uniform) between random A and B every 10 ms, four at a
//     time: ~100 flows per session pair and epoch, as a 1-hour epoch
//     with a flow every 36 s;
//   - sparse: 4 hosts a side, one request/response flow of 8 KiB each
//     way per session pair and epoch: the floor, where a session's
//     four receipts per router and epoch weigh most;
//   - chat: 4 sessions, each a long-lived connection with a 100-byte
//     message and its answer every 40 ms (100 an epoch: one every 36 s
//     in an hour-long epoch);
//   - idle: 4 sessions that move 64 KiB once, before the measured
//     epochs, then stay open with nothing to send (transport
//     keepalives only): whatever is spent then is overhead of nothing,
//     shown per session and epoch.
//
// go test -run '^$' -bench LinkReceiptOverhead -benchtime 1x -timeout 20m ./apps/relay/
func BenchmarkLinkReceiptOverhead(b *testing.B) {
	for _, sh := range linkShapes() {
		b.Run(sh.name, func(b *testing.B) {
			for b.Loop() {
				m := runLinkShape(b, sh)
				b.ReportMetric(m.overheadPct(), "overhead-%")
				b.ReportMetric(float64(m.receiptUp), "receipt-up-B")
				b.ReportMetric(float64(m.receiptDown), "receipt-down-B")
				b.ReportMetric(float64(m.tellBytes), "tell-B")
				b.ReportMetric(float64(m.tellWire()), "tell-wire-B")
				b.ReportMetric(float64(m.relayed), "relayed-B")
				b.ReportMetric(float64(m.signed), "receipts")
				sessionEpochs := float64(sh.sessions * linkBenchEpochs)
				b.ReportMetric(float64(m.receiptUp+m.receiptDown+m.tellWire())/sessionEpochs, "wire-B/session/epoch")
			}
		})
	}
}

// linkMeasure is what one run measured over its epochs.
type linkMeasure struct {
	relayed                uint64
	receiptUp, receiptDown uint64
	tellBytes, tellWrites  uint64
	signed                 int
}

func (m linkMeasure) tellWire() uint64 { return m.tellBytes + 2*m.tellWrites*tellSegment }

func (m linkMeasure) overheadPct() float64 {
	return 100 * float64(m.receiptUp+m.receiptDown+m.tellWire()) / float64(max(m.relayed, 1))
}

func linkShapes() []linkShape {
	return []linkShape{
		{name: "bulk", hosts: 1, sessions: 1, run: func(ctx context.Context, w *linkWorld) {
			conn, err := w.as[0].Dial(ctx, "tcp", w.bs[0].Addr().Hex()+":7001")
			if err != nil {
				return
			}
			defer conn.Close()
			context.AfterFunc(ctx, func() { conn.Close() })
			buf := make([]byte, 64<<10)
			for ctx.Err() == nil {
				if _, err := conn.Write(buf); err != nil {
					return
				}
			}
		}},
		{name: "small", hosts: 4, sessions: 16, run: func(ctx context.Context, w *linkWorld) {
			r := rand.New(rand.NewPCG(1, 2))
			sem := make(chan struct{}, 4)
			var wg sync.WaitGroup
			defer wg.Wait()
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				from, to := w.as[r.IntN(len(w.as))], w.bs[r.IntN(len(w.bs))]
				if r.IntN(2) == 0 {
					from, to = to, from
				}
				size := func() int { return int(float64(int(1024)<<r.IntN(4)) * (1 + r.Float64())) }
				req, resp := size(), size()
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					linkBenchFlow(ctx, from, to, req, resp)
				}()
			}
		}},
		{name: "sparse", hosts: 4, sessions: 16, run: func(ctx context.Context, w *linkWorld) {
			var wg sync.WaitGroup
			defer wg.Wait()
			for {
				for _, a := range w.as {
					for _, b := range w.bs {
						wg.Add(1)
						go func() {
							defer wg.Done()
							linkBenchFlow(ctx, a, b, 8<<10, 8<<10)
						}()
					}
				}
				select {
				case <-ctx.Done():
					return
				case <-time.After(linkBenchEpoch):
				}
			}
		}},
		{name: "chat", hosts: 4, sessions: 4, run: func(ctx context.Context, w *linkWorld) {
			var wg sync.WaitGroup
			for i := range w.as {
				wg.Add(1)
				go func() {
					defer wg.Done()
					conn, err := w.as[i].Dial(ctx, "tcp", w.bs[i].Addr().Hex()+":7002")
					if err != nil {
						return
					}
					defer conn.Close()
					context.AfterFunc(ctx, func() { conn.Close() })
					msg := make([]byte, 100)
					tick := time.NewTicker(40 * time.Millisecond)
					defer tick.Stop()
					for {
						select {
						case <-ctx.Done():
							return
						case <-tick.C:
						}
						if _, err := conn.Write(msg); err != nil {
							return
						}
						if _, err := io.ReadFull(conn, msg); err != nil {
							return
						}
					}
				}()
			}
			wg.Wait()
		}},
		{name: "idle", hosts: 4, sessions: 4, setup: func(tb testing.TB, ctx context.Context, w *linkWorld) {
			for i := range w.as {
				conn, err := w.as[i].Dial(ctx, "tcp", w.bs[i].Addr().Hex()+":7002")
				if err != nil {
					tb.Fatal(err)
				}
				tb.Cleanup(func() { conn.Close() })
				msg := make([]byte, 64<<10)
				if _, err := conn.Write(msg); err != nil {
					tb.Fatal(err)
				}
				if _, err := io.ReadFull(conn, msg); err != nil {
					tb.Fatal(err)
				}
			}
		}, run: func(ctx context.Context, _ *linkWorld) { <-ctx.Done() }},
	}
}

// linkWorld is the benchmark's network.
type linkWorld struct {
	r1, r2 *stack.Node
	as, bs []*stack.Node
	tap    *wireTap
	tells  *tellCount
	events []*events // the hosts'
}

// wireTap counts, on the hosts' access links, the transport frames
// between a host and a router, its own (not routed: no locators) or the
// far one (routed through its own, to or from the far router's
// locator): the relay service's connections to the routers, which are
// all the hosts exchange with routers here. Each is counted once, on
// the link between the host and its router.
type wireTap struct {
	hosts, routers map[netip.AddrPort]bool
	routerLocs     map[link.Locator]bool
	up, down       atomic.Uint64
}

func (w *wireTap) filter(src, dst netip.AddrPort, f []byte) bool {
	var h link.Header
	if _, err := link.ParseHeader(f, &h); err != nil || h.Type != link.FrameTransport {
		return true
	}
	switch {
	case w.hosts[src] && w.routers[dst] && (h.Dst == nil || w.routerLocs[*h.Dst]):
		w.up.Add(uint64(len(f)))
	case w.routers[src] && w.hosts[dst] && (h.Src == nil || w.routerLocs[*h.Src]):
		w.down.Add(uint64(len(f)))
	}
	return true
}

// tellCount counts what relay services write to other hosts (tells).
type tellCount struct{ bytes, writes atomic.Uint64 }

// tellHost is a host's node as its relay service sees it: connections
// with wallets other than routers count their writes.
type tellHost struct {
	*stack.Node
	routers map[common.Address]bool
	count   *tellCount
}

type tellConn struct {
	net.Conn
	count *tellCount
}

func (c tellConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.count.bytes.Add(uint64(n))
	c.count.writes.Add(1)
	return n, err
}

type tellListener struct {
	net.Listener
	h tellHost
}

func (l tellListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return l.h.wrap(c), nil
}

func (h tellHost) wrap(c net.Conn) net.Conn {
	if p, err := h.Node.PeerOf(c); err == nil && h.routers[p] {
		return c
	}
	return tellConn{c, h.count}
}

func (h tellHost) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := h.Node.Dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return h.wrap(c), nil
}

func (h tellHost) Listen(network, addr string) (net.Listener, error) {
	l, err := h.Node.Listen(network, addr)
	if err != nil {
		return nil, err
	}
	return tellListener{l, h}, nil
}

func (h tellHost) PeerOf(c net.Conn) (common.Address, error) {
	if tc, ok := c.(tellConn); ok {
		c = tc.Conn
	}
	return h.Node.PeerOf(c)
}

// linkBenchFlow runs one request/response flow from a to b's port 7000.
func linkBenchFlow(ctx context.Context, a, b *stack.Node, req, resp int) {
	conn, err := a.Dial(ctx, "tcp", b.Addr().Hex()+":7000")
	if err != nil {
		return
	}
	defer conn.Close()
	context.AfterFunc(ctx, func() { conn.Close() })
	msg := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(req)), uint32(resp))
	if _, err := conn.Write(append(msg, make([]byte, req)...)); err != nil {
		return
	}
	_, _ = io.CopyN(io.Discard, conn, int64(resp))
}

// linkBenchServe serves the shapes' ports on n: 7000 request/response
// (two u32 sizes, the request, then the response), 7001 a sink, 7002
// an echo.
func linkBenchServe(tb testing.TB, n *stack.Node) {
	serve := func(port int, h func(net.Conn)) {
		l, err := n.Listen("tcp", fmt.Sprintf(":%d", port))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					h(c)
				}()
			}
		}()
	}
	serve(7000, func(c net.Conn) {
		var hdr [8]byte
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return
		}
		if _, err := io.CopyN(io.Discard, c, int64(binary.BigEndian.Uint32(hdr[:]))); err != nil {
			return
		}
		_, _ = c.Write(make([]byte, binary.BigEndian.Uint32(hdr[4:])))
	})
	serve(7001, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
	serve(7002, func(c net.Conn) { _, _ = io.Copy(c, c) })
}

// runLinkShape builds the network, runs sh through linkBenchEpochs
// whole epochs and measures them.
func runLinkShape(tb testing.TB, sh linkShape) linkMeasure {
	c := apptest.NewChain(tb)
	ctx, cancel := context.WithTimeout(tb.Context(), 5*time.Minute)
	defer cancel()
	sub1, err1 := locator.ParsePrefix("2a.1/128")
	sub2, err2 := locator.ParsePrefix("2a.2/128")
	if err1 != nil || err2 != nil {
		tb.Fatal(err1, err2)
	}
	m1 := newPathMember(tb, ctx, c, "192.0.2.1:4000")
	m2 := newPathMember(tb, ctx, c, "192.0.2.2:4000")
	var ma, mb []pathMember
	for i := range sh.hosts {
		ma = append(ma, newPathMember(tb, ctx, c, fmt.Sprintf("192.0.2.%d:4000", 10+i)))
		mb = append(mb, newPathMember(tb, ctx, c, fmt.Sprintf("192.0.2.%d:4000", 100+i)))
	}
	w := &linkWorld{tap: &wireTap{hosts: map[netip.AddrPort]bool{}, routers: map[netip.AddrPort]bool{m1.addr: true, m2.addr: true}}, tells: &tellCount{}}
	w.r1 = m1.up(tb, ctx, c, sub1, link.Routing{Role: link.RoleRouter, Prefixes: []locator.Prefix{sub1}, Routers: []link.RouterPeer{m2.peer()}})
	w.r2 = m2.up(tb, ctx, c, sub2, link.Routing{Role: link.RoleRouter, Prefixes: []locator.Prefix{sub2}, Routers: []link.RouterPeer{m1.peer()}})
	for i := range sh.hosts {
		w.as = append(w.as, ma[i].up(tb, ctx, c, sub1, link.Routing{Routers: []link.RouterPeer{m1.peer()}, DisablePunch: true}))
		w.bs = append(w.bs, mb[i].up(tb, ctx, c, sub2, link.Routing{Routers: []link.RouterPeer{m2.peer()}, DisablePunch: true}))
		w.tap.hosts[ma[i].addr], w.tap.hosts[mb[i].addr] = true, true
	}
	waitAttached(tb, ctx, append(append([]*stack.Node(nil), w.as...), w.bs...)...)
	w.tap.routerLocs = map[link.Locator]bool{link.Locator(w.r1.Locators()[0]): true, link.Locator(w.r2.Locators()[0]): true}
	c.Net.SetFilter(w.tap.filter)

	params := DefaultParams()
	params.MinProbes, params.WarnPPM, params.SuspendPPM, params.BoundZ = 0, 0, 0, 0
	routers := map[common.Address]bool{w.r1.Addr(): true, w.r2.Addr(): true}
	start := func(n *stack.Node, key *ecdsa.PrivateKey, roles Roles) *events {
		ev := newEvents()
		cfg := ServiceConfig{Host: n, Wallet: pay.NewKeyWallet(key), Roles: roles, Store: &service.Memory{},
			Epoch: linkBenchEpoch, Grace: time.Second, Params: params, OnEvent: ev.add, MeterEvery: linkBenchSample}
		if roles == 0 {
			cfg.LinkMeter, cfg.Host = n, tellHost{n, routers, w.tells}
		}
		svc, err := StartService(cfg)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { svc.Close() })
		return ev
	}
	start(w.r1, m1.key, RoleEdge)
	start(w.r2, m2.key, RoleEdge)
	for i := range sh.hosts {
		w.events = append(w.events, start(w.as[i], ma[i].key, 0), start(w.bs[i], mb[i].key, 0))
		linkBenchServe(tb, w.as[i])
		linkBenchServe(tb, w.bs[i])
	}
	// Warm up: every pair's handshakes, DID lookups and relay
	// connections, then the shape's own setup.
	for _, a := range w.as {
		for _, b := range w.bs {
			linkBenchFlow(ctx, a, b, 1024, 1024)
		}
	}
	if _, ok := w.as[0].DirectPath(w.bs[0].Addr()); ok {
		tb.Fatal("A and B punched a direct path")
	}
	if sh.setup != nil {
		sh.setup(tb, ctx, w)
	}

	// The shape runs from the start of an epoch for linkBenchEpochs
	// epochs: what the routers relay is measured from then to a few
	// samples after the last epoch, the receipts from when the epoch
	// before has been signed off (a few samples in) as long after the
	// last.
	first := time.Now().UnixNano()/int64(linkBenchEpoch) + 2
	t0 := time.Unix(0, first*int64(linkBenchEpoch))
	settle := 3 * linkBenchSample
	time.Sleep(time.Until(t0))
	relayed0 := w.snapshot().relayed
	runCtx, stop := context.WithDeadline(ctx, t0.Add(linkBenchEpochs*linkBenchEpoch))
	done := make(chan struct{})
	go func() {
		defer close(done)
		sh.run(runCtx, w)
	}()
	time.Sleep(time.Until(t0.Add(settle)))
	before := w.snapshot()
	<-runCtx.Done()
	stop()
	<-done
	time.Sleep(time.Until(t0.Add(linkBenchEpochs*linkBenchEpoch + settle)))
	after := w.snapshot()
	m := linkMeasure{relayed: after.relayed - relayed0, receiptUp: after.receiptUp - before.receiptUp,
		receiptDown: after.receiptDown - before.receiptDown, tellBytes: after.tellBytes - before.tellBytes,
		tellWrites: after.tellWrites - before.tellWrites}
	for _, ev := range w.events {
		ev.mu.Lock()
		for _, e := range ev.list {
			if lr, ok := e.(LinkReceipt); ok && lr.Receipt.Epoch >= uint64(first) && lr.Receipt.Epoch < uint64(first)+linkBenchEpochs {
				m.signed++
			}
		}
		ev.mu.Unlock()
	}
	tb.Logf("%s: relayed %d B; receipts %d signed, %d B up and %d B down the wire; tells %d B in %d writes (~%d B on the wire): %.3f %%",
		sh.name, m.relayed, m.signed, m.receiptUp, m.receiptDown, m.tellBytes, m.tellWrites, m.tellWire(), m.overheadPct())
	return m
}

// snapshot reads the counters.
func (w *linkWorld) snapshot() linkMeasure {
	m := linkMeasure{receiptUp: w.tap.up.Load(), receiptDown: w.tap.down.Load(),
		tellBytes: w.tells.bytes.Load(), tellWrites: w.tells.writes.Load()}
	for _, r := range []*stack.Node{w.r1, w.r2} {
		for _, f := range r.Forwarded() {
			if !w.tap.routerLocs[f.Src] && !w.tap.routerLocs[f.Dst] { // not receipts to the far router
				m.relayed += f.Bytes
			}
		}
	}
	return m
}
