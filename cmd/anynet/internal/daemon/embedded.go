package daemon

import (
	"context"

	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
)

// EmbeddedChain is what the daemon uses of an embedded chain
// (*naming.Embedded). The daemon names only this interface, so a binary
// built with `-tags nochain` links no chain: openEmbedded is then
// nochain.go's, which refuses.
type EmbeddedChain interface {
	// Names is the naming client of the chain's deployment.
	Names() *naming.Client
	// RPCURL is the served JSON-RPC URL, "" when not served.
	RPCURL() string
	// Backend is an in-process client, for contract bindings.
	Backend() *ethclient.Client
	// Fund tops a wallet up from the chain's dev account.
	Fund(ctx context.Context, wallet common.Address) error
	// DevAddress is the contracts' admin; DeployerAuth signs as it.
	DevAddress() common.Address
	DeployerAuth() *bind.TransactOpts
	Close() error
}
