package relay

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/anynet/anynet/apps/pay"
)

// Stake is a wallet's stake in RelayCredits, in wei.
type Stake struct {
	Wallet common.Address
	Amount *big.Int
}

// StakeSnapshot is the stakes an epoch is scored with: each wallet's
// stake at the end of block Block, as RelayCredits.stakeAt reads it.
// Wallets not listed hold none. A Guardian takes it when it settles the
// epoch and publishes it with the evidence (Evidence.Stakes).
type StakeSnapshot struct {
	Block  uint64
	Stakes []Stake // ascending by wallet, no zero amounts
}

// stakeSize is one Stake as published: the wallet and a uint256.
const stakeSize = 20 + 32

// Of returns w's stake in the snapshot (zero if not listed; the highest
// if listed twice, so that the order of a snapshot does not matter).
func (s StakeSnapshot) Of(w common.Address) *big.Int {
	out := new(big.Int)
	for _, st := range s.Stakes {
		if st.Wallet == w && st.Amount != nil && st.Amount.Cmp(out) > 0 {
			out.Set(st.Amount)
		}
	}
	return out
}

// stakeMap is the snapshot as a map, Of for every wallet at once.
func (s StakeSnapshot) stakeMap() map[common.Address]*big.Int {
	m := make(map[common.Address]*big.Int, len(s.Stakes))
	for _, st := range s.Stakes {
		if st.Amount == nil || st.Amount.Sign() <= 0 {
			continue
		}
		if have := m[st.Wallet]; have == nil || st.Amount.Cmp(have) > 0 {
			m[st.Wallet] = st.Amount
		}
	}
	return m
}

// StakeInfo is a wallet's stake on chain now.
type StakeInfo struct {
	Wallet common.Address
	// Staked counts in scores; Unstaking is locked until UnlockAt, then
	// withdrawable (WithdrawStake).
	Staked    *big.Int
	Unstaking *big.Int
	UnlockAt  time.Time // zero when nothing is unstaking
	// Delay is the contract's unstake delay.
	Delay time.Duration
}

// Stake adds amount wei to w's stake.
func (c *Contract) Stake(ctx context.Context, w pay.Wallet, amount *big.Int) (*types.Receipt, error) {
	r, err := c.transact(ctx, w, amount, creditsABI.PackStake())
	if err != nil {
		return nil, fmt.Errorf("relay: stake %v wei: %w", amount, err)
	}
	return r, nil
}

// Unstake takes amount wei out of w's stake at once and locks it for the
// contract's delay (ErrStakeTooLow if w has less staked).
func (c *Contract) Unstake(ctx context.Context, w pay.Wallet, amount *big.Int) (*types.Receipt, error) {
	r, err := c.transact(ctx, w, nil, creditsABI.PackUnstake(amount))
	if err != nil {
		return nil, fmt.Errorf("relay: unstake %v wei: %w", amount, err)
	}
	return r, nil
}

// WithdrawStake pays w what it unstaked, once unlocked (ErrStakeLocked
// before, ErrNothingToWithdraw if nothing is unstaking); it returns the
// amount.
func (c *Contract) WithdrawStake(ctx context.Context, w pay.Wallet) (*big.Int, *types.Receipt, error) {
	info, err := c.StakeInfo(ctx, w.Address())
	if err != nil {
		return nil, nil, err
	}
	r, err := c.transact(ctx, w, nil, creditsABI.PackWithdrawStake())
	if err != nil {
		return nil, nil, fmt.Errorf("relay: withdraw stake: %w", err)
	}
	return info.Unstaking, r, nil
}

// StakeInfo reads wallet's stake, what it is unstaking and the delay.
func (c *Contract) StakeInfo(ctx context.Context, wallet common.Address) (StakeInfo, error) {
	info := StakeInfo{Wallet: wallet}
	out, err := c.Chain.Call(ctx, c.Address, creditsABI.PackStakeOf(wallet))
	if err == nil {
		info.Staked, err = creditsABI.UnpackStakeOf(out)
	}
	if err != nil {
		return info, fmt.Errorf("relay: stake of %s: %w", wallet, err)
	}
	out, err = c.Chain.Call(ctx, c.Address, creditsABI.PackUnstaking(wallet))
	if err != nil {
		return info, fmt.Errorf("relay: unstaking of %s: %w", wallet, err)
	}
	u, err := creditsABI.UnpackUnstaking(out)
	if err != nil {
		return info, fmt.Errorf("relay: unstaking of %s: %w", wallet, err)
	}
	info.Unstaking = u.Amount
	if u.UnlockAt != 0 {
		info.UnlockAt = time.Unix(int64(u.UnlockAt), 0)
	}
	out, err = c.Chain.Call(ctx, c.Address, creditsABI.PackUnstakeDelay())
	if err != nil {
		return info, fmt.Errorf("relay: unstake delay: %w", err)
	}
	d, err := creditsABI.UnpackUnstakeDelay(out)
	if err != nil {
		return info, fmt.Errorf("relay: unstake delay: %w", err)
	}
	info.Delay = time.Duration(d) * time.Second
	return info, nil
}

// maxStakesPerCall bounds the wallets of one stakesAt call.
const maxStakesPerCall = 500

// StakesAt reads the stakes of wallets at the end of block (RelayCredits.
// stakeAt, which keeps checkpoints, so any past block reads on any node):
// a snapshot of those with stake.
func (c *Contract) StakesAt(ctx context.Context, wallets []common.Address, block uint64) (StakeSnapshot, error) {
	snap := StakeSnapshot{Block: block}
	wallets = slices.Clone(wallets)
	slices.SortFunc(wallets, func(a, b common.Address) int { return bytes.Compare(a[:], b[:]) })
	wallets = slices.Compact(wallets)
	for from := 0; from < len(wallets); from += maxStakesPerCall {
		part := wallets[from:min(from+maxStakesPerCall, len(wallets))]
		out, err := c.Chain.Call(ctx, c.Address, creditsABI.PackStakesAt(part, new(big.Int).SetUint64(block)))
		if err != nil {
			return snap, fmt.Errorf("relay: stakes at block %d: %w", block, err)
		}
		amounts, err := creditsABI.UnpackStakesAt(out)
		if err != nil || len(amounts) != len(part) {
			return snap, fmt.Errorf("relay: stakes at block %d: %d answers for %d wallets: %w", block, len(amounts), len(part), err)
		}
		for i, a := range amounts {
			if a.Sign() > 0 {
				snap.Stakes = append(snap.Stakes, Stake{Wallet: part[i], Amount: a})
			}
		}
	}
	return snap, nil
}

// Snapshot reads the stakes of wallets at the chain's latest block.
func (c *Contract) Snapshot(ctx context.Context, wallets []common.Address) (StakeSnapshot, error) {
	h, err := c.Chain.Backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return StakeSnapshot{}, fmt.Errorf("relay: latest block: %w", err)
	}
	return c.StakesAt(ctx, wallets, h.Number.Uint64())
}
