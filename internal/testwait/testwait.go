package testwait

import (
	"context"
	"testing"
	"time"
)

// MaxPoll is the longest pause between two polls of a condition.
const MaxPoll = 20 * time.Millisecond

// Until polls cond until it holds, failing t, with what it waited for,
// when ctx ends.
func Until(t testing.TB, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	UntilOr(t, ctx, what, cond, nil)
}

// UntilOr is Until that runs dump, if not nil, before it fails t (to log
// the state that did not come about).
func UntilOr(t testing.TB, ctx context.Context, what string, cond func() bool, dump func()) {
	t.Helper()
	pause := time.Millisecond
	for !cond() {
		timer := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			timer.Stop()
			if dump != nil {
				dump()
			}
			t.Fatalf("timed out waiting for %s: %v", what, context.Cause(ctx))
			return
		case <-timer.C:
		}
		pause = min(2*pause, MaxPoll)
	}
}

// Within is Until bounded by d from now instead of a context.
func Within(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	UntilOr(t, ctx, what, cond, nil)
}
