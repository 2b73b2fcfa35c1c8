package naming

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

// Reverse returns the name wallet calls itself (its EIP-181 reverse
// record), accepted only if that name resolves forward to wallet: a reverse
// record anyone could point at any name proves nothing on its own. No
// reverse record is ErrNotFound; one that does not resolve back is
// ErrReverseMismatch.
func (c *Client) Reverse(ctx context.Context, wallet common.Address) (string, error) {
	rname := reverseName(wallet)
	name, err := lookup(ctx, c, "reverse\x00"+rname, func() []common.Hash { return nameDeps(rname) },
		func(ctx context.Context) (string, time.Time, error) {
			out, err := c.record(ctx, rname, c.resolver.PackName(Namehash(rname)))
			if err != nil {
				return "", time.Time{}, fmt.Errorf("naming: reverse of %s: %w", wallet, err)
			}
			name, err := c.resolver.UnpackName(out)
			if err != nil || name == "" {
				return "", time.Time{}, fmt.Errorf("%w: %s has no reverse record", ErrNotFound, wallet)
			}
			return name, time.Time{}, nil
		})
	if err != nil {
		return "", err
	}
	norm, err := Normalize(name)
	if err != nil {
		return "", fmt.Errorf("%w: reverse record of %s: %w", ErrReverseMismatch, wallet, err)
	}
	fwd, err := c.Resolve(ctx, norm)
	switch {
	case errors.Is(err, ErrNotFound):
		return "", fmt.Errorf("%w: %s claims %q, which does not resolve", ErrReverseMismatch, wallet, norm)
	case err != nil:
		return "", err
	case fwd != wallet:
		return "", fmt.Errorf("%w: %s claims %q, which resolves to %s", ErrReverseMismatch, wallet, norm, fwd)
	}
	return norm, nil
}

// SetName sets the reverse record of auth.From to name through the reverse
// registrar (which points the reverse node at its default resolver).
func (c *Client) SetName(ctx context.Context, auth *bind.TransactOpts, name string) error {
	if err := need(c.cfg.ReverseRegistrar, "reverse registrar"); err != nil {
		return err
	}
	norm, err := Normalize(name)
	if err != nil {
		return err
	}
	if _, err := c.chain.transact(ctx, auth, c.cfg.ReverseRegistrar, c.reverse.PackSetName(norm)); err != nil {
		return fmt.Errorf("naming: set reverse name %q: %w", norm, err)
	}
	c.cache.drop(Namehash(reverseName(auth.From)))
	return nil
}
