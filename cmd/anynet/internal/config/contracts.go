package config

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/naming"
)

// ContractKeys are the keys that say where the naming contracts are on a
// --chain URL (ANYNET_REGISTRY, --registry ...). Unset, the node finds
// anynet's own deployment on the chain (naming.Discover).
var ContractKeys = []string{
	"contracts", "registry", "resolver", "registrar", "reverse-registrar", "did-registry", "passes", "tld",
}

// ContractPresets are the accepted values of the contracts key: "" (none:
// discover, or the addresses given) and "mainnet" (ENS and did:ethr at
// their Ethereum mainnet addresses, naming.MainnetConfig).
var ContractPresets = []string{"", "mainnet"}

// Contracts are the contract settings of a Config.
type Contracts struct {
	// Preset is "" or "mainnet"; explicit addresses override its.
	Preset string
	// Addresses, 0x hex; empty: the preset's, or none.
	Registry, Resolver, Registrar, ReverseRegistrar, DIDRegistry, Passes string
	// TLD is the label the registrar hands out; empty: the preset's, or
	// "anynet".
	TLD string
}

// Set reports whether any contract setting is given: the node then uses
// exactly these contracts instead of discovering anynet's deployment.
func (c Contracts) Set() bool { return c != Contracts{} }

// Naming returns the naming.Config the settings name (durations and
// logger zero). Call Validate first.
func (c Contracts) Naming() naming.Config {
	var n naming.Config
	if c.Preset == "mainnet" {
		n = naming.MainnetConfig()
	}
	for _, f := range []struct {
		v   string
		dst *common.Address
	}{
		{c.Registry, &n.Registry}, {c.Resolver, &n.Resolver}, {c.Registrar, &n.Registrar},
		{c.ReverseRegistrar, &n.ReverseRegistrar}, {c.DIDRegistry, &n.DIDRegistry}, {c.Passes, &n.Passes},
	} {
		if f.v != "" {
			*f.dst = common.HexToAddress(f.v)
		}
	}
	if c.TLD != "" {
		n.TLD = c.TLD
	}
	return n
}

// validate checks the contract settings (part of Config.Validate).
func (c Contracts) validate(chain string) error {
	if err := oneOf("contracts", c.Preset, ContractPresets); err != nil {
		return err
	}
	for _, f := range []struct{ key, v string }{
		{"registry", c.Registry}, {"resolver", c.Resolver}, {"registrar", c.Registrar},
		{"reverse-registrar", c.ReverseRegistrar}, {"did-registry", c.DIDRegistry}, {"passes", c.Passes},
	} {
		if f.v != "" && !isWallet(f.v) {
			return invalid(f.key, f.v, "a contract address, 0x and 40 hex digits")
		}
	}
	if c.TLD != "" {
		if tld, err := naming.NormalizeLabel(c.TLD); err != nil || tld != c.TLD {
			return invalid("tld", c.TLD, "one normalized label, e.g. anynet or eth")
		}
	}
	addrs := c
	addrs.TLD = "" // a TLD alone picks which anynet deployment to discover
	if c.Set() {
		if chain == "embedded" {
			return fmt.Errorf("%w: contract settings (contracts, registry, did-registry, ...) apply to a chain URL; the embedded chain has its own deployment", ErrInvalid)
		}
		if n := c.Naming(); addrs.Set() && n.Registry == (common.Address{}) && n.DIDRegistry == (common.Address{}) {
			return fmt.Errorf("%w: contract settings without registry or did-registry: set one of them, or contracts: mainnet", ErrInvalid)
		}
	}
	return nil
}
