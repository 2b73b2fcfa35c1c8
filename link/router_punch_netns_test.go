//go:build linux

package link_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/router"
	"github.com/anynet/anynet/link/udp"
	"golang.org/x/sys/unix"
)

// This file runs NAT traversal through real Linux NATs: network
// namespaces joined by veth pairs, with iptables MASQUERADE on the NAT
// boxes' uplinks.
//
//	h1 10.0.1.2 ── 10.0.1.1 nat1 198.18.1.2 ── 198.18.1.1 pub 198.18.2.1 ── 198.18.2.2 nat2 10.0.2.1 ── 10.0.2.2 h2
//
// pub holds the router, on a public address; nat1 and nat2 masquerade
// their hosts behind their uplink address and, as home routers do, drop
// unsolicited inbound connections. Each node's UDP socket is opened
// inside its namespace (a thread moved there with setns for the socket
// call only); the nodes themselves run in this test process.

// netns is a set of network namespaces that the test created and
// deletes when it ends.
type netns struct {
	t      *testing.T
	prefix string
}

// newNetns skips the test unless it can build namespaces: root, and
// the ip and iptables commands.
func newNetns(t *testing.T) *netns {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("NAT traversal in network namespaces needs root (ip netns, iptables)")
	}
	for _, cmd := range []string{"ip", "iptables"} {
		if _, err := exec.LookPath(cmd); err != nil {
			t.Skipf("NAT traversal in network namespaces needs %s: %v", cmd, err)
		}
	}
	var id [3]byte
	rand.Read(id[:])
	n := &netns{t: t, prefix: "anx" + hex.EncodeToString(id[:])}
	probe := n.name("probe")
	if out, err := exec.Command("ip", "netns", "add", probe).CombinedOutput(); err != nil {
		t.Skipf("cannot create network namespaces here: %v: %s", err, out)
	}
	defer exec.Command("ip", "netns", "del", probe).Run()
	for _, rule := range [][]string{
		{"-t", "nat", "-A", "POSTROUTING", "-o", "lo", "-j", "MASQUERADE"},
		{"-A", "INPUT", "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP"},
	} {
		args := append([]string{"netns", "exec", probe, "iptables"}, rule...)
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Skipf("iptables cannot NAT here (iptables %s): %v: %s", strings.Join(rule, " "), err, out)
		}
	}
	return n
}

func (n *netns) name(short string) string { return n.prefix + "-" + short }

// add creates namespace short, deleted when the test ends, with its
// loopback up.
func (n *netns) add(short string) {
	n.t.Helper()
	ns := n.name(short)
	n.run("ip", "netns", "add", ns)
	n.t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
			n.t.Logf("ip netns del %s: %v: %s", ns, err, out)
		}
	})
	n.in(short, "ip", "link", "set", "lo", "up")
}

// run runs a command, failing the test if it fails.
func (n *netns) run(args ...string) {
	n.t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		n.t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// in runs a command inside namespace short.
func (n *netns) in(short string, args ...string) {
	n.t.Helper()
	n.run(append([]string{"ip", "netns", "exec", n.name(short)}, args...)...)
}

// link joins namespaces a and b with a veth pair, ifA in a with address
// addrA, ifB in b with addrB, both up.
func (n *netns) link(a, ifA, addrA, b, ifB, addrB string) {
	n.t.Helper()
	n.run("ip", "-n", n.name(a), "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", n.name(b))
	n.run("ip", "-n", n.name(a), "addr", "add", addrA, "dev", ifA)
	n.run("ip", "-n", n.name(b), "addr", "add", addrB, "dev", ifB)
	n.run("ip", "-n", n.name(a), "link", "set", ifA, "up")
	n.run("ip", "-n", n.name(b), "link", "set", ifB, "up")
}

// listen opens a UDP underlay on addr inside namespace short. The socket
// is created on a thread moved into the namespace; the thread is never
// given back to other goroutines and ends with its goroutine.
func (n *netns) listen(ctx context.Context, short, addr string) (link.Underlay, error) {
	type result struct {
		c   *udp.Conn
		err error
	}
	res := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // not unlocked: the thread exits with this goroutine
		f, err := os.Open("/run/netns/" + n.name(short))
		if err != nil {
			res <- result{nil, err}
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			res <- result{nil, fmt.Errorf("setns %s: %w", short, err)}
			return
		}
		c, err := udp.Listen(ctx, udp.Config{Addr: addr, MTU: link.MinUnderlayMTU})
		res <- result{c, err}
	}()
	r := <-res
	if r.err != nil {
		return nil, r.err
	}
	return r.c, nil
}

