package transport

import (
	"errors"
	"testing"
)

// TestStaleHint: b restarts (a new Sessions with its keys) and answers
// a's data on the old session with a stale hint; a takes it as a reason
// to handshake again at once, at most once per RekeyTimeout, and the new
// handshake gives a session both sides open.
func TestStaleHint(t *testing.T) {
	clock := newClock()
	a, b := newNode(t, clock, 1, nil), newNode(t, clock, 2, nil)
	p := a.peerIK(b)
	handshake(t, a, b, p)
	send(t, a, b, p, "before the restart")

	// Restarted: same keys, no sessions, and a Rand that does not hand
	// out the old indexes again.
	b = newNode(t, clock, 2, func(c *Config) { c.Rand = seeded(99) })
	data, err := a.s.Seal(nil, p, []byte("after the restart"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.s.Receive(nil, data, a.addr); !errors.Is(err, ErrUnknownIndex) {
		t.Fatalf("restarted node opened old data: %v", err)
	}
	hint := b.s.StaleHint(data)
	if len(hint) != staleHintSize || hint[0] != msgStale || [4]byte(hint[4:8]) != [4]byte(data[4:8]) {
		t.Fatalf("hint %x for data %x", hint, data[:8])
	}
	res, err := a.s.Receive(nil, hint, b.addr)
	if err != nil || res.Kind != KindStale || res.Peer != p {
		t.Fatalf("hint taken as %+v, %v; want stale for b's peer", res, err)
	}
	if _, err := a.s.Receive(nil, hint, b.addr); !errors.Is(err, ErrRateLimited) {
		t.Errorf("second hint within the rekey timeout: %v, want ErrRateLimited", err)
	}
	handshake(t, a, b, p)
	send(t, a, b, p, "on the new session")
	if st := a.s.Stats(); st.StaleHintsTaken != 1 {
		t.Errorf("StaleHintsTaken = %d, want 1", st.StaleHintsTaken)
	}
	if st := b.s.Stats(); st.StaleHintsSent != 1 {
		t.Errorf("StaleHintsSent = %d, want 1", st.StaleHintsSent)
	}

	// The hint named the old session; the new one is unknown to it.
	clock.Advance(a.s.timers.RekeyTimeout)
	if _, err := a.s.Receive(nil, hint, b.addr); !errors.Is(err, ErrUnknownIndex) {
		t.Errorf("hint for a replaced session: %v, want ErrUnknownIndex", err)
	}
}

func TestStaleHintRefused(t *testing.T) {
	clock := newClock()
	a, b := newNode(t, clock, 1, nil), newNode(t, clock, 2, nil)
	p := a.peerIK(b)
	handshake(t, a, b, p)
	data, err := a.s.Seal(nil, p, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range [][]byte{nil, data[:Overhead-1], {msgIKInit, 0, 0, 0, 1, 2, 3, 4}} {
		if h := b.s.StaleHint(msg); h != nil {
			t.Errorf("StaleHint(%x) = %x, want none", msg, h)
		}
	}
	hint := b.s.StaleHint(data)
	for _, msg := range [][]byte{hint[:7], append(hint[:8:8], 0)} {
		if _, err := a.s.Receive(nil, msg, b.addr); !errors.Is(err, ErrMalformed) {
			t.Errorf("Receive(%x): %v, want ErrMalformed", msg, err)
		}
	}
	// A node sends at most staleHintRate hints a second.
	c := newNode(t, clock, 3, nil)
	n := 0
	for range 2 * staleHintRate {
		if c.s.StaleHint(data) != nil {
			n++
		}
	}
	if n != staleHintRate {
		t.Errorf("%d hints in one second, want %d", n, staleHintRate)
	}
}
