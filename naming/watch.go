package naming

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
)

// watchIdlePolls is how many poll intervals with no cached answer asked
// for put Watch to sleep (at most a CacheTTL).
const watchIdlePolls = 10

// maxPollRange is the widest block range one poll reads; after a longer
// gap (a long outage) the whole cache is dropped instead.
const maxPollRange = 5000

// Watch drops cached answers as soon as the contracts' events touch them:
// every PollInterval it reads the new logs of the registry, of every
// resolver met so far and of the DID registry (FilterLogs, so it works on
// HTTP endpoints too) and drops the entries that depend on the node or
// identity each event names.
//
// It polls only while cached answers are asked for: once none was asked
// for in ten poll intervals (at most a CacheTTL), it sleeps, so an idle
// node does not wake for the chain, nor poll through the minute after
// its start-up lookups. While it sleeps the cache serves nothing (an event it did not
// read may have made an answer stale): the next lookup asks the chain and
// wakes it, it reads every event since its last poll at once, and cached
// answers are served again. It runs until ctx ends and returns
// ctx.Err(); failed polls are logged and retried.
func (c *Client) Watch(ctx context.Context) error {
	c.cache.watchStart()
	defer c.cache.watchStop()
	t := time.NewTicker(c.cfg.PollInterval)
	defer t.Stop()
	for {
		if _, err := c.PollEvents(ctx); err == nil {
			c.cache.caughtUp()
		} else if ctx.Err() == nil {
			c.log.Debug("naming: event poll failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if wake := c.cache.sleep(c.now(), min(c.cfg.CacheTTL, watchIdlePolls*c.cfg.PollInterval)); wake != nil {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-wake:
				t.Reset(c.cfg.PollInterval)
			}
		}
	}
}

// PollEvents reads the events since the previous poll once and returns how
// many cache entries they dropped. The first poll only clears the cache and
// marks where the next one starts.
func (c *Client) PollEvents(ctx context.Context) (int, error) {
	head, err := c.chain.backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("naming: poll events: %w", classify(err))
	}
	to := head.Number.Uint64()

	c.mu.Lock()
	from := c.watchNext
	addrs := c.watchedLocked()
	c.mu.Unlock()

	if from == 0 || to >= from+maxPollRange {
		n := c.cache.len()
		c.cache.clear()
		c.setWatchNext(to + 1)
		return n, nil
	}
	if from > to {
		return 0, nil
	}
	logs, err := c.chain.backend.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from),
		ToBlock:   new(big.Int).SetUint64(to),
		Addresses: addrs,
	})
	if err != nil {
		return 0, fmt.Errorf("naming: poll events %d..%d: %w", from, to, classify(err))
	}
	newOwner := c.registry.GetABI().Events["NewOwner"].ID
	var deps []common.Hash
	for _, l := range logs {
		if len(l.Topics) < 2 {
			continue
		}
		deps = append(deps, l.Topics[1])
		if l.Topics[0] == newOwner && len(l.Topics) >= 3 {
			deps = append(deps, childNode(l.Topics[1], l.Topics[2]))
		}
	}
	n := c.cache.drop(deps...)
	c.setWatchNext(to + 1)
	if n > 0 {
		c.log.Debug("naming: events dropped cached answers", "from", from, "to", to, "events", len(logs), "dropped", n)
	}
	return n, nil
}

func (c *Client) setWatchNext(next uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if next > c.watchNext {
		c.watchNext = next
	}
}

// watchedLocked lists the contracts whose events matter to the cache.
func (c *Client) watchedLocked() []common.Address {
	var out []common.Address
	seen := make(map[common.Address]bool)
	add := func(a common.Address) {
		if a != (common.Address{}) && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	add(c.cfg.Registry)
	add(c.cfg.Resolver)
	add(c.cfg.DIDRegistry)
	for r := range c.resolvers {
		add(r)
	}
	return out
}
