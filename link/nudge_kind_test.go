package link

import (
	"testing"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
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
