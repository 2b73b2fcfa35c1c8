package naming

import (
	"context"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

// PublishRequest is what a node writes into its wallet's DID document.
// Zero fields are left out.
type PublishRequest struct {
	// Identity is the DID's address; zero means auth.From (who must be
	// the identity's owner in the DID registry).
	Identity common.Address
	// NodeKey is the node's X25519 Noise static public key.
	NodeKey [32]byte
	// Binding is the wallet-signed binding of NodeKey (transport's bytes).
	Binding []byte
	// Locators are the node's locators, in text form.
	Locators []string
	// Mailbox names the node that keeps the wallet's mail.
	Mailbox string
	// Routers are underlay endpoints of routers that serve the node.
	Routers []string
	// Underlays are where the node receives frames (AttrUnderlay).
	Underlays []Underlay
	// Services are other did/svc/<Type> endpoints, for apps (the IM
	// service's sealing key, for one).
	Services []Service
	// Validity is how long the attributes stay valid; zero means
	// DefaultValidity. Republish before it runs out.
	Validity time.Duration
}

// Publish writes req's attributes, one setAttribute transaction each, and
// returns how many it wrote. Attributes published before and not in req
// stay until they expire or are revoked.
func (c *Client) Publish(ctx context.Context, auth *bind.TransactOpts, req PublishRequest) (int, error) {
	if err := need(c.cfg.DIDRegistry, "DID registry"); err != nil {
		return 0, err
	}
	id := req.Identity
	if id == (common.Address{}) {
		id = auth.From
	}
	calls, err := c.PublishCalls(id, req)
	if err != nil {
		return 0, err
	}
	defer c.cache.drop(identityDep(id))
	for i, call := range calls {
		if _, err := c.chain.transact(ctx, auth, call.To, call.Data); err != nil {
			return i, fmt.Errorf("naming: %s of %s: %w", call.What, id, err)
		}
	}
	return len(calls), nil
}

// RevokeNodeKey revokes a node key auth.From published.
func (c *Client) RevokeNodeKey(ctx context.Context, auth *bind.TransactOpts, key [32]byte) error {
	return c.RevokeAttribute(ctx, auth, common.Address{}, AttrNodeKey, key[:])
}

// RevokeAttribute revokes the attribute (name, value) of identity (zero:
// auth.From).
func (c *Client) RevokeAttribute(ctx context.Context, auth *bind.TransactOpts, identity common.Address, name string, value []byte) error {
	if err := need(c.cfg.DIDRegistry, "DID registry"); err != nil {
		return err
	}
	if identity == (common.Address{}) {
		identity = auth.From
	}
	n, err := AttributeName(name)
	if err != nil {
		return err
	}
	defer c.cache.drop(identityDep(identity))
	if _, err := c.chain.transact(ctx, auth, c.cfg.DIDRegistry, c.did.PackRevokeAttribute(identity, n, ChainValue(name, value))); err != nil {
		return fmt.Errorf("naming: revoke %s of %s: %w", name, identity, err)
	}
	return nil
}

// ChangeDIDOwner makes newOwner the owner of identity (zero: auth.From) in
// the DID registry.
func (c *Client) ChangeDIDOwner(ctx context.Context, auth *bind.TransactOpts, identity, newOwner common.Address) error {
	if err := need(c.cfg.DIDRegistry, "DID registry"); err != nil {
		return err
	}
	if identity == (common.Address{}) {
		identity = auth.From
	}
	defer c.cache.drop(identityDep(identity))
	if _, err := c.chain.transact(ctx, auth, c.cfg.DIDRegistry, c.did.PackChangeOwner(identity, newOwner)); err != nil {
		return fmt.Errorf("naming: change DID owner of %s: %w", identity, err)
	}
	return nil
}

// PublishServices writes services into wallet's DID document unless
// every one is there and valid for more than half of DefaultValidity
// (auth must be the wallet); it reports whether it wrote. A service
// calls it at start and now and then to keep its entries fresh.
func (c *Client) PublishServices(ctx context.Context, auth *bind.TransactOpts, wallet common.Address, services ...Service) (bool, error) {
	if len(services) == 0 {
		return false, nil
	}
	doc, err := c.DIDDocument(ctx, wallet)
	if err != nil {
		return false, err
	}
	fresh := true
	for _, s := range services {
		until, ok := doc.ValidUntil("did/svc/"+s.Type, []byte(s.Endpoint))
		fresh = fresh && ok && until.Sub(doc.Time) > DefaultValidity/2
	}
	if fresh {
		return false, nil
	}
	if _, err := c.Publish(ctx, auth, PublishRequest{Identity: wallet, Services: services}); err != nil {
		return false, err
	}
	return true, nil
}
