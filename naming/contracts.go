package naming

import (
	"bytes"
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Contract is one configured contract: its role and address.
type Contract struct {
	Role    string // "registry", "resolver", "registrar", "reverse registrar", "DID registry", "passes"
	Address common.Address
}

// Contracts lists every contract role of the config with its address
// (zero when not configured), in a fixed order.
func (c Config) Contracts() []Contract {
	return []Contract{
		{"registry", c.Registry},
		{"resolver", c.Resolver},
		{"registrar", c.Registrar},
		{"reverse registrar", c.ReverseRegistrar},
		{"DID registry", c.DIDRegistry},
		{"passes", c.Passes},
	}
}

// CheckContracts reads the code at every configured address and returns
// ErrNoCode naming the first role and address that hold none: a wrong
// address or a chain without the contracts, told apart from a chain that
// does not answer (ErrChainUnavailable).
func (c *Client) CheckContracts(ctx context.Context) error {
	for _, k := range c.cfg.Contracts() {
		if k.Address == (common.Address{}) {
			continue
		}
		code, err := c.codeAt(ctx, k.Address)
		if err != nil {
			return err
		}
		if len(code) == 0 {
			return fmt.Errorf("%w: %s %s has no code on this chain", ErrNoCode, k.Role, k.Address)
		}
	}
	return nil
}

// codeAt returns the code deployed at addr; a non-empty answer is cached
// (code does not change), an empty one is asked again next time.
func (c *Client) codeAt(ctx context.Context, addr common.Address) ([]byte, error) {
	c.mu.Lock()
	code, ok := c.code[addr]
	c.mu.Unlock()
	if ok {
		return code, nil
	}
	code, err := c.chain.backend.CodeAt(ctx, addr, nil)
	if err != nil {
		return nil, fmt.Errorf("naming: code at %s: %w", addr, classify(err))
	}
	if len(code) > 0 {
		c.mu.Lock()
		c.code[addr] = code
		c.mu.Unlock()
	}
	return code, nil
}

// hasMethod reports whether the contract at addr dispatches the method
// sig ("registerWithConfig(bytes32,address,address,address)"): solc's
// dispatcher compares the call's selector with PUSH4 <selector>.
func (c *Client) hasMethod(ctx context.Context, addr common.Address, sig string) (bool, error) {
	code, err := c.codeAt(ctx, addr)
	if err != nil {
		return false, err
	}
	push4 := append([]byte{0x63}, crypto.Keccak256([]byte(sig))[:4]...)
	return bytes.Contains(code, push4), nil
}
