package vpn

import (
	"fmt"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/time/rate"
)

// gate decides, with no I/O, whether a wallet may open a session and
// move more bytes: the exit's admission core. It takes the time from
// its caller, so tests and the simulator drive it in their own time.
type gate struct {
	lim Limits

	mu      sync.Mutex // guards wallets
	wallets map[common.Address]*walletUse
}

// walletUse is one wallet's standing.
type walletUse struct {
	sessions    *rate.Limiter
	windowStart time.Time
	used        int64 // bytes in the current window
}

func newGate(l Limits) *gate {
	return &gate{lim: l, wallets: make(map[common.Address]*walletUse)}
}

func (g *gate) use(w common.Address, now time.Time) *walletUse {
	u := g.wallets[w]
	if u == nil {
		r, b := rate.Limit(g.lim.SessionsPerSecond), g.lim.Burst
		switch {
		case g.lim.SessionsPerSecond == 0:
			r = 20
		case g.lim.SessionsPerSecond < 0:
			r = rate.Inf
		}
		if b <= 0 {
			b = 50
		}
		u = &walletUse{sessions: rate.NewLimiter(r, b), windowStart: now}
		g.wallets[w] = u
	}
	if now.Sub(u.windowStart) >= g.lim.window() {
		u.windowStart, u.used = now, 0
	}
	return u
}

// open admits a new session of w at now, or says why not.
func (g *gate) open(w common.Address, now time.Time) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	u := g.use(w, now)
	if g.lim.Bytes > 0 && u.used >= g.lim.Bytes {
		return fmt.Errorf("%w: %d of %d bytes used in this %s window", ErrBytes, u.used, g.lim.Bytes, g.lim.window())
	}
	if !u.sessions.AllowN(now, 1) {
		return fmt.Errorf("%w: more than %g sessions a second", ErrRate, float64(u.sessions.Limit()))
	}
	return nil
}

// spend counts n bytes of w at now and reports ErrBytes once the
// window's allowance is used up (the bytes are counted all the same:
// the session that spent them is ended by its caller).
func (g *gate) spend(w common.Address, now time.Time, n int) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	u := g.use(w, now)
	u.used += int64(n)
	if g.lim.Bytes > 0 && u.used > g.lim.Bytes {
		return fmt.Errorf("%w: %d bytes in this %s window, allowance %d", ErrBytes, u.used, g.lim.window(), g.lim.Bytes)
	}
	return nil
}
