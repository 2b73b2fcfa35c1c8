package namingtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/anynet/anynet/naming"
)

// ErrNoModules: the npm packages of naming/interop are not installed.
var ErrNoModules = errors.New("namingtest: naming/interop/node_modules missing (run npm ci in naming/interop)")

// Artifacts are the published build artifacts of the standard contracts,
// relative to a node_modules directory.
var Artifacts = map[string]string{
	"registry":          "@ensdomains/ens/build/contracts/ENSRegistry.json",
	"registrar":         "@ensdomains/ens/build/contracts/FIFSRegistrar.json",
	"reverse registrar": "@ensdomains/ens/build/contracts/ReverseRegistrar.json",
	"resolver":          "@ensdomains/resolver/build/contracts/PublicResolver.json",
	"DID registry":      "ethr-did-registry/artifacts/contracts/EthereumDIDRegistry.sol/EthereumDIDRegistry.json",
}

// Artifact reads one artifact (truffle or hardhat format): its ABI and
// creation code.
func Artifact(modules, role string) (abi.ABI, []byte, error) {
	path := filepath.Join(modules, Artifacts[role])
	blob, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return abi.ABI{}, nil, fmt.Errorf("%w: %s", ErrNoModules, path)
	}
	if err != nil {
		return abi.ABI{}, nil, err
	}
	var a struct {
		ABI      json.RawMessage `json:"abi"`
		Bytecode string          `json:"bytecode"`
	}
	if err := json.Unmarshal(blob, &a); err != nil {
		return abi.ABI{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	parsed, err := abi.JSON(bytes.NewReader(a.ABI))
	if err != nil {
		return abi.ABI{}, nil, fmt.Errorf("%s: ABI: %w", path, err)
	}
	code := common.FromHex(a.Bytecode)
	if len(code) == 0 {
		return abi.ABI{}, nil, fmt.Errorf("%s: no bytecode", path)
	}
	return parsed, code, nil
}

// DeployStandard deploys ENSRegistry, PublicResolver, FIFSRegistrar(tld),
// ReverseRegistrar and EthereumDIDRegistry from their npm artifacts in
// modules, from auth, and wires them as ENS does: tld owned by the
// registrar, reverse by auth.From, addr.reverse by the reverse registrar.
// It returns the Config naming them.
func DeployStandard(ctx context.Context, backend naming.Backend, auth *bind.TransactOpts, modules, tld string) (naming.Config, error) {
	cfg := naming.Config{TLD: tld}
	deploy := func(role string, dst *common.Address, args ...any) error {
		a, code, err := Artifact(modules, role)
		if err != nil {
			return err
		}
		packed, err := a.Pack("", args...)
		if err != nil {
			return fmt.Errorf("%s constructor: %w", role, err)
		}
		opts := *auth
		opts.Context = ctx
		_, tx, err := bind.DeployContract(&opts, code, backend, packed)
		if err != nil {
			return fmt.Errorf("deploy %s: %w", role, err)
		}
		if *dst, err = bind.WaitDeployed(ctx, backend, tx.Hash()); err != nil {
			return fmt.Errorf("deploy %s: %w", role, err)
		}
		return nil
	}
	for _, s := range []struct {
		role string
		dst  *common.Address
		args func() []any
	}{
		{"registry", &cfg.Registry, func() []any { return nil }},
		{"resolver", &cfg.Resolver, func() []any { return []any{cfg.Registry} }},
		{"registrar", &cfg.Registrar, func() []any { return []any{cfg.Registry, naming.Namehash(tld)} }},
		{"reverse registrar", &cfg.ReverseRegistrar, func() []any { return []any{cfg.Registry, cfg.Resolver} }},
		{"DID registry", &cfg.DIDRegistry, func() []any { return nil }},
	} {
		if err := deploy(s.role, s.dst, s.args()...); err != nil {
			return naming.Config{}, err
		}
	}
	reg, _, err := Artifact(modules, "registry")
	if err != nil {
		return naming.Config{}, err
	}
	registry := bind.NewBoundContract(cfg.Registry, reg, backend, backend, backend)
	for _, w := range []struct {
		node  common.Hash
		label string
		owner common.Address
	}{
		{common.Hash{}, tld, cfg.Registrar},
		{common.Hash{}, "reverse", auth.From},
		{naming.Namehash("reverse"), "addr", cfg.ReverseRegistrar},
	} {
		opts := *auth
		opts.Context = ctx
		tx, err := registry.Transact(&opts, "setSubnodeOwner", w.node, naming.LabelHash(w.label), w.owner)
		if err != nil {
			return naming.Config{}, fmt.Errorf("wire %s: %w", w.label, err)
		}
		r, err := bind.WaitMined(ctx, backend, tx.Hash())
		if err != nil {
			return naming.Config{}, fmt.Errorf("wire %s: %w", w.label, err)
		}
		if r.Status != types.ReceiptStatusSuccessful {
			return naming.Config{}, fmt.Errorf("wire %s: reverted", w.label)
		}
	}
	return cfg, nil
}
