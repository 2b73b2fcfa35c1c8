package naming

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/naming/contracts/bindings"
)

// DeployOption changes what Deploy sets up.
type DeployOption func(*deployOptions)

type deployOptions struct {
	tld string
}

// WithTLD makes Deploy hand the registrar tld instead of DefaultTLD
// ("anynet"); a local chain may use "eth" so that names read like ENS's.
func WithTLD(tld string) DeployOption {
	return func(o *deployOptions) { o.tld = tld }
}

// Deploy puts all contracts on the chain from auth and wires them:
//
//  1. ENSRegistry (auth.From owns the root node)
//  2. PublicResolver(registry)
//  3. FIFSRegistrar(registry, namehash(tld))
//  4. ReverseRegistrar(registry, resolver)
//  5. DIDRegistry, NetworkPasses (auth.From is the passes' admin)
//  6. registry: tld → owner registrar, resolver PublicResolver
//  7. registry: reverse → auth.From; addr.reverse → owner ReverseRegistrar,
//     resolver PublicResolver
//
// It returns the Config naming them (TLD set, durations zero). The embedded
// chain runs it once, on its first start.
func Deploy(ctx context.Context, backend Backend, auth *bind.TransactOpts, opts ...DeployOption) (Config, error) {
	o := deployOptions{tld: DefaultTLD}
	for _, opt := range opts {
		opt(&o)
	}
	tld, err := NormalizeLabel(o.tld)
	if err != nil {
		return Config{}, fmt.Errorf("naming: deploy: %w", err)
	}
	ch := &chain{backend: backend}
	cfg := Config{TLD: tld}

	steps := []struct {
		what string
		meta *bind.MetaData
		args func() []byte
		dst  *common.Address
	}{
		{"registry", &bindings.ENSRegistryMetaData, func() []byte { return nil }, &cfg.Registry},
		{"resolver", &bindings.PublicResolverMetaData, func() []byte {
			return bindings.NewPublicResolver().PackConstructor(cfg.Registry)
		}, &cfg.Resolver},
		{"registrar", &bindings.FIFSRegistrarMetaData, func() []byte {
			return bindings.NewFIFSRegistrar().PackConstructor(cfg.Registry, Namehash(tld))
		}, &cfg.Registrar},
		{"reverse registrar", &bindings.ReverseRegistrarMetaData, func() []byte {
			return bindings.NewReverseRegistrar().PackConstructor(cfg.Registry, cfg.Resolver)
		}, &cfg.ReverseRegistrar},
		{"DID registry", &bindings.DIDRegistryMetaData, func() []byte { return nil }, &cfg.DIDRegistry},
		{"passes", &bindings.NetworkPassesMetaData, func() []byte { return nil }, &cfg.Passes},
	}
	for _, s := range steps {
		addr, err := ch.deploy(ctx, auth, common.FromHex(s.meta.Bin), s.args())
		if err != nil {
			return Config{}, fmt.Errorf("naming: deploy %s: %w", s.what, err)
		}
		*s.dst = addr
	}

	registry := bindings.NewENSRegistry()
	var root common.Hash
	wiring := []struct {
		what string
		data []byte
	}{
		{"give " + tld + " to the registrar",
			registry.PackSetSubnodeRecord(root, LabelHash(tld), cfg.Registrar, cfg.Resolver, 0)},
		{"take reverse",
			registry.PackSetSubnodeOwner(root, LabelHash("reverse"), auth.From)},
		{"give addr.reverse to the reverse registrar",
			registry.PackSetSubnodeRecord(Namehash("reverse"), LabelHash("addr"), cfg.ReverseRegistrar, cfg.Resolver, 0)},
	}
	for _, w := range wiring {
		if _, err := ch.transact(ctx, auth, cfg.Registry, w.data); err != nil {
			return Config{}, fmt.Errorf("naming: deploy: %s: %w", w.what, err)
		}
	}
	return cfg, nil
}
