package transport

import (
	"testing"
	"time"
)

// closed reports whether ch is closed.
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// TestPeerUpDown: a peer is up once a session is current on each side
// (the IK responder's once the initiator's first data, its keepalive,
// confirms it), goes
// down on Reset and when a handshake with it is given up, and every
// change, and only a change, closes Changed.
func TestPeerUpDown(t *testing.T) {
	clock := newClock()
	a, b := newNode(t, clock, 1, nil), newNode(t, clock, 2, nil)
	pa := a.peerIK(b)
	chA, chB := a.s.Changed(), b.s.Changed()
	if pa.Up() {
		t.Fatal("up before any handshake")
	}
	handshake(t, a, b, pa)
	if !pa.Up() || !closed(chA) {
		t.Fatalf("initiator: up %v, Changed closed %v after the handshake", pa.Up(), closed(chA))
	}
	// The initiator's keepalive right after the handshake confirmed the
	// IK responder's session.
	if pb := peerOf(t, b, a); !pb.Up() || !closed(chB) {
		t.Fatal("IK responder not up after the initiator's first data")
	}

	// A rekey keeps the peer up: no change, Changed stays open.
	chA = a.s.Changed()
	handshake(t, a, b, pa)
	if !pa.Up() || closed(chA) {
		t.Fatalf("rekey: up %v, Changed closed %v", pa.Up(), closed(chA))
	}

	a.s.Reset(pa)
	if pa.Up() || !closed(chA) {
		t.Fatal("Reset: still up, or no change")
	}

	// Up again, then b vanishes: data goes unanswered, a handshakes,
	// nothing comes back, and a gives up.
	handshake(t, a, b, pa)
	chA = a.s.Changed()
	if _, err := a.s.Seal(nil, pa, []byte("anyone?")); err != nil {
		t.Fatal(err)
	}
	for i := 0; pa.Up() && i < 1000; i++ {
		clock.Advance(time.Second)
		a.s.Tick() // the replies go nowhere
	}
	if pa.Up() || !closed(chA) {
		t.Fatal("a peer that stopped answering stays up")
	}
	if a.s.Stats().HandshakesGivenUp == 0 {
		t.Fatal("down without a handshake given up")
	}
}

// TestPeerTraffic: data bytes and the times they moved are counted per
// peer, each way; keepalives count nothing.
func TestPeerTraffic(t *testing.T) {
	clock := newClock()
	a, b := newNode(t, clock, 1, nil), newNode(t, clock, 2, nil)
	pa := a.peerIK(b)
	handshake(t, a, b, pa)
	if tr := pa.Traffic(); tr.BytesOut != 0 || !tr.LastOut.IsZero() {
		t.Fatalf("before any data: %+v (the handshake's keepalive is no data)", tr)
	}
	clock.Advance(time.Second)
	send(t, a, b, pa, "hello")
	send(t, a, b, pa, "world!")
	pb := peerOf(t, b, a)
	ta, tb := pa.Traffic(), pb.Traffic()
	if ta.BytesOut != 11 || ta.BytesIn != 0 || tb.BytesIn != 11 || tb.BytesOut != 0 {
		t.Fatalf("a %+v, b %+v: want 11 bytes a→b", ta, tb)
	}
	if !ta.LastOut.Equal(clock.Now()) || !tb.LastIn.Equal(clock.Now()) {
		t.Fatalf("last: a out %v, b in %v, want %v", ta.LastOut, tb.LastIn, clock.Now())
	}
}
