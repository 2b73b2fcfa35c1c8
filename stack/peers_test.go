//go:build !nochain

package stack_test

import (
	"context"
	"testing"
	"time"

	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// TestWatchPeers: a peer that comes up and goes down is reported once
// each way, with its traffic counted in PeerStates meanwhile.
func TestWatchPeers(t *testing.T) {
	ctx := testCtx(t)
	a, b := memPair(t, func(a, _ *stack.Node) {
		a.Timers = transport.Timers{KeepaliveTimeout: 200 * time.Millisecond, RekeyTimeout: 200 * time.Millisecond, HandshakeGiveUp: time.Second}
	})
	events := make(chan stack.PeerEvent, 64)
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.WatchPeers(wctx, func(e stack.PeerEvent) { events <- e }) }()
	defer func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("WatchPeers returned %v", err)
		}
	}()
	bw := b.Self().Wallet
	next := func(want stack.PeerEventKind) stack.PeerEvent {
		t.Helper()
		select {
		case e := <-events:
			if e.Kind != want || e.Wallet != bw {
				t.Fatalf("event %v %s, want %v %s", e.Kind, e.Wallet, want, bw)
			}
			return e
		case <-ctx.Done():
			t.Fatalf("no %v event", want)
		}
		return stack.PeerEvent{}
	}

	l, err := b.Listen("tcp", ":7")
	if err != nil {
		t.Fatal(err)
	}
	serveEcho(t, l)
	c := echoOnce(t, ctx, a, bw.Hex()+":7", []byte("hello, b"))
	next(stack.PeerUp)
	states := a.PeerStates()
	if len(states) != 1 || !states[0].Up || states[0].BytesIn == 0 || states[0].BytesOut == 0 ||
		states[0].LastIn.IsZero() || states[0].LastOut.IsZero() || states[0].Addr != b.Self().Addr {
		t.Fatalf("PeerStates after an echo: %+v", states)
	}

	// b goes away; a's data goes unanswered, a handshakes, gives up.
	b.Close()
	c.SetWriteDeadline(time.Now().Add(time.Minute))
	c.Write([]byte("anyone there?"))
	next(stack.PeerDown)
	select {
	case e := <-events:
		t.Fatalf("one more event: %v", e)
	default:
	}
	if s := a.PeerStates(); len(s) != 1 || s[0].Up {
		t.Fatalf("PeerStates after b left: %+v", s)
	}
}
