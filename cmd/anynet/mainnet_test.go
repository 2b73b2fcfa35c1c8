//go:build !nochain

package main

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/naming/namingtest"
)

// mining commits a block of the simulated chain every 50 ms until the
// test ends, so transactions sent over JSON-RPC are mined.
func mining(t *testing.T, sim *simulated.Backend) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				sim.Commit()
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
}

// TestMainnetPreset: `anynet up --chain URL --contracts mainnet` on a
// chain holding the standard ENS and did:ethr contracts at their mainnet
// addresses (runtime code and constructor storage taken from a deployment
// of their npm artifacts) reads names set through them and publishes its
// DID document in mainnet's did:ethr registry.
func TestMainnetPreset(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary and runs a chain and a node")
	}
	needInterop(t)
	ctx := t.Context()
	deployer, _ := crypto.GenerateKey()
	aliceKey, _ := crypto.GenerateKey()
	dep, alice := crypto.PubkeyToAddress(deployer.PublicKey), crypto.PubkeyToAddress(aliceKey.PublicKey)
	funds := types.Account{Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(params.Ether))}
	chainID := big.NewInt(1337)

	// Staging: deploy the artifacts anywhere, then copy code and storage.
	stage := simulated.NewBackend(types.GenesisAlloc{dep: funds})
	t.Cleanup(func() { stage.Close() })
	mining(t, stage)
	std, err := namingtest.DeployStandard(ctx, stage.Client(), bind.NewKeyedTransactor(deployer, chainID), interopModules, "eth")
	if err != nil {
		t.Fatal(err)
	}
	m := naming.MainnetConfig()
	moved := map[common.Address]common.Address{
		std.Registry: m.Registry, std.Resolver: m.Resolver, std.ReverseRegistrar: m.ReverseRegistrar, std.DIDRegistry: m.DIDRegistry,
	}
	alloc := types.GenesisAlloc{dep: funds, alice: funds}
	for from, to := range moved {
		code, err := stage.Client().CodeAt(ctx, from, nil)
		if err != nil || len(code) == 0 {
			t.Fatalf("code at %s: %v", from, err)
		}
		storage := map[common.Hash]common.Hash{}
		for slot := range 16 {
			key := common.BigToHash(big.NewInt(int64(slot)))
			v, err := stage.Client().StorageAt(ctx, from, key, nil)
			if err != nil {
				t.Fatal(err)
			}
			val := common.BytesToHash(v)
			for a, b := range moved { // addresses of the staging deployment → mainnet's
				if val == common.BytesToHash(a.Bytes()) {
					val = common.BytesToHash(b.Bytes())
				}
			}
			if val != (common.Hash{}) {
				storage[key] = val
			}
		}
		if to == m.Registry { // records[0x0].owner = deployer
			storage[crypto.Keccak256Hash(make([]byte, 64))] = common.BytesToHash(dep.Bytes())
		}
		alloc[to] = types.Account{Code: code, Storage: storage}
	}

	// The chain, served over HTTP on loopback.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	sim := simulated.NewBackend(alloc, func(nc *node.Config, _ *ethconfig.Config) {
		nc.HTTPHost, nc.HTTPPort, nc.HTTPModules = "127.0.0.1", port, []string{"eth", "net", "web3"}
	})
	t.Cleanup(func() { sim.Close() })
	mining(t, sim)
	url := fmt.Sprintf("http://127.0.0.1:%d", port)

	// ENS's wiring, and alice.eth for alice, through the standard calls.
	cfg := m
	cfg.CacheTTL = -1
	names, err := naming.New(sim.Client(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := names.CheckContracts(ctx); err != nil {
		t.Fatal(err)
	}
	reg, _, err := namingtest.Artifact(interopModules, "registry")
	if err != nil {
		t.Fatal(err)
	}
	registry := bind.NewBoundContract(m.Registry, reg, sim.Client(), sim.Client(), sim.Client())
	for _, w := range []struct {
		node  common.Hash
		label string
		owner common.Address
	}{
		{common.Hash{}, "eth", dep},
		{common.Hash{}, "reverse", dep},
		{naming.Namehash("reverse"), "addr", m.ReverseRegistrar},
		{naming.Namehash("eth"), "alice", alice},
	} {
		tx, err := registry.Transact(naming.Transactor(deployer, chainID), "setSubnodeOwner", w.node, naming.LabelHash(w.label), w.owner)
		if err != nil {
			t.Fatalf("%s: %v", w.label, err)
		}
		if r, err := bind.WaitMined(ctx, sim.Client(), tx.Hash()); err != nil || r.Status != types.ReceiptStatusSuccessful {
			t.Fatalf("%s: %v", w.label, err)
		}
	}
	aliceAuth := naming.Transactor(aliceKey, chainID)
	if err := names.SetAddr(ctx, aliceAuth, "alice.eth", alice); err != nil {
		t.Fatal(err)
	}
	if err := names.SetName(ctx, aliceAuth, "alice.eth"); err != nil {
		t.Fatal(err)
	}

	// The node, with the preset.
	root := sockDir(t)
	dir := filepath.Join(root, "alice")
	keyFile := filepath.Join(root, "alice.key")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(crypto.FromECDSA(aliceKey))), 0o600); err != nil {
		t.Fatal(err)
	}
	c := cli{t: t, bin: binary(t), env: []string{
		"HOME=" + root, "PATH=" + os.Getenv("PATH"),
		"XDG_CONFIG_HOME=" + filepath.Join(root, "config"),
		"ANYNET_PASSPHRASE=e2e passphrase", "ANYNET_CHAIN=" + url, "ANYNET_CONTRACTS=mainnet",
	}}
	c.must("--dir", dir, "init", "--scrypt", "light", "--import", keyFile)
	c.start("alice", "--dir", dir, "up", "--headless", "--listen", "127.0.0.1:0") // chain and contracts from ANYNET_*
	var info control.ChainInfo
	eventually(t, "chain info", func() error { return c.json(&info, "--dir", dir, "chain", "info") })
	if info.Registry != m.Registry.Hex() || info.DID != m.DIDRegistry.Hex() || info.Resolver != m.Resolver.Hex() ||
		info.ReverseRegistrar != m.ReverseRegistrar.Hex() || info.Registrar != "" || info.TLD != "eth" {
		t.Fatalf("chain info %+v", info)
	}
	var r control.Resolved
	eventually(t, "alice's document", func() error {
		if err := c.json(&r, "--dir", dir, "resolve", "alice.eth"); err != nil {
			return err
		}
		if len(r.Keys) == 0 || len(r.Endpoints) == 0 {
			return fmt.Errorf("not published yet: %+v", r)
		}
		return nil
	})
	if r.Wallet != alice.Hex() || r.Name != "alice.eth" || !strings.HasPrefix(r.DID, "did:ethr:0x539:") {
		t.Fatalf("resolve alice.eth = %+v", r)
	}
	var s control.Status
	if err := c.json(&s, "--dir", dir, "status"); err != nil || s.Name != "alice.eth" {
		t.Fatalf("status = %+v, %v (want the reverse name alice.eth)", s, err)
	}
	// The document is in mainnet's did:ethr registry address.
	doc, err := names.DIDDocument(ctx, alice)
	if err != nil || len(doc.NodeKeys) != 1 || hex.EncodeToString(doc.NodeKeys[0][:]) != r.Keys[0].Key {
		t.Fatalf("document in %s: %+v, %v", m.DIDRegistry, doc, err)
	}
}
