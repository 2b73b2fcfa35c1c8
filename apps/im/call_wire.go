package im

import (
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

// wire is the layout of each type of packet (see codec.go).
func (p *callPacket) wire(x *codec) {
	u8(x, &p.Type)
	u64(x, &p.Call)
	switch p.Type {
	case pktMedia, pktEcho:
		u32(x, &p.Seq)
		u64(x, &p.Sent)
		if p.Type == pktMedia {
			rest(x, &p.Payload)
		}
	case pktBye:
		u32(x, &p.Seq)
	case pktReport:
		r := &p.Report
		for _, v := range []*uint32{&r.Received, &r.Lost, &r.Late, &r.Duplicates, &r.JitterMicros} {
			u32(x, v)
		}
	default:
		x.bad = true
	}
}

func (p callPacket) append(b []byte) []byte {
	x := codec{b: b}
	p.wire(&x)
	return x.b
}

func decodeCallPacket(b []byte) (callPacket, error) {
	var p callPacket
	x := codec{b: b, dec: true}
	if p.wire(&x); x.bad || len(x.b) > 0 || len(p.Payload) > maxCallPayload {
		return callPacket{}, fmt.Errorf("%w: call packet of %d bytes", ErrMalformed, len(b))
	}
	return p, nil
}