// natTopology builds the namespaces of the figure above. nat1 starts
// with firewall rules that drop what h1 and nat2's address send each
// other, so the direct path is closed until shutNAT1(false) deletes
// them; shutNAT1(true) puts them back.
// segment returns an empty segment whose next member listen(ns, addr)
// opens its UDP socket at addr inside namespace ns.
func (n *netns) segment(ctx context.Context) (s *segment, listen func(ns, addr string)) {
	s = &segment{t: n.t, m: make(map[string]*member)}
	return s, func(ns, addr string) {
		s.attach = func() (link.Underlay, error) { return n.listen(ctx, ns, addr) }
	}
}

// throughNATs waits, echoing on c meanwhile, until h1 and h2 are direct
// to each other's NAT address, then checks that a large echo passes none
// of the routers.
func throughNATs(t *testing.T, c net.Conn, h1, h2 *member, routers ...*member) {
	t.Helper()
	linktest.WaitFor(t, "both direct", func() bool {
		echo(t, c, []byte("punching"))
		_, a := direct(h1, h2)
		_, b := direct(h2, h1)
		return a && b
	})
	at12, _ := direct(h1, h2)
	at21, _ := direct(h2, h1)
	t.Logf("h1 reaches h2 at %s, h2 reaches h1 at %s", at12, at21)
	if at12.Addr() != netip.MustParseAddr("198.18.2.2") || at21.Addr() != netip.MustParseAddr("198.18.1.2") {
		t.Errorf("h1 reaches h2 at %s, h2 reaches h1 at %s; want nat2's and nat1's addresses", at12, at21)
	}
	fwd := func() (n uint64) {
		for _, r := range routers {
			n += r.ep.Stats().FramesForwarded
		}
		return n
	}
	fwd0, recv0 := fwd(), h2.ep.Stats().FramesReceived
	echo(t, c, bytes.Repeat([]byte("straight through both NATs "), 40000))
	f, recv := fwd()-fwd0, h2.ep.Stats().FramesReceived-recv0
	t.Logf("direct: h2 received %d frames, the routers forwarded %d", recv, f)
	if recv < 500 || f*10 > recv {
		t.Errorf("direct: h2 received %d frames, the routers forwarded %d: not direct", recv, f)
	}
}

