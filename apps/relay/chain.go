package relay

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/naming/contracts/bindings"
)

var creditsABI = bindings.NewRelayCredits()

// Contract is a RelayCredits deployment on a chain.
type Contract struct {
	Chain   *pay.Chain
	Address common.Address
}

// DefaultUnstakeDelay is how long unstaked ether stays locked in a
// RelayCredits that Deploy puts on chain: a day, 24 epochs of the
// default hour.
const DefaultUnstakeDelay = 24 * time.Hour

// Deploy puts RelayCredits on the chain from w, which becomes its owner
// and first Guardian, with DefaultUnstakeDelay.
func Deploy(ctx context.Context, chain *pay.Chain, w pay.Wallet) (*Contract, error) {
	return DeployDelay(ctx, chain, w, DefaultUnstakeDelay)
}

// DeployDelay is Deploy with unstaked ether locked for delay (whole
// seconds) before it can be withdrawn.
func DeployDelay(ctx context.Context, chain *pay.Chain, w pay.Wallet, delay time.Duration) (*Contract, error) {
	code := append(common.FromHex(bindings.RelayCreditsMetaData.Bin), creditsABI.PackConstructor(uint64(delay/time.Second))...)
	r, err := chain.Transact(ctx, w, nil, nil, code)
	if err != nil {
		return nil, fmt.Errorf("relay: deploy RelayCredits: %w", err)
	}
	return &Contract{Chain: chain, Address: r.ContractAddress}, nil
}

// SetGuardian lets (or stops) guardian post commitments; w must be the owner.
func (c *Contract) SetGuardian(ctx context.Context, w pay.Wallet, guardian common.Address, allowed bool) error {
	_, err := c.transact(ctx, w, nil, creditsABI.PackSetGuardian(guardian, allowed))
	if err != nil {
		return fmt.Errorf("relay: set guardian %s: %w", guardian, err)
	}
	return nil
}

// Post puts cm on chain from the Guardian w, funding its total.
func (c *Contract) Post(ctx context.Context, w pay.Wallet, cm Commitment) (*types.Receipt, error) {
	r, err := c.transact(ctx, w, cm.Total, creditsABI.PackCommit(cm.Epoch, cm.Root, cm.Total))
	if err != nil {
		return nil, fmt.Errorf("relay: commit epoch %d: %w", cm.Epoch, err)
	}
	return r, nil
}

// Claim settles cl of epoch on chain, sent by w (any wallet: the credit
// goes to cl.Edge).
func (c *Contract) Claim(ctx context.Context, w pay.Wallet, epoch uint64, cl Claim) (*types.Receipt, error) {
	r, err := c.transact(ctx, w, nil, creditsABI.PackClaim(epoch, cl.Edge, cl.Amount, hashes(cl.Proof)))
	if err != nil {
		return nil, fmt.Errorf("relay: claim epoch %d for %s: %w", epoch, cl.Edge, err)
	}
	return r, nil
}

// ClaimMany settles several claims of epoch in one transaction.
func (c *Contract) ClaimMany(ctx context.Context, w pay.Wallet, epoch uint64, cls []Claim) (*types.Receipt, error) {
	edges := make([]common.Address, len(cls))
	amounts := make([]*big.Int, len(cls))
	lengths := make([]*big.Int, len(cls))
	var proofs [][32]byte
	for i, cl := range cls {
		edges[i], amounts[i], lengths[i] = cl.Edge, cl.Amount, big.NewInt(int64(len(cl.Proof)))
		proofs = append(proofs, hashes(cl.Proof)...)
	}
	r, err := c.transact(ctx, w, nil, creditsABI.PackClaimMany(epoch, edges, amounts, proofs, lengths))
	if err != nil {
		return nil, fmt.Errorf("relay: claim %d credits of epoch %d: %w", len(cls), epoch, err)
	}
	return r, nil
}

// Balance returns what edge has claimed and not withdrawn, in wei.
func (c *Contract) Balance(ctx context.Context, edge common.Address) (*big.Int, error) {
	out, err := c.Chain.Call(ctx, c.Address, creditsABI.PackBalances(edge))
	if err != nil {
		return nil, fmt.Errorf("relay: balance of %s: %w", edge, err)
	}
	return creditsABI.UnpackBalances(out)
}

// Committed returns epoch's root and total on chain (a zero root: none).
func (c *Contract) Committed(ctx context.Context, epoch uint64) (common.Hash, *big.Int, error) {
	out, err := c.Chain.Call(ctx, c.Address, creditsABI.PackEpochs(epoch))
	if err != nil {
		return common.Hash{}, nil, fmt.Errorf("relay: epoch %d: %w", epoch, err)
	}
	e, err := creditsABI.UnpackEpochs(out)
	if err != nil {
		return common.Hash{}, nil, fmt.Errorf("relay: epoch %d: %w", epoch, err)
	}
	return e.Root, e.Total, nil
}

// Withdraw pays w its whole balance.
func (c *Contract) Withdraw(ctx context.Context, w pay.Wallet) error {
	if _, err := c.transact(ctx, w, nil, creditsABI.PackWithdraw()); err != nil {
		return fmt.Errorf("relay: withdraw: %w", err)
	}
	return nil
}

// transact sends data to the contract, turning the contract's custom
// errors into this package's sentinels.
func (c *Contract) transact(ctx context.Context, w pay.Wallet, value *big.Int, data []byte) (*types.Receipt, error) {
	r, err := c.Chain.Transact(ctx, w, &c.Address, value, data)
	if err != nil {
		if s := revertError(err); s != nil {
			return r, fmt.Errorf("%w (%w)", s, err)
		}
	}
	return r, err
}

// revertError maps the revert data an RPC error carries to a sentinel.
func revertError(err error) error {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return nil
	}
	s, ok := de.ErrorData().(string)
	if !ok {
		return nil
	}
	raw, derr := hexutil.Decode(s)
	if derr != nil {
		return nil
	}
	e, uerr := creditsABI.UnpackError(raw)
	if uerr != nil {
		return nil
	}
	switch e.(type) {
	case *bindings.RelayCreditsBadProof:
		return ErrBadProof
	case *bindings.RelayCreditsAlreadyClaimed:
		return ErrClaimed
	case *bindings.RelayCreditsNotCommitted:
		return ErrNotCommitted
	case *bindings.RelayCreditsOverTotal:
		return ErrBadProof
	case *bindings.RelayCreditsStakeLocked:
		return ErrStakeLocked
	case *bindings.RelayCreditsStakeTooLow:
		return ErrStakeTooLow
	case *bindings.RelayCreditsNothingToWithdraw:
		return ErrNothingToWithdraw
	case *bindings.RelayCreditsZeroAmount:
		return ErrZeroAmount
	}
	return nil
}

func hashes(hs []common.Hash) [][32]byte {
	out := make([][32]byte, len(hs))
	for i, h := range hs {
		out[i] = h
	}
	return out
}
