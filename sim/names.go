package sim

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	gethnode "github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/anynet/anynet/naming"
)

// Naming is a scenario's naming section: the real naming contracts on a
// simulated chain (go-ethereum's ethclient/simulated), a name and a DID
// document for every node, and nodes that resolve names and check
// bindings through the real naming client.
type Naming struct {
	// Enabled turns naming on; a "resolve" workload turns it on too.
	Enabled bool `yaml:"enabled"`
	// RTT is the virtual time of one round trip to the chain endpoint: a
	// lookup's answer arrives RTT × (the chain calls it made) after it
	// was asked, so cached answers come at once. Default 10ms.
	RTT Duration `yaml:"rtt"`
	// Batch is how many nodes send their registration transactions
	// before a block is sealed (default 500: 2,000 transactions).
	Batch int `yaml:"batch"`
	// Block is the virtual time between the blocks sealed during the
	// run, which keep the chain's clock on virtual time (default 12s).
	Block Duration `yaml:"block"`
}

func (c *Naming) validate(sc *Scenario) error {
	for _, w := range sc.Workload {
		if w.Kind == "resolve" {
			c.Enabled = true
		}
	}
	if c.RTT == 0 {
		c.RTT = Duration(10 * time.Millisecond)
	}
	if c.Batch <= 0 {
		c.Batch = 500
	}
	if c.Block <= 0 {
		c.Block = Duration(12 * time.Second)
	}
	if c.RTT < 0 || time.Duration(c.Block) < time.Second {
		return fmt.Errorf("%w: naming: rtt must not be negative, block must be at least 1s", ErrScenario)
	}
	return nil
}

// The chain's clock. The simulated beacon seals a block at the wall
// clock's second, or one second after its parent when that is later; so
// the chain runs ahead of any wall clock, from chainBase on: virtual time
// v is block time chainBase + v. Genesis is setupWindow before chainBase;
// deployment and registration take one second of block time per block,
// then a block at chainBase starts the run, and one every Naming.Block
// follows.
var chainBase = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	setupWindow = 24 * time.Hour
	simChainID  = 1337 // ethclient/simulated's
	// Gas limits of the registration transactions (unused gas is not
	// charged; the block gas limit fits a batch of them).
	registerGas  = 1_000_000
	attributeGas = 300_000
	blockGas     = 2_000_000_000
)

var (
	gasTip  = big.NewInt(params.GWei)
	funding = new(big.Int).Mul(big.NewInt(1000), big.NewInt(params.Ether))
)

// names is a run's chain: the simulated backend, the deployment and the
// naming client that registers the nodes. Every node incarnation has a
// naming client of its own (clientFor), with its own cache on virtual
// time, as a process would.
type names struct {
	backend *simulated.Backend
	chain   *countingBackend
	client  *naming.Client
	cfg     naming.Config

	// Setup measures deployment and registration, in wall time.
	Setup  time.Duration
	Blocks uint64 // blocks sealed by the end of registration
	Txs    int    // registration transactions
}

// countingBackend is the simulated chain's client, counting the round
// trips a client makes (calls, headers, log queries); with autoCommit a
// block is sealed after every transaction, for Deploy, which waits for
// each receipt.
type countingBackend struct {
	simulated.Client
	sim        *simulated.Backend
	autoCommit bool
	calls      atomic.Uint64
}

var _ naming.Backend = (*countingBackend)(nil)

func (b *countingBackend) CallContract(ctx context.Context, msg ethereum.CallMsg, block *big.Int) ([]byte, error) {
	b.calls.Add(1)
	return b.Client.CallContract(ctx, msg, block)
}

func (b *countingBackend) HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error) {
	b.calls.Add(1)
	return b.Client.HeaderByNumber(ctx, number)
}

func (b *countingBackend) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	b.calls.Add(1)
	return b.Client.FilterLogs(ctx, q)
}

func (b *countingBackend) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if err := b.Client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	if b.autoCommit {
		b.sim.Commit()
	}
	return nil
}

// nodeName is node id's name: "n<id>.<TLD>".
func (nm *names) nodeName(id int) string { return "n" + strconv.Itoa(id) + "." + nm.cfg.TLD }

// walletKey is node id's wallet key, as newNode derives it.
func walletKey(seed uint64, id int32) (*ecdsa.PrivateKey, error) {
	ws := streamSeed(seed, "wallet", id, 0)
	return crypto.ToECDSA(ws[:])
}

