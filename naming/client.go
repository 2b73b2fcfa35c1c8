package naming

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/naming/contracts/bindings"
)

// Client reads and writes names, DID documents and network passes on one
// chain. It is safe for concurrent use. Reads are cached (Config.CacheTTL);
// run Watch to drop cached answers as soon as the contracts' events say
// they changed.
type Client struct {
	cfg   Config
	log   *slog.Logger
	chain *chain
	cache *cache
	now   func() time.Time // cache clock; tests replace it

	registry  *bindings.ENSRegistry
	resolver  *bindings.PublicResolver
	registrar *bindings.FIFSRegistrar
	reverse   *bindings.ReverseRegistrar
	did       *bindings.DIDRegistry
	passes    *bindings.NetworkPasses

	mu sync.Mutex
	// guarded by mu
	resolvers map[common.Address]*resolverInfo // resolvers met while resolving
	watchNext uint64                           // next block PollEvents reads; 0: first poll pending
	chainID   *big.Int                         // learnt once by knownChainID
	code      map[common.Address][]byte        // deployed code read by codeAt
}

// resolverInfo is what the client learnt about one resolver contract.
type resolverInfo struct {
	checked  bool // extended is known
	extended bool // supports ENSIP-10 resolve(bytes,bytes)
}

// New returns a client of the contracts cfg names on backend. It does not
// contact the chain.
func New(backend Backend, cfg Config) (*Client, error) {
	if backend == nil {
		return nil, fmt.Errorf("naming: nil backend")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Client{
		cfg:       cfg,
		log:       log,
		chain:     &chain{backend: backend},
		cache:     newCache(cfg.CacheTTL, cfg.StaleTTL),
		now:       now,
		registry:  bindings.NewENSRegistry(),
		resolver:  bindings.NewPublicResolver(),
		registrar: bindings.NewFIFSRegistrar(),
		reverse:   bindings.NewReverseRegistrar(),
		did:       bindings.NewDIDRegistry(),
		passes:    bindings.NewNetworkPasses(),
		resolvers: make(map[common.Address]*resolverInfo),
		code:      make(map[common.Address][]byte),
	}, nil
}

// Config returns the client's configuration, defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// Backend returns the chain backend the client uses.
func (c *Client) Backend() Backend { return c.chain.backend }

// ChainID asks the chain for its id (for signing transactions).
func (c *Client) ChainID(ctx context.Context) (*big.Int, error) {
	type chainIDReader interface {
		ChainID(ctx context.Context) (*big.Int, error)
	}
	r, ok := c.chain.backend.(chainIDReader)
	if !ok {
		return nil, fmt.Errorf("naming: backend %T cannot tell its chain id", c.chain.backend)
	}
	id, err := r.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("naming: chain id: %w", classify(err))
	}
	return id, nil
}

// knownChainID is the chain id, asked once; nil when the backend cannot
// tell.
func (c *Client) knownChainID(ctx context.Context) *big.Int {
	c.mu.Lock()
	id := c.chainID
	c.mu.Unlock()
	if id != nil {
		return id
	}
	id, err := c.ChainID(ctx)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	c.chainID = id
	c.mu.Unlock()
	return id
}

// DID returns wallet's DID on this client's chain (FormatDID).
func (c *Client) DID(ctx context.Context, wallet common.Address) string {
	return FormatDID(c.knownChainID(ctx), wallet)
}

// need fails with ErrNoContract when addr is not configured.
func need(addr common.Address, what string) error {
	if addr == (common.Address{}) {
		return fmt.Errorf("%w: %s", ErrNoContract, what)
	}
	return nil
}
