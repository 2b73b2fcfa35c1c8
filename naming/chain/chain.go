package chain

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/ethclient"
	gethlog "github.com/ethereum/go-ethereum/log"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/rpc"
)

// Chain is a running embedded chain: a go-ethereum node with the eth service
// and a simulated beacon that seals its blocks. Its methods are safe for
// concurrent use.
type Chain struct {
	cfg     Config // copy, defaults applied
	log     *slog.Logger
	dir     string // DataDir/chain
	key     *ecdsa.PrivateKey
	dev     common.Address
	chainID *big.Int
	genesis *core.Genesis

	stack  *node.Node
	eth    *eth.Ethereum
	client *ethclient.Client
	served *rpcServer // nil when not serving JSON-RPC

	rpcFaucet *faucetAPI // anynet_fund on the served endpoint; nil when not serving

	deployment json.RawMessage // set during Start, read-only after

	closed    atomic.Bool   // set first thing in Close
	quit      chan struct{} // closed by Close: stops the sealer and waits
	sealerWG  sync.WaitGroup
	closeOnce sync.Once
	closeErr  error

	// sealMu serialises everything that drives the simulated beacon, which
	// is not safe for concurrent use, and the database sync after a block.
	sealMu sync.Mutex
	beacon *catalyst.SimulatedBeacon

	faucetMu sync.Mutex // serialises the dev account's nonces in Faucet

	durableMu  sync.Mutex
	durableNum uint64        // highest block number synced to disk
	durableCh  chan struct{} // closed and replaced when durableNum grows
}

// Start opens (creating on the first start) the chain in cfg.DataDir/chain,
// starts block production, serves JSON-RPC if cfg.HTTPAddr is set, and on
// the first start runs cfg.Deploy. ctx bounds the funding and Deploy
// transactions; node startup itself is not interruptible. The caller must
// Close the chain.
func Start(ctx context.Context, cfg Config) (*Chain, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := &Chain{
		cfg:  cfg,
		log:  cfg.logger(),
		dir:  filepath.Join(cfg.DataDir, "chain"),
		quit: make(chan struct{}),

		durableCh: make(chan struct{}),
	}
	began := time.Now()
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return nil, fmt.Errorf("chain: create %s: %w", c.dir, err)
	}
	if err := c.openNode(); err != nil {
		return nil, err
	}
	if err := c.startNode(); err != nil {
		c.stack.Close() // releases the lock; a no-op error if Start already closed it
		return nil, err
	}
	if err := c.afterStart(ctx); err != nil {
		c.Close()
		return nil, err
	}
	c.log.Info("chain ready", "dir", c.dir, "chainID", c.chainID, "head", c.eth.BlockChain().CurrentBlock().Number,
		"dev", c.dev, "rpc", c.RPCURL(), "took", time.Since(began).Round(time.Millisecond))
	return c, nil
}

// openNode creates the node (taking the data directory lock), then reads or
// creates the dev key and the genesis, which only the lock holder may touch.
func (c *Chain) openNode() error {
	stack, err := node.New(&node.Config{
		Name:     "geth",
		DataDir:  c.dir,
		DBEngine: "pebble",
		P2P: p2p.Config{ // dev mode: no networking at all
			MaxPeers:    0,
			ListenAddr:  "",
			NoDial:      true,
			NoDiscovery: true,
		},
		Logger: gethlog.NewLogger(minLevel{h: c.log.Handler(), min: slog.LevelError}),
	})
	if err != nil {
		if errors.Is(err, node.ErrDatadirUsed) {
			return fmt.Errorf("%w: %s: %w", ErrLocked, c.dir, err)
		}
		return fmt.Errorf("chain: open node in %s: %w", c.dir, err)
	}
	c.stack = stack
	if c.key, err = loadOrCreateKey(c.dir); err != nil {
		stack.Close()
		return err
	}
	c.dev = crypto.PubkeyToAddress(c.key.PublicKey)
	if c.genesis, err = loadOrCreateGenesis(c.dir, c.cfg.ChainID, c.dev, c.cfg.Funded); err != nil {
		stack.Close()
		return err
	}
	c.chainID = new(big.Int).Set(c.genesis.Config.ChainID)
	return nil
}

// ethConfig is geth --dev's eth configuration with small caches, no
// transaction journal, no blob store on disk, no log index, and hash-scheme
// archive state: every block's state is written to the database with the
// block, so a crash loses nothing that a database sync made durable
// (path-scheme state lives in memory until shutdown or a large buffer fills).
func (c *Chain) ethConfig() *ethconfig.Config {
	ec := ethconfig.Defaults
	ec.Genesis = c.genesis
	ec.NetworkId = c.chainID.Uint64()
	ec.SyncMode = ethconfig.FullSync
	ec.StateScheme = rawdb.HashScheme
	ec.NoPruning = true
	ec.DatabaseCache = 16
	ec.DatabaseHandles = 64
	ec.TrieCleanCache = 16
	ec.TrieDirtyCache = 0
	ec.SnapshotCache = 0
	ec.TransactionHistory = 0 // index every transaction
	ec.TxLookupLimit = 0
	ec.LogNoHistory = true // no log index: see doc.go, Resources
	ec.TxPool.Journal = ""
	ec.TxPool.NoLocals = true
	ec.BlobPool.Datadir = ""
	ec.Miner.GasCeil = gasLimit
	ec.Miner.GasPrice = big.NewInt(1) // 1 wei minimum tip, as geth --dev
	ec.Miner.PendingFeeRecipient = c.dev
	return &ec
}

