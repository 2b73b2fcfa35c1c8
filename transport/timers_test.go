package transport

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// deliverTick runs n's Tick and delivers every outbound message (and the
// replies) to the node it is meant for.
func deliverTick(t *testing.T, n *testNode, peers map[*Peer]*testNode) []Outbound {
	t.Helper()
	out := n.s.Tick()
	for _, o := range out {
		dst := peers[o.Peer]
		if dst == nil {
			t.Fatalf("Tick sent to an unknown peer")
		}
		if _, err := flow(n, dst, o.Msg); err != nil {
			t.Fatalf("delivering Tick's message: %v", err)
		}
	}
	return out
}

func TestRekeyByMessages(t *testing.T) {
	a, b, p, q := established(t, func(c *Config) { c.Timers.RekeyAfterMessages = 10 })
	first := p.current.Load()
	// The handshake's keepalive used counter 0.
	for i := 1; i < 10; i++ {
		send(t, a, b, p, fmt.Sprint(i))
	}
	if out := a.s.Tick(); len(out) != 0 {
		t.Fatalf("rekey before RekeyAfterMessages: %d messages", len(out))
	}
	if d := a.s.NextDeadline(); d.After(a.clock.Now()) && d.Before(a.clock.Now().Add(time.Second)) {
		t.Fatalf("deadline %v with nothing due", d)
	}
	// The 11th message (counter 10) asks for a rekey; one more is sealed
	// on the old session and delivered after the rekey.
	send(t, a, b, p, "10")
	late, err := a.s.Seal(nil, p, []byte("late"))
	if err != nil {
		t.Fatal(err)
	}
	if d := a.s.NextDeadline(); d.After(a.clock.Now()) {
		t.Fatalf("NextDeadline %v, want now", d)
	}
	out := deliverTick(t, a, map[*Peer]*testNode{p: b})
	if len(out) != 1 || out[0].Msg[0] != msgIKInit {
		t.Fatalf("Tick sent %d messages, want one initiation", len(out))
	}
	if p.current.Load() == first {
		t.Fatal("session not replaced")
	}
	if st := a.s.Stats(); st.Rekeys != 1 || st.HandshakesCompleted != 2 {
		t.Fatalf("stats %+v", st)
	}
	if res, err := b.s.Receive(nil, late, a.addr); err != nil || string(res.Payload) != "late" {
		t.Fatalf("message on the previous session: %v", err)
	}
	for i := range 5 {
		send(t, a, b, p, fmt.Sprint("new ", i))
		send(t, b, a, q, fmt.Sprint("back ", i))
	}
}

func TestRejectAfterMessages(t *testing.T) {
	a, b, p, _ := established(t, func(c *Config) {
		c.Timers.RekeyAfterMessages = 1 << 40
		c.Timers.RejectAfterMessages = 5
	})
	for i := 1; i < 5; i++ {
		send(t, a, b, p, "x")
	}
	if _, err := a.s.Seal(nil, p, []byte("x")); !errors.Is(err, ErrNoSession) {
		t.Fatalf("seal past RejectAfterMessages: %v", err)
	}
	if p.Established() {
		t.Fatal("used-up session reported established")
	}
	// Tick starts a new handshake.
	deliverTick(t, a, map[*Peer]*testNode{p: b})
	send(t, a, b, p, "after")
}

func TestRekeyByAge(t *testing.T) {
	a, b, p, q := established(t, nil)
	send(t, b, a, q, "confirm")
	peers := map[*Peer]*testNode{p: b}
	a.clock.Advance(119 * time.Second)
	send(t, a, b, p, "young")
	if out := a.s.Tick(); len(out) != 0 {
		t.Fatalf("rekey before RekeyAfterTime: %d messages", len(out))
	}
	// Only the initiator rekeys by age, and only when it sends.
	a.clock.Advance(2 * time.Second)
	send(t, b, a, q, "responder sends on an old session")
	if out := b.s.Tick(); len(out) != 0 {
		t.Fatalf("responder rekeyed by age: %d messages", len(out))
	}
	send(t, a, b, p, "old")
	out := deliverTick(t, a, peers)
	if len(out) != 1 {
		t.Fatalf("Tick sent %d messages, want an initiation", len(out))
	}
	for i := range 3 {
		send(t, a, b, p, fmt.Sprint(i))
		send(t, b, a, q, fmt.Sprint(i))
	}
	// Past RejectAfterTime without a rekey nothing seals or opens.
	old, _ := a.s.Seal(nil, p, []byte("stale"))
	a.clock.Advance(181 * time.Second)
	if _, err := a.s.Seal(nil, p, []byte("x")); !errors.Is(err, ErrNoSession) {
		t.Fatalf("seal on an expired session: %v", err)
	}
	if _, err := b.s.Receive(nil, old, a.addr); !errors.Is(err, ErrSessionExpired) {
		t.Fatalf("open on an expired session: %v", err)
	}
	deliverTick(t, a, peers)
	send(t, a, b, p, "fresh")
}

