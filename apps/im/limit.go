package im

import (
	"maps"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/time/rate"
)

// limiter is a token bucket per sender wallet, told the time by its
// core (no clock of its own). It belongs to its core's goroutine.
type limiter struct {
	rate    rate.Limit // rate.Inf: unlimited
	burst   int
	buckets map[common.Address]*rate.Limiter
}

// maxBuckets bounds the limiter's memory; past it, full buckets are
// forgotten.
const maxBuckets = 10000

// newLimiter makes a limiter of perSec tokens a second (< 0: no limit).
func newLimiter(perSec float64, burst int) *limiter {
	l := &limiter{rate: rate.Limit(perSec), burst: burst, buckets: make(map[common.Address]*rate.Limiter)}
	if perSec < 0 {
		l.rate = rate.Inf
	}
	return l
}

// allow takes one token from w's bucket if it has one.
func (l *limiter) allow(w common.Address, now time.Time) bool {
	if l.rate == rate.Inf {
		return true
	}
	b := l.buckets[w]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			maps.DeleteFunc(l.buckets, func(_ common.Address, b *rate.Limiter) bool { return b.TokensAt(now) >= float64(l.burst) })
		}
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[w] = b
	}
	return b.AllowN(now, 1)
}
