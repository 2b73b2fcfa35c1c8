package pay

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/naming/contracts/bindings"
)

// DefaultChallengePeriod is the challenge period Deploy gives
// PaymentChannels when asked for zero: one day.
const DefaultChallengePeriod = 24 * 60 * 60

// Deployment names the payment contracts on a chain.
type Deployment struct {
	Channels common.Address // PaymentChannels
	Token    common.Address // TestToken; zero if not deployed
}

// Deploy puts PaymentChannels (challenge period in seconds; zero means
// DefaultChallengePeriod) on the chain from w, and, with withToken, a
// TestToken ("anynet test token", ATT) that w mints. The embedded chain's
// dev account is the usual w.
func Deploy(ctx context.Context, backend Backend, chainID *big.Int, w Wallet, challenge uint64, withToken bool) (Deployment, error) {
	if challenge == 0 {
		challenge = DefaultChallengePeriod
	}
	c := NewChain(backend, chainID, common.Address{})
	var d Deployment
	code := append(common.FromHex(bindings.PaymentChannelsMetaData.Bin), channelsABI.PackConstructor(challenge)...)
	r, err := c.transact(ctx, w, nil, nil, code)
	if err != nil {
		return d, fmt.Errorf("pay: deploy PaymentChannels: %w", err)
	}
	d.Channels = r.ContractAddress
	if withToken {
		code := append(common.FromHex(bindings.TestTokenMetaData.Bin), tokenABI.PackConstructor("anynet test token", "ATT")...)
		r, err := c.transact(ctx, w, nil, nil, code)
		if err != nil {
			return d, fmt.Errorf("pay: deploy TestToken: %w", err)
		}
		d.Token = r.ContractAddress
	}
	return d, nil
}

// Mint has the token's minter w give amount of token to `to`.
func (c *Chain) Mint(ctx context.Context, w Wallet, token, to common.Address, amount *big.Int) error {
	if _, err := c.transact(ctx, w, &token, nil, tokenABI.PackMint(to, amount)); err != nil {
		return fmt.Errorf("pay: mint: %w", err)
	}
	return nil
}
