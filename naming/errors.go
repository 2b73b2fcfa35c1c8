package naming

import "errors"

var (
	// ErrInvalidName: a name that ENSIP-15 refuses, an empty name, a label
	// over 255 bytes.
	ErrInvalidName = errors.New("naming: invalid name")
	// ErrNotFound: the name, record, reverse record, DID document entry or
	// pass does not exist on chain.
	ErrNotFound = errors.New("naming: not found")
	// ErrChainUnavailable: the chain's endpoint could not be reached and no
	// cached answer was fresh enough to serve instead.
	ErrChainUnavailable = errors.New("naming: chain unavailable")
	// ErrReverseMismatch: a reverse record names a name that does not
	// resolve back to the same wallet, so the claim is refused.
	ErrReverseMismatch = errors.New("naming: reverse record does not resolve back to the wallet")
	// ErrReverted: a transaction (or its gas estimate) was reverted by the
	// contract: not authorised, name taken, overlapping pass, wrong price...
	ErrReverted = errors.New("naming: transaction reverted")
	// ErrNoContract: the Config has no address for the contract an
	// operation needs (e.g. passes on mainnet).
	ErrNoContract = errors.New("naming: contract address not configured")
	// ErrBadAttribute: a DID attribute whose name or value does not parse.
	ErrBadAttribute = errors.New("naming: malformed DID attribute")
	// ErrNoFaucet: the chain's endpoint has no anynet_fund method, so it is
	// not an anynet embedded chain served on loopback (a geth node, a
	// testnet, mainnet): its ether must come from elsewhere.
	ErrNoFaucet = errors.New("naming: the chain has no anynet faucet")

	// ErrNoEmbeddedChain is returned where a binary built with
	// `-tags nochain` would open the embedded chain (OpenEmbedded is
	// left out of that build, and with it go-ethereum's node packages).
	ErrNoEmbeddedChain = errors.New("naming: this binary was built with -tags nochain; give --chain URL")
	// ErrNoCode: a configured contract address holds no code on the chain
	// (wrong address, wrong chain, or the contracts are not deployed).
	ErrNoCode = errors.New("naming: no contract code at the configured address")
	// ErrBadDID: a string that is not a did:ethr DID of an address.
	ErrBadDID = errors.New("naming: malformed did:ethr DID")
)
