package vpn

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// TestPolicyAndLimits: allowed wallets, allowed ports, the session
// rate and the byte allowance each refuse with their own error, which
// the client sees as a *RefusedError with the exit's reason.
func TestPolicyAndLimits(t *testing.T) {
	nodes := newNodes(t, 5)
	port := startWeb(t)
	get := func(c *Client) error {
		conn, err := c.Dial(testCtx(t), "tcp", "127.0.0.1:"+port)
		if err != nil {
			return err
		}
		defer conn.Close()
		io.WriteString(conn, "GET /"+strings.Repeat("a", 2000)+" HTTP/1.0\r\n\r\n")
		_, err = io.ReadAll(conn)
		return err
	}
	for i, tc := range []struct {
		name   string
		policy func(Policy) Policy
		want   error
		after  int // requests that pass first
	}{
		{"wallet-list", func(p Policy) Policy { p.Wallets = []common.Address{{1}}; return p }, ErrWallet, 0},
		{"ports", func(p Policy) Policy { p.Ports = []PortRange{{80, 80}, {443, 443}}; return p }, ErrPort, 0},
		{"rate", func(p Policy) Policy { p.Limits = Limits{SessionsPerSecond: 0.001, Burst: 2}; return p }, ErrRate, 2},
		{"bytes", func(p Policy) Policy { p.Limits = Limits{Bytes: 3000}; return p }, ErrBytes, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			startExit(t, nodes[i+1], tc.policy(loopbackPolicy()))
			c := &Client{Host: nodes[0], Exits: []string{nodes[i+1].Addr().Hex()}}
			for k := range tc.after {
				if err := get(c); err != nil {
					t.Fatalf("request %d: %v", k, err)
				}
			}
			err := get(c)
			var ref *RefusedError
			if !errors.As(err, &ref) || !errors.Is(err, tc.want) || ref.Msg == "" {
				t.Fatalf("err = %v; want a refusal with %v", err, tc.want)
			}
		})
	}
}

// TestRules: per-domain rules send a domain and its subdomains through
// a named exit or direct; the rest go through Exits, those marked down
// last.
func TestRules(t *testing.T) {
	c := &Client{Exits: []string{"a", "b"}, Rules: []Rule{{Domain: "example.com", Exit: "c"}, {Domain: "lan.test.", Exit: Direct}}}
	for host, want := range map[string][]string{
		"example.com":      {"c"},
		"www.Example.COM.": {"c"},
		"notexample.com":   {"a", "b"},
		"x.lan.test":       nil,
		"other.org":        {"a", "b"},
	} {
		if got := c.route(host); !slices.Equal(got, want) || (want == nil) != (got == nil) {
			t.Errorf("route(%q) = %v, want %v", host, got, want)
		}
	}
	c.markDown("a")
	if got := c.route("other.org"); !slices.Equal(got, []string{"b", "a"}) {
		t.Errorf("with a down: %v", got)
	}
}