// startNode binds the RPC listener, creates the eth service, starts the node
// and the simulated beacon.
func (c *Chain) startNode() error {
	var ln net.Listener
	if c.cfg.HTTPAddr != "" {
		addr, _ := loopbackAddr(c.cfg.HTTPAddr) // checked by Validate
		var err error
		if ln, err = listenRPC(addr); err != nil {
			return err
		}
	}
	closeLn := func() {
		if ln != nil {
			ln.Close()
		}
	}
	backend, err := eth.New(c.stack, c.ethConfig())
	if err != nil {
		closeLn()
		return fmt.Errorf("chain: create eth service: %w", err)
	}
	c.eth = backend
	apis := []rpc.API{{
		Namespace: "eth",
		Service:   filters.NewFilterAPI(filters.NewFilterSystem(backend.APIBackend, filters.Config{})),
	}}
	if c.cfg.Period == 0 {
		apis = append(apis, rpc.API{Namespace: "eth", Service: &sendAPI{c: c}}) // after geth's: replaces its method
	}
	c.stack.RegisterAPIs(apis)
	if err := c.stack.Start(); err != nil {
		closeLn()
		return fmt.Errorf("chain: start node: %w", err)
	}
	if c.beacon, err = catalyst.NewSimulatedBeacon(0, c.dev, backend); err != nil {
		closeLn()
		return fmt.Errorf("chain: create simulated beacon: %w", err)
	}
	c.durableNum = backend.BlockChain().CurrentBlock().Number.Uint64() // loaded from disk
	c.client = ethclient.NewClient(c.stack.Attach())
	c.startSealer()
	if ln != nil {
		served := []rpc.API{{Namespace: "web3", Service: web3API{}}}
		for _, api := range backend.APIs() {
			if servedNamespaces[api.Namespace] && !api.Authenticated {
				served = append(served, api)
			}
		}
		served = append(served, apis...)
		c.rpcFaucet = newFaucetAPI(c)
		served = append(served, rpc.API{Namespace: "anynet", Service: c.rpcFaucet})
		if c.served, err = serveRPC(ln, served, c.log); err != nil {
			closeLn()
			c.stopSealer()
			c.client.Close()
			return err
		}
	}
	return nil
}

// afterStart funds Config.Funded accounts missing from the genesis and runs
// or loads the deployment.
func (c *Chain) afterStart(ctx context.Context) error {
	for _, a := range c.cfg.Funded {
		if _, inGenesis := c.genesis.Alloc[a]; inGenesis {
			continue
		}
		bal, err := c.client.BalanceAt(ctx, a, nil)
		if err != nil {
			return fmt.Errorf("chain: balance of %s: %w", a, err)
		}
		if bal.Sign() == 0 {
			if err := c.Faucet(ctx, a, FundedBalance()); err != nil {
				return err
			}
		}
	}
	d, err := readDeployment(c.dir)
	if err != nil {
		return err
	}
	if d == nil && c.cfg.Deploy != nil {
		if d, err = c.cfg.Deploy(ctx, c.client, c.DeployerAuth()); err != nil {
			return fmt.Errorf("chain: deploy: %w", err)
		}
		if err := writeDeployment(c.dir, d); err != nil {
			return err
		}
		c.log.Info("deployed", "deployment", string(d))
	}
	c.deployment = d
	return c.syncDB() // the deployment file names contracts: make their blocks durable too
}

// Client returns an in-process JSON-RPC client of the chain. It is shared:
// do not Close it; it stops working when the chain is closed.
func (c *Chain) Client() *ethclient.Client { return c.client }

// RPCURL returns the HTTP JSON-RPC URL that other local processes dial, e.g.
// "http://127.0.0.1:8545", or "" when the chain serves no JSON-RPC.
func (c *Chain) RPCURL() string {
	if c.served == nil {
		return ""
	}
	return "http://" + c.served.addr
}

// WSURL returns the WebSocket JSON-RPC URL (same port as RPCURL), or "".
func (c *Chain) WSURL() string {
	if c.served == nil {
		return ""
	}
	return "ws://" + c.served.addr
}

// ChainID returns the chain ID.
func (c *Chain) ChainID() uint64 { return c.chainID.Uint64() }

// Deployment returns what Config.Deploy returned on the first start, or nil
// if no deployment was ever made.
func (c *Chain) Deployment() json.RawMessage { return c.deployment }

// DevAddress returns the dev account, which holds almost 2^256 wei.
func (c *Chain) DevAddress() common.Address { return c.dev }

// Dir returns the chain's directory, DataDir/chain.
func (c *Chain) Dir() string { return c.dir }

// Close stops serving, stops block production and the node, and releases the
// data directory. It is idempotent; later calls return the first's result.
func (c *Chain) Close() error {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		if c.served != nil {
			c.served.close()
		}
		c.stopSealer()
		c.sealMu.Lock() // wait for a Commit or AdjustTime in flight
		c.sealMu.Unlock()
		c.client.Close()
		if err := c.stack.Close(); err != nil {
			c.closeErr = fmt.Errorf("chain: close node: %w", err)
		}
	})
	return c.closeErr
}
