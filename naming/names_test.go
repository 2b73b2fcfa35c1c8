package naming

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
)

func TestRegisterResolve(t *testing.T) {
	tc := newTestChain(t, 3)
	c := tc.client(t)
	ctx := t.Context()

	name, err := c.Register(ctx, tc.auths[1], "Alice", tc.addr(1))
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if name != "alice.anynet" {
		t.Fatalf("Register returned %q, want alice.anynet", name)
	}
	got, err := c.Resolve(ctx, "ALICE.anynet")
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if got != tc.addr(1) {
		t.Fatalf("Resolve = %s, want %s", got, tc.addr(1))
	}
	if owner, err := c.Owner(ctx, name); err != nil || owner != tc.addr(1) {
		t.Fatalf("Owner = %s, %v; want %s", owner, err, tc.addr(1))
	}
	// First come, first served: another account cannot take the name...
	if _, err := c.Register(ctx, tc.auths[2], "alice", tc.addr(2)); !errors.Is(err, ErrReverted) {
		t.Fatalf("Register of a taken name: %v, want ErrReverted", err)
	}
	// ...but its owner may hand it on.
	if _, err := c.Register(ctx, tc.auths[1], "alice", tc.addr(2)); err != nil {
		t.Fatalf("owner re-registering: %v", err)
	}
	if got, err := c.Resolve(ctx, name); err != nil || got != tc.addr(2) {
		t.Fatalf("after hand-over Resolve = %s, %v; want %s", got, err, tc.addr(2))
	}
	if _, err := c.Resolve(ctx, "bob.anynet"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Resolve unknown: %v, want ErrNotFound", err)
	}
	// A name whose owner changed the addr record resolves to the new one.
	if err := c.SetAddr(ctx, tc.auths[2], name, tc.addr(0)); err != nil {
		t.Fatalf("SetAddr: %v", err)
	}
	if got, _ := c.Resolve(ctx, name); got != tc.addr(0) {
		t.Fatalf("after SetAddr Resolve = %s, want %s", got, tc.addr(0))
	}
	// Only the owner may write records.
	if err := c.SetAddr(ctx, tc.auths[1], name, tc.addr(1)); !errors.Is(err, ErrReverted) {
		t.Fatalf("SetAddr by a non-owner: %v, want ErrReverted", err)
	}
	coin, err := c.Address(ctx, name, CoinTypeETH)
	if err != nil || !bytes.Equal(coin, tc.addr(0).Bytes()) {
		t.Fatalf("Address(60) = %x, %v; want %x", coin, err, tc.addr(0))
	}
	if _, err := c.Address(ctx, name, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Address(0) unset: %v, want ErrNotFound", err)
	}
}

func TestRegisterWithoutResolver(t *testing.T) {
	tc := newTestChain(t, 2)
	c := tc.client(t, func(cfg *Config) { cfg.Resolver = common.Address{} })
	name, err := c.Register(t.Context(), tc.auths[1], "plain", tc.addr(1))
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if _, err := c.Resolve(t.Context(), name); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Resolve of a name without resolver: %v, want ErrNotFound", err)
	}
	if err := c.SetAddr(t.Context(), tc.auths[1], name, tc.addr(1)); !errors.Is(err, ErrNoContract) {
		t.Fatalf("SetAddr with no resolver anywhere: %v, want ErrNoContract", err)
	}
	// A client that knows the public resolver points the name at it first.
	c2 := tc.client(t)
	if err := c2.SetAddr(t.Context(), tc.auths[1], name, tc.addr(1)); err != nil {
		t.Fatalf("SetAddr: %v", err)
	}
	if got, err := c2.Resolve(t.Context(), name); err != nil || got != tc.addr(1) {
		t.Fatalf("Resolve = %s, %v", got, err)
	}
}

