package link

import (
	"bytes"
	"testing"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

var (
	gsoSrc = tcpip.AddrFrom16([16]byte{0xfd, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	gsoDst = tcpip.AddrFrom16([16]byte{0xfd, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1})
)

// gsoPacket builds an IPv6/TCP packet as the netstack hands it over with
// host GSO: the checksum field holds only the pseudo-header sum over the
// whole TCP length.
func gsoPacket(payload []byte, flags header.TCPFlags, opts []byte) []byte {
	tcpLen := header.TCPMinimumSize + len(opts)
	pkt := make([]byte, header.IPv6MinimumSize+tcpLen+len(payload))
	header.IPv6(pkt).Encode(&header.IPv6Fields{
		PayloadLength:     uint16(tcpLen + len(payload)),
		TransportProtocol: header.TCPProtocolNumber,
		HopLimit:          64,
		SrcAddr:           gsoSrc,
		DstAddr:           gsoDst,
	})
	tcp := header.TCP(pkt[header.IPv6MinimumSize:])
	tcp.Encode(&header.TCPFields{
		SrcPort:    4242,
		DstPort:    80,
		SeqNum:     0xfffffff0, // wraps within the packet
		AckNum:     77,
		DataOffset: uint8(tcpLen),
		Flags:      flags,
		WindowSize: 1000,
	})
	copy(tcp[header.TCPMinimumSize:], opts)
	copy(tcp[tcpLen:], payload)
	tcp.SetChecksum(header.PseudoHeaderChecksum(header.TCPProtocolNumber, gsoSrc, gsoDst, uint16(tcpLen+len(payload))))
	return pkt
}

// splitAt slices b at the given offsets, as a PacketBuffer's views might.
func splitAt(b []byte, cuts ...int) [][]byte {
	var out [][]byte
	prev := 0
	for _, c := range cuts {
		if c > prev && c < len(b) {
			out = append(out, b[prev:c])
			prev = c
		}
	}
	return append(out, b[prev:])
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// segmentAll runs the segmenter over pkt and returns copies of the
// segments.
func segmentAll(t testing.TB, pkt [][]byte, mss int) ([][]byte, error) {
	var s tcpSegmenter
	if err := s.init(pkt, mss); err != nil {
		return nil, err
	}
	want := s.segments()
	var segs [][]byte
	buf := make([]byte, s.segLen())
	for l := s.segLen(); l > 0; l = s.segLen() {
		n := s.next(buf)
		if n != l {
			t.Fatalf("next wrote %d bytes, segLen said %d", n, l)
		}
		segs = append(segs, bytes.Clone(buf[:n]))
	}
	if s.next(buf) != 0 {
		t.Fatal("next after the last segment wrote more")
	}
	if len(segs) != want {
		t.Fatalf("%d segments, segments() said %d", len(segs), want)
	}
	return segs, nil
}

// checkSegments parses every segment with gVisor's header package and
// checks lengths, sequence numbers, flags and checksums, and that the
// payloads add up to payload.
func checkSegments(t *testing.T, segs [][]byte, payload []byte, mss int, flags header.TCPFlags, opts []byte) {
	t.Helper()
	var got []byte
	seq := uint32(0xfffffff0)
	for i, seg := range segs {
		ip := header.IPv6(seg)
		if !ip.IsValid(len(seg)) || int(ip.PayloadLength()) != len(seg)-header.IPv6MinimumSize {
			t.Fatalf("segment %d: IPv6 payload length %d in %d bytes", i, ip.PayloadLength(), len(seg))
		}
		if ip.SourceAddress() != gsoSrc || ip.DestinationAddress() != gsoDst || ip.HopLimit() != 64 {
			t.Fatalf("segment %d: IPv6 header changed: %v → %v hop %d", i, ip.SourceAddress(), ip.DestinationAddress(), ip.HopLimit())
		}
		tcp := header.TCP(ip.Payload())
		if int(tcp.DataOffset()) != header.TCPMinimumSize+len(opts) || !bytes.Equal(tcp.Options(), opts) {
			t.Fatalf("segment %d: TCP header of %d bytes, options %x", i, tcp.DataOffset(), tcp.Options())
		}
		data := tcp.Payload()
		if len(data) > mss || (i < len(segs)-1 && len(data) != mss) {
			t.Fatalf("segment %d of %d: %d payload bytes, MSS %d", i, len(segs), len(data), mss)
		}
		if tcp.SequenceNumber() != seq {
			t.Fatalf("segment %d: seq %#x, want %#x", i, tcp.SequenceNumber(), seq)
		}
		seq += uint32(len(data))
		want := flags
		if i < len(segs)-1 {
			want &^= header.TCPFlagFin | header.TCPFlagPsh
		}
		if i > 0 {
			want &^= header.TCPFlagCwr
		}
		if tcp.Flags() != want {
			t.Fatalf("segment %d: flags %v, want %v", i, tcp.Flags(), want)
		}
		if tcp.SourcePort() != 4242 || tcp.DestinationPort() != 80 || tcp.AckNumber() != 77 || tcp.WindowSize() != 1000 {
			t.Fatalf("segment %d: TCP fields changed", i)
		}
		if !tcp.IsChecksumValid(gsoSrc, gsoDst, checksum.Checksum(data, 0), uint16(len(data))) {
			t.Fatalf("segment %d: bad TCP checksum %#04x", i, tcp.Checksum())
		}
		got = append(got, data...)
	}
	if !bytes.Equal(got, payload) {
		t.Fatalf("payloads add up to %d bytes, want the %d sent", len(got), len(payload))
	}
}

func TestSegmentTCP6(t *testing.T) {
	tsOpts := []byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2} // NOP NOP timestamps
	ack, psh, fin, cwr := header.TCPFlagAck, header.TCPFlagPsh, header.TCPFlagFin, header.TCPFlagCwr
	tests := []struct {
		name    string
		payload int
		mss     int
		flags   header.TCPFlags
		opts    []byte
		cuts    []int
		segs    int
	}{
		{"pure ack", 0, 1208, ack, nil, nil, 1},
		{"under mss", 100, 1208, ack | psh, tsOpts, nil, 1},
		{"exactly mss", 1208, 1208, ack | psh, tsOpts, nil, 1},
		{"mss plus one", 1209, 1208, ack | psh, tsOpts, nil, 2},
		{"even split", 3 * 1208, 1208, ack | psh | fin, tsOpts, nil, 3},
		{"last short", 10*1208 + 17, 1208, ack | psh | fin, tsOpts, nil, 11},
		{"odd sizes", 1001, 7, ack | psh, nil, nil, 143},
		{"mss one", 5, 1, ack | psh | fin, nil, nil, 5},
		{"cwr on first only", 4000, 1000, ack | cwr | psh, nil, nil, 4},
		{"largest", gsoMaxSize - 40 - 32, 1208, ack | psh, tsOpts, nil, 55},
		{"scattered views", 5000, 1208, ack | psh, tsOpts, []int{1, 39, 41, 60, 61, 72, 100, 2000, 2001, 4999}, 5},
		{"header split from payload", 3000, 1208, ack, tsOpts, []int{40, 72}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := pattern(tt.payload)
			pkt := gsoPacket(payload, tt.flags, tt.opts)
			segs, err := segmentAll(t, splitAt(pkt, tt.cuts...), tt.mss)
			if err != nil {
				t.Fatal(err)
			}
			if len(segs) != tt.segs {
				t.Fatalf("%d segments, want %d", len(segs), tt.segs)
			}
			checkSegments(t, segs, payload, tt.mss, tt.flags, tt.opts)
		})
	}
}

func TestSegmentTCP6Refuses(t *testing.T) {
	good := gsoPacket(pattern(100), header.TCPFlagAck, nil)
	udp := bytes.Clone(good)
	udp[6] = uint8(header.UDPProtocolNumber)
	v4 := bytes.Clone(good)
	v4[0] = 0x45
	badOff := bytes.Clone(good)
	badOff[header.IPv6MinimumSize+12] = 4 << 4 // 16-byte TCP header
	longOff := gsoPacket(nil, header.TCPFlagAck, nil)
	longOff[header.IPv6MinimumSize+12] = 15 << 4 // 60 bytes claimed, 20 there
	tests := []struct {
		name string
		pkt  []byte
		mss  int
	}{
		{"empty", nil, 1208},
		{"ipv6 header only", good[:header.IPv6MinimumSize], 1208},
		{"short tcp", good[:header.IPv6MinimumSize+19], 1208},
		{"udp", udp, 1208},
		{"ipv4", v4, 1208},
		{"tcp header too short", badOff, 1208},
		{"tcp header past end", longOff, 1208},
		{"zero mss", good, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := segmentAll(t, [][]byte{tt.pkt}, tt.mss); err == nil {
				t.Fatal("init accepted it")
			}
		})
	}
}

// FuzzSegmentTCP6 cuts arbitrary packets: the segmenter must not panic,
// and what it accepts must come out as valid segments carrying every
// payload byte once.
func FuzzSegmentTCP6(f *testing.F) {
	f.Add(gsoPacket(pattern(3000), header.TCPFlagAck|header.TCPFlagPsh, nil), uint16(1208), uint16(50))
	f.Add(gsoPacket(nil, header.TCPFlagAck, []byte{1, 1, 1, 1}), uint16(1), uint16(3))
	f.Add([]byte{0x60}, uint16(0), uint16(0))
	f.Fuzz(func(t *testing.T, pkt []byte, mss, cut uint16) {
		segs, err := segmentAll(t, splitAt(pkt, int(cut), int(cut)*2), int(mss))
		if err != nil {
			return
		}
		hdr := header.IPv6MinimumSize + int(header.TCP(pkt[header.IPv6MinimumSize:]).DataOffset())
		total := 0
		for _, s := range segs {
			if len(s) < hdr || len(s)-hdr > int(mss) || int(header.IPv6(s).PayloadLength()) != len(s)-header.IPv6MinimumSize {
				t.Fatalf("segment of %d bytes, headers %d, MSS %d", len(s), hdr, mss)
			}
			total += len(s) - hdr
		}
		if total != len(pkt)-hdr {
			t.Fatalf("segments carry %d payload bytes, packet had %d", total, len(pkt)-hdr)
		}
	})
}

func BenchmarkSegmentTCP6(b *testing.B) {
	pkt := gsoPacket(pattern(gsoMaxSize-40-32), header.TCPFlagAck|header.TCPFlagPsh, make([]byte, 12))
	buf := make([]byte, 1500)
	b.SetBytes(int64(len(pkt)))
	for b.Loop() {
		var s tcpSegmenter
		if err := s.init([][]byte{pkt}, 1208); err != nil {
			b.Fatal(err)
		}
		for s.next(buf) > 0 {
		}
	}
}
