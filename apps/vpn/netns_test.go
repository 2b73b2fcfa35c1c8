//go:build linux

package vpn

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
	"golang.org/x/sys/unix"
)

// The namespaces of TestNetns:
//
//	"inet" (the Internet)                   "exit" (the exit's sockets)
//	lo: 198.51.100.10 web :80, UDP echo :7  veth 203.0.113.1/30, 10.77.0.1/24 (a LAN)
//	    198.51.100.53 DNS :53               route 198.51.100.0/24 via 203.0.113.2
//	veth 203.0.113.2/30
//
// The nodes, the proxy and curl run in the test's own namespace, which
// has no route to 198.51.100.0/24 (or one to a real gateway that never
// answers); only the exit's sockets, made on a thread moved into
// "exit", reach it. web.internet.test exists only in inet's DNS, which
// only the exit asks.

// nsWeb and the others are the addresses of the figure.
const (
	nsWeb  = "198.51.100.10"
	nsDNS  = "198.51.100.53"
	nsName = "web.internet.test"
	nsLAN  = "10.77.0.1"
	nsOwn  = "203.0.113.1"
)

// namespaces creates the figure's namespaces (or skips: it needs root
// and ip) and returns the name of each, deleted when the test ends.
func namespaces(t *testing.T) (inet, exit string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("TestNetns needs root to create network namespaces")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skipf("TestNetns needs ip (iproute2): %v", err)
	}
	var id [3]byte
	rand.Read(id[:])
	p := "anv" + hex.EncodeToString(id[:])
	inet, exit = p+"-inet", p+"-exit"
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	for _, ns := range []string{inet, exit} {
		if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
			t.Skipf("cannot create network namespaces here: %v: %s", err, out)
		}
		t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
		run("ip", "-n", ns, "link", "set", "lo", "up")
	}
	run("ip", "-n", inet, "link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns", exit)
	run("ip", "-n", inet, "addr", "add", "203.0.113.2/30", "dev", "v0")
	run("ip", "-n", inet, "addr", "add", nsWeb+"/32", "dev", "lo")
	run("ip", "-n", inet, "addr", "add", nsDNS+"/32", "dev", "lo")
	run("ip", "-n", exit, "addr", "add", nsOwn+"/30", "dev", "v1")
	run("ip", "-n", exit, "addr", "add", nsLAN+"/24", "dev", "v1")
	run("ip", "-n", inet, "link", "set", "v0", "up")
	run("ip", "-n", exit, "link", "set", "v1", "up")
	run("ip", "-n", exit, "route", "add", "198.51.100.0/24", "via", "203.0.113.2")
	return inet, exit
}

// inNetns runs f on a thread moved into namespace ns; the thread is
// never given back (it ends with its goroutine), so sockets f makes
// stay in ns and nothing else runs there.
func inNetns[T any](ns string, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	res := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // not unlocked: the thread exits with this goroutine
		var zero T
		fd, err := os.Open("/run/netns/" + ns)
		if err != nil {
			res <- result{zero, err}
			return
		}
		defer fd.Close()
		if err := unix.Setns(int(fd.Fd()), unix.CLONE_NEWNET); err != nil {
			res <- result{zero, fmt.Errorf("setns %s: %w", ns, err)}
			return
		}
		v, err := f()
		res <- result{v, err}
	}()
	r := <-res
	return r.v, r.err
}

// serveInternet starts inet's web server, UDP echo and DNS server.
func serveInternet(t *testing.T, inet string) {
	t.Helper()
	ln, err := inNetns(inet, func() (net.Listener, error) { return net.Listen("tcp", nsWeb+":80") })
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from the internet "+r.URL.Path)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	for _, addr := range []string{nsWeb + ":7", nsDNS + ":53"} {
		c, err := inNetns(inet, func() (*net.UDPConn, error) {
			return net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.MustParseAddrPort(addr)))
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if strings.HasSuffix(addr, ":53") {
			go serveDNS(c)
			continue
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
	}
}

