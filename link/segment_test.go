package link_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/internal/nodehook"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/link/router"
	"github.com/anynet/anynet/link/udp"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// This file is the harness of router_test.go: a segment of real nodes
// (stack.Node, gVisor netstacks) on one in-memory network, wired as
// hosts and routers.

// Timers of the test segments: short enough that routes converge and
// dead routers are noticed quickly, long enough that a loaded machine
// does not take a live neighbor for dead.
const (
	testAdvert = 200 * time.Millisecond
	testHold   = 2 * time.Second
)

// member is one node of a test segment before and after it is up.
type member struct {
	name   string
	wallet common.Address
	signer transport.Signer
	key    transport.NodeKey
	conn   link.Underlay
	addr   netip.AddrPort
	loc    locator.Locator
	pfx    []locator.Prefix
	node   *stack.Node
	ep     *link.Endpoint
	ns     *gstack.Stack // the node's gVisor stack (its TCP counters)

	// nics are the member's NICs past NIC 0 (nic_test.go).
	nics []stack.NIC

	// punch lets a host punch (Routing.DisablePunch unset). Off by
	// default, so that routed paths in tests stay routed.
	punch bool
	// hold, if set, is the member's Routing.HoldTime instead of
	// testHold (a host probes a punched address for a hold time).
	hold time.Duration
	// tunnels, for a router, finds the routers of other segments.
	tunnels router.TunnelFinder
}

func (m *member) routerPeer() link.RouterPeer {
	return link.RouterPeer{Wallet: m.wallet, NodeKey: m.key.Public, Addr: m.addr}
}

// segment is a set of members on one in-memory network, or on UDP
// sockets on loopback.
type segment struct {
	t      testing.TB
	nw     *mem.Network // nil on UDP
	attach func() (link.Underlay, error)
	m      map[string]*member
}

func newSegment(t testing.TB, mtu int) *segment {
	t.Helper()
	return newSegmentConfig(t, mem.Config{MTU: mtu})
}

// newSegmentConfig puts its members on an in-memory network built with
// cfg.
func newSegmentConfig(t testing.TB, cfg mem.Config) *segment {
	t.Helper()
	nw := mem.NewNetwork(cfg)
	t.Cleanup(func() { nw.Close() })
	return &segment{t: t, nw: nw, m: make(map[string]*member),
		attach: func() (link.Underlay, error) { return nw.Attach() }}
}

// newUDPSegment puts its members on UDP sockets bound to loopback.
func newUDPSegment(t testing.TB) *segment {
	t.Helper()
	return &segment{t: t, m: make(map[string]*member), attach: func() (link.Underlay, error) {
		return udp.Listen(testCtx(t), udp.Config{Addr: "127.0.0.1:0", MTU: link.MinUnderlayMTU})
	}}
}

// add attaches a member; prefix, if not empty, is the subnet a router
// originates ("2a.1/128") or the one a host takes its locator in.
func (s *segment) add(name, prefix string) *member {
	s.t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		s.t.Fatal(err)
	}
	nk, err := transport.GenerateNodeKey(rand.Reader)
	if err != nil {
		s.t.Fatal(err)
	}
	c, err := s.attach()
	if err != nil {
		s.t.Fatal(err)
	}
	m := &member{name: name, wallet: crypto.PubkeyToAddress(k.PublicKey), signer: transport.NewKeySigner(k), key: nk, conn: c, addr: c.LocalAddr()}
	if prefix != "" {
		p, err := locator.ParsePrefix(prefix)
		if err != nil {
			s.t.Fatal(err)
		}
		m.pfx = []locator.Prefix{p}
		if m.loc, err = locator.Assign(p, nk.Public, 0); err != nil {
			s.t.Fatal(err)
		}
	}
	s.m[name] = m
	return m
}

