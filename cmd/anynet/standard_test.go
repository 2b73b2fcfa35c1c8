//go:build !nochain

package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/naming/namingtest"
)

// interopModules holds the standard contracts' npm packages, ethers and
// ethr-did-resolver (npm ci in naming/interop; .ci/run does it).
const interopModules = "../../naming/interop/node_modules"

// needInterop skips (fails under CI=true) without Node.js or the packages.
func needInterop(t *testing.T) string {
	t.Helper()
	miss := func(msg string) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (CI=true: required)", msg)
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		miss("node not installed: the ethers / ethr-did-resolver check cannot run")
	}
	if _, err := os.Stat(filepath.Join(interopModules, "ethr-did-resolver", "package.json")); err != nil {
		miss("naming/interop/node_modules missing (run npm ci in naming/interop)")
	}
	return node
}

// TestStandardChain is the interop test of the built binary: a chain that
// holds the standard ENS and did:ethr contracts (deployed from their npm
// artifacts), a node started on it with `anynet up --chain URL` and the
// contracts' addresses as flags, and ethers v6 and ethr-did-resolver
// reading back what the node published: name → wallet, reverse, a text
// record, the node key under keyAgreement, the binding and every
// service.
func TestStandardChain(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary, runs a chain, a node and Node.js")
	}
	node := needInterop(t)
	ctx := t.Context()
	root := sockDir(t)

	deployer, _ := crypto.GenerateKey()
	aliceKey, _ := crypto.GenerateKey()
	alice := crypto.PubkeyToAddress(aliceKey.PublicKey)
	emb, err := naming.OpenEmbedded(ctx, naming.EmbeddedConfig{
		DataDir: filepath.Join(root, "chain"), HTTPAddr: "127.0.0.1:0",
		Funded: []common.Address{crypto.PubkeyToAddress(deployer.PublicKey), alice},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	url := emb.Chain.RPCURL()
	chainID := new(big.Int).SetUint64(emb.Chain.ChainID())
	std, err := namingtest.DeployStandard(ctx, emb.Client.Backend(), bind.NewKeyedTransactor(deployer, chainID),
		interopModules, "eth")
	if err != nil {
		t.Fatal(err)
	}

	bin := binary(t)
	dir := filepath.Join(root, "alice")
	keyFile := filepath.Join(root, "alice.key")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(crypto.FromECDSA(aliceKey))), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCLI(t, bin, root)
	c.must("--dir", dir, "init", "--scrypt", "light", "--import", keyFile, "--name", "Alice")

	// A wrong address is named in the error, not blamed on the chain.
	bogus := "0x000000000000000000000000000000000000dEaD"
	out, err := c.run("--dir", dir, "up", "--headless", "--listen", "127.0.0.1:0", "--chain", url,
		"--registry", std.Registry.Hex(), "--did-registry", bogus, "--tld", "eth")
	if err == nil || !strings.Contains(out, "DID registry "+bogus+" has no code") || strings.Contains(out, "is the node serving it running") {
		t.Fatalf("up with a DID registry without code: %v\n%s", err, out)
	}

	c.start("alice", "--dir", dir, "up", "--headless", "--listen", "127.0.0.1:0", "--chain", url,
		"--registry", std.Registry.Hex(), "--resolver", std.Resolver.Hex(), "--registrar", std.Registrar.Hex(),
		"--reverse-registrar", std.ReverseRegistrar.Hex(), "--did-registry", std.DIDRegistry.Hex(), "--tld", "eth",
		"--mail-at", "mail.eth")
	var info control.ChainInfo
	eventually(t, "chain info", func() error { return c.json(&info, "--dir", dir, "chain", "info") })
	if info.Registry != std.Registry.Hex() || info.Resolver != std.Resolver.Hex() || info.Registrar != std.Registrar.Hex() ||
		info.ReverseRegistrar != std.ReverseRegistrar.Hex() || info.DID != std.DIDRegistry.Hex() || info.TLD != "eth" || info.Passes != "" {
		t.Fatalf("chain info %+v, want %+v", info, std)
	}
	text := c.must("--dir", dir, "chain", "info")
	for _, want := range []string{"reverse registrar", std.ReverseRegistrar.Hex(), "passes", "(none)"} {
		if !strings.Contains(text, want) {
			t.Errorf("chain info lacks %q:\n%s", want, text)
		}
	}

	var r control.Resolved
	eventually(t, "alice's name and document", func() error {
		if err := c.json(&r, "--dir", dir, "resolve", "ALICE.eth"); err != nil {
			return err
		}
		if len(r.Endpoints) == 0 || len(r.Keys) == 0 || r.Mailbox == "" {
			return fmt.Errorf("not published yet: %+v", r)
		}
		return nil
	})
	if r.Name != "alice.eth" || r.Wallet != alice.Hex() || r.DID != "did:ethr:0x539:"+strings.ToLower(alice.Hex()) {
		t.Fatalf("resolve = %+v", r)
	}

	// A second name through the CLI leaves the primary name.
	out = c.must("--dir", dir, "register", "alice2")
	if !strings.Contains(out, "primary name unchanged: alice.eth") {
		t.Errorf("register alice2:\n%s", out)
	}
	// A text record, written with anynet's Go API on the standard resolver.
	std.CacheTTL = -1
	names, err := naming.New(emb.Client.Backend(), std)
	if err != nil {
		t.Fatal(err)
	}
	if err := names.SetText(ctx, naming.Transactor(aliceKey, chainID), "alice.eth", "url", "https://alice.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.json(&r, "--dir", dir, "resolve", "alice", "--text", "url"); err != nil || r.Texts["url"] != "https://alice.example" {
		t.Fatalf("resolve --text url = %+v, %v", r.Texts, err)
	}

	// What ethers and ethr-did-resolver read.
	arg, _ := json.Marshal(map[string]any{
		"url": url, "chainId": chainID.Uint64(), "registry": std.Registry.Hex(), "didRegistry": std.DIDRegistry.Hex(),
		"name": "alice.eth", "wallet": alice.Hex(), "did": r.DID, "texts": []string{"url"},
	})
	cmd := exec.CommandContext(ctx, node, "check.mjs", string(arg))
	cmd.Dir = "../../naming/interop"
	raw, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("check.mjs: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var got struct {
		Address string            `json:"address"`
		Reverse string            `json:"reverse"`
		Texts   map[string]string `json:"texts"`
		DID     struct {
			Document struct {
				ID                 string `json:"id"`
				VerificationMethod []struct {
					ID           string `json:"id"`
					Type         string `json:"type"`
					PublicKeyHex string `json:"publicKeyHex"`
				} `json:"verificationMethod"`
				KeyAgreement []string `json:"keyAgreement"`
				Service      []struct {
					Type            string `json:"type"`
					ServiceEndpoint any    `json:"serviceEndpoint"`
				} `json:"service"`
			} `json:"didDocument"`
		} `json:"did"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("check.mjs output %s: %v", raw, err)
	}
	t.Logf("ethers and ethr-did-resolver read: %s", raw)
	if got.Address != alice.Hex() || got.Reverse != "alice.eth" || got.Texts["url"] != "https://alice.example" {
		t.Errorf("ethers: address %s, reverse %q, texts %v; want %s, alice.eth, url", got.Address, got.Reverse, got.Texts, alice.Hex())
	}
	doc := got.DID.Document
	if doc.ID != r.DID {
		t.Errorf("DID document id %s, want %s", doc.ID, r.DID)
	}
	// Every node key anynet reads is a keyAgreement key.
	for _, k := range r.Keys {
		found := false
		for _, vm := range doc.VerificationMethod {
			if vm.PublicKeyHex == k.Key && vm.Type == "X25519KeyAgreementKey2019" && slices.Contains(doc.KeyAgreement, vm.ID) {
				found = true
			}
		}
		if !found {
			t.Errorf("node key %s is not under keyAgreement: %+v %v", k.Key, doc.VerificationMethod, doc.KeyAgreement)
		}
	}
	// Every service anynet reads, and the binding, are services there.
	services := map[string][]string{}
	for _, s := range doc.Service {
		services[s.Type] = append(services[s.Type], fmt.Sprint(s.ServiceEndpoint))
	}
	for _, s := range r.Services {
		if !slices.Contains(services[s.Type], s.Endpoint) {
			t.Errorf("service %s %q missing from the standard document: %v", s.Type, s.Endpoint, services)
		}
	}
	for _, typ := range []string{"AnynetUnderlay", "AnynetMailbox"} {
		if len(services[typ]) == 0 {
			t.Errorf("no %s service in the standard document: %v", typ, services)
		}
	}
	if bs := services["AnynetBinding"]; len(bs) == 0 {
		t.Errorf("no AnynetBinding service in the standard document: %v", services)
	} else if _, err := base64.StdEncoding.Strict().DecodeString(bs[0]); err != nil {
		t.Errorf("binding %q is not base64: %v", bs[0], err)
	}
}
