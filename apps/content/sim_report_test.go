package content

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// cdnUnfinished logs why the downloads of id that did not complete did
// not: per download its state (never started, failed, still running),
// the bytes verified, and each provider tried with the bytes it gave
// and why it was dropped; then a tally of the states and drop reasons.
// It returns the number of unfinished downloads.
func cdnUnfinished(t *testing.T, id ID, fetchers []common.Address, cores map[common.Address]*Core, done map[common.Address]bool) int {
	t.Helper()
	states := map[string]int{}
	reasons := map[string]int{}
	n := 0
	for _, w := range fetchers {
		if done[w] {
			continue
		}
		n++
		c := cores[w]
		var f *fetch
		if c != nil {
			f = c.find(id)
		}
		state := "no download"
		switch {
		case c == nil:
			state = "no core"
		case f == nil:
		case f.failed:
			state = "failed"
		case f.size < 0:
			state = "sizing"
		default:
			state = "running"
		}
		states[state]++
		if f == nil {
			t.Logf("unfinished %s: %s", w, state)
			continue
		}
		var ps []string
		live := 0
		for _, p := range f.provs {
			why := "live"
			if p.dropped != nil {
				why = dropReason(p.dropped)
				reasons[why]++
			} else {
				live++
			}
			ps = append(ps, fmt.Sprintf("%s %dK %s", p.w.Hex()[:8], p.bytes>>10, why))
		}
		inflight := 0
		for _, q := range c.reqs {
			if q.f == f {
				inflight++
			}
		}
		if n <= 40 {
			t.Logf("unfinished %s: %s, %d of %d bytes (%d/%d ranges, %d queued, %d Gets out), %d providers (%d live): %s",
				w.Hex()[:8], state, c.have(f), f.size, f.ndone, len(f.done), len(f.queue), inflight, len(f.provs), live, strings.Join(ps, ", "))
		}
	}
	if n > 0 {
		t.Logf("unfinished: %d; states %v; drop reasons among their providers %v", n, sortedCounts(states), sortedCounts(reasons))
	}
	return n
}

// dropReason names the sentinel a drop wraps.
func dropReason(err error) string {
	for _, e := range []error{ErrTimeout, ErrCorrupt, ErrRefused, ErrUnreachable} {
		if errors.Is(err, e) {
			return strings.TrimPrefix(e.Error(), "content: ")
		}
	}
	return err.Error()
}

func sortedCounts(m map[string]int) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(&b, "%s=%d ", k, m[k])
	}
	return strings.TrimSpace(b.String())
}
