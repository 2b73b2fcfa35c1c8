package naming

import (
	"errors"
	"math/big"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/params"
)

// prefix returns a 256-bit prefix from its leading bytes.
func prefix(lead ...byte) [32]byte {
	var p [32]byte
	copy(p[:], lead)
	return p
}

func TestPasses(t *testing.T) {
	tc := newTestChain(t, 4)
	c := tc.client(t)
	ctx := t.Context()
	admin, holder, buyer, stranger := tc.auths[0], tc.auths[1], tc.auths[2], tc.auths[3]

	// Only the admin mints root passes, and roots do not overlap.
	if _, err := c.MintPass(ctx, stranger, stranger.From, prefix(0x20), 8); !errors.Is(err, ErrReverted) {
		t.Fatalf("mint by a stranger: %v, want ErrReverted", err)
	}
	root, err := c.MintPass(ctx, admin, holder.From, prefix(0x20), 8) // 0x20/8
	if err != nil {
		t.Fatalf("MintPass: %v", err)
	}
	if _, err := c.MintPass(ctx, admin, holder.From, prefix(0x20, 0x01), 16); !errors.Is(err, ErrReverted) {
		t.Fatalf("overlapping root: %v, want ErrReverted", err)
	}
	if _, err := c.MintPass(ctx, admin, holder.From, prefix(0x21), 4); !errors.Is(err, ErrReverted) {
		t.Fatalf("non-canonical root (bits past len): %v, want ErrReverted", err)
	}

	// Only the holder subdivides, only inside the parent, longer, no overlap.
	tests := []struct {
		name   string
		who    int
		prefix [32]byte
		bits   uint8
		ok     bool
	}{
		{"stranger", 3, prefix(0x20, 0x10), 16, false},
		{"outside parent", 1, prefix(0x30, 0x10), 16, false},
		{"not longer", 1, prefix(0x20), 8, false},
		{"holder", 1, prefix(0x20, 0x10), 16, true},
		{"overlaps sibling (inside it)", 1, prefix(0x20, 0x10, 0x01), 24, false},
		{"overlaps sibling (around it)", 1, prefix(0x20, 0x00), 11, false},
		{"disjoint sibling", 1, prefix(0x20, 0x20), 12, true},
	}
	var child *big.Int
	for _, tt := range tests {
		id, err := c.Subdivide(ctx, tc.auths[tt.who], root, tt.prefix, tt.bits)
		if tt.ok != (err == nil) {
			t.Fatalf("%s: Subdivide = %v, %v; want ok=%v", tt.name, id, err, tt.ok)
		}
		if !tt.ok && !errors.Is(err, ErrReverted) {
			t.Fatalf("%s: %v, want ErrReverted", tt.name, err)
		}
		if tt.ok && child == nil {
			child = id
		}
	}
	kids, err := c.Children(ctx, root)
	if err != nil || len(kids) != 2 {
		t.Fatalf("Children = %v, %v", kids, err)
	}
	p, err := c.Pass(ctx, child)
	if err != nil {
		t.Fatal(err)
	}
	if p.Owner != holder.From || p.Len != 16 || p.Parent.Cmp(root) != 0 || p.Prefix != prefix(0x20, 0x10) {
		t.Fatalf("child pass %+v", p)
	}

	// Routers and lookup by locator: the deepest pass wins.
	if err := c.SetRouters(ctx, stranger, child, []string{"udp://evil"}); !errors.Is(err, ErrReverted) {
		t.Fatalf("SetRouters by a stranger: %v", err)
	}
	if err := c.SetRouters(ctx, holder, child, []string{"udp://127.0.0.1:7000", "udp://[::1]:7000"}); err != nil {
		t.Fatal(err)
	}
	loc := prefix(0x20, 0x10, 0xaa, 0xbb)
	got, err := c.PassFor(ctx, loc)
	if err != nil || got.ID.Cmp(child) != 0 || !got.Contains(loc) {
		t.Fatalf("PassFor(child locator) = %+v, %v", got, err)
	}
	if !slices.Equal(got.Routers, []string{"udp://127.0.0.1:7000", "udp://[::1]:7000"}) {
		t.Fatalf("routers %q", got.Routers)
	}
	if got, err := c.PassFor(ctx, prefix(0x20, 0xf0)); err != nil || got.ID.Cmp(root) != 0 {
		t.Fatalf("PassFor(root-only locator) = %+v, %v", got, err)
	}
	if _, err := c.PassFor(ctx, prefix(0x99)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("PassFor outside every pass: %v, want ErrNotFound", err)
	}
	if _, err := c.Pass(ctx, big.NewInt(999)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Pass(999): %v, want ErrNotFound", err)
	}

	// Sale: not for sale, then offered; only the owner offers; the buyer
	// pays the asking price to the seller and gets the pass, routers cleared.
	if err := c.BuyPass(ctx, buyer, child); !errors.Is(err, ErrNotFound) {
		t.Fatalf("buying a pass not for sale: %v", err)
	}
	price := new(big.Int).Mul(big.NewInt(3), big.NewInt(params.Ether))
	if err := c.OfferPass(ctx, stranger, child, price); !errors.Is(err, ErrReverted) {
		t.Fatalf("offer by a stranger: %v", err)
	}
	if err := c.OfferPass(ctx, holder, child, price); err != nil {
		t.Fatal(err)
	}
	before, err := tc.backend.BalanceAt(ctx, holder.From, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.BuyPass(ctx, buyer, child); err != nil {
		t.Fatalf("BuyPass: %v", err)
	}
	after, _ := tc.backend.BalanceAt(ctx, holder.From, nil)
	if new(big.Int).Sub(after, before).Cmp(price) != 0 {
		t.Fatalf("seller got %s wei, want %s", new(big.Int).Sub(after, before), price)
	}
	p, _ = c.Pass(ctx, child)
	if p.Owner != buyer.From || p.Price.Sign() != 0 || len(p.Routers) != 0 {
		t.Fatalf("after sale: %+v", p)
	}
	// The old holder no longer subdivides it; the new one does.
	if _, err := c.Subdivide(ctx, holder, child, prefix(0x20, 0x10, 0x80), 17); !errors.Is(err, ErrReverted) {
		t.Fatalf("old holder subdividing: %v", err)
	}
	grand, err := c.Subdivide(ctx, buyer, child, prefix(0x20, 0x10, 0x80), 17)
	if err != nil {
		t.Fatal(err)
	}

	// Transfer.
	if err := c.TransferPass(ctx, holder, grand, stranger.From); !errors.Is(err, ErrReverted) {
		t.Fatalf("transfer by a non-owner: %v", err)
	}
	if err := c.TransferPass(ctx, buyer, grand, stranger.From); err != nil {
		t.Fatal(err)
	}
	if p, _ := c.Pass(ctx, grand); p.Owner != stranger.From {
		t.Fatalf("after transfer owner %s", p.Owner)
	}
	if got, _ := c.PassFor(ctx, prefix(0x20, 0x10, 0x80)); got.ID.Cmp(grand) != 0 {
		t.Fatalf("PassFor deepest = %s, want %s", got.ID, grand)
	}
}

func TestPrefixMatch(t *testing.T) {
	tests := []struct {
		a, p [32]byte
		bits uint8
		want bool
	}{
		{prefix(0xff), prefix(0x00), 0, true},
		{prefix(0x20, 0x10), prefix(0x20), 8, true},
		{prefix(0x20, 0x1f), prefix(0x20, 0x10), 12, true},
		{prefix(0x20, 0x2f), prefix(0x20, 0x10), 12, false},
		{prefix(0x21), prefix(0x20), 7, true},
		{prefix(0x21), prefix(0x20), 8, false},
	}
	for _, tt := range tests {
		if got := prefixMatch(tt.a, tt.p, tt.bits); got != tt.want {
			t.Errorf("prefixMatch(%x, %x, %d) = %v", tt.a[:2], tt.p[:2], tt.bits, got)
		}
	}
}

func TestNoPassesContract(t *testing.T) {
	tc := newTestChain(t, 1)
	c := tc.client(t, func(cfg *Config) { cfg.Passes = common.Address{} })
	if _, err := c.PassFor(t.Context(), prefix(1)); !errors.Is(err, ErrNoContract) {
		t.Fatalf("PassFor without contract: %v", err)
	}
}
