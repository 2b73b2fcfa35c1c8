package naming

import (
	"context"
	"errors"
	"math/big"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// flaky wraps a backend: while down, every read fails the way a refused
// connection does; calls counts contract calls.
type flaky struct {
	Backend
	down  atomic.Bool
	calls atomic.Int64
}

var errRefused = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}

func (f *flaky) CallContract(ctx context.Context, msg ethereum.CallMsg, block *big.Int) ([]byte, error) {
	f.calls.Add(1)
	if f.down.Load() {
		return nil, errRefused
	}
	return f.Backend.CallContract(ctx, msg, block)
}

func (f *flaky) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	if f.down.Load() {
		return nil, errRefused
	}
	return f.Backend.HeaderByNumber(ctx, n)
}

func (f *flaky) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	if f.down.Load() {
		return nil, errRefused
	}
	return f.Backend.FilterLogs(ctx, q)
}

// clock is a manual cache clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// cachedClient is a client over a flaky view of tc with a manual clock.
func cachedClient(t *testing.T, tc *testChain) (*Client, *flaky, *clock) {
	t.Helper()
	f := &flaky{Backend: tc.backend}
	cfg := tc.cfg
	cfg.CacheTTL, cfg.StaleTTL = time.Minute, time.Hour
	c, err := New(f, cfg)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	c.now = clk.Now
	return c, f, clk
}

