package chain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/netip"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
)

// DefaultChainID is the chain ID of a new chain when Config.ChainID is zero;
// it is geth --dev's.
const DefaultChainID = 1337

// gasLimit is the block gas limit of a new chain (geth's default gas ceiling).
const gasLimit = 60_000_000

// FundedBalance is the balance, in wei, that each account of Config.Funded
// receives: one million ether. Each call returns a new value the caller
// may modify.
func FundedBalance() *big.Int { return new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(1e18)) }

// DefaultFaucetTarget is the balance, in wei, to which the served faucet
// tops a wallet up when Config.FaucetTarget is nil: 10 ether. Each call
// returns a new value the caller may modify.
func DefaultFaucetTarget() *big.Int { return new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18)) }

// DeployFunc deploys a set of contracts on the chain's first start. It gets an
// in-process client and a fresh transactor of the funded dev account, and
// returns a JSON description of what it deployed (typically the contract
// addresses), which the chain stores and returns from Deployment on every
// later start. The client is a *ethclient.Client, so it satisfies both
// bind.ContractBackend and bind.DeployBackend of abigen's v1 and v2 bindings.
type DeployFunc func(ctx context.Context, client *ethclient.Client, auth *bind.TransactOpts) (json.RawMessage, error)

// Config configures an embedded chain. Only DataDir is required.
type Config struct {
	// DataDir is the node's data directory; the chain lives in DataDir/chain
	// and is created on the first start. Required.
	DataDir string

	// ChainID of a new chain; 0 means DefaultChainID (1337). For a chain
	// already in DataDir, 0 accepts the stored chain ID and any other value
	// must match it (ErrChainIDMismatch otherwise).
	ChainID uint64

	// Period is the block period. 0 (the default) produces blocks on demand:
	// each transaction that enters the pool is sealed in a block at once, as
	// geth --dev does, and eth_sendRawTransaction returns only once the
	// transaction is in a block (see the package documentation). Otherwise it
	// must be at least a second, and a block (possibly empty) is sealed every
	// Period.
	Period time.Duration

	// HTTPAddr is the loopback host:port on which the chain serves JSON-RPC
	// over HTTP and WebSocket (same port) so other local processes share the
	// chain, e.g. "127.0.0.1:8545", or "127.0.0.1:0" for a free port. Empty
	// (the default) serves nothing. A non-loopback host is refused with
	// ErrNotLoopback; "localhost" means 127.0.0.1.
	HTTPAddr string

	// Funded lists accounts that receive FundedBalance in the genesis block,
	// besides the dev account. An account listed here after the first start
	// that holds no ether when the chain starts is funded from the dev account
	// instead.
	Funded []common.Address

	// Deploy, if set, is called once, on the first start whose Deploy
	// succeeds; see DeployFunc.
	Deploy DeployFunc

	// FaucetTarget is the balance, in wei, to which the served faucet
	// (anynet_fund, see the package documentation) tops a wallet up; nil
	// means DefaultFaucetTarget (10 ether). It matters only with HTTPAddr.
	FaucetTarget *big.Int

	// Logger receives the chain's own messages and the errors of
	// go-ethereum's node. nil discards. go-ethereum's packages that log to its
	// global root logger (core, eth, miner, txpool) stay silent unless the
	// program sets that logger itself (go-ethereum/log.SetDefault).
	Logger *slog.Logger
}

// Validate reports whether the configuration can start a chain.
func (c *Config) Validate() error {
	if c.DataDir == "" {
		return errors.New("chain: Config.DataDir is required")
	}
	if c.Period < 0 || (c.Period > 0 && c.Period < time.Second) {
		return fmt.Errorf("chain: Config.Period %v: must be 0 (on demand) or at least 1s", c.Period)
	}
	if c.FaucetTarget != nil && c.FaucetTarget.Sign() <= 0 {
		return fmt.Errorf("chain: Config.FaucetTarget %v: must be positive", c.FaucetTarget)
	}
	if c.HTTPAddr != "" {
		if _, err := loopbackAddr(c.HTTPAddr); err != nil {
			return err
		}
	}
	return nil
}

// logger returns the configured logger, or one that discards.
func (c *Config) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// loopbackAddr checks that addr is host:port with a loopback host and returns
// it with "localhost" replaced by 127.0.0.1.
func loopbackAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrNotLoopback, addr, err)
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.IsLoopback() {
		return "", fmt.Errorf("%w: %q (use 127.0.0.1 or [::1])", ErrNotLoopback, addr)
	}
	return net.JoinHostPort(ip.String(), port), nil
}