// newNames starts the chain with every node's wallet funded and deploys
// the contracts from a deployer whose key comes from the seed.
func newNames(ctx context.Context, s *Sim) (*names, error) {
	start := time.Now() // measurement only
	ds := streamSeed(s.seed, "deployer", engineSource, 0)
	dkey, err := crypto.ToECDSA(ds[:])
	if err != nil {
		return nil, fmt.Errorf("sim: naming: deployer key: %w", err)
	}
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(dkey.PublicKey): {Balance: funding}}
	for _, n := range s.nodes {
		alloc[n.signer.Address()] = types.Account{Balance: funding}
	}
	genesis := uint64(chainBase.Add(-setupWindow).Unix())
	backend := simulated.NewBackend(alloc, simulated.WithBlockGasLimit(blockGas),
		func(_ *gethnode.Config, ec *ethconfig.Config) { ec.Genesis.Timestamp = genesis })
	nm := &names{backend: backend, chain: &countingBackend{Client: backend.Client(), sim: backend, autoCommit: true}}
	auth := bind.NewKeyedTransactor(dkey, big.NewInt(simChainID))
	cfg, err := naming.Deploy(ctx, nm.chain, auth)
	if err != nil {
		backend.Close()
		return nil, fmt.Errorf("sim: naming: %w", err)
	}
	nm.chain.autoCommit = false
	cfg.Now = func() time.Time { return epoch.Add(time.Duration(s.now.Load())) }
	if nm.client, err = naming.New(nm.chain, cfg); err != nil {
		backend.Close()
		return nil, fmt.Errorf("sim: naming: %w", err)
	}
	nm.cfg = nm.client.Config()
	nm.Setup = time.Since(start)
	return nm, nil
}

// register gives every node its name (registerWithConfig: owner and addr
// record its wallet) and publishes its DID document (node key, binding,
// underlay endpoint with the node key), as stack.Node.Publish would: the
// naming client builds the calls, each node's wallet signs its own, and
// a block is sealed after every Naming.Batch nodes. Then a block at
// chainBase starts the run.
func (nm *names) register(ctx context.Context, s *Sim) error {
	start := time.Now() // measurement only
	signer := types.LatestSignerForChainID(big.NewInt(simChainID))
	for lo := 0; lo < len(s.nodes); lo += s.sc.Naming.Batch {
		hi := min(lo+s.sc.Naming.Batch, len(s.nodes))
		head, err := nm.chain.Client.HeaderByNumber(ctx, nil)
		if err != nil {
			return fmt.Errorf("sim: naming: head: %w", err)
		}
		per := make([]uint64, 0, hi-lo) // transactions of each node of the batch
		feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(4)), gasTip)
		for _, n := range s.nodes[lo:hi] {
			calls, err := nm.nodeCalls(n)
			if err != nil {
				return err
			}
			key, err := walletKey(s.seed, n.id)
			if err != nil || crypto.PubkeyToAddress(key.PublicKey) != n.signer.Address() {
				return fmt.Errorf("sim: naming: wallet key of node %d: %v", n.id, err)
			}
			per = append(per, uint64(len(calls)))
			for k, c := range calls {
				gas := uint64(attributeGas)
				if k == 0 {
					gas = registerGas
				}
				tx, err := types.SignTx(types.NewTx(&types.DynamicFeeTx{
					ChainID: big.NewInt(simChainID), Nonce: uint64(k), GasTipCap: gasTip, GasFeeCap: feeCap,
					Gas: gas, To: &c.To, Data: c.Data,
				}), signer, key)
				if err != nil {
					return fmt.Errorf("sim: naming: node %d: sign %s: %w", n.id, c.What, err)
				}
				if err := nm.chain.Client.SendTransaction(ctx, tx); err != nil {
					return fmt.Errorf("sim: naming: node %d: send %s: %w", n.id, c.What, err)
				}
				nm.Txs++
			}
		}
		if err := nm.promoted(ctx, s.nodes[lo:hi], per); err != nil {
			return err
		}
		if err := nm.seal(ctx, head.Number.Uint64()+1); err != nil {
			return err
		}
	}
	if err := nm.advance(ctx, 0); err != nil {
		return err
	}
	head, err := nm.chain.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		return fmt.Errorf("sim: naming: head: %w", err)
	}
	nm.Blocks = head.Number.Uint64()
	nm.Setup += time.Since(start)
	s.stats.Registered = len(s.nodes)
	s.log.Info("sim: names registered", "nodes", len(s.nodes), "transactions", nm.Txs, "blocks", nm.Blocks, "wall", nm.Setup)
	return nil
}

// nodeCalls are node n's registration and DID writes.
func (nm *names) nodeCalls(n *node) ([]naming.Call, error) {
	_, reg, err := nm.client.RegisterCall("n"+strconv.Itoa(int(n.id)), n.signer.Address())
	if err != nil {
		return nil, fmt.Errorf("sim: naming: node %d: %w", n.id, err)
	}
	binding, err := n.in.Sessions.Binding().MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("sim: naming: node %d: binding: %w", n.id, err)
	}
	key := [32]byte(n.key.Public)
	req := naming.PublishRequest{
		NodeKey:   key,
		Binding:   binding,
		Underlays: []naming.Underlay{{Addr: n.self.Addr, NodeKey: key}},
	}
	if rt := n.s.rt; rt != nil && !rt.isRouter(n.id) { // a routed host publishes its locator, as Publish does
		req.Locators = []string{rt.loc[n.id].String()}
	}
	pub, err := nm.client.PublishCalls(n.signer.Address(), req)
	if err != nil {
		return nil, fmt.Errorf("sim: naming: node %d: %w", n.id, err)
	}
	return append([]naming.Call{reg}, pub...), nil
}

