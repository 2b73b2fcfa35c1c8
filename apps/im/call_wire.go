package im

import (
	"encoding/binary"
	"fmt"
)

// CallPort is the well-known UDP port of calls.
const CallPort = 5223

// Call packet types (one UDP datagram each; see doc.go).
const (
	pktMedia  byte = 1
	pktBye    byte = 2
	pktEcho   byte = 3
	pktReport byte = 4
)

// maxCallPayload keeps a media packet inside one overlay datagram.
const maxCallPayload = 1000

// callPacket is any call datagram. Fields beyond those of its type are
// zero.
type callPacket struct {
	Type byte
	Call uint64
	Seq  uint32
	// Sent is the sender's clock in unix µs (MEDIA, ECHO: the echoed
	// MEDIA's).
	Sent    int64
	Payload []byte
	// Report (REPORT): what the callee saw.
	Report callReport
}

// callReport is the receiver's statistics, as sent in REPORT.
type callReport struct {
	Received, Lost, Late, Duplicates uint32
	JitterMicros                     uint32
}

func (p callPacket) append(b []byte) []byte {
	b = append(b, p.Type)
	b = binary.BigEndian.AppendUint64(b, p.Call)
	switch p.Type {
	case pktMedia, pktEcho:
		b = binary.BigEndian.AppendUint32(b, p.Seq)
		b = binary.BigEndian.AppendUint64(b, uint64(p.Sent))
		if p.Type == pktMedia {
			b = append(b, p.Payload...)
		}
	case pktBye:
		b = binary.BigEndian.AppendUint32(b, p.Seq)
	case pktReport:
		r := p.Report
		for _, v := range []uint32{r.Received, r.Lost, r.Late, r.Duplicates, r.JitterMicros} {
			b = binary.BigEndian.AppendUint32(b, v)
		}
	}
	return b
}

func decodeCallPacket(b []byte) (callPacket, error) {
	if len(b) < 9 {
		return callPacket{}, fmt.Errorf("%w: call packet of %d bytes", ErrMalformed, len(b))
	}
	p := callPacket{Type: b[0], Call: binary.BigEndian.Uint64(b[1:9])}
	rest := b[9:]
	switch p.Type {
	case pktMedia, pktEcho:
		if len(rest) < 12 || p.Type == pktEcho && len(rest) != 12 || len(rest)-12 > maxCallPayload {
			return callPacket{}, fmt.Errorf("%w: call media/echo of %d bytes", ErrMalformed, len(b))
		}
		p.Seq = binary.BigEndian.Uint32(rest)
		p.Sent = int64(binary.BigEndian.Uint64(rest[4:12]))
		if p.Type == pktMedia {
			p.Payload = rest[12:]
		}
	case pktBye:
		if len(rest) != 4 {
			return callPacket{}, fmt.Errorf("%w: call bye of %d bytes", ErrMalformed, len(b))
		}
		p.Seq = binary.BigEndian.Uint32(rest)
	case pktReport:
		if len(rest) != 20 {
			return callPacket{}, fmt.Errorf("%w: call report of %d bytes", ErrMalformed, len(b))
		}
		r := &p.Report
		for i, v := range []*uint32{&r.Received, &r.Lost, &r.Late, &r.Duplicates, &r.JitterMicros} {
			*v = binary.BigEndian.Uint32(rest[4*i:])
		}
	default:
		return callPacket{}, fmt.Errorf("%w: call packet type %d", ErrMalformed, p.Type)
	}
	return p, nil
}
