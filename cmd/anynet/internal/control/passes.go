package control

import (
	"context"
	"fmt"
	"math/big"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/anynet/anynet/link/locator"
)

// PassBackend is the API of network passes (ERC-721 locator prefixes on
// chain). Like ChatBackend it is optional: a Backend without it answers
// these endpoints ErrUnsupported. IDs are decimal, prefixes and locators
// in locator text form ("2a.1/128", "2a.1.9f3e5c01aa7b.0").
type PassBackend interface {
	// PassShow returns the pass ref names: an ID, else the deepest pass
	// holding a prefix or a locator.
	PassShow(ctx context.Context, ref string) (Pass, error)
	// PassList returns the passes the node's wallet holds.
	PassList(ctx context.Context) ([]Pass, error)
	// PassMint creates a root pass for prefix, held by to (a 0x wallet or
	// a name; empty: the node's wallet). Only the passes contract's admin
	// mints, so only a node that holds its key (the one embedding a local
	// chain) can.
	PassMint(ctx context.Context, prefix, to string) (Pass, error)
	// PassSubdivide creates a pass for prefix inside pass id.
	PassSubdivide(ctx context.Context, id, prefix string) (Pass, error)
	// PassTransfer gives pass id to `to` (a 0x wallet or a name).
	PassTransfer(ctx context.Context, id, to string) (Pass, error)
	// PassRouters sets the router endpoints ("ip:port") published in
	// pass id; none clears them.
	PassRouters(ctx context.Context, id string, endpoints []string) (Pass, error)
}

// Pass is a network pass as the chain holds it.
type Pass struct {
	ID     string `json:"id"`
	Prefix string `json:"prefix"`
	// Parent is the ID of the pass it was subdivided from; empty for a
	// root pass.
	Parent string `json:"parent,omitempty"`
	Owner  string `json:"owner"`
	// Mine: the node's wallet holds it.
	Mine bool `json:"mine"`
	// Price is the asking price in wei when offered for sale, else "0".
	Price    string    `json:"price"`
	Routers  []string  `json:"routers"`
	Children []PassRef `json:"children"`
}

// PassRef names a pass: its ID and prefix.
type PassRef struct {
	ID     string `json:"id"`
	Prefix string `json:"prefix"`
}

// ParsePassID parses a pass ID: a decimal number from 1.
func ParsePassID(s string) (*big.Int, error) {
	id, ok := new(big.Int).SetString(s, 10)
	if !ok || id.Sign() <= 0 || strings.HasPrefix(s, "+") {
		return nil, fmt.Errorf("%w: pass ID %q: want a decimal number from 1 (see `anynet pass list`)", ErrBadRequest, s)
	}
	return id, nil
}

// ParsePassPrefix parses the prefix of a pass: locator text form with a
// length of 0 to 255 bits (a pass's length is one byte), e.g. "2a/64".
func ParsePassPrefix(s string) (locator.Prefix, error) {
	p, err := locator.ParsePrefix(s)
	if err != nil {
		return locator.Prefix{}, fmt.Errorf("%w: prefix %q: %s (write it as segment.subnet/length in hex, e.g. 2a.1/128)", ErrBadRequest, s, locatorWhy(err, s))
	}
	if p.Bits() > 255 {
		return locator.Prefix{}, fmt.Errorf("%w: prefix %q: a pass holds at most 255 bits", ErrBadRequest, s)
	}
	return p, nil
}

// ParseEndpoint parses a router endpoint as the pass publishes it and
// routers tunnel to: "ip:port".
func ParseEndpoint(s string) (netip.AddrPort, error) {
	ap, err := netip.ParseAddrPort(s)
	if err != nil || ap.Port() == 0 {
		return netip.AddrPort{}, fmt.Errorf("%w: router endpoint %q: want ip:port, e.g. 192.0.2.7:4747 or [2001:db8::7]:4747", ErrBadRequest, s)
	}
	return ap, nil
}

// locatorWhy is the reason of a locator parse error about s, without
// the package's lead and without repeating s.
func locatorWhy(err error, s string) string {
	why := strings.TrimPrefix(err.Error(), locator.ErrSyntax.Error()+": ")
	for _, lead := range []string{"prefix " + fmt.Sprintf("%q", s) + ": ", "prefix " + fmt.Sprintf("%q", s) + " ", fmt.Sprintf("%q", s) + ": ", fmt.Sprintf("%q", s) + " "} {
		if rest, ok := strings.CutPrefix(why, lead); ok {
			return rest
		}
	}
	return why
}

