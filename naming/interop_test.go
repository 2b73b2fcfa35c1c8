package naming

import (
	"encoding/json"
	"errors"
	"math/big"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/naming/contracts/bindings"
)

// TestMainnetInterfaces: the contracts speak the signatures of mainnet's
// ENS and did:ethr contracts, so one client reads both.
func TestMainnetInterfaces(t *testing.T) {
	tests := []struct {
		meta    *bind.MetaData
		methods []string
		events  []string
	}{
		{&bindings.DIDRegistryMetaData, []string{ // the ABI of 0xdca7ef03…
			"addDelegate(address,bytes32,address,uint256)",
			"addDelegateSigned(address,uint8,bytes32,bytes32,bytes32,address,uint256)",
			"changeOwner(address,address)",
			"changeOwnerSigned(address,uint8,bytes32,bytes32,address)",
			"changed(address)",
			"delegates(address,bytes32,address)",
			"identityOwner(address)",
			"nonce(address)",
			"owners(address)",
			"revokeAttribute(address,bytes32,bytes)",
			"revokeAttributeSigned(address,uint8,bytes32,bytes32,bytes32,bytes)",
			"revokeDelegate(address,bytes32,address)",
			"revokeDelegateSigned(address,uint8,bytes32,bytes32,bytes32,address)",
			"setAttribute(address,bytes32,bytes,uint256)",
			"setAttributeSigned(address,uint8,bytes32,bytes32,bytes32,bytes,uint256)",
			"validDelegate(address,bytes32,address)",
		}, []string{
			"DIDAttributeChanged(address,bytes32,bytes,uint256,uint256)",
			"DIDDelegateChanged(address,bytes32,address,uint256,uint256)",
			"DIDOwnerChanged(address,address,uint256)",
		}},
		{&bindings.ENSRegistryMetaData, []string{
			"owner(bytes32)", "resolver(bytes32)", "ttl(bytes32)", "recordExists(bytes32)",
			"setOwner(bytes32,address)", "setSubnodeOwner(bytes32,bytes32,address)",
			"setResolver(bytes32,address)", "setTTL(bytes32,uint64)",
			"setRecord(bytes32,address,address,uint64)", "setSubnodeRecord(bytes32,bytes32,address,address,uint64)",
			"setApprovalForAll(address,bool)", "isApprovedForAll(address,address)",
		}, []string{
			"NewOwner(bytes32,bytes32,address)", "Transfer(bytes32,address)", "NewResolver(bytes32,address)",
			"NewTTL(bytes32,uint64)", "ApprovalForAll(address,address,bool)",
		}},
		{&bindings.PublicResolverMetaData, []string{
			"addr(bytes32)", "addr(bytes32,uint256)", "setAddr(bytes32,address)", "setAddr(bytes32,uint256,bytes)",
			"text(bytes32,string)", "setText(bytes32,string,string)", "contenthash(bytes32)",
			"setContenthash(bytes32,bytes)", "name(bytes32)", "setName(bytes32,string)",
			"resolve(bytes,bytes)", "supportsInterface(bytes4)",
		}, []string{
			"AddrChanged(bytes32,address)", "AddressChanged(bytes32,uint256,bytes)",
			"TextChanged(bytes32,string,string,string)", "ContenthashChanged(bytes32,bytes)", "NameChanged(bytes32,string)",
		}},
		{&bindings.ReverseRegistrarMetaData, []string{"setName(string)", "claim(address)", "node(address)"}, nil},
		{&bindings.NetworkPassesMetaData, []string{
			"balanceOf(address)", "ownerOf(uint256)", "safeTransferFrom(address,address,uint256)",
			"safeTransferFrom(address,address,uint256,bytes)", "transferFrom(address,address,uint256)",
			"approve(address,uint256)", "setApprovalForAll(address,bool)", "getApproved(uint256)",
			"isApprovedForAll(address,address)", "supportsInterface(bytes4)", "tokenURI(uint256)",
		}, []string{
			"Transfer(address,address,uint256)", "Approval(address,address,uint256)", "ApprovalForAll(address,address,bool)",
		}},
	}
	for _, tt := range tests {
		a, err := tt.meta.ParseABI()
		if err != nil {
			t.Fatal(err)
		}
		methods, events := signatures(t, a)
		for _, m := range tt.methods {
			if !slices.Contains(methods, m) {
				t.Errorf("%s lacks %s", tt.meta.ID, m)
			}
		}
		for _, e := range tt.events {
			if !slices.Contains(events, e) {
				t.Errorf("%s lacks event %s", tt.meta.ID, e)
			}
		}
		if tt.meta == &bindings.DIDRegistryMetaData && (len(methods) != len(tt.methods) || len(events) != len(tt.events)) {
			t.Errorf("DIDRegistry has %d methods and %d events; mainnet's has %d and %d",
				len(methods), len(events), len(tt.methods), len(tt.events))
		}
	}
}

