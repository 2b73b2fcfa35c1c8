package control

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// passFake serves passes: a refusal for pass 2, the routers echoed back.
type passFake struct{ fake }

func (passFake) PassShow(_ context.Context, ref string) (Pass, error) {
	return Pass{ID: ref, Prefix: "2a/64", Children: []PassRef{{ID: "2", Prefix: "2a.1/128"}}}, nil
}
func (passFake) PassList(context.Context) ([]Pass, error) { return []Pass{{ID: "1"}}, nil }
func (passFake) PassMint(_ context.Context, prefix, to string) (Pass, error) {
	return Pass{ID: "1", Prefix: prefix, Owner: to}, nil
}
func (passFake) PassSubdivide(_ context.Context, id, prefix string) (Pass, error) {
	return Pass{}, fmt.Errorf("%w: %s lies outside pass %s (2a/64)", ErrRefused, prefix, id)
}
func (passFake) PassTransfer(_ context.Context, id, to string) (Pass, error) {
	return Pass{ID: id, Owner: to}, nil
}
func (passFake) PassRouters(_ context.Context, id string, eps []string) (Pass, error) {
	return Pass{ID: id, Routers: eps}, nil
}

// TestPassRoundTrip: the pass endpoints carry their arguments and a
// refusal (409) comes back as ErrRefused with its message; a Backend
// without passes answers ErrUnsupported.
func TestPassRoundTrip(t *testing.T) {
	dir := shortDir(t)
	s, err := Listen(dir, passFake{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	c := NewClient(dir)
	if p, err := c.PassShow(ctx, "2a.1/128"); err != nil || p.ID != "2a.1/128" || len(p.Children) != 1 {
		t.Errorf("show %+v, %v", p, err)
	}
	if l, err := c.PassList(ctx); err != nil || len(l) != 1 {
		t.Errorf("list %+v, %v", l, err)
	}
	if p, err := c.PassMint(ctx, "2a/64", "0x1"); err != nil || p.Prefix != "2a/64" || p.Owner != "0x1" {
		t.Errorf("mint %+v, %v", p, err)
	}
	if _, err := c.PassSubdivide(ctx, "1", "2b/64"); !errors.Is(err, ErrRefused) || err.Error() != "control: refused: 2b/64 lies outside pass 1 (2a/64)" {
		t.Errorf("subdivide: %v", err)
	}
	if p, err := c.PassTransfer(ctx, "1", "0x2"); err != nil || p.Owner != "0x2" {
		t.Errorf("transfer %+v, %v", p, err)
	}
	if p, err := c.PassRouters(ctx, "1", nil); err != nil || p.Routers == nil || len(p.Routers) != 0 {
		t.Errorf("clear routers %+v, %v", p, err)
	}

	dir2 := shortDir(t)
	s2, err := Listen(dir2, fake{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := NewClient(dir2).PassList(ctx); !errors.Is(err, ErrUnsupported) {
		t.Errorf("list without passes: %v", err)
	}
}

func TestParsePass(t *testing.T) {
	for _, tt := range []struct {
		in, kind, err string
	}{
		{"1", "id", ""},
		{"12345678901234567890123", "id", ""},
		{"0", "", `pass ID "0"`},
		{"-3", "", `pass ID "-3"`},
		{"+3", "", `pass ID "+3"`},
		{"x", "", `pass ID "x"`},
		{"2a/64", "prefix", ""},
		{"2a.1/128", "prefix", ""},
		{"0/0", "prefix", ""},
		{"2a.1.0.0/255", "prefix", ""},
		{"2a.1.0.0/256", "", "at most 255 bits"},
		{"2a.1/8", "", "bits set past /8"},
		{"2a.1/x", "", "length must be 0 to 256"},
		{"2a.1.abc.0", "locator", ""},
		{"2a.1", "", "has 2 fields"},
		{"", "", "show which pass?"},
	} {
		kind, err := PassRefKind(tt.in)
		if tt.err == "" && (err != nil || kind != tt.kind) {
			t.Errorf("PassRefKind(%q) = %q, %v; want %q", tt.in, kind, err, tt.kind)
		}
		if tt.err != "" && (err == nil || !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("PassRefKind(%q) = %q, %v; want an error with %q", tt.in, kind, err, tt.err)
		}
	}
	for in, ok := range map[string]bool{"127.0.0.1:4747": true, "[::1]:4747": true, "localhost:4747": false, "127.0.0.1": false, "127.0.0.1:0": false} {
		if _, err := ParseEndpoint(in); (err == nil) != ok {
			t.Errorf("ParseEndpoint(%q) = %v, want ok=%v", in, err, ok)
		}
	}
}

// FuzzPassRef: what the control API parses of a pass reference never
// panics, and an accepted prefix has one text form.
func FuzzPassRef(f *testing.F) {
	for _, s := range []string{"1", "2a/64", "2a.1/128", "2a.1.abc.0", "0/0", "ff.ff.ff.ff/255", "2a.1/8", "", "/", "1.2.3.4.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, err := PassRefKind(s)
		if err != nil {
			return
		}
		if kind == "prefix" {
			p, err := ParsePassPrefix(s)
			if err != nil {
				t.Fatalf("PassRefKind accepted %q, ParsePassPrefix: %v", s, err)
			}
			q, err := ParsePassPrefix(p.String())
			if err != nil || q != p || p.Bits() > 255 {
				t.Fatalf("%q → %s → %v, %v", s, p, q, err)
			}
		}
	})
}