// serveDNS answers A queries for nsName with nsWeb, others NXDOMAIN.
func serveDNS(c *net.UDPConn) {
	buf := make([]byte, 512)
	for {
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		var p dnsmessage.Parser
		h, err := p.Start(buf[:n])
		if err != nil {
			continue
		}
		q, err := p.Question()
		if err != nil {
			continue
		}
		h.Response, h.Authoritative = true, true
		b := dnsmessage.NewBuilder(nil, h)
		b.StartQuestions()
		b.Question(q)
		b.StartAnswers()
		if strings.TrimSuffix(q.Name.String(), ".") == nsName && q.Type == dnsmessage.TypeA {
			b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60},
				dnsmessage.AResource{A: netip.MustParseAddr(nsWeb).As4()})
		} else if q.Type == dnsmessage.TypeA {
			h.RCode = dnsmessage.RCodeNameError
		}
		out, err := b.Finish()
		if err == nil {
			c.WriteToUDPAddrPort(out, from)
		}
	}
}

// TestNetns is the end-to-end check in network namespaces the
// test creates: curl --socks5-hostname and curl -x through the
// client's port reach a web server only the exit can route to, by a
// name only the exit can resolve; a SOCKS5 UDP ASSOCIATE client reaches
// the UDP echo; the exit's LAN, its own network and the client's
// loopback are refused by the default policy.
func TestNetns(t *testing.T) {
	inet, exitNS := namespaces(t)
	serveInternet(t, inet)
	own, err := inNetns(exitNS, func() ([]netip.Prefix, error) { return OwnNetworks(), nil })
	if err != nil {
		t.Fatal(err)
	}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		return inNetns(exitNS, func() (net.Conn, error) { return (&net.Dialer{}).DialContext(ctx, network, addr) })
	}
	nodes := newNodes(t, 2)
	exit, err := StartExit(ExitConfig{
		Host: nodes[1], OwnNetworks: own, Dial: dial,
		ListenUDP: func() (*net.UDPConn, error) {
			return inNetns(exitNS, func() (*net.UDPConn, error) { return net.ListenUDP("udp", nil) })
		},
		Resolver: &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dial(ctx, network, nsDNS+":53")
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exit.Close() })
	c := &Client{Host: nodes[0], Exits: []string{nodes[1].Addr().Hex()}}
	proxy, _ := startProxy(t, c)
	local := startWeb(t)

	// (A sandbox may intercept outbound HTTP and answer for any
	// address: what matters is that the server's answer never comes.)
	if out, _ := curl(t, "--max-time", "3", "http://"+nsWeb+"/"); strings.Contains(out, "hello from the internet") {
		t.Fatalf("the client's namespace reaches the internet namespace directly: %q", out)
	}
	for _, args := range [][]string{
		{"--socks5-hostname", proxy, "http://" + nsName + "/socks"},
		{"-x", "http://" + proxy, "http://" + nsName + "/plain"},
		{"-p", "-x", "http://" + proxy, "http://" + nsWeb + "/connect"},
	} {
		out, code := curl(t, args...)
		want := "hello from the internet /" + strings.SplitN(args[len(args)-1], "/", 4)[3]
		if code != 0 || out != want {
			t.Errorf("curl %v: exit %d, %q; want %q", args, code, out, want)
		}
	}
	for _, host := range []string{nsName, nsWeb} {
		if got := socksUDPRoundTrip(t, proxy, host, 7, "ping", nsWeb); got != "echo:ping" {
			t.Errorf("udp to %s: %q", host, got)
		}
	}
	for _, dst := range []string{nsLAN + ":80", nsOwn + ":80", "127.0.0.1:" + local, "localhost:" + local} {
		out, code := curl(t, "--socks5-hostname", proxy, "http://"+dst+"/")
		if code != 97 || !strings.Contains(out, "(2)") {
			t.Errorf("socks5 to %s: exit %d, %q; want SOCKS5 reply 2 (not allowed)", dst, code, out)
		}
		out, code = curl(t, "-i", "-x", "http://"+proxy, "http://"+dst+"/")
		if !strings.Contains(out, "403 Forbidden") {
			t.Errorf("http proxy to %s: exit %d, %q; want 403", dst, code, out)
		}
	}
	tun, err := c.AssociateUDP(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()
	tun.Send(Datagram{Host: nsLAN, Port: 7, Payload: []byte("x")})
	if _, err := tun.Recv(make([]byte, 65535)); err == nil || !strings.Contains(err.Error(), "private") {
		t.Errorf("udp to the exit's LAN: %v; want a refusal naming the private range", err)
	}
}
