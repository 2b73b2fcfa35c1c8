package naming

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

// registerWithConfig is the one-transaction registration of anynet's own
// FIFSRegistrar; standard registrars have register(bytes32,address) only.
const registerWithConfig = "registerWithConfig(bytes32,address,address,address)"

// Register claims label under the registrar's TLD for owner (first come,
// first served; a label already owned by someone other than auth.From is
// ErrReverted) and returns the full name. When Config.Resolver is set, the
// name is pointed at it and its addr record set to owner.
//
// Any FIFS registrar works: the standard register(bytes32,address) gives
// the name to auth.From, then the registry's setResolver, the resolver's
// setAddr and, when owner is someone else, the registry's setOwner follow
// (up to four transactions). A registrar that has anynet's
// registerWithConfig does it all in one.
func (c *Client) Register(ctx context.Context, auth *bind.TransactOpts, label string, owner common.Address) (string, error) {
	name, call, err := c.RegisterCall(label, owner)
	if err != nil {
		return "", err
	}
	if c.cfg.Resolver != (common.Address{}) {
		one, err := c.hasMethod(ctx, c.cfg.Registrar, registerWithConfig)
		if err != nil {
			return "", fmt.Errorf("naming: register %q: %w", name, err)
		}
		if !one {
			return name, c.registerStandard(ctx, auth, name, owner)
		}
	}
	if _, err := c.chain.transact(ctx, auth, call.To, call.Data); err != nil {
		return "", fmt.Errorf("naming: register %q: %w", name, err)
	}
	c.cache.drop(Namehash(name))
	return name, nil
}

// registerStandard registers name through the standard calls only.
func (c *Client) registerStandard(ctx context.Context, auth *bind.TransactOpts, name string, owner common.Address) error {
	node := Namehash(name)
	defer c.cache.drop(node)
	label := LabelHash(splitLabels(name)[0])
	steps := []struct {
		what string
		to   common.Address
		data []byte
	}{
		{"register", c.cfg.Registrar, c.registrar.PackRegister(label, auth.From)},
		{"set resolver", c.cfg.Registry, c.registry.PackSetResolver(node, c.cfg.Resolver)},
		{"set addr", c.cfg.Resolver, c.resolver.PackSetAddr0(node, owner)},
	}
	if owner != auth.From {
		steps = append(steps, struct {
			what string
			to   common.Address
			data []byte
		}{"give to owner", c.cfg.Registry, c.registry.PackSetOwner(node, owner)})
	}
	for _, s := range steps {
		if _, err := c.chain.transact(ctx, auth, s.to, s.data); err != nil {
			return fmt.Errorf("naming: register %q: %s: %w", name, s.what, err)
		}
	}
	return nil
}

// SetSubnode gives the name label.parent to owner (auth.From must own
// parent) and points it at Config.Resolver when that is set. label "*"
// creates the wildcard node whose records answer for every name below
// parent that has none of its own.
func (c *Client) SetSubnode(ctx context.Context, auth *bind.TransactOpts, parent, label string, owner common.Address) (string, error) {
	if err := need(c.cfg.Registry, "registry"); err != nil {
		return "", err
	}
	p, err := Normalize(parent)
	if err != nil {
		return "", err
	}
	l := wildcardLabel
	if label != wildcardLabel {
		if l, err = NormalizeLabel(label); err != nil {
			return "", err
		}
	}
	name := l + "." + p
	var data []byte
	if c.cfg.Resolver == (common.Address{}) {
		data = c.registry.PackSetSubnodeOwner(Namehash(p), LabelHash(l), owner)
	} else {
		data = c.registry.PackSetSubnodeRecord(Namehash(p), LabelHash(l), owner, c.cfg.Resolver, 0)
	}
	if _, err := c.chain.transact(ctx, auth, c.cfg.Registry, data); err != nil {
		return "", fmt.Errorf("naming: create %q: %w", name, err)
	}
	c.cache.drop(Namehash(name))
	return name, nil
}

// SetResolver points name at resolver in the registry.
func (c *Client) SetResolver(ctx context.Context, auth *bind.TransactOpts, name string, resolver common.Address) error {
	if err := need(c.cfg.Registry, "registry"); err != nil {
		return err
	}
	norm, err := Normalize(name)
	if err != nil {
		return err
	}
	node := Namehash(norm)
	if _, err := c.chain.transact(ctx, auth, c.cfg.Registry, c.registry.PackSetResolver(node, resolver)); err != nil {
		return fmt.Errorf("naming: set resolver of %q: %w", norm, err)
	}
	c.cache.drop(node)
	return nil
}

// SetAddr sets name's addr record (coin type 60).
func (c *Client) SetAddr(ctx context.Context, auth *bind.TransactOpts, name string, addr common.Address) error {
	return c.setRecord(ctx, auth, name, "addr", func(node common.Hash) []byte {
		return c.resolver.PackSetAddr0(node, addr)
	})
}

// SetText sets name's text record key to value.
func (c *Client) SetText(ctx context.Context, auth *bind.TransactOpts, name, key, value string) error {
	return c.setRecord(ctx, auth, name, "text "+key, func(node common.Hash) []byte {
		return c.resolver.PackSetText(node, key, value)
	})
}

// SetContenthash sets name's content hash.
func (c *Client) SetContenthash(ctx context.Context, auth *bind.TransactOpts, name string, hash []byte) error {
	return c.setRecord(ctx, auth, name, "contenthash", func(node common.Hash) []byte {
		return c.resolver.PackSetContenthash(node, hash)
	})
}

// setRecord writes one record on name's own resolver, first pointing name
// at Config.Resolver if it has none.
func (c *Client) setRecord(ctx context.Context, auth *bind.TransactOpts, name, what string, pack func(common.Hash) []byte) error {
	if err := need(c.cfg.Registry, "registry"); err != nil {
		return err
	}
	norm, err := Normalize(name)
	if err != nil {
		return err
	}
	node := Namehash(norm)
	r, err := c.resolverOf(ctx, node)
	if err != nil {
		return fmt.Errorf("naming: set %s of %q: %w", what, norm, err)
	}
	if r == (common.Address{}) {
		if err := need(c.cfg.Resolver, "resolver"); err != nil {
			return fmt.Errorf("naming: set %s of %q: name has no resolver: %w", what, norm, err)
		}
		if err := c.SetResolver(ctx, auth, norm, c.cfg.Resolver); err != nil {
			return err
		}
		r = c.cfg.Resolver
	}
	if _, err := c.chain.transact(ctx, auth, r, pack(node)); err != nil {
		return fmt.Errorf("naming: set %s of %q: %w", what, norm, err)
	}
	c.cache.drop(node)
	return nil
}
