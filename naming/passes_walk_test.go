package naming

import (
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// TestPassesOf: the walk finds a wallet's passes anywhere in the tree
// (a root, a child transferred to it), parents first, and nothing for a
// wallet without passes; PassAdmin names the deployer.
func TestPassesOf(t *testing.T) {
	tc := newTestChain(t, 3)
	c := tc.client(t)
	ctx := t.Context()
	admin, a, b := tc.auths[0], tc.auths[1], tc.auths[2]

	if got, err := c.PassAdmin(ctx); err != nil || got != admin.From {
		t.Fatalf("PassAdmin = %s, %v; want the deployer %s", got, err, admin.From)
	}
	rootA, err := c.MintPass(ctx, admin, a.From, prefix(0x20), 8)
	if err != nil {
		t.Fatal(err)
	}
	rootB, err := c.MintPass(ctx, admin, b.From, prefix(0x30), 8)
	if err != nil {
		t.Fatal(err)
	}
	kid, err := c.Subdivide(ctx, a, rootA, prefix(0x20, 0x10), 16)
	if err != nil {
		t.Fatal(err)
	}
	grand, err := c.Subdivide(ctx, a, kid, prefix(0x20, 0x10, 0x80), 17)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.TransferPass(ctx, a, grand, b.From); err != nil {
		t.Fatal(err)
	}
	ids := func(ps []*Pass) string {
		var s []string
		for _, p := range ps {
			s = append(s, p.ID.String())
		}
		return strings.Join(s, ",")
	}
	for _, tt := range []struct {
		who  common.Address
		want string
	}{
		{a.From, rootA.String() + "," + kid.String()},
		{b.From, rootB.String() + "," + grand.String()},
		{admin.From, ""},
	} {
		got, err := c.PassesOf(ctx, tt.who)
		if err != nil || ids(got) != tt.want {
			t.Errorf("PassesOf(%s) = [%s], %v; want [%s]", tt.who, ids(got), err, tt.want)
		}
		for _, p := range got {
			if p.Owner != tt.who {
				t.Errorf("pass %s owned by %s listed for %s", p.ID, p.Owner, tt.who)
			}
		}
	}
	noPasses := tc.client(t, func(cfg *Config) { cfg.Passes = common.Address{} })
	if _, err := noPasses.PassesOf(ctx, a.From); !errors.Is(err, ErrNoContract) {
		t.Errorf("PassesOf without contract: %v", err)
	}
	if _, err := noPasses.PassAdmin(ctx); !errors.Is(err, ErrNoContract) {
		t.Errorf("PassAdmin without contract: %v", err)
	}
}

// TestPassRevertReason: a refused pass transaction carries the
// contract's reason in its error text, which the CLI maps to a message.
func TestPassRevertReason(t *testing.T) {
	tc := newTestChain(t, 2)
	c := tc.client(t)
	ctx := t.Context()
	root, err := c.MintPass(ctx, tc.auths[0], tc.addr(0), prefix(0x20), 8)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Subdivide(ctx, tc.auths[1], root, prefix(0x20, 0x10), 16)
	if !errors.Is(err, ErrReverted) || !strings.Contains(err.Error(), "passes: not holder") {
		t.Fatalf("subdivide by a stranger: %v, want ErrReverted with the reason", err)
	}
}
