// Package faucetrpc holds the wire contract of anynet_fund, the faucet an
// embedded chain serves (see package naming/chain): its JSON-RPC error
// codes and the sentinel for its rate limit. It is a leaf package so that
// a client (naming.Remote.Fund) can sort the faucet's answers without
// linking the embedded chain (go-ethereum's core, eth, p2p, pebble): the
// `-tags nochain` build depends on that.
package faucetrpc

import "errors"

// JSON-RPC error codes of anynet_fund, beside the standard ones (-32601
// method not found, -32602 invalid params).
const (
	// CodeFunded: the wallet already holds the top-up target.
	CodeFunded = -32010
	// CodeLimited: rate limit (ErrLimited); EIP-1474's "limit exceeded".
	CodeLimited = -32005
	// CodeRefused: not a wallet the faucet serves (zero address, a caller
	// that is not on loopback).
	CodeRefused = -32602
)

// ErrLimited is the served faucet's answer (code CodeLimited) once a
// wallet had its top-up this minute, or all wallets together had the
// faucet's global limit.
var ErrLimited = errors.New("chain: faucet: rate limit")
