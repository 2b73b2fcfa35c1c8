package link

import (
	"testing"

	"github.com/anynet/anynet/transport"
)

// TestAnycastQueueKeepsOrder: the packets that waited in an anycast
// group's queue for a first live instance leave before any packet
// written after the instance was heard. heard marks the instance live
// and then sends the queue, each packet picking its instance; both
// steps read the clock, so the test writes the second packet from the
// clock, once, at its first reading after the instance is live. A live
// instance with a session seals at once: written in that gap, the
// second packet must not overtake the first on the wire.
func TestAnycastQueueKeepsOrder(t *testing.T) {
	f := newAnswerFixture(t) // a answers, the other instance never does
	f.group(t)
	sink := f.a.sink
	inst := f.e.peers.byIdent(f.ident).grp.Load().byID([32]byte(f.a.key))
	first, second := udpPacketTo(f.ident, 100), udpPacketTo(f.ident, 300) // one flow

	writeForTest(f.e, first) // no instance is live: it waits, both are probed
	wroteAt := -1            // frames sent when the second packet was written
	f.clock.onceWhen(inst.inst.liveFast.Load, func() {
		sink.mu.Lock()
		wroteAt = len(sink.sent)
		sink.mu.Unlock()
		writeForTest(f.e, second)
	})
	init := f.a.answer(t, f.e) // the handshake completes, the instance is heard

	got := f.a.received(t, init+1)
	if wroteAt < 0 || len(got) == 0 || got[0].at < wroteAt {
		t.Fatalf("the second packet was not written between the instance going live and the queue leaving (written at frame %d, sent %v)", wroteAt, got)
	}
	if len(got) != 2 || got[0].size != len(first) || got[1].size != len(second) {
		t.Fatalf("the instance got packets of %v (size, frame), want %d then %d", got, len(first), len(second))
	}
}

// TestAnycastFailoverKeepsOrder: when an instance fails, what waited for
// its handshake is routed again, to the instance its flow moves to,
// before any packet of the flow written after the failure. The failure
// unpins the flow, then the moved packets pick their instance; the
// test writes the second packet from the clock, once, at its first
// reading after the instance failed. The other instance has no session
// either, so the order is that of its queue, in which the packets will
// leave.
func TestAnycastFailoverKeepsOrder(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail func(f *anycastFixture, from, to *peer)
	}{
		{"silent", func(f *anycastFixture, from, to *peer) {
			f.clock.advance(DefaultFailAfter)
			f.e.Tick()
		}},
		{"unreachable", func(f *anycastFixture, from, to *peer) {
			l := Locator{0: 0x2a, 31: 1}
			from.loc.Store(&l)
			f.e.failInstancesAt(&l)
		}},
		{"dropped from the instances", func(f *anycastFixture, from, to *peer) {
			if err := f.e.AddInstances([20]byte{0xaa, 1}, []Instance{{NodeKey: transport.PublicKey(to.inst.id), Addr: to.endpoint()}}); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAnycastFixture(t)
			f.e.heard(f.a, true)
			f.e.heard(f.b, true)
			first, second := udpPacketTo(f.ident, 100), udpPacketTo(f.ident, 300) // one flow
			fl, _ := parseFlow(first)
			from, to := f.e.pick(f.g, fl), f.a // the flow is pinned to from
			if from == f.a {
				to = f.b
			}
			f.send(first) // from has no session: it waits in from's queue
			if n := f.queued(from); n != 1 {
				t.Fatalf("%d packets wait for the pinned instance, want 1", n)
			}

			landed := false
			f.clock.onceWhen(func() bool { return !from.inst.liveFast.Load() }, func() {
				landed = f.queued(to) == 0
				f.send(second)
			})
			tc.fail(f, from, to)

			if !from.inst.failed {
				t.Fatal("the pinned instance did not fail")
			}
			to.mu.Lock()
			var got []int
			for _, pkt := range to.queue {
				got = append(got, len(pkt))
			}
			to.mu.Unlock()
			if !landed {
				t.Fatalf("the second packet was not written between the failure and the moved packet's leaving (the other instance holds %v)", got)
			}
			if len(got) != 2 || got[0] != len(first) || got[1] != len(second) {
				t.Fatalf("the other instance holds packets of %v bytes, want %d then %d", got, len(first), len(second))
			}
		})
	}
}
