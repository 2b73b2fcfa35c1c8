package chain

import (
	"errors"

	"github.com/anynet/anynet/naming/faucetrpc"
)

// Sentinel errors. Callers test them with errors.Is; the returned errors wrap
// them with the data directory or address involved.
var (
	// ErrLocked is returned by Start when another Chain, in this process or
	// another, holds the data directory.
	ErrLocked = errors.New("chain: data directory in use by another process")

	// ErrNotLoopback is returned by Start when Config.HTTPAddr is not a
	// loopback address: the dev account's chain is never served to a network.
	ErrNotLoopback = errors.New("chain: JSON-RPC address is not loopback")

	// ErrAddrInUse is returned by Start when Config.HTTPAddr is already bound.
	ErrAddrInUse = errors.New("chain: JSON-RPC address already in use")

	// ErrChainIDMismatch is returned by Start when Config.ChainID differs from
	// the chain ID of the chain already stored in the data directory.
	ErrChainIDMismatch = errors.New("chain: chain ID differs from the stored chain")

	// ErrClosed is returned by methods called after Close.
	ErrClosed = errors.New("chain: closed")

	// ErrNotSealed is returned by Commit and AdjustTime when the simulated
	// beacon did not produce a block.
	ErrNotSealed = errors.New("chain: block not sealed")

	// ErrFaucetFunded is the served faucet's answer (code CodeFaucetFunded)
	// to a wallet that already holds its top-up target or more.
	ErrFaucetFunded = errors.New("chain: faucet: wallet already funded")

	// ErrFaucetLimited is the served faucet's answer (code
	// CodeFaucetLimited) once a wallet had its top-up this minute, or all
	// wallets together had FaucetGlobalLimit.
	ErrFaucetLimited = faucetrpc.ErrLimited
)
