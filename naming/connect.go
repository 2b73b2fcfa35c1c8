package naming

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/anynet/anynet/naming/faucetrpc"
)

// maxDiscoverBlocks bounds how far into a chain Discover looks for the
// deployment.
const maxDiscoverBlocks = 1024

// Remote is a Client of a chain reached over JSON-RPC (another process's
// embedded chain, a geth node, a testnet, mainnet), with the client's
// Watch running in the background. Close stops both.
type Remote struct {
	// RPC is the JSON-RPC connection.
	RPC *ethclient.Client
	// Client reads and writes names and DID documents through RPC.
	Client *Client

	watch watcher
}

// Connect dials the JSON-RPC endpoint url (http, ws or ipc, as
// ethclient.Dial) and returns a client of the contracts cfg names. When cfg
// names neither Registry nor DIDRegistry, the addresses are found on the
// chain by Discover (cfg.TLD, default "anynet", tells which registrar to
// look for): that is how a second process joins a chain another one serves
// with EmbeddedConfig.HTTPAddr, knowing only its URL. Connect itself does
// not contact the chain unless it must discover; an unreachable chain
// shows later as ErrChainUnavailable.
func Connect(ctx context.Context, url string, cfg Config) (*Remote, error) {
	rpc, err := ethclient.DialContext(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("naming: dial %s: %w", url, classify(err))
	}
	if cfg.Registry == (common.Address{}) && cfg.DIDRegistry == (common.Address{}) {
		found, err := Discover(ctx, rpc, cfg.TLD)
		if err != nil {
			rpc.Close()
			return nil, err
		}
		found.CacheTTL, found.StaleTTL, found.PollInterval, found.Logger = cfg.CacheTTL, cfg.StaleTTL, cfg.PollInterval, cfg.Logger
		cfg = found
	}
	c, err := New(rpc, cfg)
	if err != nil {
		rpc.Close()
		return nil, err
	}
	r := &Remote{RPC: rpc, Client: c}
	r.watch.start(c)
	return r, nil
}

// Close stops the watcher and closes the connection. It is idempotent.
func (r *Remote) Close() error {
	r.watch.stop()
	r.RPC.Close()
	return nil
}

// Fund asks the chain's faucet to top wallet up to DefaultFunding and
// returns once the transfer is mined. The faucet (anynet_fund) is served
// only by an anynet embedded chain shared on loopback (HTTPAddr of
// EmbeddedConfig, `anynet up --serve-chain`), one top-up per wallet per
// minute and 30 per minute in all. A wallet that already holds
// DefaultFunding is left alone and Fund returns nil. An endpoint without
// the method (a geth node, a testnet, mainnet) is ErrNoFaucet; the
// faucet's rate limit is an error wrapping chain.ErrFaucetLimited.
func (r *Remote) Fund(ctx context.Context, wallet common.Address) error {
	return fundFromFaucet(ctx, r.RPC, wallet)
}

// fundFromFaucet calls anynet_fund on rpc and sorts its answer.
func fundFromFaucet(ctx context.Context, rpc *ethclient.Client, wallet common.Address) error {
	var hash common.Hash
	err := rpc.Client().CallContext(ctx, &hash, "anynet_fund", wallet)
	if err == nil {
		return nil
	}
	var he gethrpc.HTTPError
	if errors.As(err, &he) && he.StatusCode/100 == 4 && methodNotFound(0, string(he.Body)) {
		return fmt.Errorf("%w: anynet_fund: %v", ErrNoFaucet, err)
	}
	var re gethrpc.Error
	if !errors.As(err, &re) {
		return fmt.Errorf("naming: fund %s from the chain's faucet: %w", wallet, classify(err))
	}
	// The codes are the faucet's only with its message: public providers
	// use -32005 for their own rate limits.
	ours := strings.Contains(re.Error(), "chain: faucet")
	switch code := re.ErrorCode(); {
	case code == faucetrpc.CodeFunded && ours:
		return nil
	case code == faucetrpc.CodeLimited && ours:
		return fmt.Errorf("naming: fund %s: %w", wallet, &remoteError{msg: re.Error(), is: faucetrpc.ErrLimited})
	case methodNotFound(code, re.Error()):
		return fmt.Errorf("%w: anynet_fund: %v", ErrNoFaucet, err)
	default:
		return fmt.Errorf("naming: fund %s from the chain's faucet: %w", wallet, err)
	}
}

