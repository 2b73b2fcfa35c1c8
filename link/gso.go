package link

import (
	"fmt"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// Segmentation offload on send: the endpoint reports host GSO to the
// netstack (endpoint.go), so TCP hands WritePackets one IPv6/TCP packet
// of up to GSOMaxSize bytes with the MSS to cut it at, and a checksum
// field that holds only the pseudo-header sum. The endpoint cuts it here,
// straight into frame buffers, as the kernel's tcp_gso_segment would:
//
//   - every segment carries a copy of the IPv6 and TCP headers (options
//     included) and at most MSS bytes of payload, the last one the rest;
//   - the IPv6 payload length is that of the segment;
//   - the sequence number advances by the payload before the segment;
//   - FIN and PSH stay only on the last segment, CWR only on the first;
//   - the TCP checksum is computed in full for every segment.
//
// A GSO packet with no more than MSS bytes of payload is one segment: its
// checksum is completed all the same.

// gsoMaxSize is the largest packet the netstack hands the endpoint when
// segmentation offload is on: gVisor's limit, as Tailscale uses.
const gsoMaxSize = 1 << 16

// maxTCPHeaders is the most an IPv6 and a TCP header take.
const maxTCPHeaders = header.IPv6MinimumSize + header.TCPHeaderMaximumSize

// tcpSegmenter cuts one IPv6/TCP GSO packet into segments. Its zero value
// is ready for init; it holds no reference to the packet's bytes beyond
// the gather cursor.
type tcpSegmenter struct {
	hdr     [maxTCPHeaders]byte // IPv6 then TCP header, as the packet had them
	hdrLen  int                 // IPv6 + TCP header bytes in hdr
	src     gather              // the payload not yet cut
	left    int                 // payload bytes not yet cut
	mss     int
	seq     uint32
	flags   header.TCPFlags
	first   bool
	srcAddr tcpip.Address
	dstAddr tcpip.Address
}

// init prepares s to cut the packet made of slices pkt (IPv6 header, TCP
// header, payload, in any slicing) into segments of at most mss payload
// bytes. It refuses what is not IPv6 carrying TCP without extension
// headers, and an mss below one.
func (s *tcpSegmenter) init(pkt [][]byte, mss int) error {
	s.src = gather{s: pkt}
	size := s.src.len()
	ip := s.hdr[:header.IPv6MinimumSize]
	if size < header.IPv6MinimumSize+header.TCPMinimumSize || s.src.read(ip) != len(ip) {
		return fmt.Errorf("link: gso packet of %d bytes", size)
	}
	v6 := header.IPv6(ip)
	if v6.NextHeader() != uint8(header.TCPProtocolNumber) || ip[0]>>4 != 6 {
		return fmt.Errorf("link: gso packet is not IPv6/TCP (next header %d)", v6.NextHeader())
	}
	tcpMin := s.hdr[header.IPv6MinimumSize : header.IPv6MinimumSize+header.TCPMinimumSize]
	s.src.read(tcpMin)
	tcpLen := int(header.TCP(tcpMin).DataOffset())
	if tcpLen < header.TCPMinimumSize || header.IPv6MinimumSize+tcpLen > size {
		return fmt.Errorf("link: gso packet with a TCP header of %d bytes", tcpLen)
	}
	s.src.read(s.hdr[header.IPv6MinimumSize+header.TCPMinimumSize : header.IPv6MinimumSize+tcpLen])
	if mss < 1 {
		return fmt.Errorf("link: gso MSS %d", mss)
	}
	s.hdrLen = header.IPv6MinimumSize + tcpLen
	s.left = size - s.hdrLen
	s.mss = mss
	tcp := header.TCP(s.hdr[header.IPv6MinimumSize:s.hdrLen])
	s.seq = tcp.SequenceNumber()
	s.flags = tcp.Flags()
	s.first = true
	s.srcAddr = v6.SourceAddress()
	s.dstAddr = v6.DestinationAddress()
	return nil
}

// segments returns how many segments the packet s was initialised with
// makes.
func (s *tcpSegmenter) segments() int {
	if s.left == 0 {
		return 1
	}
	return (s.left + s.mss - 1) / s.mss
}

// segLen returns the length of the next segment, or 0 when none is left.
func (s *tcpSegmenter) segLen() int {
	if s.hdrLen == 0 {
		return 0
	}
	return s.hdrLen + min(s.left, s.mss)
}

// next writes the next segment into dst, which must hold segLen bytes,
// and returns its length; 0 means every segment was written.
func (s *tcpSegmenter) next(dst []byte) int {
	if s.hdrLen == 0 {
		return 0
	}
	n := min(s.left, s.mss)
	s.left -= n
	last := s.left == 0
	copy(dst, s.hdr[:s.hdrLen])
	seg := dst[:s.hdrLen+n]
	s.src.read(seg[s.hdrLen:])

	tcpLen := len(seg) - header.IPv6MinimumSize
	header.IPv6(seg).SetPayloadLength(uint16(tcpLen))
	tcp := header.TCP(seg[header.IPv6MinimumSize:])
	tcp.SetSequenceNumber(s.seq)
	flags := s.flags
	if !last {
		flags &^= header.TCPFlagFin | header.TCPFlagPsh
	}
	if !s.first {
		flags &^= header.TCPFlagCwr
	}
	tcp.SetFlags(uint8(flags))
	tcp.SetChecksum(0)
	xsum := header.PseudoHeaderChecksum(header.TCPProtocolNumber, s.srcAddr, s.dstAddr, uint16(tcpLen))
	tcp.SetChecksum(^checksum.Checksum(tcp, xsum))

	s.seq += uint32(n)
	s.first = false
	if last {
		s.hdrLen = 0
	}
	return len(seg)
}

// gather reads bytes in order from a list of slices without joining them.
type gather struct {
	s [][]byte
}

func (g *gather) len() int {
	n := 0
	for _, b := range g.s {
		n += len(b)
	}
	return n
}

// read fills dst from the front of g and returns how many bytes it
// copied: fewer than len(dst) only when g ran out.
func (g *gather) read(dst []byte) int {
	n := 0
	for n < len(dst) && len(g.s) > 0 {
		c := copy(dst[n:], g.s[0])
		n += c
		if g.s[0] = g.s[0][c:]; len(g.s[0]) == 0 {
			g.s = g.s[1:]
		}
	}
	return n
}
