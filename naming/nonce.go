package naming

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// NonceRetries is how many times RetryTakenNonce sends again.
const NonceRetries = 5

// RetryTakenNonce runs send, which signs a transaction with the
// wallet's pending nonce and hands it to the chain, and runs it again
// while the pool refuses the transaction because another sender of the
// same wallet (the CLI next to its daemon, two nodes of one wallet) took
// that nonce first (NonceTaken): up to NonceRetries times, 20 ms apart,
// doubling. Callers that fix the nonce themselves must not use it.
func RetryTakenNonce[T any](ctx context.Context, send func() (T, error)) (T, error) {
	wait := 20 * time.Millisecond
	for try := 0; ; try++ {
		v, err := send()
		if err == nil || try == NonceRetries || !NonceTaken(err) {
			return v, err
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			var zero T
			return zero, fmt.Errorf("%w (after %v)", ctx.Err(), err)
		case <-timer.C:
		}
		wait *= 2
	}
}

// NonceTaken reports the pool's answers to a transaction whose nonce
// another sender of the same wallet used first.
func NonceTaken(err error) bool {
	s := err.Error()
	return strings.Contains(s, "nonce too low") || strings.Contains(s, "replacement transaction underpriced")
}
