package link

import (
	"testing"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// TestTCPKind: which segments a nudge remembers.
func TestTCPKind(t *testing.T) {
	seg := func(proto header.IPv6ExtensionHeaderIdentifier, flags header.TCPFlags, payload int) []byte {
		b := make([]byte, header.IPv6MinimumSize+header.TCPMinimumSize+payload)
		header.IPv6(b).Encode(&header.IPv6Fields{
			PayloadLength:     uint16(header.TCPMinimumSize + payload),
			TransportProtocol: tcpip.TransportProtocolNumber(proto),
			HopLimit:          64,
		})
		header.TCP(b[header.IPv6MinimumSize:]).Encode(&header.TCPFields{DataOffset: header.TCPMinimumSize, Flags: flags})
		return b
	}
	tcp := header.IPv6ExtensionHeaderIdentifier(header.TCPProtocolNumber)
	udp := header.IPv6ExtensionHeaderIdentifier(header.UDPProtocolNumber)
	for _, c := range []struct {
		name string
		pkt  []byte
		want segKind
	}{
		{"syn", seg(tcp, header.TCPFlagSyn, 0), segSYN},
		{"syn-ack", seg(tcp, header.TCPFlagSyn|header.TCPFlagAck, 0), segSYN},
		{"data", seg(tcp, header.TCPFlagAck|header.TCPFlagPsh, 100), segData},
		{"fin", seg(tcp, header.TCPFlagFin|header.TCPFlagAck, 0), segData},
		{"pure ack", seg(tcp, header.TCPFlagAck, 0), segOther},
		{"rst", seg(tcp, header.TCPFlagRst|header.TCPFlagAck, 0), segOther},
		{"udp", seg(udp, 0, 100), segOther},
		{"short", make([]byte, 30), segOther},
	} {
		if got := tcpKind(c.pkt); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// TestGSOKind: gVisor sends every segment of an offload connection,
// pure ACKs too, as an offload packet; only SYNs, data and FINs are
// remembered, so an ACK never displaces a SYN-ACK awaiting its answer.
func TestGSOKind(t *testing.T) {
	pkt := func(proto tcpip.TransportProtocolNumber, flags header.TCPFlags, payload int) *stack.PacketBuffer {
		p := stack.NewPacketBuffer(stack.PacketBufferOptions{
			ReserveHeaderBytes: header.TCPMinimumSize,
			Payload:            buffer.MakeWithData(make([]byte, payload)),
		})
		p.TransportProtocolNumber = proto
		header.TCP(p.TransportHeader().Push(header.TCPMinimumSize)).Encode(&header.TCPFields{DataOffset: header.TCPMinimumSize, Flags: flags})
		p.GSOOptions = stack.GSO{Type: stack.GSOTCPv6, MSS: 1200}
		t.Cleanup(p.DecRef)
		return p
	}
	for _, c := range []struct {
		name string
		pkt  *stack.PacketBuffer
		want segKind
	}{
		{"syn-ack", pkt(header.TCPProtocolNumber, header.TCPFlagSyn|header.TCPFlagAck, 0), segSYN},
		{"data", pkt(header.TCPProtocolNumber, header.TCPFlagAck, 3000), segData},
		{"fin", pkt(header.TCPProtocolNumber, header.TCPFlagFin|header.TCPFlagAck, 0), segData},
		{"pure ack", pkt(header.TCPProtocolNumber, header.TCPFlagAck, 0), segOther},
		{"rst", pkt(header.TCPProtocolNumber, header.TCPFlagRst, 0), segOther},
		{"not tcp", pkt(header.UDPProtocolNumber, 0, 100), segOther},
	} {
		if got := gsoKind(c.pkt); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// TestSegIDAcks: an inbound segment acknowledges the remembered one only
// on the same flow, reversed, with the ACK flag and an ACK number at or
// past its end (modulo 2^32).
func TestSegIDAcks(t *testing.T) {
	ack := func(src, dst uint16, flags header.TCPFlags, n uint32) []byte {
		b := make([]byte, header.IPv6MinimumSize+header.TCPMinimumSize)
		header.IPv6(b).Encode(&header.IPv6Fields{PayloadLength: header.TCPMinimumSize, TransportProtocol: header.TCPProtocolNumber, HopLimit: 64})
		header.TCP(b[header.IPv6MinimumSize:]).Encode(&header.TCPFields{SrcPort: src, DstPort: dst, AckNum: n, DataOffset: header.TCPMinimumSize, Flags: flags})
		return b
	}
	id := segID{local: 1000, remote: 7, end: 0xfffffff0, ok: true}
	for _, c := range []struct {
		name string
		pkt  []byte
		want bool
	}{
		{"at the end", ack(7, 1000, header.TCPFlagAck, 0xfffffff0), true},
		{"past it, wrapped", ack(7, 1000, header.TCPFlagAck, 5), true},
		{"short of it", ack(7, 1000, header.TCPFlagAck, 0xffffffef), false},
		{"another flow", ack(8, 1000, header.TCPFlagAck, 0xfffffff0), false},
		{"no ACK flag", ack(7, 1000, header.TCPFlagSyn, 0xfffffff0), false},
		{"not TCP", make([]byte, 60), false},
	} {
		if got := id.acks(c.pkt); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if (segID{}).acks(ack(7, 1000, header.TCPFlagAck, 0xfffffff0)) {
		t.Error("an unknown segment was acknowledged")
	}
}
