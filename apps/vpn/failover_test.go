package vpn

import (
	"testing"
	"time"
)

// TestFailover: the exit in use is killed; the next connection goes
// through the second exit, after one AttemptTimeout at most (1 s by
// default, so within the 3 s asked for; the time taken is logged, not
// asserted), and the connections after it go straight to the second.
func TestFailover(t *testing.T) {
	nodes := newNodes(t, 3)
	first := startExit(t, nodes[1], loopbackPolicy())
	second := startExit(t, nodes[2], loopbackPolicy())
	c := &Client{Host: nodes[0], Exits: []string{nodes[1].Addr().Hex(), nodes[2].Addr().Hex()}}
	proxy, _ := startProxy(t, c)
	port := startWeb(t)
	url := "http://localhost:" + port + "/x"

	if out, code := curl(t, "--socks5-hostname", proxy, url); code != 0 || out != "hello from /x" {
		t.Fatalf("before: exit %d, %q", code, out)
	}
	if got := c.Stats().Exit; got != nodes[1].Addr().Hex() {
		t.Fatalf("before: went through %s, want the first exit", got)
	}
	first.Close()
	nodes[1].Close() // the exit's node is gone: its packets go nowhere

	start := time.Now()
	out, code := curl(t, "--socks5-hostname", proxy, url)
	took := time.Since(start)
	if code != 0 || out != "hello from /x" {
		t.Fatalf("after: exit %d, %q", code, out)
	}
	t.Logf("first connection after the exit died took %v", took)
	s := c.Stats()
	if s.Exit != nodes[2].Addr().Hex() || s.Failovers != 1 {
		t.Fatalf("after: %+v; want the second exit after one failover", s)
	}
	if out, code := curl(t, "--proxy", "http://"+proxy, url); code != 0 || out != "hello from /x" {
		t.Fatalf("later: exit %d, %q", code, out)
	}
	if s := c.Stats(); s.Failovers != 1 || second.Stats().Sessions != 2 {
		t.Fatalf("later: %+v, second exit %+v; want no more failovers", s, second.Stats())
	}
}