func TestReverse(t *testing.T) {
	tc := newTestChain(t, 3)
	c := tc.client(t)
	ctx := t.Context()
	if _, err := c.Reverse(ctx, tc.addr(1)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Reverse before SetName: %v, want ErrNotFound", err)
	}
	name, err := c.Register(ctx, tc.auths[1], "alice", tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetName(ctx, tc.auths[1], "Alice.anynet"); err != nil {
		t.Fatalf("SetName: %v", err)
	}
	got, err := c.Reverse(ctx, tc.addr(1))
	if err != nil || got != name {
		t.Fatalf("Reverse = %q, %v; want %q", got, err, name)
	}

	// Account 2 claims alice.anynet, which does not resolve to it: refused.
	if err := c.SetName(ctx, tc.auths[2], name); err != nil {
		t.Fatalf("SetName: %v", err)
	}
	if got, err := c.Reverse(ctx, tc.addr(2)); !errors.Is(err, ErrReverseMismatch) {
		t.Fatalf("Reverse of a false claim = %q, %v; want ErrReverseMismatch", got, err)
	}
	// A claim of a name that does not exist is refused the same way.
	if err := c.SetName(ctx, tc.auths[2], "nobody.anynet"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Reverse(ctx, tc.addr(2)); !errors.Is(err, ErrReverseMismatch) {
		t.Fatalf("Reverse of an unknown name: %v, want ErrReverseMismatch", err)
	}
	// The registrar derives the same reverse node as the client.
	out, err := c.chain.call(ctx, tc.cfg.ReverseRegistrar, c.reverse.PackNode(tc.addr(1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if node, _ := c.reverse.UnpackNode(out); common.Hash(node) != Namehash(reverseName(tc.addr(1))) {
		t.Fatalf("registrar node %x, client %x", node, Namehash(reverseName(tc.addr(1))))
	}
}

func TestTextAndContenthash(t *testing.T) {
	tc := newTestChain(t, 2)
	c := tc.client(t)
	ctx := t.Context()
	name, err := c.Register(ctx, tc.auths[1], "site", tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Text(ctx, name, "url"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unset text: %v, want ErrNotFound", err)
	}
	if _, err := c.Contenthash(ctx, name); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unset contenthash: %v, want ErrNotFound", err)
	}
	if err := c.SetText(ctx, tc.auths[1], name, "url", "anynet://site"); err != nil {
		t.Fatal(err)
	}
	hash := append([]byte{0xe3, 0x01, 0x01, 0x70, 0x12, 0x20}, bytes.Repeat([]byte{7}, 32)...)
	if err := c.SetContenthash(ctx, tc.auths[1], name, hash); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Text(ctx, name, "url"); err != nil || v != "anynet://site" {
		t.Fatalf("Text = %q, %v", v, err)
	}
	if v, err := c.Contenthash(ctx, name); err != nil || !bytes.Equal(v, hash) {
		t.Fatalf("Contenthash = %x, %v", v, err)
	}
	if _, err := c.Text(ctx, name, "email"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other key: %v, want ErrNotFound", err)
	}
}

func TestWildcard(t *testing.T) {
	tc := newTestChain(t, 3)
	c := tc.client(t)
	ctx := t.Context()
	parent, err := c.Register(ctx, tc.auths[1], "corp", tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	// Without a wildcard record, subnames do not resolve.
	if _, err := c.Resolve(ctx, "x."+parent); !errors.Is(err, ErrNotFound) {
		t.Fatalf("before wildcard: %v, want ErrNotFound", err)
	}
	star, err := c.SetSubnode(ctx, tc.auths[1], parent, "*", tc.addr(1))
	if err != nil {
		t.Fatalf("SetSubnode(*): %v", err)
	}
	if star != "*.corp.anynet" {
		t.Fatalf("wildcard node name %q", star)
	}
	if err := c.SetAddr(ctx, tc.auths[1], star, tc.addr(2)); err != nil {
		t.Fatal(err)
	}
	if err := c.SetText(ctx, tc.auths[1], star, "role", "any"); err != nil {
		t.Fatal(err)
	}
	// Any name below corp.anynet answers with the wildcard's records...
	for _, n := range []string{"x.corp.anynet", "Deep.Sub.corp.anynet"} {
		got, err := c.Resolve(ctx, n)
		if err != nil || got != tc.addr(2) {
			t.Fatalf("Resolve(%q) = %s, %v; want %s", n, got, err, tc.addr(2))
		}
		if v, err := c.Text(ctx, n, "role"); err != nil || v != "any" {
			t.Fatalf("Text(%q) = %q, %v", n, v, err)
		}
	}
	// ...the parent keeps its own...
	if got, _ := c.Resolve(ctx, parent); got != tc.addr(1) {
		t.Fatalf("parent resolves to %s", got)
	}
	// ...and a subname with records of its own wins over the wildcard.
	own, err := c.SetSubnode(ctx, tc.auths[1], parent, "own", tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetAddr(ctx, tc.auths[1], own, tc.addr(0)); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Resolve(ctx, own); err != nil || got != tc.addr(0) {
		t.Fatalf("Resolve(%q) = %s, %v; want %s", own, got, err, tc.addr(0))
	}
	// A subname below a record-less subnode still gets the nearest wildcard.
	if got, err := c.Resolve(ctx, "a.own.corp.anynet"); err != nil || got != tc.addr(2) {
		t.Fatalf("Resolve below own = %s, %v; want the wildcard %s", got, err, tc.addr(2))
	}
	// Other TLD subtrees are untouched.
	if _, err := c.Resolve(ctx, "x.other.anynet"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unrelated name: %v, want ErrNotFound", err)
	}
}

func TestErrorsAreDistinct(t *testing.T) {
	tc := newTestChain(t, 1)
	c := tc.client(t)
	ctx := t.Context()

	_, invalid := c.Resolve(ctx, "a..anynet")
	_, unknown := c.Resolve(ctx, "nobody.anynet")

	// A client whose backend was closed.
	sim := newTestChain(t, 1)
	closedClient := sim.sim.Client()
	cfg := sim.cfg
	sim.sim.Close()
	closed, err := New(closedClient.(Backend), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, down := closed.Resolve(ctx, "alice.anynet")

	// A client of an RPC URL where nothing listens (loopback, port 1).
	rpcc, err := ethclient.DialContext(ctx, "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	defer rpcc.Close()
	bad, err := New(rpcc, tc.cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, refused := bad.Resolve(ctx, "alice.anynet")
	_, refusedDID := bad.DIDDocument(ctx, tc.addr(0))

	cases := []struct {
		what string
		err  error
		want error
	}{
		{"invalid", invalid, ErrInvalidName},
		{"unknown", unknown, ErrNotFound},
		{"closed backend", down, ErrChainUnavailable},
		{"refused RPC", refused, ErrChainUnavailable},
		{"refused RPC DID", refusedDID, ErrChainUnavailable},
	}
	sentinels := []error{ErrInvalidName, ErrNotFound, ErrChainUnavailable}
	for _, tt := range cases {
		for _, s := range sentinels {
			if got := errors.Is(tt.err, s); got != (s == tt.want) {
				t.Errorf("%s: %v: errors.Is(%v) = %v", tt.what, tt.err, s, got)
			}
		}
	}
}
