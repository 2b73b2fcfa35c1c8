package naming

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

// Pass is a network pass: the right to the locator prefix of Len bits.
type Pass struct {
	ID     *big.Int
	Prefix [32]byte
	Len    uint8
	Parent *big.Int // 0 for a root pass
	Owner  common.Address
	// Price is the asking price in wei when offered for sale, else 0.
	Price   *big.Int
	Routers []string
}

// Contains reports whether locator starts with the pass's prefix.
func (p *Pass) Contains(locator [32]byte) bool {
	return prefixMatch(locator, p.Prefix, p.Len)
}

// prefixMatch reports whether the first bits bits of a equal prefix.
func prefixMatch(a, prefix [32]byte, bits uint8) bool {
	full, rest := int(bits)/8, bits%8
	for i := range full {
		if a[i] != prefix[i] {
			return false
		}
	}
	if rest == 0 {
		return true
	}
	mask := byte(0xff) << (8 - rest)
	return a[full]&mask == prefix[full]&mask
}

// MintPass creates a root pass for to; auth must be the contract's admin
// (its deployer). Overlapping root passes are ErrReverted.
func (c *Client) MintPass(ctx context.Context, auth *bind.TransactOpts, to common.Address, prefix [32]byte, bits uint8) (*big.Int, error) {
	return c.createPass(ctx, auth, "mint", c.passes.PackMint(to, prefix, bits))
}

// Subdivide creates a pass inside parent, owned by parent's holder; auth
// must hold (or be approved for) parent, the prefix must lie inside it, be
// longer, and overlap none of parent's other children (else ErrReverted).
func (c *Client) Subdivide(ctx context.Context, auth *bind.TransactOpts, parent *big.Int, prefix [32]byte, bits uint8) (*big.Int, error) {
	return c.createPass(ctx, auth, "subdivide", c.passes.PackSubdivide(parent, prefix, bits))
}

func (c *Client) createPass(ctx context.Context, auth *bind.TransactOpts, what string, data []byte) (*big.Int, error) {
	if err := need(c.cfg.Passes, "passes"); err != nil {
		return nil, err
	}
	receipt, err := c.chain.transact(ctx, auth, c.cfg.Passes, data)
	if err != nil {
		return nil, fmt.Errorf("naming: %s pass: %w", what, err)
	}
	for _, l := range receipt.Logs {
		if ev, err := c.passes.UnpackPassCreatedEvent(l); err == nil && l.Address == c.cfg.Passes {
			return ev.Id, nil
		}
	}
	return nil, fmt.Errorf("naming: %s pass: no PassCreated event in %s", what, receipt.TxHash)
}

// TransferPass moves pass id from auth.From to `to` (safeTransferFrom).
// A transfer clears the pass's offer and routers.
func (c *Client) TransferPass(ctx context.Context, auth *bind.TransactOpts, id *big.Int, to common.Address) error {
	return c.passTx(ctx, auth, "transfer", c.passes.PackSafeTransferFrom(auth.From, to, id))
}

// OfferPass puts pass id up for sale at price wei (0 withdraws the offer).
func (c *Client) OfferPass(ctx context.Context, auth *bind.TransactOpts, id, price *big.Int) error {
	return c.passTx(ctx, auth, "offer", c.passes.PackOffer(id, price))
}

// BuyPass pays the asking price of pass id and takes it.
func (c *Client) BuyPass(ctx context.Context, auth *bind.TransactOpts, id *big.Int) error {
	p, err := c.Pass(ctx, id)
	if err != nil {
		return err
	}
	if p.Price.Sign() == 0 {
		return fmt.Errorf("%w: pass %s is not for sale", ErrNotFound, id)
	}
	opts := *auth
	opts.Value = p.Price
	return c.passTx(ctx, &opts, "buy", c.passes.PackBuy(id))
}

