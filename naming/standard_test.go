package naming

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
)

// interopModules is where `npm ci` in naming/interop puts the published
// packages of the standard contracts (and ethers, ethr-did-resolver).
const interopModules = "interop/node_modules"

// needInterop skips (fails under CI=true) when the npm packages of
// naming/interop are not installed.
func needInterop(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(filepath.Join(interopModules, "@ensdomains/ens/package.json")); err != nil {
		msg := "naming/interop/node_modules missing (run npm ci in naming/interop): the standard contracts' artifacts come from npm"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg + " (CI=true: required)")
		}
		tb.Skip(msg)
	}
}

// artifact is a truffle or hardhat build artifact: ABI and creation code.
type artifact struct {
	ABI      json.RawMessage `json:"abi"`
	Bytecode string          `json:"bytecode"`
}

func readArtifact(tb testing.TB, path string) (abi.ABI, []byte) {
	tb.Helper()
	blob, err := os.ReadFile(filepath.Join(interopModules, path))
	if err != nil {
		tb.Fatal(err)
	}
	var a artifact
	if err := json.Unmarshal(blob, &a); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	parsed, err := abi.JSON(bytes.NewReader(a.ABI))
	if err != nil {
		tb.Fatalf("%s: ABI: %v", path, err)
	}
	code := common.FromHex(a.Bytecode)
	if len(code) == 0 {
		tb.Fatalf("%s: no bytecode", path)
	}
	return parsed, code
}

// StandardArtifacts names the published artifacts of the standard
// contracts, by role.
var standardArtifacts = map[string]string{
	"registry":          "@ensdomains/ens/build/contracts/ENSRegistry.json",
	"registrar":         "@ensdomains/ens/build/contracts/FIFSRegistrar.json",
	"reverse registrar": "@ensdomains/ens/build/contracts/ReverseRegistrar.json",
	"resolver":          "@ensdomains/resolver/build/contracts/PublicResolver.json",
	"DID registry":      "ethr-did-registry/artifacts/contracts/EthereumDIDRegistry.sol/EthereumDIDRegistry.json",
}

// deployStandard deploys the standard contracts from their npm artifacts
// and wires them as ENS does: tld owned by the FIFSRegistrar, reverse
// owned by the deployer, addr.reverse by the ReverseRegistrar.
func deployStandard(tb testing.TB, ch *chain, tc *testChain, tld string) Config {
	tb.Helper()
	ctx := tb.Context()
	auth := tc.auths[0]
	deploy := func(role string, args ...any) common.Address {
		a, code := readArtifact(tb, standardArtifacts[role])
		packed, err := a.Pack("", args...)
		if err != nil {
			tb.Fatalf("%s constructor: %v", role, err)
		}
		addr, err := ch.deploy(ctx, auth, code, packed)
		if err != nil {
			tb.Fatalf("deploy %s: %v", role, err)
		}
		return addr
	}
	var cfg Config
	cfg.TLD = tld
	cfg.Registry = deploy("registry")
	cfg.Resolver = deploy("resolver", cfg.Registry)
	cfg.Registrar = deploy("registrar", cfg.Registry, Namehash(tld))
	cfg.ReverseRegistrar = deploy("reverse registrar", cfg.Registry, cfg.Resolver)
	cfg.DIDRegistry = deploy("DID registry")
	reg, _ := readArtifact(tb, standardArtifacts["registry"])
	var root common.Hash
	for _, w := range []struct {
		node  common.Hash
		label string
		owner common.Address
	}{
		{root, tld, cfg.Registrar},
		{root, "reverse", auth.From},
		{Namehash("reverse"), "addr", cfg.ReverseRegistrar},
	} {
		data, err := reg.Pack("setSubnodeOwner", w.node, LabelHash(w.label), w.owner)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := ch.transact(ctx, auth, cfg.Registry, data); err != nil {
			tb.Fatalf("wire %s: %v", w.label, err)
		}
	}
	return cfg
}