func TestKeepalive(t *testing.T) {
	a, b, p, q := established(t, nil)
	send(t, a, b, p, "data")
	// b received data and sent nothing.
	want := b.clock.Now().Add(10 * time.Second)
	if d := b.s.NextDeadline(); !d.Equal(want) {
		t.Fatalf("NextDeadline %v, want %v", d, want)
	}
	b.clock.Advance(9 * time.Second)
	if out := b.s.Tick(); len(out) != 0 {
		t.Fatalf("keepalive before KeepaliveTimeout")
	}
	b.clock.Advance(time.Second)
	out := b.s.Tick()
	if len(out) != 1 || out[0].Peer != q || len(out[0].Msg) != Overhead {
		t.Fatalf("Tick sent %+v, want one keepalive to a", out)
	}
	res, err := a.s.Receive(nil, out[0].Msg, b.addr)
	if err != nil || res.Kind != KindData || len(res.Payload) != 0 {
		t.Fatalf("keepalive opened as %+v, %v", res, err)
	}
	// A keepalive does not ask for a keepalive back, and sending clears
	// the timer.
	a.clock.Advance(20 * time.Second)
	if out := a.s.Tick(); len(out) != 0 {
		t.Fatalf("keepalive answered a keepalive")
	}
	send(t, a, b, p, "more")
	send(t, b, a, q, "reply")
	b.clock.Advance(11 * time.Second)
	if out := b.s.Tick(); len(out) != 0 {
		t.Fatal("keepalive although data was sent")
	}
	if st := b.s.Stats(); st.KeepalivesSent != 1 {
		t.Fatalf("KeepalivesSent %d", st.KeepalivesSent)
	}
}

