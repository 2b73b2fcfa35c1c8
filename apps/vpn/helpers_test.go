package vpn

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/stack"
)

// testCtx bounds a test's blocking calls; it never asserts on time.
func testCtx(t testing.TB) context.Context {
	return apptest.Ctx(t)
}

// loopbackPolicy is the default policy with loopback allowed: the
// tests' "internet" is on 127.0.0.1.
func loopbackPolicy() Policy {
	return Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
}

// newNodes starts n nodes on one in-memory network, static peers of
// each other.
func newNodes(t testing.TB, n int) []*stack.Node { return apptest.Nodes(t, n) }

// startExit runs an exit on node with policy p.
func startExit(t testing.TB, node *stack.Node, p Policy) *Exit {
	t.Helper()
	e, err := StartExit(ExitConfig{Host: node, Policy: p, OwnNetworks: []netip.Prefix{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// startProxy serves c on a loopback port and returns "127.0.0.1:port".
func startProxy(t testing.TB, c *Client) (string, *Proxy) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{Client: c}
	done := make(chan struct{})
	go func() { defer close(done); p.Serve(ln) }()
	t.Cleanup(func() { p.Close(); <-done })
	return ln.Addr().String(), p
}

// startWeb serves "hello from <path>" on loopback; returns its port.
func startWeb(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from "+r.URL.Path)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// startEcho runs a UDP echo on loopback; returns its address.
func startEcho(t testing.TB) netip.AddrPort {
	t.Helper()
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:0")))
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			c.WriteToUDPAddrPort(append([]byte("echo:"), buf[:n]...), from)
		}
	}()
	t.Cleanup(func() { c.Close() })
	return netip.MustParseAddrPort(c.LocalAddr().String())
}

// needCurl returns curl's path, or skips (fails under CI=true).
func needCurl(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("curl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is required under CI (apt-get install curl)")
		}
		t.Skip("curl not installed")
	}
	return p
}

// curl runs curl with args and returns its output and exit code.
func curl(t testing.TB, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, needCurl(t), append([]string{"-sS", "--max-time", "30"}, args...)...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}
