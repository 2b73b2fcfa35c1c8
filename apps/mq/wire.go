package mq

import (
	"encoding/binary"
	"fmt"
	"time"
)

// Frames of the overlay core (Core), on CorePort in the simulator: one
// frame per message of the driver's u32-length framing. A frame is a
// kind byte, then its fields in order: integers as minimal uvarints, strings and
// bytes as a uvarint length and the bytes, a flag as one byte 0 or 1.
//
//	1 PUB     req, subject, id, data
//	2 PUBACK  req, err, stream, seq, duplicate
//	3 FETCH   req, stream, consumer, n
//	4 MSGS    req, err, count, then per message: seq, deliveries, subject, id, data
//	5 SETTLE  stream, consumer, seq, how (1 ack, 2 nak, 3 term), delay in ms
//
// err is "" on success. Names (subjects, ids, streams, consumers, err)
// are at most MaxName bytes, data at most MaxData, a MSGS frame at most
// MaxFetch messages. Test vectors: TestFrameVectors; FuzzDecodeFrame.
type FrameKind uint8

const (
	FramePub FrameKind = iota + 1
	FramePubAck
	FrameFetch
	FrameMsgs
	FrameSettle
)

// Limits of a frame.
const (
	MaxName  = 256
	MaxData  = 1 << 20
	MaxFetch = 256
	// MaxMsgsData bounds the data of one MSGS frame's messages (beyond
	// its first): a host gives back what does not fit.
	MaxMsgsData = 2 * MaxData
)

// Frame is one decoded frame; the fields its kind has are set.
type Frame struct {
	Kind     FrameKind
	Req      uint64
	Subject  string
	ID       string
	Data     []byte
	Err      string
	Stream   string
	Consumer string
	Seq      uint64
	Dup      bool
	N        int
	Msgs     []Delivery
	How      Settlement
	Delay    time.Duration
}

// AppendFrame appends f's encoding to b.
func AppendFrame(b []byte, f Frame) []byte {
	u := func(v uint64) { b = binary.AppendUvarint(b, v) }
	s := func(v string) { u(uint64(len(v))); b = append(b, v...) }
	b = append(b, byte(f.Kind))
	switch f.Kind {
	case FramePub:
		u(f.Req)
		s(f.Subject)
		s(f.ID)
		s(string(f.Data))
	case FramePubAck:
		u(f.Req)
		s(f.Err)
		s(f.Stream)
		u(f.Seq)
		if f.Dup {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	case FrameFetch:
		u(f.Req)
		s(f.Stream)
		s(f.Consumer)
		u(uint64(f.N))
	case FrameMsgs:
		u(f.Req)
		s(f.Err)
		u(uint64(len(f.Msgs)))
		for _, m := range f.Msgs {
			u(m.Seq)
			u(uint64(m.Deliveries))
			s(m.Subject)
			s(m.ID)
			s(string(m.Data))
		}
	case FrameSettle:
		s(f.Stream)
		s(f.Consumer)
		u(f.Seq)
		b = append(b, byte(f.How))
		u(uint64(f.Delay / time.Millisecond))
	}
	return b
}

// frameReader decodes fields, keeping the first error.
type frameReader struct {
	b   []byte
	err error
}

func (r *frameReader) u() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || n != len(binary.AppendUvarint(nil, v)) { // minimal only: one encoding per frame
		r.err = fmt.Errorf("%w: bad integer", ErrFrame)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *frameReader) bytes(limit int) []byte {
	n := r.u()
	if r.err != nil {
		return nil
	}
	if n > uint64(limit) || n > uint64(len(r.b)) {
		r.err = fmt.Errorf("%w: field of %d bytes", ErrFrame, n)
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *frameReader) s() string { return string(r.bytes(MaxName)) }

func (r *frameReader) byte1(maxV byte) byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 || r.b[0] > maxV {
		r.err = fmt.Errorf("%w: bad flag", ErrFrame)
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

// DecodeFrame decodes one frame; byte slices in it alias b.
func DecodeFrame(b []byte) (Frame, error) {
	if len(b) == 0 {
		return Frame{}, fmt.Errorf("%w: empty", ErrFrame)
	}
	f := Frame{Kind: FrameKind(b[0])}
	r := &frameReader{b: b[1:]}
	switch f.Kind {
	case FramePub:
		f.Req, f.Subject, f.ID, f.Data = r.u(), r.s(), r.s(), r.bytes(MaxData)
	case FramePubAck:
		f.Req, f.Err, f.Stream, f.Seq = r.u(), r.s(), r.s(), r.u()
		f.Dup = r.byte1(1) == 1
	case FrameFetch:
		f.Req, f.Stream, f.Consumer = r.u(), r.s(), r.s()
		n := r.u()
		if n == 0 || n > MaxFetch {
			return Frame{}, fmt.Errorf("%w: fetch of %d", ErrFrame, n)
		}
		f.N = int(n)
	case FrameMsgs:
		f.Req, f.Err = r.u(), r.s()
		n := r.u()
		if n > MaxFetch {
			return Frame{}, fmt.Errorf("%w: %d messages", ErrFrame, n)
		}
		for range n {
			m := Delivery{Seq: r.u()}
			d := r.u()
			if d > 1<<31 {
				return Frame{}, fmt.Errorf("%w: %d deliveries", ErrFrame, d)
			}
			m.Deliveries, m.Subject, m.ID, m.Data = int(d), r.s(), r.s(), r.bytes(MaxData)
			if r.err != nil {
				break
			}
			f.Msgs = append(f.Msgs, m)
		}
	case FrameSettle:
		f.Stream, f.Consumer, f.Seq = r.s(), r.s(), r.u()
		f.How = Settlement(r.byte1(byte(Term)))
		ms := r.u()
		if f.How == 0 || ms > uint64(time.Hour*24*365/time.Millisecond) {
			return Frame{}, fmt.Errorf("%w: settlement", ErrFrame)
		}
		f.Delay = time.Duration(ms) * time.Millisecond
	default:
		return Frame{}, fmt.Errorf("%w: kind %d", ErrFrame, b[0])
	}
	if r.err != nil {
		return Frame{}, r.err
	}
	if len(r.b) != 0 {
		return Frame{}, fmt.Errorf("%w: %d bytes after the fields", ErrFrame, len(r.b))
	}
	return f, nil
}
