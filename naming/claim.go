package naming

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

// ClaimName makes label.<TLD> the name of auth.From in both directions:
// it registers the label for auth.From with its addr record pointing at
// auth.From (Register), then sets auth.From's reverse record to it
// (SetName). Steps already done are skipped, so claiming a name twice
// costs two reads. A label someone else holds is ErrReverted. auth.From
// needs ether for gas (on the embedded chain, Embedded.Fund).
func (c *Client) ClaimName(ctx context.Context, auth *bind.TransactOpts, label string) (string, error) {
	if err := need(c.cfg.Registrar, "registrar"); err != nil {
		return "", err
	}
	l, err := NormalizeLabel(label)
	if err != nil {
		return "", err
	}
	name := l + "." + c.cfg.TLD
	owner, err := c.Owner(ctx, name)
	if err != nil {
		return "", err
	}
	c.ForgetName(name)
	addr, err := c.Resolve(ctx, name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", err
	}
	if owner != auth.From || addr != auth.From {
		if _, err := c.Register(ctx, auth, l, auth.From); err != nil {
			return "", err
		}
	}
	if c.cfg.ReverseRegistrar == (common.Address{}) {
		return name, nil
	}
	c.ForgetName(reverseName(auth.From))
	if got, err := c.Reverse(ctx, auth.From); err == nil && got == name {
		return name, nil
	}
	if err := c.SetName(ctx, auth, name); err != nil {
		return "", fmt.Errorf("naming: claim %q: %w", name, err)
	}
	return name, nil
}

// ForgetName drops the cached answers about name (Resolve, Text,
// Contenthash, Reverse of its reverse node), so the next read asks the
// chain. Watch does this on its own when events arrive.
func (c *Client) ForgetName(name string) {
	norm, err := Normalize(name)
	if err != nil {
		return
	}
	c.cache.drop(Namehash(norm))
}

// ForgetIdentity drops the cached DID document of id, so the next
// DIDDocument reads the chain.
func (c *Client) ForgetIdentity(id common.Address) {
	c.cache.drop(identityDep(id))
}