// TestStandardContracts: anynet's register, resolve, records, reverse,
// publish and DID reads work against the standard contracts as published
// on npm (ENS's ENSRegistry, FIFSRegistrar, ReverseRegistrar,
// PublicResolver; uPort's EthereumDIDRegistry), deployed on the chain.
func TestStandardContracts(t *testing.T) {
	needInterop(t)
	tc := newTestChain(t, 3)
	ch := &chain{backend: tc.backend}
	cfg := deployStandard(t, ch, tc, "eth")
	cfg.CacheTTL = -1
	c, err := New(tc.backend, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := c.CheckContracts(ctx); err != nil {
		t.Fatal(err)
	}
	if one, err := c.hasMethod(ctx, cfg.Registrar, registerWithConfig); err != nil || one {
		t.Fatalf("the standard registrar has registerWithConfig: %v, %v", one, err)
	}
	own := tc.client(t)
	if one, err := own.hasMethod(ctx, tc.cfg.Registrar, registerWithConfig); err != nil || !one {
		t.Fatalf("anynet's registrar lacks registerWithConfig: %v, %v", one, err)
	}

	// Register (standard calls) and the reverse record: ClaimName.
	alice := tc.addr(1)
	name, err := c.ClaimName(ctx, tc.auths[1], "Alice")
	if err != nil || name != "alice.eth" {
		t.Fatalf("ClaimName = %q, %v", name, err)
	}
	if got, err := c.Resolve(ctx, "ALICE.eth"); err != nil || got != alice {
		t.Fatalf("Resolve = %s, %v", got, err)
	}
	if got, err := c.Reverse(ctx, alice); err != nil || got != name {
		t.Fatalf("Reverse = %q, %v", got, err)
	}
	if owner, err := c.Owner(ctx, name); err != nil || owner != alice {
		t.Fatalf("Owner = %s, %v", owner, err)
	}
	// Registering for someone else hands the name over after the records.
	bob := tc.addr(2)
	if n, err := c.Register(ctx, tc.auths[1], "bob", bob); err != nil || n != "bob.eth" {
		t.Fatalf("Register for bob = %q, %v", n, err)
	}
	if got, err := c.Resolve(ctx, "bob.eth"); err != nil || got != bob {
		t.Fatalf("Resolve bob = %s, %v", got, err)
	}
	if owner, _ := c.Owner(ctx, "bob.eth"); owner != bob {
		t.Fatalf("bob.eth owned by %s", owner)
	}
	// A taken label reverts.
	if _, err := c.Register(ctx, tc.auths[2], "alice", bob); err == nil {
		t.Fatal("the standard registrar gave a taken label away")
	}

	// Records on the standard resolver.
	if err := c.SetText(ctx, tc.auths[1], name, "url", "https://alice.example"); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Text(ctx, name, "url"); err != nil || v != "https://alice.example" {
		t.Fatalf("Text = %q, %v", v, err)
	}
	ch1 := []byte{0xe3, 0x01, 0x01, 0x70}
	if err := c.SetContenthash(ctx, tc.auths[1], name, ch1); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Contenthash(ctx, name); err != nil || string(v) != string(ch1) {
		t.Fatalf("Contenthash = %x, %v", v, err)
	}

	// Publish and read the DID document on the standard DID registry.
	key := key32(7)
	n, err := c.Publish(ctx, tc.auths[1], PublishRequest{
		NodeKey: key, Binding: []byte{1, 2, 3}, Locators: []string{"fd00::7/256"}, Mailbox: "mail.eth",
		Routers: []string{"udp://127.0.0.1:4000"}, Underlays: []Underlay{{Addr: netip.MustParseAddrPort("127.0.0.1:5000")}},
		Services: []Service{{Type: "AnynetIM", Endpoint: "x25519:abcd"}},
	})
	if err != nil || n != 7 {
		t.Fatalf("Publish = %d, %v", n, err)
	}
	doc, err := c.DIDDocument(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(doc.NodeKeys, [][32]byte{key}) || len(doc.Bindings) != 1 || string(doc.Bindings[0]) != "\x01\x02\x03" ||
		!slices.Equal(doc.Locators, []string{"fd00::7/256"}) || doc.Mailbox != "mail.eth" ||
		!slices.Equal(doc.Routers, []string{"udp://127.0.0.1:4000"}) || len(doc.Underlays) != 1 {
		t.Fatalf("document %+v", doc)
	}
	if doc.ID() != "did:ethr:0x539:"+bytesLowerHex(alice) {
		t.Fatalf("ID %s", doc.ID())
	}
	if err := c.RevokeNodeKey(ctx, tc.auths[1], key); err != nil {
		t.Fatal(err)
	}
	if doc, err := c.DIDDocument(ctx, alice); err != nil || doc.KeyStatus(key) != KeyRevoked {
		t.Fatalf("after revoking: %v, %v", doc.KeyStatus(key), err)
	}
}
