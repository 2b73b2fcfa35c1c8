package link

import (
	"net/netip"
	"testing"

	"github.com/anynet/anynet/transport"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// TestHandshakeQueueKeepsOrder: the packets that waited for a handshake
// leave before any packet written after it, whichever way the writer
// (the netstack's goroutine) and the reader completing the handshake
// interleave. The reader's transport call makes the session usable a
// moment before the reader flushes the queue (receive.go), so the test
// plays the reader's two steps by hand and writes in between:
//
//   - sealed before the flush: the writer finds the session up while
//     the first packet still waits; it must not overtake it (the first
//     datagram of a UDP socket arrived last, TestRoutedConformance/udp);
//   - held after the flush: the writer's seal failed before the session
//     came up, and it queues the packet after the reader flushed; it
//     must leave at once, not wait in the queue for a handshake of its
//     own.
func TestHandshakeQueueKeepsOrder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(e *Endpoint, p *peer, pkt []byte) // the second packet, around the reader's flush
	}{
		{"sealed before the flush", func(e *Endpoint, p *peer, pkt []byte) {
			writeForTest(e, pkt)
			e.flushQueue(p)
		}},
		{"held after the flush", func(e *Endpoint, p *peer, pkt []byte) {
			e.flushQueue(p)
			e.hold(p, pkt) // what sealTo does when its seal failed
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink := &sinkUnderlay{}
			e, err := New(Config{Sessions: newTestSessions(t), Underlay: sink, TickInterval: -1})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(e.Shutdown)
			b := newTestSessions(t)
			bAddr, bKey := netip.MustParseAddrPort("127.0.0.1:7"), b.PublicKey()
			if err := e.AddPeer(b.Wallet(), &bKey, bAddr); err != nil {
				t.Fatal(err)
			}
			p := e.peers.byIdent(IdentityAddr(b.Wallet()))
			first, second := udpPacketTo(p.ident, 100), udpPacketTo(p.ident, 300)

			writeForTest(e, first) // no session: it waits, a handshake starts
			if n := len(sink.sent); n != 1 {
				t.Fatalf("%d frames sent for the first packet, want the handshake's initiation", n)
			}
			var h Header
			init, err := ParseHeader(sink.sent[0], &h)
			if err != nil {
				t.Fatal(err)
			}
			aKey := addrKey(sink.LocalAddr())
			res, err := b.Receive(nil, init, aKey[:])
			if err != nil || len(res.Replies) != 1 {
				t.Fatalf("responder: %d replies, %v", len(res.Replies), err)
			}
			// The reader's first step: the transport takes the response
			// and the session can seal.
			bk := addrKey(bAddr)
			if res, err := e.sessions.Receive(nil, res.Replies[0], bk[:]); err != nil || !res.Established {
				t.Fatalf("initiator: established %v, %v", res.Established, err)
			}
			tc.write(e, p, second)

			var got []int
			for i, f := range sink.sent[1:] {
				var h Header
				msg, err := ParseHeader(f, &h)
				if err != nil {
					t.Fatal(err)
				}
				r, err := b.Receive(nil, msg, aKey[:])
				if err != nil || r.Kind != transport.KindData {
					t.Fatalf("frame %d after the handshake: a %v message (%v), want data", i+1, r.Kind, err)
				}
				got = append(got, len(r.Payload))
			}
			if len(got) != 2 || got[0] != len(first) || got[1] != len(second) {
				t.Fatalf("sent packets of %v bytes, want %d then %d", got, len(first), len(second))
			}
			if n := e.Stats().HandshakesStarted; n != 1 {
				t.Errorf("%d handshakes started, want 1", n)
			}
		})
	}
}

// writeForTest routes pkt as the netstack's WritePackets would.
func writeForTest(e *Endpoint, pkt []byte) {
	b := getBatch()
	b.wait = true
	buf := e.bufs.get()
	n := plainOff + copy((*buf)[plainOff:], pkt)
	e.sealPacket(b, buf, (*buf)[plainOff:n])
	b.flush(e)
}

// udpPacketTo is an IPv6 packet of size bytes to dst, its UDP header
// left zero: the endpoint routes it by its destination alone.
func udpPacketTo(dst netip.Addr, size int) []byte {
	pkt := make([]byte, size)
	header.IPv6(pkt).Encode(&header.IPv6Fields{
		PayloadLength:     uint16(size - header.IPv6MinimumSize),
		TransportProtocol: header.UDPProtocolNumber,
		HopLimit:          64,
		DstAddr:           tcpip.AddrFrom16(dst.As16()),
	})
	return pkt
}
