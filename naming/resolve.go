package naming

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// extendedResolverID is the ERC-165 id of ENSIP-10's resolve(bytes,bytes).
var extendedResolverID = [4]byte{0x90, 0x61, 0xb9, 0x23}

// CoinTypeETH is the SLIP-44 coin type of ether (ENSIP-9).
const CoinTypeETH = 60

// Resolve returns the wallet address name points to (its addr record).
// Unknown names, names without a resolver and names whose addr is unset are
// ErrNotFound.
func (c *Client) Resolve(ctx context.Context, name string) (common.Address, error) {
	norm, err := Normalize(name)
	if err != nil {
		return common.Address{}, err
	}
	return lookup(ctx, c, "addr\x00"+norm, func() []common.Hash { return nameDeps(norm) },
		func(ctx context.Context) (common.Address, time.Time, error) {
			out, err := c.record(ctx, norm, c.resolver.PackAddr(Namehash(norm)))
			if err != nil {
				return common.Address{}, time.Time{}, fmt.Errorf("naming: resolve %q: %w", norm, err)
			}
			addr, err := c.resolver.UnpackAddr(out)
			if err != nil || addr == (common.Address{}) {
				return common.Address{}, time.Time{}, fmt.Errorf("%w: %q has no address", ErrNotFound, norm)
			}
			return addr, time.Time{}, nil
		})
}

// Address returns name's address record for a SLIP-44 coin type (ENSIP-9).
func (c *Client) Address(ctx context.Context, name string, coinType uint64) ([]byte, error) {
	norm, err := Normalize(name)
	if err != nil {
		return nil, err
	}
	out, err := c.record(ctx, norm, c.resolver.PackAddr0(Namehash(norm), new(big.Int).SetUint64(coinType)))
	if err != nil {
		return nil, fmt.Errorf("naming: address %q coin %d: %w", norm, coinType, err)
	}
	a, err := c.resolver.UnpackAddr0(out)
	if err != nil || len(a) == 0 {
		return nil, fmt.Errorf("%w: %q has no address for coin %d", ErrNotFound, norm, coinType)
	}
	return a, nil
}

// Text returns name's text record key (ENSIP-5); an unset record is ErrNotFound.
func (c *Client) Text(ctx context.Context, name, key string) (string, error) {
	norm, err := Normalize(name)
	if err != nil {
		return "", err
	}
	return lookup(ctx, c, "text\x00"+norm+"\x00"+key, func() []common.Hash { return nameDeps(norm) },
		func(ctx context.Context) (string, time.Time, error) {
			out, err := c.record(ctx, norm, c.resolver.PackText(Namehash(norm), key))
			if err != nil {
				return "", time.Time{}, fmt.Errorf("naming: text %q %q: %w", norm, key, err)
			}
			v, err := c.resolver.UnpackText(out)
			if err != nil || v == "" {
				return "", time.Time{}, fmt.Errorf("%w: %q has no text %q", ErrNotFound, norm, key)
			}
			return v, time.Time{}, nil
		})
}

// Contenthash returns name's content hash (ENSIP-7, multicodec-prefixed
// bytes); an unset record is ErrNotFound.
func (c *Client) Contenthash(ctx context.Context, name string) ([]byte, error) {
	norm, err := Normalize(name)
	if err != nil {
		return nil, err
	}
	return lookup(ctx, c, "contenthash\x00"+norm, func() []common.Hash { return nameDeps(norm) },
		func(ctx context.Context) ([]byte, time.Time, error) {
			out, err := c.record(ctx, norm, c.resolver.PackContenthash(Namehash(norm)))
			if err != nil {
				return nil, time.Time{}, fmt.Errorf("naming: contenthash %q: %w", norm, err)
			}
			v, err := c.resolver.UnpackContenthash(out)
			if err != nil || len(v) == 0 {
				return nil, time.Time{}, fmt.Errorf("%w: %q has no content hash", ErrNotFound, norm)
			}
			return v, time.Time{}, nil
		})
}

// Owner returns the registry owner of name (zero if none).
func (c *Client) Owner(ctx context.Context, name string) (common.Address, error) {
	norm, err := Normalize(name)
	if err != nil {
		return common.Address{}, err
	}
	if err := need(c.cfg.Registry, "registry"); err != nil {
		return common.Address{}, err
	}
	out, err := c.chain.call(ctx, c.cfg.Registry, c.registry.PackOwner(Namehash(norm)), nil)
	if err != nil {
		return common.Address{}, fmt.Errorf("naming: owner of %q: %w", norm, err)
	}
	owner, err := c.registry.UnpackOwner(out)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: registry %s did not answer owner(): %v", ErrNotFound, c.cfg.Registry, err)
	}
	return owner, nil
}

