package naming

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// PassAdmin returns the passes contract's admin: the account that
// deployed it, the only one that mints root passes (on the embedded
// chain, its dev account).
func (c *Client) PassAdmin(ctx context.Context) (common.Address, error) {
	if err := need(c.cfg.Passes, "passes"); err != nil {
		return common.Address{}, err
	}
	out, err := c.chain.call(ctx, c.cfg.Passes, c.passes.PackAdmin(), nil)
	if err != nil {
		return common.Address{}, fmt.Errorf("naming: passes admin: %w", err)
	}
	admin, err := c.passes.UnpackAdmin(out)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: no passes contract at %s: %v", ErrNotFound, c.cfg.Passes, err)
	}
	return admin, nil
}

// PassesOf returns the passes wallet holds (owns), parents before their
// children, by walking the tree of passes from the roots. It reads each
// pass's owner once and stops as soon as it found as many passes as
// balanceOf(wallet) says the wallet holds, so it costs one call per pass
// visited plus four per pass returned: fine on a local chain, linear in
// the passes minted on a busy one.
func (c *Client) PassesOf(ctx context.Context, wallet common.Address) ([]*Pass, error) {
	if err := need(c.cfg.Passes, "passes"); err != nil {
		return nil, err
	}
	out, err := c.chain.call(ctx, c.cfg.Passes, c.passes.PackBalanceOf(wallet), nil)
	if err != nil {
		return nil, fmt.Errorf("naming: passes of %s: %w", wallet, err)
	}
	balance, err := c.passes.UnpackBalanceOf(out)
	if err != nil {
		return nil, fmt.Errorf("%w: no passes contract at %s: %v", ErrNotFound, c.cfg.Passes, err)
	}
	if balance.Sign() == 0 {
		return nil, nil
	}
	if out, err = c.chain.call(ctx, c.cfg.Passes, c.passes.PackRoots(), nil); err != nil {
		return nil, fmt.Errorf("naming: passes roots: %w", err)
	}
	queue, err := c.passes.UnpackRoots(out)
	if err != nil {
		return nil, fmt.Errorf("%w: passes roots: %v", ErrNotFound, err)
	}
	var held []*Pass
	for len(queue) > 0 && int64(len(held)) < balance.Int64() {
		id := queue[0]
		queue = queue[1:]
		owner, err := c.passOwner(ctx, id)
		if err != nil {
			return nil, err
		}
		if owner == wallet {
			p, err := c.Pass(ctx, id)
			if err != nil {
				return nil, err
			}
			held = append(held, p)
		}
		kids, err := c.Children(ctx, id)
		if err != nil {
			return nil, err
		}
		queue = append(queue, kids...)
	}
	return held, nil
}

// passOwner reads ownerOf(id); an id that does not exist is ErrNotFound.
func (c *Client) passOwner(ctx context.Context, id *big.Int) (common.Address, error) {
	out, err := c.chain.call(ctx, c.cfg.Passes, c.passes.PackOwnerOf(id), nil)
	if errors.Is(err, ErrReverted) {
		return common.Address{}, fmt.Errorf("%w: pass %s: %w", ErrNotFound, id, err)
	}
	if err != nil {
		return common.Address{}, fmt.Errorf("naming: owner of pass %s: %w", id, err)
	}
	owner, err := c.passes.UnpackOwnerOf(out)
	if err != nil {
		return common.Address{}, fmt.Errorf("naming: owner of pass %s: %w", id, err)
	}
	return owner, nil
}
