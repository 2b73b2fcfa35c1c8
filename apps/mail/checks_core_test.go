package mail

import (
	"errors"
	"testing"
	"time"
)

// TestCoreRefusalsSurviveRestart: what a sender's node learns from its
// recipients' refusals (consent, size, rate: the SMTP gateway's 550
// 5.7.1, 552 5.2.3, 450 4.2.1) is in its store, so a restart keeps it
// until it expires, and a restart after that finds nothing left.
func TestCoreRefusalsSurviveRestart(t *testing.T) {
	n := newFakeNet(t)
	a := n.add(1, CoreConfig{})
	b := n.add(2, CoreConfig{KnownOnly: true})
	c := n.add(3, CoreConfig{MaxSize: 1 << 10})
	d := n.add(4, CoreConfig{RateLimit: 0.001, RateBurst: 1})
	big := msg(string(make([]byte, 2<<10)))
	for _, s := range []struct {
		to   *fakeNode
		data []byte
	}{{b, msg("to b")}, {c, big}, {d, msg("to d 1")}, {d, msg("to d 2")}} {
		if _, err := n.do(a, SubmitCmd{To: s.to.w, Data: s.data}); err != nil {
			t.Fatal(err)
		}
	}
	d.up = false // the rate-limited message waits, refused no more
	check := func(when string, to *fakeNode, size int, want error) {
		t.Helper()
		_, err := n.do(a, CheckCmd{To: to.w, Size: size})
		if !errors.Is(err, want) || (want == nil && err != nil) {
			t.Errorf("%s: check to %x of %d bytes: %v, want %v", when, to.w[19], size, err, want)
		}
	}
	records := func() int {
		k := 0
		a.st.Scan([]byte("r"), func(_, _ []byte) bool { k++; return true })
		return k
	}
	check("refused", b, 0, ErrDenied)
	check("refused", c, len(big), ErrTooLarge)
	check("refused", c, 100, nil)
	check("refused", d, 0, ErrRateLimited)
	if k := records(); k != 3 {
		t.Fatalf("%d refusal records in the store, want 3", k)
	}

	n.advance(time.Second)
	n.boot(a)
	check("restarted", b, 0, ErrDenied)
	check("restarted", c, len(big), ErrTooLarge)
	check("restarted", c, 100, nil)
	check("restarted", d, 0, ErrRateLimited)

	n.advance(2 * time.Minute) // past rateMemory, within refusalMemory
	n.boot(a)
	check("restarted after 2 min", b, 0, ErrDenied)
	check("restarted after 2 min", c, len(big), ErrTooLarge)
	check("restarted after 2 min", d, 0, nil)
	if k := records(); k != 2 {
		t.Fatalf("after 2 min: %d refusal records in the store, want 2 (the rate's deleted at Start)", k)
	}

	n.advance(refusalMemory)
	n.boot(a)
	check("restarted after the memory", b, 0, nil)
	check("restarted after the memory", c, len(big), nil)
	check("restarted after the memory", d, 0, nil)
	if k := records(); k != 0 {
		t.Fatalf("after the memory: %d refusal records in the store, want none", k)
	}
}
