package im

import (
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// limiter is a token bucket per sender wallet. It belongs to its
// core's goroutine.
type limiter struct {
	rate    float64 // tokens per second; < 0 means unlimited
	burst   float64
	buckets map[common.Address]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the limiter's memory; past it, full buckets are
// forgotten.
const maxBuckets = 10000

func newLimiter(rate float64, burst int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), buckets: make(map[common.Address]*bucket)}
}

// allow takes one token from w's bucket if it has one.
func (l *limiter) allow(w common.Address, now time.Time) bool {
	if l.rate < 0 {
		return true
	}
	b := l.buckets[w]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[w] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// prune forgets buckets that have refilled.
func (l *limiter) prune(now time.Time) {
	for w, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, w)
		}
	}
}
