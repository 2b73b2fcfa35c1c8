package im

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"
)

// Frame types (see doc.go for the layouts).
const (
	typeHello    byte = 0x01
	typeMsg      byte = 0x02
	typeReceipt  byte = 0x03
	typeError    byte = 0x04
	typeDeposit  byte = 0x10
	typeStored   byte = 0x11
	typeFetch    byte = 0x12
	typeItem     byte = 0x13
	typeEnd      byte = 0x14
	typeDrop     byte = 0x15
	typeGroup    byte = 0x20
	typeGroupKey byte = 0x21
)

// Message kinds of a MSG frame.
const (
	kindText     byte = 1
	kindEdit     byte = 2
	kindReaction byte = 3
)

const (
	// protocolVersion is the HELLO version this package speaks.
	protocolVersion = 1
	// maxReceiptIDs bounds the IDs of one RECEIPT frame.
	maxReceiptIDs = 1024
)

// frame is one frame. wire states its body's layout once, field by
// field in wire order, and the same statement encodes and decodes it
// (codec); check, if the frame has one, is what a decoded body must
// satisfy beyond its layout.
type frame interface {
	typ() byte
	wire(x *codec)
}

// newFrame is an empty frame of each type, for decodeFrame to fill.
var newFrame = map[byte]func() frame{
	typeHello: newOf[helloFrame], typeMsg: newOf[msgFrame], typeReceipt: newOf[receiptFrame],
	typeError: newOf[errorFrame], typeDeposit: newOf[depositFrame], typeStored: newOf[storedFrame],
	typeFetch: newOf[fetchFrame], typeItem: newOf[itemFrame], typeEnd: newOf[endFrame], typeDrop: newOf[dropFrame],
	typeGroup: newOf[groupFrame], typeGroupKey: newOf[groupKeyFrame],
	typeCMod: newOf[cmodFrame], typeCPost: newOf[cpostFrame], typeCFetch: newOf[cfetchFrame], typeCItem: newOf[citemFrame],
	typeChunkReq: newOf[chunkReqFrame], typeChunk: newOf[chunkFrame],
}

func newOf[T any, P interface {
	*T
	frame
}]() frame {
	return P(new(T))
}

type helloFrame struct {
	Version byte
	SealKey [32]byte
}

type msgFrame struct {
	ID   MessageID
	Sent int64 // unix microseconds
	Kind byte
	Ref  MessageID
	Text string
}

type receiptFrame struct {
	Status Status // Delivered or Read
	IDs    []MessageID
}

type errorFrame struct {
	ID     MessageID
	Code   ErrCode
	Reason string
}

type depositFrame struct {
	To   common.Address
	ID   MessageID
	Blob []byte
}

type storedFrame struct{ ID MessageID }
type fetchFrame struct{}
type itemFrame struct {
	Seq  uint64
	Blob []byte
}
type endFrame struct{}
type dropFrame struct{ Upto uint64 }

func (*helloFrame) typ() byte   { return typeHello }
func (*msgFrame) typ() byte     { return typeMsg }
func (*receiptFrame) typ() byte { return typeReceipt }
func (*errorFrame) typ() byte   { return typeError }
func (*depositFrame) typ() byte { return typeDeposit }
func (*storedFrame) typ() byte  { return typeStored }
func (*fetchFrame) typ() byte   { return typeFetch }
func (*itemFrame) typ() byte    { return typeItem }
func (*endFrame) typ() byte     { return typeEnd }
func (*dropFrame) typ() byte    { return typeDrop }

func (f *helloFrame) wire(x *codec) { u8(x, &f.Version); x.fixed(f.SealKey[:]) }
func (f *msgFrame) wire(x *codec) {
	x.fixed(f.ID[:])
	u64(x, &f.Sent)
	u8(x, &f.Kind)
	x.fixed(f.Ref[:])
	x.text(&f.Text)
}
func (f *receiptFrame) wire(x *codec) {
	u8(x, &f.Status)
	list(x, &f.IDs, maxReceiptIDs, func(id *MessageID) { x.fixed(id[:]) })
}
func (f *errorFrame) wire(x *codec)   { x.fixed(f.ID[:]); u8(x, &f.Code); x.text(&f.Reason) }
func (f *depositFrame) wire(x *codec) { x.fixed(f.To[:]); x.fixed(f.ID[:]); x.rest(&f.Blob) }
func (f *storedFrame) wire(x *codec)  { x.fixed(f.ID[:]) }
func (*fetchFrame) wire(*codec)       {}
func (f *itemFrame) wire(x *codec)    { u64(x, &f.Seq); x.rest(&f.Blob) }
func (*endFrame) wire(*codec)         {}
func (f *dropFrame) wire(x *codec)    { u64(x, &f.Upto) }

func (f *msgFrame) check() error {
	if f.Kind == kindAttachment {
		if _, err := decodeAttachment(f.Text); err != nil || !f.Ref.IsZero() {
			return errors.New("attachment offer")
		}
		return nil
	}
	switch {
	case !utf8.ValidString(f.Text):
		return errors.New("text not UTF-8")
	case f.Kind == kindText && !f.Ref.IsZero():
		return errors.New("text with a reference")
	case (f.Kind == kindEdit || f.Kind == kindReaction) && f.Ref.IsZero():
		return errors.New("edit or reaction without a reference")
	case f.Kind == kindLeave && (!f.Ref.IsZero() || f.Text != ""):
		return errors.New("leave with a reference or text")
	case f.Kind < kindText || f.Kind > kindLeave:
		return errors.New("unknown kind")
	case (f.Kind == kindText || f.Kind == kindEdit) && f.Text == "":
		return errors.New("empty text")
	}
	return nil
}

