package link

import (
	"encoding/binary"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// restamp moves the TCP timestamp (RFC 7323) of plain, an IPv6 TCP
// segment the netstack sent age ago and the link sends again now
// (nudge.go), forward by age, and sets the checksum again. The peer
// echoes the timestamp of the segment it got, so the netstack's round
// trip sample then measures this copy, not the wait before it: a SYN the
// link sent again after 2 round trips would otherwise seed the
// connection's RTO with 3 round trips (gVisor, like Linux, samples the
// handshake by its timestamps). gVisor's timestamps count milliseconds.
// A segment without the option, or not TCP, is left alone.
//
// A SYN-ACK sent again also has its echo (TSecr) moved forward by age:
// it echoes the SYN it answers, and the peer samples its first round
// trip as the time since that SYN, which would otherwise count the wait
// before this copy too: a SYN-ACK the link sent again after 2 round
// trips would seed the dialer's RTO with 3, and its first loss of data
// would wait 9. Moved, the echo is still no later than anything the
// peer stamped before this copy left (the SYN was received before the
// first SYN-ACK went), and the sample measures this copy, as for the
// SYN. Both ends are gVisor netstacks whose timestamps count
// milliseconds.
func restamp(plain []byte, age time.Duration) {
	ms := uint32(age / time.Millisecond)
	if ms == 0 || len(plain) < header.IPv6MinimumSize+header.TCPMinimumSize {
		return
	}
	ip := header.IPv6(plain)
	if ip.NextHeader() != uint8(header.TCPProtocolNumber) || !ip.IsValid(len(plain)) {
		return
	}
	tcp := header.TCP(ip.Payload())
	off := int(tcp.DataOffset())
	if off < header.TCPMinimumSize || off > len(tcp) {
		return
	}
	opts := tcp[header.TCPMinimumSize:off]
	for i := 0; i < len(opts); {
		switch kind := opts[i]; kind {
		case header.TCPOptionEOL:
			return
		case header.TCPOptionNOP:
			i++
			continue
		}
		if i+1 >= len(opts) || opts[i+1] < 2 || i+int(opts[i+1]) > len(opts) {
			return
		}
		if opts[i] == header.TCPOptionTS && opts[i+1] == header.TCPOptionTSLength {
			v := opts[i+2 : i+6]
			binary.BigEndian.PutUint32(v, binary.BigEndian.Uint32(v)+ms)
			if f := tcp.Flags(); f&header.TCPFlagSyn != 0 && f&header.TCPFlagAck != 0 {
				if ecr := opts[i+6 : i+10]; binary.BigEndian.Uint32(ecr) != 0 {
					binary.BigEndian.PutUint32(ecr, binary.BigEndian.Uint32(ecr)+ms)
				}
			}
			tcp.SetChecksum(0)
			x := header.PseudoHeaderChecksum(header.TCPProtocolNumber, ip.SourceAddress(), ip.DestinationAddress(), uint16(len(tcp)))
			tcp.SetChecksum(^checksum.Checksum(tcp, x))
			return
		}
		i += int(opts[i+1])
	}
}
