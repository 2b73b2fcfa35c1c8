package link_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
)

// TestNudgeAfterPartition: a TCP echo between two direct peers is cut
// in the middle of a write; once the network is whole again the flow
// completes, and the first frames a heard after the silence made it
// send its last unanswered segment again at once (Stats.Nudges).
func TestNudgeAfterPartition(t *testing.T) {
	ctx := testCtx(t)
	s := newSegment(t, link.MinUnderlayMTU)
	a, b := s.add("a", ""), s.add("b", "")
	s.up(a, link.RoleHost)
	s.up(b, link.RoleHost)
	s.peers(a, b)
	c := echoConn(t, ctx, a, b)
	echo(t, c, []byte("before"))

	s.nw.Disconnect(a.addr, b.addr)
	msg := bytes.Repeat([]byte("n"), 64<<10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		echo(t, c, msg)
	}()
	// Let the writer's segments go unanswered for longer than the
	// nudge's silence (no timing is asserted: only the order of events).
	linktest.WaitFor(t, "a to send into the partition", func() bool { return a.ep.Stats().FramesSent > 0 })
	time.Sleep(1500 * time.Millisecond)
	s.nw.Connect(a.addr, b.addr)
	<-done
	if n := a.ep.Stats().Nudges + b.ep.Stats().Nudges; n == 0 {
		t.Fatal("no nudge after the path came back")
	}
}
