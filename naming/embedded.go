//go:build !nochain

package naming

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	embedded "github.com/anynet/anynet/naming/chain"
)

// EmbeddedConfig configures OpenEmbedded. Only DataDir is required.
type EmbeddedConfig struct {
	// DataDir is the node's data directory; the chain lives in
	// DataDir/chain (see package chain). Required.
	DataDir string
	// ChainID of a new chain; zero means chain.DefaultChainID (1337).
	ChainID uint64
	// HTTPAddr, if set, serves the chain's JSON-RPC on this loopback
	// host:port ("127.0.0.1:0": any free port) so other local processes
	// share it through Connect.
	HTTPAddr string
	// Funded accounts receive chain.FundedBalance().
	Funded []common.Address
	// TLD is the registrar's top-level label on the first start (the
	// deployment fixes it for good); empty means DefaultTLD ("anynet").
	TLD string
	// CacheTTL, StaleTTL and PollInterval tune the client (see Config);
	// zero means their defaults.
	CacheTTL, StaleTTL, PollInterval time.Duration
	// Logger receives the chain's and the client's logs; nil discards.
	Logger *slog.Logger
}

// Embedded is a running embedded chain with the contracts deployed on its
// first start, a Client of that deployment, and the client's Watch
// running in the background. Close stops all three.
type Embedded struct {
	// Chain is the running chain (RPCURL, Faucet, DeployerAuth ...).
	Chain *embedded.Chain
	// Client reads and writes names and DID documents on Chain.
	Client *Client

	watch watcher
}

// OpenEmbedded starts (creating on the first start) the embedded chain in
// cfg.DataDir, deploys the contracts with Deploy on the first start (the
// chain stores the resulting Config as its deployment, see
// chain.Chain.Deployment), and returns a client of the stored deployment.
// Started again on the same DataDir it comes back with the same chain,
// contracts and records.
func OpenEmbedded(ctx context.Context, cfg EmbeddedConfig) (*Embedded, error) {
	var opts []DeployOption
	if cfg.TLD != "" {
		opts = append(opts, WithTLD(cfg.TLD))
	}
	ch, err := embedded.Start(ctx, embedded.Config{
		DataDir:  cfg.DataDir,
		ChainID:  cfg.ChainID,
		HTTPAddr: cfg.HTTPAddr,
		Funded:   cfg.Funded,
		Deploy:   DeployFunc(opts...),
		Logger:   cfg.Logger,
		// The served faucet (anynet_fund) tops wallets up to what Fund
		// gives, for Remote.Fund in the processes that share the chain.
		FaucetTarget: DefaultFunding(),
	})
	if err != nil {
		return nil, fmt.Errorf("naming: embedded chain: %w", err)
	}
	ncfg, err := ParseDeployment(ch.Deployment())
	if err != nil {
		ch.Close()
		return nil, fmt.Errorf("naming: embedded chain in %s: %w", ch.Dir(), err)
	}
	ncfg.CacheTTL, ncfg.StaleTTL, ncfg.PollInterval, ncfg.Logger = cfg.CacheTTL, cfg.StaleTTL, cfg.PollInterval, cfg.Logger
	c, err := New(ch.Client(), ncfg)
	if err != nil {
		ch.Close()
		return nil, err
	}
	e := &Embedded{Chain: ch, Client: c}
	e.watch.start(c)
	return e, nil
}

// DeployFunc returns a chain.DeployFunc that runs Deploy and stores the
// resulting Config as the chain's deployment (JSON, see ParseDeployment).
func DeployFunc(opts ...DeployOption) embedded.DeployFunc {
	return func(ctx context.Context, client *ethclient.Client, auth *bind.TransactOpts) (json.RawMessage, error) {
		cfg, err := Deploy(ctx, client, auth, opts...)
		if err != nil {
			return nil, err
		}
		return json.Marshal(cfg)
	}
}

// Fund tops up wallet from the chain's dev account: when it holds less
// than half of DefaultFunding, it receives DefaultFunding. It returns once
// the transfer is mined.
func (e *Embedded) Fund(ctx context.Context, wallet common.Address) error {
	bal, err := e.Chain.Client().BalanceAt(ctx, wallet, nil)
	if err != nil {
		return fmt.Errorf("naming: balance of %s: %w", wallet, classify(err))
	}
	if bal.Cmp(new(big.Int).Rsh(DefaultFunding(), 1)) >= 0 {
		return nil
	}
	if err := e.Chain.Faucet(ctx, wallet, DefaultFunding()); err != nil {
		return fmt.Errorf("naming: fund %s: %w", wallet, err)
	}
	return nil
}

// Claim funds auth.From (Fund) and makes label.<TLD> its name both ways
// (Client.ClaimName): the one call a fresh wallet needs on the embedded
// chain. It returns the full name.
func (e *Embedded) Claim(ctx context.Context, auth *bind.TransactOpts, label string) (string, error) {
	if err := e.Fund(ctx, auth.From); err != nil {
		return "", err
	}
	return e.Client.ClaimName(ctx, auth, label)
}

// Names returns the client of the chain's deployment (Client).
func (e *Embedded) Names() *Client { return e.Client }

// RPCURL is the chain's served JSON-RPC URL, or "" when it is not served.
func (e *Embedded) RPCURL() string { return e.Chain.RPCURL() }

// Backend is an in-process client of the chain, for contract bindings.
func (e *Embedded) Backend() *ethclient.Client { return e.Chain.Client() }

// DevAddress is the chain's dev account, the admin of its contracts.
func (e *Embedded) DevAddress() common.Address { return e.Chain.DevAddress() }

// DeployerAuth signs as DevAddress.
func (e *Embedded) DeployerAuth() *bind.TransactOpts { return e.Chain.DeployerAuth() }

// Close stops the watcher and the chain. It is idempotent.
func (e *Embedded) Close() error {
	e.watch.stop()
	return e.Chain.Close()
}