// PassRefKind tells what a `pass show` argument is: "id", "prefix" or
// "locator", or why it is none.
func PassRefKind(s string) (string, error) {
	switch {
	case s == "":
		return "", fmt.Errorf("%w: show which pass? give an ID, a prefix (2a.1/128) or a locator", ErrBadRequest)
	case strings.Contains(s, "/"):
		_, err := ParsePassPrefix(s)
		return "prefix", err
	case strings.Contains(s, "."):
		if _, err := locator.Parse(s); err != nil {
			return "", fmt.Errorf("%w: %q is neither a pass ID, a prefix (2a.1/128) nor a locator (segment.subnet.host.nic in hex): %s", ErrBadRequest, s, locatorWhy(err, s))
		}
		return "locator", nil
	}
	_, err := ParsePassID(s)
	return "id", err
}

var errNoPasses = fmt.Errorf("%w: this process runs no node (network passes need `anynet up`)", ErrUnsupported)

// noPasses answers the PassBackend endpoints of a Backend without them.
type noPasses struct{}

func (noPasses) PassShow(context.Context, string) (Pass, error) { return Pass{}, errNoPasses }
func (noPasses) PassList(context.Context) ([]Pass, error)       { return nil, errNoPasses }
func (noPasses) PassMint(context.Context, string, string) (Pass, error) {
	return Pass{}, errNoPasses
}
func (noPasses) PassSubdivide(context.Context, string, string) (Pass, error) {
	return Pass{}, errNoPasses
}
func (noPasses) PassTransfer(context.Context, string, string) (Pass, error) {
	return Pass{}, errNoPasses
}
func (noPasses) PassRouters(context.Context, string, []string) (Pass, error) {
	return Pass{}, errNoPasses
}

func (s *Server) passHandlers(b Backend, get, post func(string, func(*http.Request) (any, error))) {
	pb, ok := b.(PassBackend)
	if !ok {
		pb = noPasses{}
	}
	get("/v1/pass", func(r *http.Request) (any, error) { return pb.PassShow(r.Context(), r.URL.Query().Get("ref")) })
	get("/v1/pass/list", func(r *http.Request) (any, error) { return pb.PassList(r.Context()) })
	post("/v1/pass/mint", func(r *http.Request) (any, error) {
		var req struct{ Prefix, To string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return pb.PassMint(r.Context(), req.Prefix, req.To)
	})
	post("/v1/pass/subdivide", func(r *http.Request) (any, error) {
		var req struct{ ID, Prefix string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return pb.PassSubdivide(r.Context(), req.ID, req.Prefix)
	})
	post("/v1/pass/transfer", func(r *http.Request) (any, error) {
		var req struct{ ID, To string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return pb.PassTransfer(r.Context(), req.ID, req.To)
	})
	post("/v1/pass/routers", func(r *http.Request) (any, error) {
		var req struct {
			ID        string
			Endpoints []string
		}
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return pb.PassRouters(r.Context(), req.ID, req.Endpoints)
	})
}

var _ PassBackend = (*Client)(nil)

// PassShow, PassList … call the pass endpoints (see doc.go).
func (c *Client) PassShow(ctx context.Context, ref string) (p Pass, err error) {
	return p, c.do(ctx, "GET", "/v1/pass?ref="+url.QueryEscape(ref), nil, &p)
}

func (c *Client) PassList(ctx context.Context) (l []Pass, err error) {
	return l, c.do(ctx, "GET", "/v1/pass/list", nil, &l)
}

func (c *Client) PassMint(ctx context.Context, prefix, to string) (p Pass, err error) {
	return p, c.do(ctx, "POST", "/v1/pass/mint", map[string]any{"prefix": prefix, "to": to}, &p)
}

func (c *Client) PassSubdivide(ctx context.Context, id, prefix string) (p Pass, err error) {
	return p, c.do(ctx, "POST", "/v1/pass/subdivide", map[string]any{"id": id, "prefix": prefix}, &p)
}

func (c *Client) PassTransfer(ctx context.Context, id, to string) (p Pass, err error) {
	return p, c.do(ctx, "POST", "/v1/pass/transfer", map[string]any{"id": id, "to": to}, &p)
}

func (c *Client) PassRouters(ctx context.Context, id string, endpoints []string) (p Pass, err error) {
	if endpoints == nil {
		endpoints = []string{}
	}
	return p, c.do(ctx, "POST", "/v1/pass/routers", map[string]any{"id": id, "endpoints": endpoints}, &p)
}
