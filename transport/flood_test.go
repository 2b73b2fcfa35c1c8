package transport

import (
	"bytes"
	"errors"
	"testing"
)

func TestFloodBadMAC1(t *testing.T) {
	clock := newClock()
	a, b := newNode(t, clock, 1, nil), newNode(t, clock, 2, nil)
	genuine, err := a.s.Initiate(a.peerIK(b))
	if err != nil {
		t.Fatal(err)
	}
	r := seeded(99)
	const n = 10000
	for i := range n {
		msg := bytes.Clone(genuine)
		if i%2 == 0 {
			r.Read(msg[4:]) // random garbage of the right size
		} else {
			msg[40] ^= 1 // a genuine initiation, one bit flipped
		}
		if _, err := b.s.Receive(nil, msg, []byte{byte(i), byte(i >> 8)}); !errors.Is(err, ErrMAC) {
			t.Fatalf("initiation %d: %v, want ErrMAC", i, err)
		}
	}
	st := b.s.Stats()
	if st.DroppedMAC != n || st.HandshakesProcessed != 0 || st.CookiesSent != 0 {
		t.Fatalf("stats %+v: want %d mac drops and no DH", st, n)
	}
	// The genuine one still works.
	if _, err := flow(a, b, genuine); err != nil {
		t.Fatal(err)
	}
	if st := b.s.Stats(); st.HandshakesProcessed != 1 {
		t.Fatalf("HandshakesProcessed %d", st.HandshakesProcessed)
	}
}

// An honest node asked under another wallet drops the initiation at
// mac1: the initiator gets no answer.
func TestWrongWalletFailsMAC1(t *testing.T) {
	clock := newClock()
	a, b := newNode(t, clock, 1, nil), newNode(t, clock, 2, nil)
	msg, err := a.s.Initiate(a.s.Peer(testWalletAddr(t, 9), nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.s.Receive(nil, msg, a.addr); !errors.Is(err, ErrMAC) {
		t.Fatalf("got %v, want ErrMAC", err)
	}
}

func TestUnderLoadCookies(t *testing.T) {
	for _, xx := range []bool{false, true} {
		name := "IK"
		if xx {
			name = "XX"
		}
		t.Run(name, func(t *testing.T) {
			clock := newClock()
			load := func(c *Config) { c.Timers.LoadThreshold = 5 }
			a, b := newNode(t, clock, 1, nil), newNode(t, clock, 2, load)
			// Attackers with valid mac1 (they know b's wallet) flood b
			// from many sources without cookies.
			const flood = 200
			var replies int
			for i := range flood {
				m := newNode(t, clock, byte(100+i%50), nil)
				p := m.peerXX(b)
				if !xx {
					p = m.peerIK(b)
				}
				msg, err := m.s.Initiate(p)
				if err != nil {
					t.Fatal(err)
				}
				res, err := b.s.Receive(nil, msg, []byte{9, byte(i)})
				if err != nil {
					t.Fatalf("flood %d: %v", i, err)
				}
				if len(res.Replies) == 1 && res.Replies[0][0] == msgCookie {
					replies++
				}
			}
			st := b.s.Stats()
			if st.HandshakesProcessed != 5 || st.CookiesSent != flood-5 || replies != flood-5 {
				t.Fatalf("processed %d, cookies %d (%d replies): want 5 and %d",
					st.HandshakesProcessed, st.CookiesSent, replies, flood-5)
			}

			// The legitimate initiator gets a cookie, retries on the next
			// Tick with mac2, and completes.
			p := a.peerIK(b)
			if xx {
				p = a.peerXX(b)
			}
			msg, err := a.s.Initiate(p)
			if err != nil {
				t.Fatal(err)
			}
			res, err := b.s.Receive(nil, msg, a.addr)
			if err != nil || len(res.Replies) != 1 || res.Replies[0][0] != msgCookie || res.Peer != nil {
				t.Fatalf("under load: %+v %v, want a cookie reply", res, err)
			}
			cres, err := a.s.Receive(nil, res.Replies[0], b.addr)
			if err != nil || cres.Kind != KindCookie || cres.Peer != p {
				t.Fatalf("cookie reply: %+v %v", cres, err)
			}
			if d := a.s.NextDeadline(); d.After(clock.Now()) {
				t.Fatalf("NextDeadline %v after a cookie, want now", d)
			}
			out := a.s.Tick()
			if len(out) != 1 {
				t.Fatalf("Tick sent %d messages, want the retry", len(out))
			}
			if _, err := flow(a, b, out[0].Msg); err != nil {
				t.Fatalf("retry with mac2: %v", err)
			}
			if !p.Established() {
				t.Fatal("legitimate initiator did not complete under load")
			}
			if st := b.s.Stats(); st.HandshakesProcessed != 6 {
				t.Fatalf("HandshakesProcessed %d, want 6", st.HandshakesProcessed)
			}
			// A cookie reply from the wrong src or for a mangled mac1 does
			// not verify.
			bad := bytes.Clone(res.Replies[0])
			bad[40] ^= 1
			if _, err := a.s.Initiate(p); err != nil {
				t.Fatal(err)
			}
			if _, err := a.s.Receive(nil, bad, b.addr); !errors.Is(err, ErrUnknownIndex) && !errors.Is(err, ErrAuth) {
				t.Fatalf("mangled cookie reply: %v", err)
			}
		})
	}
}

// Under load, initiations that carry a valid mac2 still pass a token
// bucket per source.
func TestUnderLoadRateLimit(t *testing.T) {
	clock := newClock()
	a, b := newNode(t, clock, 1, nil), newNode(t, clock, 2, func(c *Config) { c.Timers.LoadThreshold = 1 })
	p := a.peerIK(b)
	// Put b under load, and give a a cookie.
	for range 2 {
		msg, _ := a.s.Initiate(p)
		res, err := b.s.Receive(nil, msg, a.addr)
		if err != nil {
			t.Fatal(err)
		}
		if res.Replies[0][0] == msgCookie {
			if _, err := a.s.Receive(nil, res.Replies[0], b.addr); err != nil {
				t.Fatal(err)
			}
		}
	}
	var ok, limited int
	for range 20 {
		msg, err := a.s.Initiate(p) // carries mac2 now
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.s.Receive(nil, msg, a.addr)
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrRateLimited):
			limited++
		default:
			t.Fatal(err)
		}
	}
	if ok != 5 || limited != 15 || b.s.Stats().DroppedRateLimited != 15 {
		t.Fatalf("%d passed, %d limited; want the burst of 5 then limits", ok, limited)
	}
	// Another source is not limited by a's bucket (but needs its cookie).
	msg, _ := a.s.Initiate(p)
	if res, err := b.s.Receive(nil, msg, []byte("elsewhere")); err != nil || res.Replies[0][0] != msgCookie {
		t.Fatalf("other source: %+v %v", res, err)
	}
}