func (f *receiptFrame) check() error {
	if f.Status != Delivered && f.Status != Read || len(f.IDs) == 0 {
		return errors.New("receipt status or count")
	}
	return nil
}

func (f *errorFrame) check() error   { return need(utf8.ValidString(f.Reason), "reason not UTF-8") }
func (f *depositFrame) check() error { return need(len(f.Blob) > 0, "no blob") }
func (f *itemFrame) check() error    { return need(len(f.Blob) > 0, "no blob") }

// marshalInner is a frame without its length prefix (type and body), as
// sealed for a mailbox.
func marshalInner(f frame) []byte {
	x := codec{b: []byte{f.typ()}}
	f.wire(&x)
	return x.b
}

// decodeFrame parses type and body (no length prefix).
func decodeFrame(b []byte) (frame, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty frame", ErrMalformed)
	}
	bad := func(what string) error {
		return fmt.Errorf("%w: type 0x%02x: %s (%d body bytes)", ErrMalformed, b[0], what, len(b)-1)
	}
	mk := newFrame[b[0]]
	if mk == nil {
		return nil, bad("unknown type")
	}
	f := mk()
	x := codec{b: b[1:], dec: true}
	f.wire(&x)
	if x.short || len(x.b) > 0 {
		return nil, bad("length")
	}
	if c, ok := f.(interface{ check() error }); ok {
		if err := c.check(); err != nil {
			return nil, bad(err.Error())
		}
	}
	return f, nil
}

// need is nil if ok, else an error saying what is wrong.
func need(ok bool, what string) error {
	if ok {
		return nil
	}
	return errors.New(what)
}

// codec moves a frame's fields to or from its wire bytes: each frame's
// wire method calls it once per field, in wire order.
type codec struct {
	b     []byte // encoding: the frame so far; decoding: what is left of it
	dec   bool
	short bool // decoding ran out of bytes
}

// take returns the next n bytes to decode, or nil if there are fewer.
func (x *codec) take(n int) []byte {
	if len(x.b) < n {
		x.short, x.b = true, nil
		return nil
	}
	p := x.b[:n]
	x.b = x.b[n:]
	return p
}

// fixed moves a fixed-size field (an ID, a wallet, a key).
func (x *codec) fixed(p []byte) {
	if x.dec {
		copy(p, x.take(len(p)))
	} else {
		x.b = append(x.b, p...)
	}
}

// number moves the low size bytes of *v, big-endian.
func (x *codec) number(v *uint64, size int) {
	if !x.dec {
		for i := size - 1; i >= 0; i-- {
			x.b = append(x.b, byte(*v>>(8*i)))
		}
		return
	}
	*v = 0
	for _, c := range x.take(size) {
		*v = *v<<8 | uint64(c)
	}
}

// rest moves the bytes to the end of the frame.
func (x *codec) rest(p *[]byte) {
	if x.dec {
		*p, x.b = x.b, nil
	} else {
		x.b = append(x.b, *p...)
	}
}

// text moves the text to the end of the frame (checks say if it must
// be UTF-8).
func (x *codec) text(s *string) {
	if x.dec {
		*s, x.b = string(x.b), nil
	} else {
		x.b = append(x.b, *s...)
	}
}

// flag moves a bool as one byte, 0 or 1.
func (x *codec) flag(v *bool) {
	var n uint8
	if *v {
		n = 1
	}
	u8(x, &n)
	x.short = x.short || n > 1
	*v = n == 1
}

func u8[T ~uint8](x *codec, p *T)            { v := uint64(*p); x.number(&v, 1); *p = T(v) }
func u16[T ~uint16](x *codec, p *T)          { v := uint64(*p); x.number(&v, 2); *p = T(v) }
func u32[T ~uint32](x *codec, p *T)          { v := uint64(*p); x.number(&v, 4); *p = T(v) }
func u64[T ~uint64 | ~int64](x *codec, p *T) { v := uint64(*p); x.number(&v, 8); *p = T(v) }

// list moves a u16 count, then each item; a count over limit does not
// decode.
func list[T any](x *codec, s *[]T, limit int, item func(*T)) {
	n := uint16(len(*s))
	u16(x, &n)
	if x.dec {
		if int(n) > limit {
			x.short, x.b = true, nil
			return
		}
		*s = make([]T, n)
	}
	for i := range *s {
		item(&(*s)[i])
	}
}

// microTime converts wire microseconds to a time.
func microTime(us int64) time.Time { return time.UnixMicro(us) }

// requestID finds the ID a sender waits on in the first bytes of a
// frame (type and body) that could not be served, so the ERROR names
// it; zero if the type has none there.
func requestID(b []byte) (id MessageID) {
	if len(b) == 0 {
		return id
	}
	off := -1
	switch b[0] {
	case typeMsg, typeGroupKey:
		off = 1
	case typeCPost, typeCMod:
		off = 17
	case typeGroup, typeDeposit:
		off = 21
	}
	if off >= 0 && len(b) >= off+16 {
		copy(id[:], b[off:])
	}
	return id
}