func TestCacheServesStaleWhenChainDown(t *testing.T) {
	tc := newTestChain(t, 2)
	w := tc.client(t)
	ctx := t.Context()
	name, err := w.Register(ctx, tc.auths[1], "alice", tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Publish(ctx, tc.auths[1], PublishRequest{NodeKey: key32(1)}); err != nil {
		t.Fatal(err)
	}
	c, f, clk := cachedClient(t, tc)
	if _, err := c.Resolve(ctx, name); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DIDDocument(ctx, tc.addr(1)); err != nil {
		t.Fatal(err)
	}
	// A fresh answer is served without asking the chain.
	n := f.calls.Load()
	if got, err := c.Resolve(ctx, name); err != nil || got != tc.addr(1) || f.calls.Load() != n {
		t.Fatalf("cached Resolve = %s, %v, %d calls", got, err, f.calls.Load()-n)
	}

	// Expired but within StaleTTL, chain down: the old answer is served.
	clk.Advance(2 * time.Minute)
	f.down.Store(true)
	if got, err := c.Resolve(ctx, name); err != nil || got != tc.addr(1) {
		t.Fatalf("stale Resolve = %s, %v; want the cached %s", got, err, tc.addr(1))
	}
	if doc, err := c.DIDDocument(ctx, tc.addr(1)); err != nil || doc.KeyStatus(key32(1)) != KeyValid {
		t.Fatalf("stale DIDDocument: %v", err)
	}
	// Never cached: unavailable.
	if _, err := c.Resolve(ctx, "bob.anynet"); !errors.Is(err, ErrChainUnavailable) {
		t.Fatalf("uncached Resolve with chain down: %v", err)
	}
	// Past StaleTTL: unavailable.
	clk.Advance(2 * time.Hour)
	if _, err := c.Resolve(ctx, name); !errors.Is(err, ErrChainUnavailable) {
		t.Fatalf("too-stale Resolve: %v, want ErrChainUnavailable", err)
	}
	// Back up: answered again.
	f.down.Store(false)
	if got, err := c.Resolve(ctx, name); err != nil || got != tc.addr(1) {
		t.Fatalf("Resolve after recovery = %s, %v", got, err)
	}
}

func TestCacheExpires(t *testing.T) {
	tc := newTestChain(t, 3)
	w := tc.client(t)
	ctx := t.Context()
	name, err := w.Register(ctx, tc.auths[1], "alice", tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	c, _, clk := cachedClient(t, tc)
	if _, err := c.Resolve(ctx, "carol.anynet"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if got, _ := c.Resolve(ctx, name); got != tc.addr(1) {
		t.Fatal(got)
	}
	if err := w.SetAddr(ctx, tc.auths[1], name, tc.addr(2)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Register(ctx, tc.auths[2], "carol", tc.addr(2)); err != nil {
		t.Fatal(err)
	}
	// Within the TTL (and without Watch) the old answers stand, the
	// negative one included...
	if got, _ := c.Resolve(ctx, name); got != tc.addr(1) {
		t.Fatalf("within TTL: %s, want the cached %s", got, tc.addr(1))
	}
	if _, err := c.Resolve(ctx, "carol.anynet"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("within TTL, cached not-found: %v", err)
	}
	// ...and after it the chain is asked again.
	clk.Advance(61 * time.Second)
	if got, _ := c.Resolve(ctx, name); got != tc.addr(2) {
		t.Fatalf("after TTL: %s, want %s", got, tc.addr(2))
	}
	if got, err := c.Resolve(ctx, "carol.anynet"); err != nil || got != tc.addr(2) {
		t.Fatalf("after TTL carol = %s, %v", got, err)
	}
}

func TestCacheInvalidatedByEvents(t *testing.T) {
	tc := newTestChain(t, 3)
	w := tc.client(t) // another node, writing
	ctx := t.Context()
	name, err := w.Register(ctx, tc.auths[1], "alice", tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	parent, err := w.Register(ctx, tc.auths[1], "corp", tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	star, err := w.SetSubnode(ctx, tc.auths[1], parent, "*", tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SetAddr(ctx, tc.auths[1], star, tc.addr(1)); err != nil {
		t.Fatal(err)
	}

	c, _, _ := cachedClient(t, tc)
	if _, err := c.PollEvents(ctx); err != nil { // first poll: sets the start
		t.Fatal(err)
	}
	read := func() (common.Address, common.Address, *Document) {
		a, err := c.Resolve(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := c.Resolve(ctx, "x."+parent)
		if err != nil {
			t.Fatal(err)
		}
		d, err := c.DIDDocument(ctx, tc.addr(1))
		if err != nil {
			t.Fatal(err)
		}
		return a, b, d
	}
	read()
	if err := w.SetAddr(ctx, tc.auths[1], name, tc.addr(2)); err != nil {
		t.Fatal(err)
	}
	if err := w.SetAddr(ctx, tc.auths[1], star, tc.addr(2)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Publish(ctx, tc.auths[1], PublishRequest{NodeKey: key32(4)}); err != nil {
		t.Fatal(err)
	}
	// Still cached...
	if a, b, d := read(); a != tc.addr(1) || b != tc.addr(1) || len(d.NodeKeys) != 0 {
		t.Fatalf("before the poll: %s %s %x; want the cached answers", a, b, d.NodeKeys)
	}
	// ...until the events are read.
	n, err := c.PollEvents(ctx)
	if err != nil || n != 3 {
		t.Fatalf("PollEvents dropped %d, %v; want 3", n, err)
	}
	if a, b, d := read(); a != tc.addr(2) || b != tc.addr(2) || len(d.NodeKeys) != 1 {
		t.Fatalf("after the poll: %s %s %x", a, b, d.NodeKeys)
	}
	// Nothing new: nothing dropped.
	if n, err := c.PollEvents(ctx); err != nil || n != 0 {
		t.Fatalf("idle poll dropped %d, %v", n, err)
	}
}

func TestWatch(t *testing.T) {
	tc := newTestChain(t, 3)
	w := tc.client(t)
	ctx := t.Context()
	name, err := w.Register(ctx, tc.auths[1], "alice", tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	c := tc.client(t, func(cfg *Config) { cfg.CacheTTL, cfg.PollInterval = time.Hour, 5*time.Millisecond })
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Watch(wctx) }()
	defer func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Watch returned %v", err)
		}
	}()
	// Wait for the first poll, so that what is cached next is watched.
	for c.watchNextBlock() == 0 {
		time.Sleep(time.Millisecond)
	}
	// Ask until the answer is served from the cache: Watch slept (nothing
	// was asked for), the second ask woke it, and it caught up.
	for !c.cache.isWatching() {
		if got, _ := c.Resolve(ctx, name); got != tc.addr(1) {
			t.Fatal(got)
		}
		time.Sleep(time.Millisecond)
	}
	if err := w.SetAddr(ctx, tc.auths[1], name, tc.addr(2)); err != nil {
		t.Fatal(err)
	}
	// With a one-hour TTL only the watcher can make the new address show.
	deadline := time.Now().Add(time.Minute)
	for {
		got, err := c.Resolve(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if got == tc.addr(2) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Watch never dropped the cached answer")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestWatchIdle: while no cached answer is asked for, Watch does not
// poll, however many blocks go by; an answer asked for then is fetched
// from the chain (an event Watch did not read may have changed it) and
// wakes Watch, whose next poll covers every block since its last.
func TestWatchIdle(t *testing.T) {
	tc := newTestChain(t, 3)
	w := tc.client(t)
	ctx := t.Context()
	name, err := w.Register(ctx, tc.auths[1], "alice", tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	c := tc.client(t, func(cfg *Config) { cfg.CacheTTL, cfg.PollInterval = time.Hour, time.Millisecond })
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Watch(wctx) }()
	defer func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Watch returned %v", err)
		}
	}()
	for c.watchNextBlock() == 0 { // the first poll marks where the next starts
		time.Sleep(time.Millisecond)
	}
	if got, _ := c.Resolve(ctx, name); got != tc.addr(1) { // cached, not asked for again yet
		t.Fatal(got)
	}
	time.Sleep(10 * time.Millisecond) // ten poll intervals: Watch goes to sleep
	first := c.watchNextBlock()
	if err := w.SetAddr(ctx, tc.auths[1], name, tc.addr(2)); err != nil { // new blocks
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // a hundred poll intervals
	if got := c.watchNextBlock(); got != first {
		t.Fatalf("Watch polled with nothing asked for: next block %d, was %d", got, first)
	}
	// The cached answer is stale; asked for while Watch sleeps, it is
	// not served: the chain answers.
	if got, _ := c.Resolve(ctx, name); got != tc.addr(2) {
		t.Fatalf("served %s from the cache while Watch slept", got)
	}
	deadline := time.Now().Add(time.Minute)
	for c.watchNextBlock() == first {
		if time.Now().After(deadline) {
			t.Fatal("an answer asked for did not wake Watch")
		}
		time.Sleep(time.Millisecond)
	}
}

func (c *cache) isWatching() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.watching
}

func (c *Client) watchNextBlock() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.watchNext
}

// TestWatchSleepsAfterTenPolls: an answer served from the cache keeps
// Watch polling for ten poll intervals, not for a whole CacheTTL: a node
// that looked names up at start does not poll the chain for the next
// minute.
func TestWatchSleepsAfterTenPolls(t *testing.T) {
	tc := newTestChain(t, 2)
	w := tc.client(t)
	ctx := t.Context()
	name, err := w.Register(ctx, tc.auths[1], "alice", tc.addr(1))
	if err != nil {
		t.Fatal(err)
	}
	c := tc.client(t, func(cfg *Config) { cfg.CacheTTL, cfg.PollInterval = time.Hour, 5*time.Millisecond })
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Watch(wctx) }()
	defer func() {
		cancel()
		<-done
	}()
	// A first answer is fetched; asked for again it wakes Watch.
	deadline := time.Now().Add(time.Minute)
	for !c.cache.isWatching() {
		if _, err := c.Resolve(ctx, name); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("Watch never caught up")
		}
		time.Sleep(time.Millisecond)
	}
	if got, _ := c.Resolve(ctx, name); got != tc.addr(1) { // the cache's answer
		t.Fatal(got)
	}
	deadline = time.Now().Add(time.Minute)
	for c.cache.isWatching() {
		if time.Now().After(deadline) {
			t.Fatal("Watch still polls a minute after the last answer asked for (CacheTTL is an hour)")
		}
		time.Sleep(time.Millisecond)
	}
}
