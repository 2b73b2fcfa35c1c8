package vpn

import (
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestCurlThroughExit: curl through the client's one loopback port,
// as SOCKS5 with the name resolved at the exit and as an HTTP proxy
// (plain and CONNECT), reaches a web server only the exit dials.
func TestCurlThroughExit(t *testing.T) {
	nodes := newNodes(t, 2)
	exit := startExit(t, nodes[1], loopbackPolicy())
	c := &Client{Host: nodes[0], Exits: []string{nodes[1].Addr().Hex()}}
	proxy, _ := startProxy(t, c)
	port := startWeb(t)

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"socks5-hostname", []string{"--socks5-hostname", proxy, "http://localhost:" + port + "/socks"}},
		{"http-plain", []string{"--proxy", "http://" + proxy, "http://127.0.0.1:" + port + "/plain"}},
		{"http-connect", []string{"--proxytunnel", "--proxy", "http://" + proxy, "http://127.0.0.1:" + port + "/connect"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code := curl(t, tc.args...)
			want := "hello from /" + strings.SplitN(tc.args[len(tc.args)-1], "/", 4)[3]
			if code != 0 || out != want {
				t.Fatalf("curl %v: exit %d, %q; want %q", tc.args, code, out, want)
			}
		})
	}
	if s := exit.Stats(); s.Sessions < 3 || s.Down == 0 {
		t.Errorf("exit stats %+v: want ≥ 3 sessions with bytes", s)
	}
	if up, down, err := exit.Totals(nodes[0].Addr()); err != nil || up == 0 || down == 0 {
		t.Errorf("totals of the client: %d up, %d down, %v", up, down, err)
	}
}

// TestDefaultPolicyRefuses: with the default policy the exit refuses
// loopback (the client's own 127.0.0.1, resolved at the exit too),
// private, link-local and metadata addresses, and port 25; the client
// sees why, through curl and through the Go API.
func TestDefaultPolicyRefuses(t *testing.T) {
	nodes := newNodes(t, 2)
	exit := startExit(t, nodes[1], Policy{})
	c := &Client{Host: nodes[0], Exits: []string{nodes[1].Addr().Hex()}}
	proxy, _ := startProxy(t, c)
	port := startWeb(t)

	out, code := curl(t, "--socks5-hostname", proxy, "http://127.0.0.1:"+port+"/")
	if code == 0 || !strings.Contains(out, "(2)") { // SOCKS5 reply 2: not allowed by ruleset
		t.Errorf("socks5 to loopback: exit %d, %q; want a refusal", code, out)
	}
	out, code = curl(t, "--socks5-hostname", proxy, "http://localhost:"+port+"/")
	if code == 0 {
		t.Errorf("socks5 to localhost (resolved at the exit): exit %d, %q; want a refusal", code, out)
	}
	out, code = curl(t, "-i", "--proxy", "http://"+proxy, "http://127.0.0.1:"+port+"/")
	if !strings.Contains(out, "403 Forbidden") || !strings.Contains(out, "loopback") {
		t.Errorf("http proxy to loopback: exit %d, %q; want 403 naming loopback", code, out)
	}
	for _, dst := range []string{"127.0.0.1:" + port, "10.1.2.3:80", "192.168.1.1:80", "172.16.0.1:80",
		"169.254.169.254:80", "[fe80::1]:80", "[::1]:80", "224.0.0.1:80", "100.100.100.200:80", "93.184.216.34:25"} {
		_, err := c.Dial(testCtx(t), "tcp", dst)
		var ref *RefusedError
		if !errors.As(err, &ref) {
			t.Errorf("dial %s: %v; want a refusal", dst, err)
			continue
		}
		want := ErrDestination
		if strings.HasSuffix(dst, ":25") {
			want = ErrPort
		}
		if !errors.Is(err, want) {
			t.Errorf("dial %s: %v; want %v", dst, err, want)
		}
	}
	if s := exit.Stats(); s.Sessions != 0 || s.Refused == 0 {
		t.Errorf("exit stats %+v: want refusals only", s)
	}
}

// TestUDPAssociate: a SOCKS5 UDP ASSOCIATE client reaches a UDP echo
// through the exit, by name (resolved at the exit) and by address; the
// default policy refuses loopback with a reason.
func TestUDPAssociate(t *testing.T) {
	nodes := newNodes(t, 3)
	startExit(t, nodes[1], loopbackPolicy())
	startExit(t, nodes[2], Policy{})
	echo := startEcho(t)
	for _, tc := range []struct {
		name, exit, host string
		refused          bool
	}{
		{"by-name", nodes[1].Addr().Hex(), "localhost", false},
		{"by-address", nodes[1].Addr().Hex(), "127.0.0.1", false},
		{"default-policy", nodes[2].Addr().Hex(), "127.0.0.1", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Client{Host: nodes[0], Exits: []string{tc.exit}}
			if tc.refused {
				tun, err := c.AssociateUDP(testCtx(t))
				if err != nil {
					t.Fatal(err)
				}
				defer tun.Close()
				if err := tun.Send(Datagram{Host: tc.host, Port: echo.Port(), Payload: []byte("x")}); err != nil {
					t.Fatal(err)
				}
				_, err = tun.Recv(make([]byte, 65535))
				if !errors.Is(err, ErrDestination) {
					t.Fatalf("recv: %v; want ErrDestination", err)
				}
				return
			}
			proxy, _ := startProxy(t, c)
			got := socksUDPRoundTrip(t, proxy, tc.host, echo.Port(), "ping", "127.0.0.1")
			if got != "echo:ping" {
				t.Fatalf("got %q", got)
			}
		})
	}
}

// socksUDPRoundTrip is a small SOCKS5 UDP ASSOCIATE client.
func socksUDPRoundTrip(t *testing.T, proxy, host string, port uint16, msg, from string) string {
	t.Helper()
	ctl, err := net.Dial("tcp", proxy)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	ctl.SetDeadline(time.Now().Add(time.Minute))
	ctl.Write([]byte{5, 1, 0})
	var g [2]byte
	if _, err := ctl.Read(g[:]); err != nil || g != [2]byte{5, 0} {
		t.Fatalf("greeting: %x %v", g, err)
	}
	ctl.Write(appendSocksAddr([]byte{5, socksAssociate, 0}, "0.0.0.0", 0))
	var h [3]byte
	if _, err := ctl.Read(h[:]); err != nil || h[1] != socksOK {
		t.Fatalf("associate reply %x %v", h, err)
	}
	var at [1]byte
	ctl.Read(at[:])
	bhost, bport, err := readSocksAddr(ctl, at[0])
	if err != nil {
		t.Fatal(err)
	}
	relay := netip.AddrPortFrom(netip.MustParseAddr(bhost), bport)
	u, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:0")))
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	u.SetDeadline(time.Now().Add(time.Minute))
	if _, err := u.WriteToUDPAddrPort(appendSocksUDP(nil, host, port, []byte(msg)), relay); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 65535)
	n, _, err := u.ReadFromUDPAddrPort(buf)
	if err != nil {
		t.Fatal(err)
	}
	fh, fp, payload, err := parseSocksUDP(buf[:n])
	if err != nil || fh != from || fp != port {
		t.Fatalf("reply from %s:%d: %v", fh, fp, err)
	}
	return string(payload)
}
