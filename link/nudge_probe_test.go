package link

import (
	"time"

	"testing"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// sentSegment builds a packet as the netstack hands it to WritePackets:
// IPv6 and TCP headers from port 1000 to 7 with seq, flags and payload
// bytes; offloaded with mss when mss is not zero.
func sentSegment(t *testing.T, seq uint32, flags header.TCPFlags, payload, mss int) *stack.PacketBuffer {
	t.Helper()
	p := stack.NewPacketBuffer(stack.PacketBufferOptions{
		ReserveHeaderBytes: header.IPv6MinimumSize + header.TCPMinimumSize,
		Payload:            buffer.MakeWithData(make([]byte, payload)),
	})
	p.TransportProtocolNumber = header.TCPProtocolNumber
	header.TCP(p.TransportHeader().Push(header.TCPMinimumSize)).Encode(&header.TCPFields{
		SrcPort: 1000, DstPort: 7, SeqNum: seq, DataOffset: header.TCPMinimumSize, Flags: flags,
	})
	header.IPv6(p.NetworkHeader().Push(header.IPv6MinimumSize)).Encode(&header.IPv6Fields{
		PayloadLength:     uint16(header.TCPMinimumSize + payload),
		TransportProtocol: tcpip.TransportProtocolNumber(header.TCPProtocolNumber),
		HopLimit:          64,
		SrcAddr:           tcpip.AddrFrom16([16]byte{0xfd, 1}),
		DstAddr:           tcpip.AddrFrom16([16]byte{0xfd, 2}),
	})
	p.NetworkProtocolNumber = header.IPv6ProtocolNumber
	if mss > 0 {
		p.GSOOptions = stack.GSO{Type: stack.GSOTCPv6, MSS: uint16(mss)}
	}
	t.Cleanup(p.DecRef)
	return p
}

// TestProbeCut: a probe sends the first segment the peer lacks by its
// ACKs and the last one sent, each once; of a reply and the bare FIN
// after it, the reply too; nothing the peer acknowledged.
func TestProbeCut(t *testing.T) {
	const mss = 1200
	data := sentSegment(t, 1000, header.TCPFlagAck|header.TCPFlagPsh, 2060, mss) // [1000, 2200) [2200, 3060)
	reply := sentSegment(t, 5000, header.TCPFlagAck|header.TCPFlagPsh, 1, 0)     // [5000, 5001)
	fin := sentSegment(t, 5001, header.TCPFlagAck|header.TCPFlagFin, 0, 0)       // [5001, 5002)
	syn := sentSegment(t, 9000, header.TCPFlagSyn, 0, 0)                         // [9000, 9001)
	type span struct{ start, end uint32 }
	none := span{}
	for _, c := range []struct {
		name        string
		r           resend
		first, tail span
	}{
		{"data, no ACK seen", resend{last: data}, span{1000, 2200}, span{2200, 3060}},
		{"data, first segment lost", resend{last: data, acked: 1000, ackedOK: true}, span{1000, 2200}, span{2200, 3060}},
		{"data, last segment lost", resend{last: data, acked: 2200, ackedOK: true}, span{2200, 3060}, none},
		{"data, all acknowledged", resend{last: data, acked: 3060, ackedOK: true}, none, none},
		{"reply then FIN", resend{prev: reply, last: fin}, span{5000, 5001}, span{5001, 5002}},
		{"reply then FIN, reply lost", resend{prev: reply, last: fin, acked: 5000, ackedOK: true}, span{5000, 5001}, span{5001, 5002}},
		{"reply then FIN, FIN lost", resend{prev: reply, last: fin, acked: 5001, ackedOK: true}, span{5001, 5002}, none},
		{"syn", resend{last: syn}, span{9000, 9001}, none},
	} {
		first, tail := make([]byte, 2000), make([]byte, 2000)
		nf, nt := c.r.cut(mss, first, tail)
		got := func(b []byte, n int) span {
			if n == 0 {
				return none
			}
			id := segIDOfPlain(b[:n])
			if !id.ok || id.local != 1000 || id.remote != 7 {
				t.Fatalf("%s: cut a segment that does not parse: %x", c.name, b[:n])
			}
			return span{id.start, id.end}
		}
		if g := got(first, nf); g != c.first {
			t.Errorf("%s: first %v, want %v", c.name, g, c.first)
		}
		if g := got(tail, nt); g != c.tail {
			t.Errorf("%s: tail %v, want %v", c.name, g, c.tail)
		}
	}
}

// TestSegIDAckOf: the ACK number of the peer's segments on the flow is
// read, and only theirs.
func TestSegIDAckOf(t *testing.T) {
	id := segID{local: 1000, remote: 7, start: 10, end: 20, ok: true}
	in := func(src, dst uint16, flags header.TCPFlags, ack uint32) []byte {
		b := make([]byte, header.IPv6MinimumSize+header.TCPMinimumSize)
		header.IPv6(b).Encode(&header.IPv6Fields{PayloadLength: header.TCPMinimumSize, TransportProtocol: header.TCPProtocolNumber, HopLimit: 64})
		header.TCP(b[header.IPv6MinimumSize:]).Encode(&header.TCPFields{SrcPort: src, DstPort: dst, AckNum: ack, DataOffset: header.TCPMinimumSize, Flags: flags})
		return b
	}
	if a, ok := id.ackOf(in(7, 1000, header.TCPFlagAck, 15)); !ok || a != 15 {
		t.Errorf("ackOf = %d, %v; want 15, true", a, ok)
	}
	if _, ok := id.ackOf(in(7, 1001, header.TCPFlagAck, 15)); ok {
		t.Error("another flow's ACK read")
	}
	if _, ok := id.ackOf(in(7, 1000, header.TCPFlagSyn, 15)); ok {
		t.Error("a segment without the ACK flag read")
	}
}

// TestRememberReplyBeforeFIN: a bare FIN right after the flow's data
// keeps the data, so a probe repairs a lost reply whose FIN arrived
// (gVisor's receiver does not SACK a FIN); any other segment replaces
// both.
func TestRememberReplyBeforeFIN(t *testing.T) {
	e := &Endpoint{now: time.Now}
	p := &peer{}
	n := &p.nudge
	defer func() {
		for _, pkt := range []*stack.PacketBuffer{n.last, n.prev} {
			if pkt != nil {
				pkt.DecRef()
			}
		}
	}()
	reply := sentSegment(t, 5000, header.TCPFlagAck|header.TCPFlagPsh, 1, 0)
	fin := sentSegment(t, 5001, header.TCPFlagAck|header.TCPFlagFin, 0, 0)
	e.remember(p, reply, segData)
	e.remember(p, fin, segData)
	if n.last != fin || n.prev != reply || n.id.start != 5000 || n.id.end != 5002 {
		t.Fatalf("after reply and FIN: last %p prev %p span [%d, %d); want %p %p [5000, 5002)", n.last, n.prev, n.id.start, n.id.end, fin, reply)
	}
	r := n.resendLocked(time.Now())
	first, tail := make([]byte, 2000), make([]byte, 2000)
	nf, nt := r.cut(1200, first, tail)
	r.release()
	if segIDOfPlain(first[:nf]).start != 5000 || segIDOfPlain(tail[:nt]).start != 5001 {
		t.Fatalf("probe of reply and FIN cut %x and %x", first[:nf], tail[:nt])
	}
	// A FIN that does not follow the remembered data at once.
	gap := sentSegment(t, 7000, header.TCPFlagAck|header.TCPFlagFin, 0, 0)
	e.remember(p, gap, segData)
	if n.last != gap || n.prev != nil {
		t.Fatalf("after an unrelated FIN: last %p prev %p; want %p and none", n.last, n.prev, gap)
	}
}
