package link_test

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// TestAnycastRouted: one wallet served by two hosts of a routed segment,
// x behind the client's own router and y one (slow) router hop further;
// the client reaches them through routers, at their locators. Its
// connections go to x, the nearer; once x stops, a new connection
// reaches y.
func TestAnycastRouted(t *testing.T) {
	s := newSegment(t, link.MinUnderlayMTU)
	r1, r2 := s.add("r1", "2a.1/128"), s.add("r2", "2a.2/128")
	c, x, y := s.add("c", "2a.1/128"), s.add("x", "2a.1/128"), s.add("y", "2a.2/128")
	y.wallet, y.signer = x.wallet, x.signer // one wallet, two node keys
	// y's extra hop costs 300 ms each way: the instances are told apart
	// by measured handshake round trips, which under -race on a loaded
	// machine vary by a few hundred ms (40 ms let y win at times).
	s.nw.SetDelay(r1.addr, r2.addr, 300*time.Millisecond)
	s.up(r1, link.RoleRouter, "r2")
	s.up(r2, link.RoleRouter, "r1")
	s.up(c, link.RoleHost, "r1")
	s.up(x, link.RoleHost, "r1")
	s.up(y, link.RoleHost, "r2")
	attachedAndRouted(t, []*member{c, x, y}, []*member{r1, r2})
	kx, ky := serveInstances(t, c, x, y)
	ask := func() string { return askWho(t, c, x) }
	for i := range 3 {
		if got := ask(); got != kx.String() {
			t.Fatalf("conn %d reached %s, want the near instance x %s; instances %+v", i, got, kx, c.ep.Instances(x.wallet))
		}
	}
	x.node.Close()
	if got := ask(); got != ky.String() {
		t.Fatalf("after x stopped, reached %s, want y %s", got, ky)
	}
	t.Logf("client: unreachable frames received %d; instances %+v", c.ep.Stats().UnreachableReceived, c.ep.Instances(x.wallet))
}

// serveInstances has x and y, two nodes of one wallet, answer on port
// 80 with their node keys, and gives c both as routed instances of the
// wallet (y first); it returns their keys.
func serveInstances(t *testing.T, c, x, y *member) (kx, ky transport.PublicKey) {
	t.Helper()
	for _, m := range []*member{x, y} {
		l, err := m.node.Listen("tcp", ":80")
		if err != nil {
			t.Fatal(err)
		}
		serveLines(t, l, m.key.Public.String())
	}
	kx, ky = x.key.Public, y.key.Public
	if err := c.node.AddPeers(testCtx(t),
		stack.Peer{Wallet: x.wallet, NodeKey: &ky, Locator: y.loc},
		stack.Peer{Wallet: x.wallet, NodeKey: &kx, Locator: x.loc},
	); err != nil {
		t.Fatal(err)
	}
	return kx, ky
}

// askWho dials port 80 of to's wallet from c and returns the line the
// instance that answered sends back (serveLines: its node key).
func askWho(t *testing.T, c, to *member) string {
	t.Helper()
	conn, err := c.node.Dial(testCtx(t), "tcp", dialAddr(to, 80))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(45 * time.Second))
	fmt.Fprintln(conn, "who")
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return strings.TrimSpace(line)
}

// TestAnycastOneRouter: both instances of one wallet, x (near) and y
// (80 ms away), are hosts of the client's own router. The router keeps
// each attachment's session and address apart, although its peer table
// has one peer per wallet; before it did, frames for x's locator went to
// whichever instance had attached last, and the client reached y. The
// client's connections go to x; once x stops, to y.
func TestAnycastOneRouter(t *testing.T) {
	s := newSegment(t, link.MinUnderlayMTU)
	r := s.add("r", "2a.1/128")
	c, x, y := s.add("c", "2a.1/128"), s.add("x", "2a.1/128"), s.add("y", "2a.1/128")
	y.wallet, y.signer = x.wallet, x.signer // one wallet, two node keys
	s.up(r, link.RoleRouter)
	for _, m := range []*member{c, x, y} {
		s.up(m, link.RoleHost, "r")
	}
	attachedAndRouted(t, []*member{c, x, y}, []*member{r})
	// Over several rounds of attaches, r sends each locator's frames to
	// its own node.
	for range 10 {
		for _, m := range []*member{x, y} {
			if to, ok := link.NextHopForTest(r.ep, link.Locator(m.loc)); !ok || to != m.addr {
				t.Fatalf("r sends frames for %s's locator to %s, want %s", m.name, to, m.addr)
			}
		}
		time.Sleep(testAdvert / 2)
	}
	s.nw.SetDelay(r.addr, x.addr, 2*time.Millisecond)
	s.nw.SetDelay(r.addr, y.addr, 80*time.Millisecond)
	kx, ky := serveInstances(t, c, x, y)
	for i := range 3 {
		if got := askWho(t, c, x); got != kx.String() {
			t.Fatalf("conn %d reached %s, want the near instance x %s; instances %+v", i, got, kx, c.ep.Instances(x.wallet))
		}
	}
	x.node.Close()
	if got := askWho(t, c, x); got != ky.String() {
		t.Fatalf("after x stopped, reached %s, want y %s", got, ky)
	}
}

// serveLines answers each line read on a conn accepted on l with reply.
func serveLines(t *testing.T, l net.Listener, reply string) {
	t.Helper()
	done := make(chan struct{})
	t.Cleanup(func() { l.Close(); <-done })
	go func() {
		defer close(done)
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				sc := bufio.NewScanner(conn)
				for sc.Scan() {
					if _, err := fmt.Fprintln(conn, reply); err != nil {
						return
					}
				}
			}()
		}
	}()
}