// promoted waits until the pool has taken every transaction of the
// batch as executable (its pending nonce of each sender is the count it
// sent), so that the next block holds the whole batch: the pool promotes
// transactions on a goroutine of its own, and a block sealed before it
// is done would split a node's writes over two blocks depending on
// timing, and so how many log queries its DID document costs.
func (nm *names) promoted(ctx context.Context, batch []*node, per []uint64) error {
	deadline := time.Now().Add(time.Minute) // wall: only bounds a pool that never catches up
	for i, n := range batch {
		for wait := time.Microsecond; ; wait = min(2*wait, 10*time.Millisecond) {
			got, err := nm.chain.Client.PendingNonceAt(ctx, n.signer.Address())
			if err != nil {
				return fmt.Errorf("sim: naming: pending nonce of node %d: %w", n.id, err)
			}
			if got == per[i] {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("sim: naming: the pool holds %d of node %d's %d transactions as pending", got, n.id, per[i])
			}
			time.Sleep(wait)
		}
	}
	return nil
}

// seal commits the batch's block and fails if any transaction was left
// out or, in the blocks from first on, reverted.
func (nm *names) seal(ctx context.Context, first uint64) error {
	type pending interface {
		PendingTransactionCount(ctx context.Context) (uint, error)
		BlockReceipts(ctx context.Context, b rpc.BlockNumberOrHash) ([]*types.Receipt, error)
	}
	p, ok := nm.chain.Client.(pending)
	if !ok {
		return fmt.Errorf("sim: naming: %T cannot tell pending transactions", nm.chain.Client)
	}
	nm.backend.Commit()
	left, err := p.PendingTransactionCount(ctx)
	if err != nil {
		return fmt.Errorf("sim: naming: pending: %w", err)
	}
	if left != 0 {
		// The block builder stopped early (it has a wall-clock budget):
		// which writes land in which block would depend on timing.
		return fmt.Errorf("sim: naming: %d transactions left out of the batch's block; lower naming.batch", left)
	}
	last, err := nm.chain.Client.BlockNumber(ctx)
	if err != nil {
		return fmt.Errorf("sim: naming: block number: %w", err)
	}
	for b := first; b <= last; b++ {
		rs, err := p.BlockReceipts(ctx, rpc.BlockNumberOrHashWithNumber(rpc.BlockNumber(b)))
		if err != nil {
			return fmt.Errorf("sim: naming: receipts of block %d: %w", b, err)
		}
		for _, r := range rs {
			if r.Status != types.ReceiptStatusSuccessful {
				what := ""
				if tx, _, err := nm.chain.Client.TransactionByHash(ctx, r.TxHash); err == nil {
					from, _ := types.Sender(types.LatestSignerForChainID(tx.ChainId()), tx)
					_, cerr := nm.chain.Client.CallContract(ctx, ethereum.CallMsg{From: from, To: tx.To(), Gas: tx.Gas(), Data: tx.Data()}, new(big.Int).SetUint64(b-1))
					what = fmt.Sprintf(" to %s nonce %d gas %d: %v", tx.To(), tx.Nonce(), tx.Gas(), cerr)
				}
				return fmt.Errorf("sim: naming: transaction %s in block %d failed (gas used %d)%s", r.TxHash, b, r.GasUsed, what)
			}
		}
	}
	return nil
}

// advance seals an empty block whose time is chainBase + v (virtual
// nanoseconds, whole seconds of it), if that is after the head's.
func (nm *names) advance(ctx context.Context, v int64) error {
	head, err := nm.chain.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		return fmt.Errorf("sim: naming: head: %w", err)
	}
	target := uint64(chainBase.Add(time.Duration(v)).Unix())
	if target <= head.Time {
		return nil
	}
	if err := nm.backend.AdjustTime(time.Duration(target-head.Time) * time.Second); err != nil {
		return fmt.Errorf("sim: naming: block at %s: %w", time.Duration(v), err)
	}
	return nil
}

// scheduleBlocks seals a block every Naming.Block of virtual time.
func (nm *names) scheduleBlocks(s *Sim) {
	every := int64(s.sc.Naming.Block)
	var next func(at int64)
	next = func(at int64) {
		if at > s.end {
			return
		}
		s.at(at, kindApp, engineSource, func() {
			if err := nm.advance(context.Background(), at); err != nil {
				s.fail("%v", err)
				return
			}
			next(at + every)
		})
	}
	next(every)
}

// clientFor is a new naming client of the deployment, for one node
// incarnation.
func (nm *names) clientFor() *naming.Client {
	c, err := naming.New(nm.chain, nm.cfg)
	if err != nil {
		panic(fmt.Sprintf("sim: naming client of a valid deployment: %v", err)) // nm.cfg was accepted by newNames
	}
	return c
}

// roundTrips is how many chain round trips the client made so far.
func (nm *names) roundTrips() uint64 { return nm.chain.calls.Load() }

func (nm *names) close() {
	if nm != nil && nm.backend != nil {
		nm.backend.Close()
	}
}
