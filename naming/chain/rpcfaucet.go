package chain

import (
	"context"
	"fmt"
	"github.com/anynet/anynet/naming/faucetrpc"
	"math/big"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
)

// The served faucet's limits: one top-up per wallet per FaucetWindow, and
// FaucetGlobalLimit top-ups per FaucetWindow over all wallets, so a loop
// cannot turn the dev chain into a block factory.
const (
	FaucetWindow      = time.Minute
	FaucetGlobalLimit = 30
)

// JSON-RPC error codes of anynet_fund, beside the standard ones (-32601
// method not found, -32602 invalid params).
const (
	// CodeFaucetFunded: the wallet already holds the top-up target
	// (ErrFaucetFunded).
	CodeFaucetFunded = faucetrpc.CodeFunded
	// CodeFaucetLimited: rate limit (ErrFaucetLimited); EIP-1474's
	// "limit exceeded".
	CodeFaucetLimited = faucetrpc.CodeLimited
	// CodeFaucetRefused: not a wallet the faucet serves (zero address,
	// a caller that is not on loopback).
	CodeFaucetRefused = faucetrpc.CodeRefused
)

// faucetError is an error of anynet_fund with its JSON-RPC code; the rpc
// server sends Error() as the message.
type faucetError struct {
	code int
	err  error
}

var _ rpc.Error = (*faucetError)(nil)

func (e *faucetError) Error() string  { return e.err.Error() }
func (e *faucetError) ErrorCode() int { return e.code }
func (e *faucetError) Unwrap() error  { return e.err }

// faucetAPI is the anynet namespace of the served endpoint: anynet_fund.
// It is registered on the chain's own loopback server only, never on the
// in-process client and never on an endpoint the chain does not serve.
type faucetAPI struct {
	c      *Chain
	target *big.Int
	limit  *faucetLimiter
}

func newFaucetAPI(c *Chain) *faucetAPI {
	target := c.cfg.FaucetTarget
	if target == nil {
		target = DefaultFaucetTarget()
	}
	return &faucetAPI{
		c:      c,
		target: new(big.Int).Set(target),
		limit:  newFaucetLimiter(FaucetWindow, FaucetGlobalLimit, time.Now),
	}
}

// Fund is anynet_fund(address): it sends the dev account's ether to
// wallet so that it holds the faucet's target, and returns the transfer's
// hash once it is in a block synced to disk. A wallet at or above the
// target is refused (CodeFaucetFunded), and so is one topped up in the
// last FaucetWindow, or any once FaucetGlobalLimit wallets were
// (CodeFaucetLimited).
func (f *faucetAPI) Fund(ctx context.Context, wallet common.Address) (common.Hash, error) {
	if p := rpc.PeerInfoFromContext(ctx); p.RemoteAddr != "" && !loopbackRemote(p.RemoteAddr) {
		return common.Hash{}, &faucetError{CodeFaucetRefused, fmt.Errorf("chain: faucet: caller %s is not on loopback", p.RemoteAddr)}
	}
	if wallet == (common.Address{}) {
		return common.Hash{}, &faucetError{CodeFaucetRefused, fmt.Errorf("chain: faucet: refusing the zero address")}
	}
	bal, err := f.c.client.BalanceAt(ctx, wallet, nil)
	if err != nil {
		return common.Hash{}, fmt.Errorf("chain: faucet: balance of %s: %w", wallet, err)
	}
	if bal.Cmp(f.target) >= 0 {
		return common.Hash{}, &faucetError{CodeFaucetFunded, fmt.Errorf("%w: %s holds %s ether, the faucet tops up to %s",
			ErrFaucetFunded, wallet, ether(bal), ether(f.target))}
	}
	release, err := f.limit.reserve(wallet)
	if err != nil {
		return common.Hash{}, &faucetError{CodeFaucetLimited, err}
	}
	amount := new(big.Int).Sub(f.target, bal)
	hash, err := f.c.faucet(ctx, wallet, amount)
	if err != nil {
		release()
		return common.Hash{}, err
	}
	f.c.log.Info("faucet topped up a wallet", "wallet", wallet, "ether", ether(amount), "tx", hash)
	return hash, nil
}

// loopbackRemote reports whether an rpc.PeerInfo RemoteAddr is a loopback
// host:port.
func loopbackRemote(addr string) bool {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return false
		}
		ip, err := netip.ParseAddr(host)
		return err == nil && ip.IsLoopback()
	}
	return ap.Addr().IsLoopback()
}

// ether formats wei as a decimal number of ether.
func ether(wei *big.Int) string {
	return new(big.Rat).SetFrac(wei, big.NewInt(params.Ether)).FloatString(6)
}

// faucetLimiter admits one top-up per wallet per window and max per window
// over all wallets.
type faucetLimiter struct {
	window time.Duration
	max    int
	now    func() time.Time

	// mu guards the fields below.
	mu     sync.Mutex
	last   map[common.Address]time.Time // wallets topped up within window
	recent []time.Time                  // top-ups within window, oldest first
}

func newFaucetLimiter(window time.Duration, max int, now func() time.Time) *faucetLimiter {
	return &faucetLimiter{window: window, max: max, now: now, last: map[common.Address]time.Time{}}
}

// reserve admits a top-up of wallet now, or says why not (ErrFaucetLimited,
// with when to retry). release gives the reservation back, for a top-up
// that failed.
func (l *faucetLimiter) reserve(wallet common.Address) (release func(), err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.expire(now)
	if t, ok := l.last[wallet]; ok {
		return nil, fmt.Errorf("%w: %s was topped up %s ago; one top-up per wallet per %s, retry in %s",
			ErrFaucetLimited, wallet, now.Sub(t).Round(time.Second), l.window, t.Add(l.window).Sub(now).Round(time.Second))
	}
	if len(l.recent) >= l.max {
		return nil, fmt.Errorf("%w: %d top-ups in the last %s, the faucet's limit; retry in %s",
			ErrFaucetLimited, len(l.recent), l.window, l.recent[0].Add(l.window).Sub(now).Round(time.Second))
	}
	l.last[wallet] = now
	l.recent = append(l.recent, now)
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if t, ok := l.last[wallet]; ok && t.Equal(now) {
			delete(l.last, wallet)
		}
		for i, t := range l.recent {
			if t.Equal(now) {
				l.recent = append(l.recent[:i], l.recent[i+1:]...)
				break
			}
		}
	}, nil
}

// expire forgets the top-ups older than window.
func (l *faucetLimiter) expire(now time.Time) {
	i := 0
	for i < len(l.recent) && now.Sub(l.recent[i]) >= l.window {
		i++
	}
	l.recent = append(l.recent[:0], l.recent[i:]...)
	for w, t := range l.last {
		if now.Sub(t) >= l.window {
			delete(l.last, w)
		}
	}
}
