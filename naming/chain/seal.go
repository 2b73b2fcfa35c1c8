package chain

import (
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
)

// Block production. The simulated beacon is built with period 0, so it never
// seals by itself; this file drives it, under sealMu, from one of:
//
//  1. on demand (Config.Period 0): the watcher goroutine receives the pool's
//     new-transaction events and never blocks (the pool's event feed waits for
//     every subscriber, and sealing waits for the pool: a watcher that sealed
//     itself could deadlock); it pokes the sealer through a one-slot channel;
//  2. the sealer goroutine seals until no executable transaction is left, or
//     every Period when Period is set;
//  3. Commit and AdjustTime, called by the user.
//
// After each sealing round the database is synced and the head recorded as
// durable; eth_sendRawTransaction (on demand) and WaitMined return only once
// the transaction's block is durable, so what a caller saw mined survives a
// killed process (see ethConfig for why the state is on disk too).

// startSealer starts the long-lived sealer (and, on demand, watcher) goroutines.
func (c *Chain) startSealer() {
	poke := make(chan struct{}, 1)
	if c.cfg.Period == 0 {
		txs := make(chan core.NewTxsEvent, 16)
		sub := c.eth.TxPool().SubscribeTransactions(txs, true)
		c.sealerWG.Add(1)
		go func() { // long-lived: watcher, until quit
			defer c.sealerWG.Done()
			defer sub.Unsubscribe()
			for {
				select {
				case <-c.quit:
					return
				case <-sub.Err():
					return
				case <-txs:
					select {
					case poke <- struct{}{}:
					default:
					}
				}
			}
		}()
	}
	c.sealerWG.Add(1)
	go func() { // long-lived: sealer, until quit
		defer c.sealerWG.Done()
		var tick <-chan time.Time
		if c.cfg.Period > 0 {
			t := time.NewTicker(c.cfg.Period)
			defer t.Stop()
			tick = t.C
		}
		for {
			select {
			case <-c.quit:
				return
			case <-poke:
				c.sealPending()
			case <-tick:
				if _, err := c.Commit(); err != nil && !c.closed.Load() {
					c.log.Warn("periodic block not sealed", "err", err)
				}
			}
		}
	}()
}

// stopSealer stops the goroutines of startSealer and waits for them.
func (c *Chain) stopSealer() {
	select {
	case <-c.quit:
	default:
		close(c.quit)
	}
	c.sealerWG.Wait()
}

// sealPending seals blocks until the pool holds no executable transaction,
// stopping early if a block includes none of them (a transaction the miner
// will not take, such as one whose tip is below its minimum).
func (c *Chain) sealPending() {
	c.sealMu.Lock()
	defer c.sealMu.Unlock()
	pool := c.eth.TxPool()
	for !c.closed.Load() {
		before := c.eth.BlockChain().CurrentBlock()
		c.beacon.Commit()
		if err := pool.Sync(); err != nil {
			return // pool closed
		}
		head := c.eth.BlockChain().CurrentBlock()
		if head.Hash() == before.Hash() {
			c.log.Warn("block not sealed")
			break
		}
		executable, _ := pool.Stats()
		if executable == 0 {
			break
		}
		if blk := c.eth.BlockChain().GetBlockByHash(head.Hash()); blk == nil || len(blk.Transactions()) == 0 {
			c.log.Warn("pending transactions not included", "count", executable)
			break
		}
	}
	if err := c.syncDB(); err != nil {
		c.log.Error("sync chain database", "err", err)
	}
}

// Commit seals a block now, with whatever executable transactions the pool
// holds (possibly none), and returns its hash.
func (c *Chain) Commit() (common.Hash, error) {
	c.sealMu.Lock()
	defer c.sealMu.Unlock()
	if c.closed.Load() {
		return common.Hash{}, ErrClosed
	}
	before := c.eth.BlockChain().CurrentBlock().Hash()
	if h := c.beacon.Commit(); h == before {
		return common.Hash{}, ErrNotSealed
	}
	return c.eth.BlockChain().CurrentBlock().Hash(), c.syncDB()
}

// AdjustTime seals an empty block whose timestamp is the head's plus d
// (whole seconds), moving chain time forward for tests of expiry. Later
// blocks keep increasing from there. It fails if transactions are pending.
func (c *Chain) AdjustTime(d time.Duration) error {
	c.sealMu.Lock()
	defer c.sealMu.Unlock()
	if c.closed.Load() {
		return ErrClosed
	}
	if d < time.Second {
		return fmt.Errorf("chain: AdjustTime(%v): at least a second", d)
	}
	if err := c.beacon.AdjustTime(d); err != nil {
		return fmt.Errorf("%w: %w", ErrNotSealed, err)
	}
	return c.syncDB()
}

// syncDB flushes the database's write-ahead log to disk (geth writes
// without sync, so a killed process loses what the log still buffers) and
// then marks the head durable.
func (c *Chain) syncDB() error {
	n := c.eth.BlockChain().CurrentBlock().Number.Uint64()
	if err := c.eth.ChainDb().SyncKeyValue(); err != nil {
		return fmt.Errorf("chain: sync database: %w", err)
	}
	c.durableMu.Lock()
	if n > c.durableNum {
		c.durableNum = n
		close(c.durableCh)
		c.durableCh = make(chan struct{})
	}
	c.durableMu.Unlock()
	return nil
}

// durable returns the highest block number known to be on disk and a channel
// closed when that number grows.
func (c *Chain) durable() (uint64, <-chan struct{}) {
	c.durableMu.Lock()
	defer c.durableMu.Unlock()
	return c.durableNum, c.durableCh
}

// minedDurably reports whether the transaction is in a canonical block that
// is on disk, found the way eth_getTransactionReceipt finds it (a bare
// lookup entry can precede the canonical mapping, and the receipt call would
// then answer "transaction indexing is in progress").
func (c *Chain) minedDurably(hash common.Hash, durable uint64) bool {
	lookup, _ := c.eth.BlockChain().GetCanonicalTransaction(hash)
	return lookup != nil && lookup.BlockIndex <= durable
}
