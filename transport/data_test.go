package transport

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// established returns two nodes with an IK session from a to b: p is
// a's peer for b, q is b's peer for a.
func established(t testing.TB, mut func(*Config)) (a, b *testNode, p, q *Peer) {
	t.Helper()
	clock := newClock()
	a, b = newNode(t, clock, 1, mut), newNode(t, clock, 2, mut)
	p = a.peerIK(b)
	handshake(t, a, b, p)
	return a, b, p, peerOf(t, b, a)
}

func TestDataDrops(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mangle func(msg []byte) []byte
		want   error
		count  func(Stats) uint64
	}{
		{"tampered ciphertext", func(m []byte) []byte { m[len(m)-20] ^= 1; return m }, ErrAuth,
			func(s Stats) uint64 { return s.DroppedAuth }},
		{"tampered tag", func(m []byte) []byte { m[len(m)-1] ^= 0x80; return m }, ErrAuth,
			func(s Stats) uint64 { return s.DroppedAuth }},
		{"tampered counter", func(m []byte) []byte { m[8] ^= 1; return m }, ErrAuth,
			func(s Stats) uint64 { return s.DroppedAuth }},
		{"reserved byte", func(m []byte) []byte { m[2] = 1; return m }, ErrMalformed,
			func(s Stats) uint64 { return s.DroppedMalformed }},
		{"unknown index", func(m []byte) []byte { m[4] ^= 0xff; return m }, ErrUnknownIndex,
			func(s Stats) uint64 { return s.DroppedUnknownIndex }},
		{"truncated", func(m []byte) []byte { return m[:Overhead-1] }, ErrMalformed,
			func(s Stats) uint64 { return s.DroppedMalformed }},
		{"unknown type", func(m []byte) []byte { m[0] = 99; return m }, ErrMalformed,
			func(s Stats) uint64 { return s.DroppedMalformed }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b, p, _ := established(t, nil)
			msg, err := a.s.Seal(nil, p, []byte("hello, world"))
			if err != nil {
				t.Fatal(err)
			}
			before := tc.count(b.s.Stats())
			_, err = b.s.Receive(nil, tc.mangle(bytes.Clone(msg)), a.addr)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if got := tc.count(b.s.Stats()); got != before+1 {
				t.Fatalf("counter %d, want %d", got, before+1)
			}
			// The genuine message still opens.
			if res, err := b.s.Receive(nil, msg, a.addr); err != nil || string(res.Payload) != "hello, world" {
				t.Fatalf("genuine message after the drop: %v", err)
			}
		})
	}
}

func TestReplayAndReorder(t *testing.T) {
	a, b, p, _ := established(t, nil)
	var msgs [][]byte
	for i := range 3000 {
		m, err := a.s.Seal(nil, p, fmt.Appendf(nil, "m%d", i))
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	open := func(i int) error {
		res, err := b.s.Receive(nil, msgs[i], a.addr)
		if err == nil && string(res.Payload) != fmt.Sprintf("m%d", i) {
			t.Fatalf("message %d opened as %q", i, res.Payload)
		}
		return err
	}
	// Out of order within the window: 1999 down to 100.
	for i := 1999; i >= 100; i-- {
		if err := open(i); err != nil {
			t.Fatalf("message %d out of order: %v", i, err)
		}
	}
	// Each is accepted once.
	if err := open(1500); !errors.Is(err, ErrReplay) {
		t.Fatalf("replay: %v", err)
	}
	// 99 is 1900 behind 1999: inside the window, never seen.
	if err := open(99); err != nil {
		t.Fatalf("message 99: %v", err)
	}
	// Move ahead; 10 is now beyond the window.
	if err := open(2999); err != nil {
		t.Fatal(err)
	}
	if err := open(10); !errors.Is(err, ErrReplay) {
		t.Fatalf("message behind the window: %v", err)
	}
	if err := open(2500); err != nil {
		t.Fatalf("unseen message in the window: %v", err)
	}
	if st := b.s.Stats(); st.DroppedReplay != 2 {
		t.Fatalf("DroppedReplay %d, want 2", st.DroppedReplay)
	}
}

// Seal and Receive from many goroutines at once, with Tick running: run
// with -race.
func TestConcurrentSealReceive(t *testing.T) {
	a, b, p, q := established(t, nil)
	send(t, b, a, q, "confirm")
	const workers, each = 4, 200
	var wg sync.WaitGroup
	errs := make(chan error, 4*workers)
	for w := range workers {
		for _, dir := range []struct {
			from, to *testNode
			peer     *Peer
		}{{a, b, p}, {b, a, q}} {
			wg.Go(func() {
				for i := range each {
					plain := fmt.Appendf(nil, "w%d-%d", w, i)
					msg, err := dir.from.s.Seal(nil, dir.peer, plain)
					if err != nil {
						errs <- err
						return
					}
					res, err := dir.to.s.Receive(nil, msg, dir.from.addr)
					if err != nil {
						errs <- err
						return
					}
					if !bytes.Equal(res.Payload, plain) {
						errs <- fmt.Errorf("got %q, want %q", res.Payload, plain)
						return
					}
				}
			})
		}
	}
	wg.Go(func() {
		for range 50 {
			a.s.Tick()
			b.s.Tick()
			a.s.NextDeadline()
			_ = p.Established()
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Seal works in place, as package link calls it: the plaintext sits in
// dst's spare capacity just past the header.
func TestSealInPlace(t *testing.T) {
	a, b, p, _ := established(t, nil)
	const pre = 8
	buf := make([]byte, 2048)
	plain := []byte("in place, please")
	off := pre + DataHeaderSize
	copy(buf[off:], plain)
	msg, err := a.s.Seal(buf[:pre], p, buf[off:off+len(plain)])
	if err != nil {
		t.Fatal(err)
	}
	if &msg[0] != &buf[0] || len(msg) != pre+len(plain)+Overhead {
		t.Fatal("Seal did not seal in place")
	}
	res, err := b.s.Receive(nil, msg[pre:], a.addr)
	if err != nil || string(res.Payload) != string(plain) {
		t.Fatalf("open: %q %v", res.Payload, err)
	}
}

func TestRemove(t *testing.T) {
	a, b, p, _ := established(t, nil)
	msg, _ := a.s.Seal(nil, p, []byte("x"))
	q := peerOf(t, b, a)
	b.s.Remove(q)
	if _, err := b.s.Receive(nil, msg, a.addr); !errors.Is(err, ErrUnknownIndex) {
		t.Fatalf("data for a removed peer: %v", err)
	}
	if _, err := b.s.Initiate(q); !errors.Is(err, ErrNoSession) {
		t.Fatalf("initiate to a removed peer: %v", err)
	}
	// A new handshake from a creates a new peer at b.
	handshake(t, a, b, p)
	if peerOf(t, b, a) == q {
		t.Fatal("removed peer came back")
	}
}