func interfaceID(sigs ...string) [4]byte {
	var id [4]byte
	for _, s := range sigs {
		sel := crypto.Keccak256([]byte(s))
		for i := range id {
			id[i] ^= sel[i]
		}
	}
	return id
}

func TestSupportsInterface(t *testing.T) {
	tc := newTestChain(t, 1)
	c := tc.client(t)
	check := func(addr common.Address, pack func([4]byte) []byte, unpack func([]byte) (bool, error), id [4]byte, want bool) {
		t.Helper()
		out, err := c.chain.call(t.Context(), addr, pack(id), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := unpack(out); err != nil || got != want {
			t.Errorf("%s supportsInterface(%x) = %v, %v; want %v", addr, id, got, err, want)
		}
	}
	r, p := c.resolver, c.passes
	for _, sigs := range [][]string{
		{"supportsInterface(bytes4)"}, {"addr(bytes32)"}, {"addr(bytes32,uint256)"}, {"text(bytes32,string)"},
		{"contenthash(bytes32)"}, {"name(bytes32)"}, {"resolve(bytes,bytes)"},
	} {
		check(tc.cfg.Resolver, r.PackSupportsInterface, r.UnpackSupportsInterface, interfaceID(sigs...), true)
	}
	if interfaceID("resolve(bytes,bytes)") != extendedResolverID {
		t.Errorf("ENSIP-10 id %x", interfaceID("resolve(bytes,bytes)"))
	}
	check(tc.cfg.Resolver, r.PackSupportsInterface, r.UnpackSupportsInterface, [4]byte{0xff, 0xff, 0xff, 0xff}, false)
	erc721 := interfaceID("balanceOf(address)", "ownerOf(uint256)", "safeTransferFrom(address,address,uint256,bytes)",
		"safeTransferFrom(address,address,uint256)", "transferFrom(address,address,uint256)", "approve(address,uint256)",
		"setApprovalForAll(address,bool)", "getApproved(uint256)", "isApprovedForAll(address,address)")
	if erc721 != [4]byte{0x80, 0xac, 0x58, 0xcd} {
		t.Fatalf("ERC-721 id %x", erc721)
	}
	check(tc.cfg.Passes, p.PackSupportsInterface, p.UnpackSupportsInterface, erc721, true)
	check(tc.cfg.Passes, p.PackSupportsInterface, p.UnpackSupportsInterface, [4]byte{0x5b, 0x5e, 0x13, 0x9f}, true)
}

// TestDIDSignedWrite: a change the owner signed is accepted from anyone,
// with did:ethr's hash layout, and spends the owner's nonce.
func TestDIDSignedWrite(t *testing.T) {
	tc := newTestChain(t, 3)
	c := tc.client(t, func(cfg *Config) { cfg.CacheTTL = -1 })
	ctx := t.Context()
	id, owner := tc.addr(1), tc.keys[1]
	name, _ := AttributeName(AttrLocator)
	value, validity := []byte("fd00::7/256"), big.NewInt(3600)

	hash := crypto.Keccak256(
		[]byte{0x19, 0x00}, tc.cfg.DIDRegistry.Bytes(), common.LeftPadBytes(big.NewInt(0).Bytes(), 32),
		id.Bytes(), []byte("setAttribute"), name[:], value, common.LeftPadBytes(validity.Bytes(), 32))
	sig, err := crypto.Sign(hash, owner)
	if err != nil {
		t.Fatal(err)
	}
	var r, s [32]byte
	copy(r[:], sig[:32])
	copy(s[:], sig[32:64])
	data := c.did.PackSetAttributeSigned(id, sig[64]+27, r, s, name, value, validity)
	// Submitted by account 2, a relayer.
	if _, err := c.chain.transact(ctx, tc.auths[2], tc.cfg.DIDRegistry, data); err != nil {
		t.Fatalf("setAttributeSigned: %v", err)
	}
	doc, err := c.DIDDocument(ctx, id)
	if err != nil || !slices.Equal(doc.Locators, []string{"fd00::7/256"}) {
		t.Fatalf("locators %q, %v", doc.Locators, err)
	}
	// Replaying the same signature fails: the nonce moved on.
	if _, err := c.chain.transact(ctx, tc.auths[2], tc.cfg.DIDRegistry, data); err == nil {
		t.Fatal("a replayed signature was accepted")
	}
	out, _ := c.chain.call(ctx, tc.cfg.DIDRegistry, c.did.PackNonce(id), nil)
	if n, _ := c.did.UnpackNonce(out); n.Int64() != 1 {
		t.Fatalf("nonce = %v", n)
	}
}

func TestDeployWiring(t *testing.T) {
	tc := newTestChain(t, 2)
	ctx := t.Context()
	cfg, err := Deploy(ctx, tc.backend, tc.auths[0], WithTLD("ETH"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TLD != "eth" {
		t.Fatalf("TLD %q", cfg.TLD)
	}
	blob, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(blob, &back); err != nil || back.Registry != cfg.Registry || back.Passes != cfg.Passes || back.TLD != "eth" {
		t.Fatalf("JSON round trip: %s -> %+v, %v", blob, back, err)
	}
	c, err := New(tc.backend, back)
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]common.Address{
		"eth":          cfg.Registrar,
		"addr.reverse": cfg.ReverseRegistrar,
		"reverse":      tc.addr(0),
	}
	for n, want := range owners {
		if got, err := c.Owner(ctx, n); err != nil || got != want {
			t.Errorf("owner of %s = %s, %v; want %s", n, got, err, want)
		}
	}
	name, err := c.Register(ctx, tc.auths[1], "bob", tc.addr(1))
	if err != nil || name != "bob.eth" {
		t.Fatalf("Register = %q, %v", name, err)
	}
	if got, err := c.Resolve(ctx, name); err != nil || got != tc.addr(1) {
		t.Fatalf("Resolve = %s, %v", got, err)
	}
	if _, err := Deploy(ctx, tc.backend, tc.auths[0], WithTLD("a.b")); err == nil {
		t.Fatal("Deploy accepted a TLD with a dot")
	}
}

func TestConfig(t *testing.T) {
	if err := (Config{}).Validate(); err == nil {
		t.Error("empty config validated")
	}
	m := MainnetConfig()
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if m.Registry != common.HexToAddress("0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e") ||
		m.DIDRegistry != common.HexToAddress("0xdca7ef03e98e0dc2b855be647c39abe984fcf21b") || m.Registrar != (common.Address{}) {
		t.Errorf("mainnet config %+v", m)
	}
	if err := (Config{Registry: common.Address{1}, TLD: "Bad"}).Validate(); err == nil {
		t.Error("non-normalized TLD validated")
	}
	mc, err := New(&flaky{}, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mc.Register(t.Context(), &bind.TransactOpts{}, "x", common.Address{}); !errors.Is(err, ErrNoContract) {
		t.Errorf("Register on mainnet: %v, want ErrNoContract", err)
	}
}