func natTopology(t *testing.T) (n *netns, shutNAT1 func(bool)) {
	n = newNetns(t)
	for _, ns := range []string{"pub", "nat1", "nat2", "h1", "h2"} {
		n.add(ns)
	}
	n.link("pub", "p1", "198.18.1.1/24", "nat1", "wan", "198.18.1.2/24")
	n.link("pub", "p2", "198.18.2.1/24", "nat2", "wan", "198.18.2.2/24")
	n.link("nat1", "lan", "10.0.1.1/24", "h1", "eth0", "10.0.1.2/24")
	n.link("nat2", "lan", "10.0.2.1/24", "h2", "eth0", "10.0.2.2/24")
	n.in("pub", "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward")
	for i, nat := range []string{"nat1", "nat2"} {
		n.in(nat, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward")
		n.in(nat, "ip", "route", "add", "default", "via", fmt.Sprintf("198.18.%d.1", i+1))
		n.in(nat, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "wan", "-j", "MASQUERADE")
		n.in(nat, "iptables", "-A", "INPUT", "-i", "wan", "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP")
		n.in(nat, "iptables", "-A", "FORWARD", "-i", "wan", "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP")
		n.in(fmt.Sprintf("h%d", i+1), "ip", "route", "add", "default", "via", fmt.Sprintf("10.0.%d.1", i+1))
	}
	shutNAT1 = func(shut bool) {
		op := map[bool]string{true: "-I", false: "-D"}[shut]
		n.in("nat1", "iptables", op, "FORWARD", "-o", "wan", "-d", "198.18.2.2", "-j", "DROP")
		n.in("nat1", "iptables", op, "FORWARD", "-i", "wan", "-s", "198.18.2.2", "-j", "DROP")
	}
	shutNAT1(true)
	return n, shutNAT1
}

// TestNATTraversalNetns: h1 behind nat1 dials h2 behind nat2 by
// identity through the router in pub. The TCP connection first runs
// relayed, while nat1's firewall keeps the direct path shut and the
// punch the router coordinates fails; once it opens, the next punch
// moves both hosts to each other's NAT address and the same connection
// carries on directly, the router forwarding nothing more of it. When
// the firewall shuts again, both fall back to the router.
func TestNATTraversalNetns(t *testing.T) {
	n, shutNAT1 := natTopology(t)
	s, listenIn := n.segment(testCtx(t))
	listenIn("pub", "198.18.1.1:0")
	r := s.add("r", "2a.1/128")
	listenIn("h1", "10.0.1.2:0")
	h1 := s.add("h1", "2a.1/128")
	listenIn("h2", "10.0.2.2:0")
	h2 := s.add("h2", "2a.1/128")
	h1.punch, h2.punch = true, true
	s.up(r, link.RoleRouter)
	s.up(h1, link.RoleHost, "r")
	s.up(h2, link.RoleHost, "r")
	attachedAndRouted(t, []*member{h1, h2}, []*member{r})
	s.route(h1, h2)

	c := echoConn(t, testCtx(t), h1, h2)

	// Relayed.
	echo(t, c, bytes.Repeat([]byte("relayed through pub "), 10000))
	linktest.WaitFor(t, "a punch coordinated", func() bool { return r.ep.Stats().PunchesCoordinated >= 1 })
	echo(t, c, []byte("still relayed"))
	checkRelayed(t, h1, h2, "through nat1's firewall")
	if r.ep.Stats().FramesForwarded == 0 {
		t.Fatal("the router forwarded nothing")
	}

	// Direct, each at the other's NAT address. Hosts punch for peers
	// that talk, so the connection keeps talking meanwhile.
	shutNAT1(false)
	throughNATs(t, c, h1, h2, r)
	if _, ok := direct(h1, h2); !ok {
		t.Error("h1 fell back while the direct path was open")
	}

	// Fallback: nat1's firewall shuts the direct path again; both hosts
	// go back to the router, which relayed for them all along.
	shutNAT1(true)
	linktest.WaitFor(t, "both back through the router", func() bool {
		_, a := direct(h1, h2)
		_, b := direct(h2, h1)
		return !a && !b
	})
	fwd0 := r.ep.Stats().FramesForwarded
	echo(t, c, []byte("relayed again"))
	if r.ep.Stats().FramesForwarded == fwd0 {
		t.Error("the router forwarded nothing after the fallback")
	}
	for _, h := range []*member{h1, h2} {
		if st := h.ep.Stats(); st.PathsDirect == 0 || st.PathsFallback == 0 {
			t.Errorf("%s: %d switches to direct, %d fallbacks", h.name, st.PathsDirect, st.PathsFallback)
		}
	}
}

// TestNATTraversalAcrossTunnelNetns: h1 behind nat1 is a host of r1's
// segment (2a), h2 behind nat2 of r2's (2b); r1 and r2, both in pub, are
// not neighbors and reach each other's segment only by tunnel. No router
// can pair the hosts' punch asks, so each host learns from its own
// router the address it is seen at and sends it to the other inside
// their session. While nat1's firewall keeps the direct path shut the
// connection runs through r1 and r2; once it opens, the hosts go
// direct, each at the other's NAT address.
func TestNATTraversalAcrossTunnelNetns(t *testing.T) {
	n, shutNAT1 := natTopology(t)
	s, listenIn := n.segment(testCtx(t))
	listenIn("pub", "198.18.1.1:0")
	r1 := s.add("r1", "2a.1/128")
	listenIn("pub", "198.18.2.1:0")
	r2 := s.add("r2", "2b.1/128")
	tunnelTo := func(r *member) router.TunnelFinder {
		return router.TunnelFunc(func(_ context.Context, dst locator.Locator) (router.Tunnel, error) {
			if !r.pfx[0].Contains(dst) {
				return router.Tunnel{}, router.ErrNoTunnel
			}
			return router.Tunnel{Prefix: r.pfx[0], Router: r.addr}, nil
		})
	}
	r1.tunnels, r2.tunnels = tunnelTo(r2), tunnelTo(r1)
	listenIn("h1", "10.0.1.2:0")
	h1 := s.add("h1", "2a.1/128")
	listenIn("h2", "10.0.2.2:0")
	h2 := s.add("h2", "2b.1/128")
	h1.punch, h2.punch = true, true
	s.up(r1, link.RoleRouter)
	s.up(r2, link.RoleRouter)
	s.up(h1, link.RoleHost, "r1")
	s.up(h2, link.RoleHost, "r2")
	attachedAndRouted(t, []*member{h1}, []*member{r1})
	attachedAndRouted(t, []*member{h2}, []*member{r2})
	s.route(h1, h2)

	c := echoConn(t, testCtx(t), h1, h2)
	echo(t, c, bytes.Repeat([]byte("relayed through the tunnel "), 10000))
	linktest.WaitFor(t, "candidates traded", func() bool {
		echo(t, c, []byte("punching"))
		return h1.ep.Stats().PunchCandidates > 0 && h2.ep.Stats().PunchCandidates > 0
	})
	checkRelayed(t, h1, h2, "through nat1's firewall")
	for _, r := range []*member{r1, r2} {
		if len(r.node.Tunnels()) == 0 || r.ep.Stats().FramesForwarded == 0 {
			t.Fatalf("%s: tunnels %v, %d frames forwarded", r.name, r.node.Tunnels(), r.ep.Stats().FramesForwarded)
		}
	}

	shutNAT1(false)
	throughNATs(t, c, h1, h2, r1, r2)
}
