package im

import (
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// TestLimiter: a bucket of burst tokens per wallet that refills at the
// rate, no limit below zero, and full buckets forgotten past maxBuckets.
func TestLimiter(t *testing.T) {
	t0 := time.Unix(1000, 0)
	a, b := common.Address{1}, common.Address{2}
	l := newLimiter(2, 3)
	for i := range 3 {
		if !l.allow(a, t0) {
			t.Fatalf("token %d of the burst refused", i)
		}
	}
	if l.allow(a, t0) || !l.allow(b, t0) {
		t.Fatal("buckets are not per wallet")
	}
	if !l.allow(a, t0.Add(500*time.Millisecond)) || l.allow(a, t0.Add(500*time.Millisecond)) {
		t.Fatal("half a second at 2/s is one token")
	}
	if u := newLimiter(-1, 1); !u.allow(a, t0) || !u.allow(a, t0) || len(u.buckets) != 0 {
		t.Fatal("a negative rate limits")
	}
	l = newLimiter(2, 3)
	for i := range maxBuckets {
		var w common.Address
		w[0], w[1], w[2] = byte(i), byte(i>>8), 9
		l.allow(w, t0)
	}
	for range 3 { // a spends all; the rest refill by t1
		l.allow(a, t0)
	}
	t1 := t0.Add(time.Second)
	l.allow(b, t1)
	if len(l.buckets) != 2 || l.buckets[a] == nil {
		t.Fatalf("%d buckets kept past the limit, want the 2 not full", len(l.buckets))
	}
}
