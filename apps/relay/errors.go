package relay

import "errors"

var (
	// ErrMalformed: bytes that are not a receipt or probe of this version.
	ErrMalformed = errors.New("relay: malformed")
	// ErrBadSignature: a receipt not signed by its endpoint, or a probe not
	// signed by its watchdog.
	ErrBadSignature = errors.New("relay: bad signature")
	// ErrWrongEpoch: evidence for another epoch than the one scored.
	ErrWrongEpoch = errors.New("relay: wrong epoch")
	// ErrNotForUs: a receipt for another Edge or another epoch than the
	// collector's.
	ErrNotForUs = errors.New("relay: receipt for another edge or epoch")
	// ErrBadProof: a claim whose Merkle proof does not lead to the epoch's
	// committed root (a forged or altered credit).
	ErrBadProof = errors.New("relay: proof does not match the commitment")
	// ErrClaimed: a credit already claimed.
	ErrClaimed = errors.New("relay: already claimed")
	// ErrNotCommitted: a claim for an epoch with no commitment on chain.
	ErrNotCommitted = errors.New("relay: epoch not committed")
	// ErrNotPublished: a Guardian holds no published evidence for the
	// epoch (not settled yet, or not scored by it).
	ErrNotPublished = errors.New("relay: no published evidence")
	// ErrNoCredit: the epoch's commitment holds nothing for this Edge.
	ErrNoCredit = errors.New("relay: no credit in the epoch")
	// ErrMismatch: the root recomputed from published evidence is not the
	// one on chain.
	ErrMismatch = errors.New("relay: recomputed root differs from the one on chain")
	// ErrNoContract: the service has no RelayCredits deployment.
	ErrNoContract = errors.New("relay: no RelayCredits contract configured")
)

// Stake errors (the contract's StakeLocked, StakeTooLow, ZeroAmount and,
// for withdrawStake, NothingToWithdraw).
var (
	// ErrStakeLocked: unstaked ether withdrawn before its delay ran out.
	ErrStakeLocked = errors.New("relay: unstaked ether still locked")
	// ErrStakeTooLow: more unstaked than is staked.
	ErrStakeTooLow = errors.New("relay: not that much staked")
	// ErrNothingToWithdraw: a withdrawal with nothing to take.
	ErrNothingToWithdraw = errors.New("relay: nothing to withdraw")
	// ErrZeroAmount: a stake or unstake of nothing.
	ErrZeroAmount = errors.New("relay: zero amount")
)