// SetRouters publishes the underlay endpoints of the routers serving pass id.
func (c *Client) SetRouters(ctx context.Context, auth *bind.TransactOpts, id *big.Int, endpoints []string) error {
	return c.passTx(ctx, auth, "set routers of", c.passes.PackSetRouters(id, endpoints))
}

func (c *Client) passTx(ctx context.Context, auth *bind.TransactOpts, what string, data []byte) error {
	if err := need(c.cfg.Passes, "passes"); err != nil {
		return err
	}
	if _, err := c.chain.transact(ctx, auth, c.cfg.Passes, data); err != nil {
		return fmt.Errorf("naming: %s pass: %w", what, err)
	}
	return nil
}

// Pass reads pass id; an id that does not exist is ErrNotFound.
func (c *Client) Pass(ctx context.Context, id *big.Int) (*Pass, error) {
	if err := need(c.cfg.Passes, "passes"); err != nil {
		return nil, err
	}
	call := func(data []byte) ([]byte, error) {
		out, err := c.chain.call(ctx, c.cfg.Passes, data, nil)
		if errors.Is(err, ErrReverted) {
			return nil, fmt.Errorf("%w: pass %s: %w", ErrNotFound, id, err)
		}
		return out, err
	}
	out, err := call(c.passes.PackPass(id))
	if err != nil {
		return nil, err
	}
	pv, err := c.passes.UnpackPass(out)
	if err != nil {
		return nil, fmt.Errorf("%w: pass %s: %v", ErrNotFound, id, err)
	}
	p := &Pass{ID: new(big.Int).Set(id), Prefix: pv.Prefix, Len: pv.Len, Parent: pv.Parent}
	if out, err = call(c.passes.PackOwnerOf(id)); err != nil {
		return nil, err
	}
	if p.Owner, err = c.passes.UnpackOwnerOf(out); err != nil {
		return nil, fmt.Errorf("naming: pass %s owner: %w", id, err)
	}
	if out, err = call(c.passes.PackOffers(id)); err != nil {
		return nil, err
	}
	if p.Price, err = c.passes.UnpackOffers(out); err != nil {
		return nil, fmt.Errorf("naming: pass %s offer: %w", id, err)
	}
	if out, err = call(c.passes.PackRouters(id)); err != nil {
		return nil, err
	}
	if p.Routers, err = c.passes.UnpackRouters(out); err != nil {
		return nil, fmt.Errorf("naming: pass %s routers: %w", id, err)
	}
	return p, nil
}

// PassFor returns the deepest pass whose prefix holds locator (the
// contract walks roots, then children); none is ErrNotFound.
func (c *Client) PassFor(ctx context.Context, locator [32]byte) (*Pass, error) {
	if err := need(c.cfg.Passes, "passes"); err != nil {
		return nil, err
	}
	out, err := c.chain.call(ctx, c.cfg.Passes, c.passes.PackPassFor(locator), nil)
	if err != nil {
		return nil, fmt.Errorf("naming: pass for %x: %w", locator, err)
	}
	id, err := c.passes.UnpackPassFor(out)
	if err != nil {
		return nil, fmt.Errorf("%w: no passes contract at %s: %v", ErrNotFound, c.cfg.Passes, err)
	}
	if id.Sign() == 0 {
		return nil, fmt.Errorf("%w: no pass holds locator %x", ErrNotFound, locator)
	}
	return c.Pass(ctx, id)
}

// Children returns the ids of the passes subdivided from pass id.
func (c *Client) Children(ctx context.Context, id *big.Int) ([]*big.Int, error) {
	if err := need(c.cfg.Passes, "passes"); err != nil {
		return nil, err
	}
	out, err := c.chain.call(ctx, c.cfg.Passes, c.passes.PackChildrenOf(id), nil)
	if err != nil {
		return nil, fmt.Errorf("naming: children of pass %s: %w", id, err)
	}
	ids, err := c.passes.UnpackChildrenOf(out)
	if err != nil {
		return nil, fmt.Errorf("%w: children of pass %s: %v", ErrNotFound, id, err)
	}
	return ids, nil
}
