package sim

import (
	"strings"
	"testing"
	"time"
)

// TestLedger: each invariant a Ledger keeps is refused when broken, and
// what is pending at the end is named.
func TestLedger(t *testing.T) {
	var l Ledger[string, int]
	l.Accept("a1", 1, time.Second, true)
	l.Accept("a2", 1, 2*time.Second, true)
	l.Accept("b1", 2, time.Second, false)
	wantErr := func(err error, what string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), what) {
			t.Fatalf("got %v, want %q", err, what)
		}
	}
	wantErr(l.Show("x"), "never accepted")
	_, _, err := l.Ack("a1", 3*time.Second)
	wantErr(err, "before it was shown")
	if err := l.Show("a2"); err != nil {
		t.Fatal(err)
	}
	wantErr(l.Show("a1"), "shown after #1")
	wantErr(l.Show("a2"), "shown twice")
	lat, first, err := l.Ack("a2", 5*time.Second)
	if err != nil || !first || lat != 3*time.Second {
		t.Fatalf("ack: %v %v %v", lat, first, err)
	}
	if _, first, err := l.Ack("a2", 6*time.Second); first || err != nil {
		t.Fatalf("second ack: first %v, %v", first, err)
	}
	if k, s, ok := oldest(&l); !ok || k != "a1" || s != 1 {
		t.Fatalf("pending %q %d %v", k, s, ok)
	}
	if !l.Excuse("a1") || l.Excuse("a1") || l.Excuse("a2") {
		t.Fatal("excuse: once, and only what is not done")
	}
	if k, _, ok := oldest(&l); !ok || k != "b1" {
		t.Fatalf("pending %q %v: b1 is done only once shown", k, ok)
	}
	if n := l.Drop(func(s int) bool { return s == 2 }); n != 1 {
		t.Fatalf("dropped %d", n)
	}
	for k := range l.Pending() {
		t.Fatalf("%s still pending", k)
	}
}

// oldest is the oldest delivery pending in l, if any.
func oldest[K, S comparable](l *Ledger[K, S]) (k K, stream S, ok bool) {
	for k, stream := range l.Pending() {
		return k, stream, true
	}
	return k, stream, false
}