// methodNotFound reports a JSON-RPC answer that the method does not exist:
// -32601, or what some public providers send instead (-32600 or -32000
// with "unsupported method" / "method … not found|not supported|does not
// exist").
func methodNotFound(code int, msg string) bool {
	if code == -32601 {
		return true
	}
	msg = strings.ToLower(msg)
	if !strings.Contains(msg, "method") {
		return false
	}
	for _, s := range []string{"not found", "not supported", "unsupported", "does not exist", "not available", "not allowed"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// remoteError is an error a server sent: its message, and the sentinel its
// code stands for.
type remoteError struct {
	msg string
	is  error
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return e.is }

// Discover finds the contracts Deploy put on a chain, from the chain
// alone. Deploy creates its six contracts from one account with
// consecutive nonces (registry, resolver, registrar, reverse registrar,
// DID registry, passes) and makes the registrar own tld; so Discover walks
// the first blocks (at most 1024) for contract creations and, for each,
// takes the addresses the creator's next five nonces give
// (crypto.CreateAddress) and accepts them when the registry says tld is
// owned by the registrar and points at the resolver, addr.reverse is owned
// by the reverse registrar, and the DID registry and passes have code. On
// the embedded chain the deployment is the first thing in block 1. A chain
// without such a deployment is ErrNotFound.
func Discover(ctx context.Context, rpc *ethclient.Client, tld string) (Config, error) {
	if tld == "" {
		tld = DefaultTLD
	}
	tld, err := NormalizeLabel(tld)
	if err != nil {
		return Config{}, fmt.Errorf("naming: discover: %w", err)
	}
	chainID, err := rpc.ChainID(ctx)
	if err != nil {
		return Config{}, fmt.Errorf("naming: discover: chain id: %w", classify(err))
	}
	head, err := rpc.BlockNumber(ctx)
	if err != nil {
		return Config{}, fmt.Errorf("naming: discover: head: %w", classify(err))
	}
	signer := types.LatestSignerForChainID(chainID)
	for n := uint64(1); n <= min(head, maxDiscoverBlocks); n++ {
		block, err := rpc.BlockByNumber(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			return Config{}, fmt.Errorf("naming: discover: block %d: %w", n, classify(err))
		}
		for _, tx := range block.Transactions() {
			if tx.To() != nil {
				continue
			}
			from, err := types.Sender(signer, tx)
			if err != nil {
				continue
			}
			cfg, ok, err := tryDeployment(ctx, rpc, from, tx.Nonce(), tld)
			if err != nil {
				return Config{}, fmt.Errorf("naming: discover: %w", err)
			}
			if ok {
				return cfg, nil
			}
		}
	}
	return Config{}, fmt.Errorf("%w: no anynet deployment with TLD %q in the first %d blocks", ErrNotFound, tld, min(head, maxDiscoverBlocks))
}

// tryDeployment checks whether from's contracts at nonce..nonce+5 are a
// deployment of Deploy with tld.
func tryDeployment(ctx context.Context, rpc *ethclient.Client, from common.Address, nonce uint64, tld string) (Config, bool, error) {
	var a [6]common.Address
	for i := range a {
		a[i] = crypto.CreateAddress(from, nonce+uint64(i))
	}
	cfg := Config{Registry: a[0], Resolver: a[1], Registrar: a[2], ReverseRegistrar: a[3], DIDRegistry: a[4], Passes: a[5], TLD: tld}
	for _, addr := range a {
		code, err := rpc.CodeAt(ctx, addr, nil)
		if err != nil {
			return Config{}, false, classify(err)
		}
		if len(code) == 0 {
			return Config{}, false, nil
		}
	}
	c, err := New(rpc, cfg)
	if err != nil {
		return Config{}, false, err
	}
	checks := []struct {
		read func() (common.Address, error)
		want common.Address
	}{
		{func() (common.Address, error) { return c.Owner(ctx, tld) }, cfg.Registrar},
		{func() (common.Address, error) { return c.resolverOf(ctx, Namehash(tld)) }, cfg.Resolver},
		{func() (common.Address, error) { return c.Owner(ctx, "addr.reverse") }, cfg.ReverseRegistrar},
	}
	for _, ch := range checks {
		got, err := ch.read()
		if err != nil {
			// A contract that is not a registry reverts or answers
			// garbage: not this deployment. Only an unreachable chain
			// is an error.
			if errors.Is(err, ErrChainUnavailable) {
				return Config{}, false, err
			}
			return Config{}, false, nil
		}
		if got != ch.want {
			return Config{}, false, nil
		}
	}
	return cfg, true, nil
}