// record asks name's resolver for the answer to call, an ABI-encoded
// resolver method whose first argument is namehash(name). The resolver is
// the one set on name, else on the nearest ancestor (ENSIP-10); an
// ancestor's resolver must support resolve(bytes,bytes), which is then
// called with the DNS-encoded name. A resolver found on the name itself is
// called through resolve(bytes,bytes) too when it supports it.
func (c *Client) record(ctx context.Context, name string, call []byte) ([]byte, error) {
	r, exact, err := c.findResolver(ctx, name)
	if err != nil {
		return nil, err
	}
	extended, err := c.supportsExtended(ctx, r)
	if err != nil {
		return nil, err
	}
	if !extended {
		if !exact {
			return nil, fmt.Errorf("%w: no resolver for %q (its parent's resolver has no wildcard support)", ErrNotFound, name)
		}
		return c.resolverCall(ctx, r, call)
	}
	dns, err := DNSEncode(name)
	if err != nil {
		return nil, err
	}
	out, err := c.resolverCall(ctx, r, c.resolver.PackResolve(dns, call))
	if err != nil {
		return nil, err
	}
	inner, err := c.resolver.UnpackResolve(out)
	if err != nil {
		return nil, fmt.Errorf("%w: resolver %s: bad resolve() answer: %v", ErrNotFound, r, err)
	}
	return inner, nil
}

// resolverCall calls a resolver; a revert means "no such record".
func (c *Client) resolverCall(ctx context.Context, r common.Address, call []byte) ([]byte, error) {
	out, err := c.chain.call(ctx, r, call, nil)
	if errors.Is(err, ErrReverted) {
		return nil, fmt.Errorf("%w: resolver %s: %w", ErrNotFound, r, err)
	}
	return out, err
}

// findResolver returns the resolver set on name or its nearest ancestor,
// and whether it was set on name itself.
func (c *Client) findResolver(ctx context.Context, name string) (common.Address, bool, error) {
	if err := need(c.cfg.Registry, "registry"); err != nil {
		return common.Address{}, false, err
	}
	for i, s := range suffixes(name) {
		r, err := c.resolverOf(ctx, Namehash(s))
		if err != nil {
			return common.Address{}, false, err
		}
		if r != (common.Address{}) {
			return r, i == 0, nil
		}
	}
	return common.Address{}, false, fmt.Errorf("%w: no resolver for %q", ErrNotFound, name)
}

// resolverOf returns the registry's resolver of node (zero if none).
func (c *Client) resolverOf(ctx context.Context, node common.Hash) (common.Address, error) {
	out, err := c.chain.call(ctx, c.cfg.Registry, c.registry.PackResolver(node), nil)
	if err != nil {
		return common.Address{}, err
	}
	if len(out) == 0 {
		return common.Address{}, fmt.Errorf("%w: no registry contract at %s", ErrNotFound, c.cfg.Registry)
	}
	r, err := c.registry.UnpackResolver(out)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: registry %s: %v", ErrNotFound, c.cfg.Registry, err)
	}
	if r != (common.Address{}) {
		c.mu.Lock()
		if c.resolvers[r] == nil {
			c.resolvers[r] = &resolverInfo{}
		}
		c.mu.Unlock()
	}
	return r, nil
}

// supportsExtended asks (once per resolver) whether r implements ENSIP-10.
func (c *Client) supportsExtended(ctx context.Context, r common.Address) (bool, error) {
	c.mu.Lock()
	info := c.resolvers[r]
	if info == nil {
		info = &resolverInfo{}
		c.resolvers[r] = info
	}
	if info.checked {
		ext := info.extended
		c.mu.Unlock()
		return ext, nil
	}
	c.mu.Unlock()

	out, err := c.chain.call(ctx, r, c.resolver.PackSupportsInterface(extendedResolverID), nil)
	if errors.Is(err, ErrChainUnavailable) || errors.Is(err, context.Canceled) {
		return false, err
	}
	ext := false
	if err == nil {
		if v, uerr := c.resolver.UnpackSupportsInterface(out); uerr == nil {
			ext = v
		}
	}
	c.mu.Lock()
	info.checked, info.extended = true, ext
	c.mu.Unlock()
	return ext, nil
}
