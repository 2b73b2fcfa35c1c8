package link_test

import (
	"bytes"
	"sync"
	"testing"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/mem"
)

// TestRoutersForwardIntoFullQueues wires two routers that forward into
// each other's saturated queues: r1 forwards a flood for b's locator to
// r2 while r2 forwards a flood for a's locator to r1, on a network whose
// queues hold 8 frames. Were forwarding to wait for room, each router's
// reader would wait on the other's queue, which only that other reader
// drains, for ever. Both keep moving: they drop and count what finds a
// full queue (DroppedSendFull), and a TCP echo a → r1 → r2 → b works
// again once the floods stop.
func TestRoutersForwardIntoFullQueues(t *testing.T) {
	ctx := testCtx(t)
	s := newSegmentConfig(t, mem.Config{MTU: link.MinUnderlayMTU, QueueLen: 8})
	r1, r2, a, b := s.twoRouters("2a.1/128", "2a.2/128", nil)
	c := echoConn(t, ctx, a, b)
	echo(t, c, []byte("before"))

	var (
		stop = make(chan struct{})
		wg   sync.WaitGroup
		sent [2]int
	)
	flood := func(i int, via *member, to locator.Locator) {
		defer wg.Done()
		u, err := s.nw.Attach()
		if err != nil {
			t.Error(err)
			return
		}
		defer u.Close()
		dst := link.Locator(to)
		frame := link.AppendHeader(nil, &link.Header{Type: link.FrameTransport, HopLimit: link.DefaultHopLimit, Dst: &dst})
		frame = append(frame, bytes.Repeat([]byte{0xee}, 1000)...) // never opens: dropped at the host
		burst := [][]byte{frame, frame, frame, frame, frame, frame, frame, frame}
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := u.Send(via.addr, burst...); err != nil {
				t.Error(err)
				return
			}
			sent[i] += len(burst)
		}
	}
	wg.Add(2)
	go flood(0, r1, b.loc) // r1 → r2 → b
	go flood(1, r2, a.loc) // r2 → r1 → a
	fwd1, fwd2 := r1.ep.Stats().FramesForwarded, r2.ep.Stats().FramesForwarded
	linktest.WaitFor(t, "both routers to forward into a full queue", func() bool {
		return r1.ep.Stats().DroppedSendFull > 0 && r2.ep.Stats().DroppedSendFull > 0
	})
	linktest.WaitFor(t, "both routers to keep forwarding", func() bool {
		return r1.ep.Stats().FramesForwarded > fwd1+1000 && r2.ep.Stats().FramesForwarded > fwd2+1000
	})
	close(stop)
	wg.Wait()

	echo(t, c, []byte("after"))
	st1, st2 := r1.ep.Stats(), r2.ep.Stats()
	t.Logf("flooded %d and %d frames; r1 forwarded %d, dropped %d on full queues; r2 forwarded %d, dropped %d",
		sent[0], sent[1], st1.FramesForwarded, st1.DroppedSendFull, st2.FramesForwarded, st2.DroppedSendFull)
}
