package link

import (
	"encoding/binary"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// stampedSYN is an IPv6 SYN from a to b with MSS, NOP NOP and a
// timestamp option (TSval tsVal), and a valid checksum.
func stampedSYN(tsVal uint32) []byte { return stamped(header.TCPFlagSyn, tsVal, 0) }

// stamped is stampedSYN with flags and the echo tsEcr.
func stamped(flags header.TCPFlags, tsVal, tsEcr uint32) []byte {
	a := tcpip.AddrFrom16([16]byte{0xfd, 15: 1})
	b := tcpip.AddrFrom16([16]byte{0xfd, 15: 2})
	opts := []byte{header.TCPOptionMSS, 4, 0x04, 0xb0, header.TCPOptionNOP, header.TCPOptionNOP}
	var ts [header.TCPOptionTSLength]byte
	header.EncodeTSOption(tsVal, tsEcr, ts[:])
	opts = append(opts, ts[:]...)
	tcpLen := header.TCPMinimumSize + len(opts)
	pkt := make([]byte, header.IPv6MinimumSize+tcpLen)
	header.IPv6(pkt).Encode(&header.IPv6Fields{PayloadLength: uint16(tcpLen), TransportProtocol: header.TCPProtocolNumber, HopLimit: 64, SrcAddr: a, DstAddr: b})
	tcp := header.TCP(pkt[header.IPv6MinimumSize:])
	tcp.Encode(&header.TCPFields{SrcPort: 1000, DstPort: 7, SeqNum: 42, DataOffset: uint8(tcpLen), Flags: flags, WindowSize: 65535})
	copy(tcp[header.TCPMinimumSize:], opts)
	tcp.SetChecksum(^tcp.CalculateChecksum(header.PseudoHeaderChecksum(header.TCPProtocolNumber, a, b, uint16(tcpLen))))
	return pkt
}

func tsValOf(t *testing.T, pkt []byte) uint32 {
	t.Helper()
	return tsOf(t, pkt).TSVal
}

func tsOf(t *testing.T, pkt []byte) header.TCPOptions {
	t.Helper()
	tcp := header.TCP(pkt[header.IPv6MinimumSize:])
	o := header.ParseTCPOptions(tcp.Options())
	if !o.TS {
		t.Fatal("no timestamp option")
	}
	return o
}

// TestRestampEcho: a SYN-ACK sent again 208 ms later echoes a timestamp
// 208 ms later too, so the dialer's first round trip sample measures
// this copy; other segments' echoes are left alone.
func TestRestampEcho(t *testing.T) {
	for _, c := range []struct {
		name     string
		flags    header.TCPFlags
		ecr, out uint32
	}{
		{"syn-ack", header.TCPFlagSyn | header.TCPFlagAck, 5000, 5208},
		{"syn-ack, wrapping", header.TCPFlagSyn | header.TCPFlagAck, 0xffffff00, 208 - 0x100 + 1<<32},
		{"syn-ack echoing nothing", header.TCPFlagSyn | header.TCPFlagAck, 0, 0},
		{"data", header.TCPFlagAck | header.TCPFlagPsh, 5000, 5000},
		{"fin", header.TCPFlagAck | header.TCPFlagFin, 5000, 5000},
	} {
		pkt := stamped(c.flags, 100, c.ecr)
		restamp(pkt, 208*time.Millisecond)
		o := tsOf(t, pkt)
		if o.TSVal != 308 || o.TSEcr != c.out {
			t.Errorf("%s: TSval %d TSecr %#x, want 308 and %#x", c.name, o.TSVal, o.TSEcr, c.out)
		}
		if !checksumOK(pkt) {
			t.Errorf("%s: checksum wrong after restamp", c.name)
		}
	}
}

func checksumOK(pkt []byte) bool {
	ip := header.IPv6(pkt)
	tcp := header.TCP(ip.Payload())
	return tcp.IsChecksumValid(ip.SourceAddress(), ip.DestinationAddress(), 0, 0)
}

// TestRestamp: a segment sent again 312 ms later carries a timestamp
// 312 ms later and a valid checksum; a segment without the option, or
// sent again at once, is left as it was.
func TestRestamp(t *testing.T) {
	pkt := stampedSYN(0xfffffff0) // the timestamp wraps
	if !checksumOK(pkt) {
		t.Fatal("test packet's checksum")
	}
	restamp(pkt, 312*time.Millisecond+400*time.Microsecond)
	if got, want := tsValOf(t, pkt), uint32(312-0x10); got != want {
		t.Fatalf("TSval %#x, want %#x", got, want)
	}
	if !checksumOK(pkt) {
		t.Fatal("checksum wrong after restamp")
	}

	same := stampedSYN(7)
	restamp(same, 500*time.Microsecond)
	if string(same) != string(stampedSYN(7)) {
		t.Fatal("restamp under a millisecond changed the packet")
	}

	plain := stampedSYN(7)
	tcp := header.TCP(plain[header.IPv6MinimumSize:])
	ts := tcp[header.TCPMinimumSize+6:]
	ts[0] = 0x22 // an unknown option of the same length: no timestamp
	before := string(plain)
	restamp(plain, time.Second)
	if string(plain) != before {
		t.Fatal("restamp changed a segment without a timestamp")
	}
	if binary.BigEndian.Uint16(plain[4:]) == 0 {
		t.Fatal("payload length cleared")
	}
}

// FuzzRestamp: restamp never panics and never changes a packet's length.
func FuzzRestamp(f *testing.F) {
	f.Add(stampedSYN(1), int64(time.Second))
	f.Add([]byte{0x60}, int64(time.Millisecond))
	f.Fuzz(func(t *testing.T, pkt []byte, age int64) {
		n := len(pkt)
		restamp(pkt, time.Duration(age))
		if len(pkt) != n {
			t.Fatal("length changed")
		}
	})
}
