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
)