func TestRetransmitAndGiveUp(t *testing.T) {
	clock := newClock()
	a, b := newNode(t, clock, 1, nil), newNode(t, clock, 2, nil)
	p := a.peerIK(b)
	first, err := a.s.Initiate(p) // lost
	if err != nil {
		t.Fatal(err)
	}
	// No round trip measured yet: the first retry comes after
	// initialHandshakeRetry less up to a quarter (pacing.go).
	d := a.s.NextDeadline().Sub(clock.Now())
	if d < initialHandshakeRetry*3/4 || d > initialHandshakeRetry {
		t.Fatalf("first retry after %v, want %v less up to a quarter", d, initialHandshakeRetry)
	}
	clock.Advance(d - time.Millisecond)
	if out := a.s.Tick(); len(out) != 0 {
		t.Fatal("retransmitted before the retry time")
	}
	clock.Advance(time.Millisecond)
	out := a.s.Tick()
	if len(out) != 1 || out[0].Msg[0] != msgIKInit || string(out[0].Msg) == string(first) {
		t.Fatalf("Tick sent %d messages, want a fresh initiation", len(out))
	}
	// The lost one arrives late and is answered, but its response names a
	// replaced index.
	res, err := b.s.Receive(nil, first, a.addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.Receive(nil, res.Replies[0], b.addr); !errors.Is(err, ErrUnknownIndex) {
		t.Fatalf("response to a replaced initiation: %v", err)
	}
	if _, err := flow(a, b, out[0].Msg); err != nil || !p.Established() {
		t.Fatalf("retransmitted handshake: %v", err)
	}

	// A peer that never answers: retransmit at most every RekeyTimeout
	// (5 s; the waits double from 250 ms after one retry at 250 ms), give
	// up at 90 s.
	c := newNode(t, clock, 3, nil)
	pc := a.peerIK(c)
	if _, err := a.s.Initiate(pc); err != nil {
		t.Fatal(err)
	}
	sent := 0
	for range 30 {
		clock.Advance(5 * time.Second)
		for _, o := range a.s.Tick() {
			if o.Peer == pc {
				sent++
			}
		}
	}
	st := a.s.Stats()
	if sent != 17 || st.HandshakesGivenUp != 1 {
		t.Fatalf("%d retransmissions, %d given up; want 17 and 1", sent, st.HandshakesGivenUp)
	}
	pc.mu.Lock()
	pending := pc.hs != nil
	pc.mu.Unlock()
	if pending {
		t.Fatal("handshake still pending after giving up")
	}
}

// TestHandshakeRetryFollowsRTT: once a handshake measured the round
// trip, a new one to that peer retries after srtt + 4·rttvar (at least
// 250 ms) less up to a quarter, the first retry waiting as long, the
// wait doubling per attempt after that and never past RekeyTimeout.
func TestHandshakeRetryFollowsRTT(t *testing.T) {
	clock := newClock()
	a, b := newNode(t, clock, 1, nil), newNode(t, clock, 2, nil)
	p := a.peerIK(b)
	init, err := a.s.Initiate(p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.s.Receive(nil, init, a.addr)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(100 * time.Millisecond) // the round trip
	if _, err := a.s.Receive(nil, res.Replies[0], b.addr); err != nil || !p.Established() {
		t.Fatalf("handshake: %v", err)
	}
	if r := p.HandshakeRTT(); r != 100*time.Millisecond {
		t.Fatalf("HandshakeRTT %v, want 100ms", r)
	}
	if _, err := a.s.Initiate(p); err != nil { // lost, and so are its retries
		t.Fatal(err)
	}
	// srtt 100 ms, rttvar 50 ms: 300 ms twice, then 600 ms, 1.2 s, 2.4 s, 4.8 s, 5 s.
	for i, want := range []time.Duration{300, 300, 600, 1200, 2400, 4800, 5000, 5000} {
		want *= time.Millisecond
		d := a.s.NextDeadline().Sub(clock.Now())
		if d < want*3/4 || d > want {
			t.Fatalf("attempt %d waits %v, want %v less up to a quarter", i, d, want)
		}
		clock.Advance(d)
		if out := a.s.Tick(); len(out) != 1 || out[0].Msg[0] != msgIKInit {
			t.Fatalf("attempt %d: Tick sent %d messages, want an initiation", i, len(out))
		}
	}
}

// A node that sends and hears nothing back for KeepaliveTimeout +
// RekeyTimeout starts a new handshake.
func TestDeadPeerRehandshake(t *testing.T) {
	a, b, p, q := established(t, nil)
	send(t, b, a, q, "confirm")
	if _, err := a.s.Seal(nil, p, []byte("unanswered")); err != nil {
		t.Fatal(err)
	}
	a.clock.Advance(14 * time.Second)
	for _, o := range a.s.Tick() {
		if o.Msg[0] != msgData {
			t.Fatal("handshake before KeepaliveTimeout+RekeyTimeout")
		}
	}
	a.clock.Advance(time.Second)
	out := a.s.Tick()
	if len(out) != 1 || out[0].Msg[0] != msgIKInit {
		t.Fatalf("Tick sent %d messages, want an initiation", len(out))
	}
}

// With nothing pending NextDeadline is the expiry of the sessions, and
// after that zero.
func TestNextDeadlineIdle(t *testing.T) {
	a, _, _, _ := established(t, nil)
	want := a.clock.Now().Add(3 * 180 * time.Second)
	if d := a.s.NextDeadline(); !d.Equal(want) {
		t.Fatalf("NextDeadline %v, want %v", d, want)
	}
	a.clock.Advance(540 * time.Second)
	a.s.Tick()
	if d := a.s.NextDeadline(); !d.IsZero() {
		t.Fatalf("NextDeadline %v after expiry, want zero", d)
	}
}

// A peer not measured yet takes its first wait from the round trips this
// node measured with its other peers (Sessions.pathRTT); with none at
// all, initialHandshakeRetry.
func TestHandshakeRetryPrior(t *testing.T) {
	clock := newClock()
	a, b, c := newNode(t, clock, 1, nil), newNode(t, clock, 2, nil), newNode(t, clock, 3, nil)
	firstWait := func(p *Peer) time.Duration {
		t.Helper()
		if _, err := a.s.Initiate(p); err != nil {
			t.Fatal(err)
		}
		return a.s.NextDeadline().Sub(clock.Now())
	}
	pb := a.peerIK(b)
	if d, want := firstWait(pb), initialHandshakeRetry; d < want*3/4 || d > want {
		t.Fatalf("unmeasured node: first attempt waits %v, want %v less up to a quarter", d, want)
	}
	init, err := a.s.Initiate(pb)
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.s.Receive(nil, init, a.addr)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(400 * time.Millisecond) // a long path
	if _, err := a.s.Receive(nil, res.Replies[0], b.addr); err != nil || !pb.Established() {
		t.Fatalf("handshake: %v", err)
	}
	// srtt 400 ms, rttvar 200 ms over the node's paths: 1.2 s.
	if d, want := firstWait(a.peerIK(c)), 1200*time.Millisecond; d < want*3/4 || d > want {
		t.Fatalf("new peer: first attempt waits %v, want %v less up to a quarter", d, want)
	}
}
