package transport

import (
	"errors"
	"testing"
)

// TestNoAmplification floods a node with forged initiations, IK and XX
// with valid mac1 (anyone who knows the wallet computes it) and data
// for unknown indexes, below and above the load threshold, and checks
// that no reply is longer than the message that drew it, so bytes out
// never exceed bytes in toward a forged source.
func TestNoAmplification(t *testing.T) {
	const threshold = 20
	for _, tc := range []struct {
		name  string
		flood int // initiations sent within one second
		load  bool
	}{
		{"below threshold", threshold, false},
		{"above threshold", 10 * threshold, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			b := newNode(t, clock, 2, func(c *Config) { c.Timers.LoadThreshold = threshold })
			var in, out, replies int
			send := func(msg, src []byte) {
				res, err := b.s.Receive(nil, msg, src)
				in += len(msg)
				if hint := b.s.StaleHint(msg); errors.Is(err, ErrUnknownIndex) && hint != nil {
					res.Replies = append(res.Replies, hint) // what link sends back
				}
				for _, r := range res.Replies {
					if len(r) > len(msg) {
						t.Fatalf("reply of %d bytes (type %d) to a %d-byte message (type %d)", len(r), r[0], len(msg), msg[0])
					}
					out += len(r)
					replies++
				}
			}
			for i := range tc.flood {
				m := newNode(t, clock, byte(100+i%100), nil)
				p := m.peerXX(b)
				if i%2 == 1 {
					p = m.peerIK(b)
				}
				msg, err := m.s.Initiate(p)
				if err != nil {
					t.Fatal(err)
				}
				src := []byte{10, byte(i), byte(i >> 8)} // forged, one per message
				send(msg, src)
				data := make([]byte, DataHeaderSize+tagSize)
				data[0] = msgData
				data[4], data[5] = byte(i), 0xee // an index nobody holds
				send(data, src)
			}
			if st := b.s.Stats(); replies == 0 || st.StaleHintsSent == 0 {
				t.Fatal("no replies at all: the test measured nothing")
			}
			if out > in {
				t.Fatalf("%d bytes out for %d bytes in", out, in)
			}
			st, l := b.s.Stats(), b.s.Load()
			if l.UnderLoad != tc.load || (tc.load && st.CookiesSent == 0) {
				t.Fatalf("load %+v, cookies %d: want under load %v", l, st.CookiesSent, tc.load)
			}
			t.Logf("%d messages, %d bytes in, %d replies, %d bytes out (%.2f); %d cookies, %d stale hints",
				2*tc.flood, in, replies, out, float64(out)/float64(in), st.CookiesSent, st.StaleHintsSent)
		})
	}
}

// An XX initiation without its padding is refused before any DH.
func TestXXInitiationPadding(t *testing.T) {
	clock := newClock()
	a, b := newNode(t, clock, 1, nil), newNode(t, clock, 2, nil)
	msg, err := a.s.Initiate(a.peerXX(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(msg) != xxInitSize || len(msg) < xxRespSize {
		t.Fatalf("XX initiation of %d bytes, want %d >= the %d-byte response", len(msg), xxInitSize, xxRespSize)
	}
	short := append(append([]byte{}, msg[:8+dhLen]...), msg[len(msg)-2*macSize:]...)
	putMACs(short, &a.peerXX(b).mac1Key, nil)
	if res, err := b.s.Receive(nil, short, a.addr); err == nil || len(res.Replies) != 0 {
		t.Fatalf("unpadded XX initiation: %+v %v, want a drop", res, err)
	}
	if st := b.s.Stats(); st.HandshakesProcessed != 0 || st.DroppedMalformed != 1 {
		t.Fatalf("stats %+v: want one malformed drop and no DH", st)
	}
}
