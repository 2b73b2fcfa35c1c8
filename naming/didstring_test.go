package naming

import (
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func TestFormatParseDID(t *testing.T) {
	a := common.HexToAddress("0xb9c5714089478a327f09197987f16f9e5d936e8a")
	tests := []struct {
		chain *big.Int
		did   string
	}{
		{big.NewInt(1), "did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a"},
		{nil, "did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a"},
		{big.NewInt(1337), "did:ethr:0x539:0xb9c5714089478a327f09197987f16f9e5d936e8a"},
		{big.NewInt(11155111), "did:ethr:sepolia:0xb9c5714089478a327f09197987f16f9e5d936e8a"},
		{big.NewInt(80001), "did:ethr:polygon:test:0xb9c5714089478a327f09197987f16f9e5d936e8a"},
	}
	for _, tt := range tests {
		if got := FormatDID(tt.chain, a); got != tt.did {
			t.Errorf("FormatDID(%v) = %s, want %s", tt.chain, got, tt.did)
		}
		cid, addr, err := ParseDID(tt.did)
		want := tt.chain
		if want == nil {
			want = big.NewInt(1)
		}
		if err != nil || addr != a || cid.Cmp(want) != 0 {
			t.Errorf("ParseDID(%s) = %v, %s, %v", tt.did, cid, addr, err)
		}
	}
	if cid, addr, err := ParseDID(a.Hex()); err != nil || cid != nil || addr != a {
		t.Errorf("ParseDID(bare address) = %v, %s, %v", cid, addr, err)
	}
	for _, bad := range []string{"did:ethr:", "did:ethr:nowhere:" + a.Hex(), "did:ethr:0x0:" + a.Hex(), "did:web:x", "0x12",
		"did:ethr:0x02b97c30de767f084ce3080168ee293053ba33b235d7116a3263d29f1450936b71"} {
		if _, _, err := ParseDID(bad); !errors.Is(err, ErrBadDID) {
			t.Errorf("ParseDID(%q) = %v, want ErrBadDID", bad, err)
		}
	}
}

// TestNodeKeyEncodings: X25519 keys published under any ERC-1056
// encoding name are node keys; a binding is stored as base64 text and
// read back as its bytes.
func TestNodeKeyEncodings(t *testing.T) {
	tc := newTestChain(t, 2)
	c := tc.client(t, func(cfg *Config) { cfg.CacheTTL = -1 })
	ctx := t.Context()
	keys := map[string][32]byte{
		"did/pub/X25519/enc":        key32(1),
		"did/pub/X25519/enc/base64": key32(2),
		"did/pub/X25519/enc/base58": key32(3),
		"did/pub/X25519/enc/hex":    key32(4),
	}
	for _, n := range []string{"did/pub/X25519/enc", "did/pub/X25519/enc/base64", "did/pub/X25519/enc/base58", "did/pub/X25519/enc/hex"} {
		name, _ := AttributeName(n)
		k := keys[n]
		if _, err := c.chain.transact(ctx, tc.auths[1], tc.cfg.DIDRegistry,
			c.did.PackSetAttribute(tc.addr(1), name, k[:], big.NewInt(3600))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Publish(ctx, tc.auths[1], PublishRequest{Binding: []byte{0xb1, 0, 0xff}}); err != nil {
		t.Fatal(err)
	}
	doc, err := c.DIDDocument(ctx, tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	want := [][32]byte{key32(1), key32(2), key32(3), key32(4)}
	if !slices.Equal(doc.NodeKeys, want) {
		t.Fatalf("node keys %x, want %x", doc.NodeKeys, want)
	}
	if len(doc.Bindings) != 1 || string(doc.Bindings[0]) != "\xb1\x00\xff" {
		t.Fatalf("bindings %x", doc.Bindings)
	}
	if _, ok := doc.ValidUntil(AttrBinding, []byte{0xb1, 0, 0xff}); !ok {
		t.Fatal("ValidUntil of the binding's bytes: not found")
	}
	if err := c.RevokeAttribute(ctx, tc.auths[1], common.Address{}, AttrBinding, []byte{0xb1, 0, 0xff}); err != nil {
		t.Fatal(err)
	}
	k3 := key32(3)
	if err := c.RevokeAttribute(ctx, tc.auths[1], common.Address{}, "did/pub/X25519/enc/base58", k3[:]); err != nil {
		t.Fatal(err)
	}
	doc, err = c.DIDDocument(ctx, tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Bindings) != 0 || doc.KeyStatus(key32(3)) != KeyRevoked || len(doc.NodeKeys) != 3 {
		t.Fatalf("after revoking: bindings %x, key 3 %v, %d keys", doc.Bindings, doc.KeyStatus(key32(3)), len(doc.NodeKeys))
	}
}

// TestCheckContracts: a configured address without code is ErrNoCode,
// and the error names the role and the address.
func TestCheckContracts(t *testing.T) {
	tc := newTestChain(t, 1)
	c := tc.client(t)
	if err := c.CheckContracts(t.Context()); err != nil {
		t.Fatalf("deployed contracts: %v", err)
	}
	empty := common.HexToAddress("0x000000000000000000000000000000000000dEaD")
	c = tc.client(t, func(cfg *Config) { cfg.DIDRegistry = empty })
	err := c.CheckContracts(t.Context())
	if !errors.Is(err, ErrNoCode) || !strings.Contains(err.Error(), "DID registry "+empty.Hex()) {
		t.Fatalf("CheckContracts = %v, want ErrNoCode naming the DID registry at %s", err, empty)
	}
}

// FuzzParseDID: ParseDID never panics, and what it accepts formats back
// to a DID it parses to the same chain and address.
func FuzzParseDID(f *testing.F) {
	for _, s := range []string{"did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a", "did:ethr:0x539:0xb9c5714089478a327f09197987f16f9e5d936e8a",
		"did:ethr:polygon:test:0xb9c5714089478a327f09197987f16f9e5d936e8a", "0xb9c5714089478a327f09197987f16f9e5d936e8a", "did:ethr:x:y:z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cid, addr, err := ParseDID(s)
		if err != nil {
			if !errors.Is(err, ErrBadDID) {
				t.Fatalf("error %v is not ErrBadDID", err)
			}
			return
		}
		back := FormatDID(cid, addr)
		cid2, addr2, err := ParseDID(back)
		if err != nil || addr2 != addr || (cid != nil && cid2.Cmp(cid) != 0) {
			t.Fatalf("%q → %s → %v %s %v", s, back, cid2, addr2, err)
		}
	})
}