// up starts m as a node with role and the named routers.
func (s *segment) up(m *member, role link.Role, routers ...string) {
	s.t.Helper()
	hold := testHold
	if m.hold != 0 {
		hold = m.hold
	}
	r := link.Routing{Role: role, Locator: m.loc, AdvertInterval: testAdvert, HoldTime: hold, DisablePunch: !m.punch}
	if role == link.RoleRouter {
		r.Prefixes = m.pfx
	}
	for _, name := range routers {
		r.Routers = append(r.Routers, s.m[name].routerPeer())
	}
	key := m.key
	m.node = &stack.Node{
		Wallet:   m.signer,
		NodeKey:  &key,
		Underlay: m.conn,
		Routing:  r,
		NICs:     m.nics,
		// A router's tunnels to other segments (package link/router).
		TunnelFinder: m.tunnels,
	}
	ctx := nodehook.NewContext(testCtx(s.t), &nodehook.Hooks{OnUp: func(in nodehook.Internals) { m.ep, m.ns = in.Link, in.Netstack }})
	if err := m.node.Up(ctx); err != nil {
		s.t.Fatalf("%s: %v", m.name, err)
	}
	s.t.Cleanup(func() { m.node.Close() })
}

// peers makes a and b peers of each other at their underlay addresses.
func (s *segment) peers(a, b *member) {
	s.t.Helper()
	for _, p := range [][2]*member{{a, b}, {b, a}} {
		key := p[1].key.Public
		if err := p[0].node.AddPeer(testCtx(s.t), stack.Peer{Wallet: p[1].wallet, NodeKey: &key, Addr: p[1].addr}); err != nil {
			s.t.Fatal(err)
		}
	}
}

// route makes from reach to's wallet through routers at to's locator.
func (s *segment) route(from, to *member) {
	s.t.Helper()
	key := to.key.Public
	if err := from.node.AddPeer(testCtx(s.t), stack.Peer{Wallet: to.wallet, NodeKey: &key, Locator: to.loc}); err != nil {
		s.t.Fatal(err)
	}
}

// hasRoute reports whether m's table holds a route for loc.
func hasRoute(m *member, loc locator.Locator) bool {
	for _, r := range m.node.Routes() {
		if r.Prefix.Contains(loc) {
			return true
		}
	}
	return false
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// serveEcho echoes every TCP conn accepted on l until the test ends,
// when it closes them: a conn whose path died gets no FIN.
func serveEcho(t testing.TB, l net.Listener) {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
}

// twoRouters starts neighbor routers r1 and r2 originating subnets pa
// and pb and hosts a in pa, attached to r1, and b in pb, attached to r2
// (tweak, if set, adjusts a and b first), waits until both are attached
// and routed, and makes b a routed peer of a:
//
//	a → r1 → r2 → b
func (s *segment) twoRouters(pa, pb string, tweak func(a, b *member)) (r1, r2, a, b *member) {
	s.t.Helper()
	r1, r2 = s.add("r1", pa), s.add("r2", pb)
	a, b = s.add("a", pa), s.add("b", pb)
	if tweak != nil {
		tweak(a, b)
	}
	s.up(r1, link.RoleRouter, "r2")
	s.up(r2, link.RoleRouter, "r1")
	s.up(a, link.RoleHost, "r1")
	s.up(b, link.RoleHost, "r2")
	attachedAndRouted(s.t, []*member{a, b}, []*member{r1, r2})
	s.route(a, b)
	return r1, r2, a, b
}

// echoConn serves echo on to's TCP port 7 and dials it from from; the
// connection is closed when the test ends.
func echoConn(t testing.TB, ctx context.Context, from, to *member) net.Conn {
	t.Helper()
	l, err := to.node.Listen("tcp", ":7")
	if err != nil {
		t.Fatal(err)
	}
	serveEcho(t, l)
	c, err := from.node.Dial(ctx, "tcp", dialAddr(to, 7))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// echo writes msg on c and reads it back.
func echo(t testing.TB, c net.Conn, msg []byte) {
	t.Helper()
	c.SetDeadline(time.Now().Add(45 * time.Second))
	errc := make(chan error, 1)
	go func() { _, err := c.Write(msg); errc <- err }()
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("echo read: %v", err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("echo write: %v", err)
	}
	if string(got) != string(msg) {
		t.Fatal("echo: bytes differ")
	}
}

func dialAddr(m *member, port int) string { return fmt.Sprintf("%s:%d", m.wallet.Hex(), port) }
