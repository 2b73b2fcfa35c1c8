package im

import (
	"errors"
	"fmt"
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

// frame is one frame. wire states its layout once, type and then field
// by field in wire order, and the same statement encodes and decodes it
// (codec); check, if the frame has one, is what a decoded frame must
// satisfy beyond its layout.
type frame interface {
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

func (f *helloFrame) wire(x *codec) { x.head(typeHello); u8(x, &f.Version); x.fixed(f.SealKey[:]) }

func (f *msgFrame) wire(x *codec) {
	x.head(typeMsg)
	x.fixed(f.ID[:])
	u64(x, &f.Sent)
	u8(x, &f.Kind)
	x.fixed(f.Ref[:])
	rest(x, &f.Text)
}

func (f *receiptFrame) wire(x *codec) {
	x.head(typeReceipt)
	u8(x, &f.Status)
	list(x, &f.IDs, maxReceiptIDs, func(id *MessageID) { x.fixed(id[:]) })
}

func (f *errorFrame) wire(x *codec) {
	x.head(typeError)
	x.fixed(f.ID[:])
	u8(x, &f.Code)
	rest(x, &f.Reason)
}

func (f *depositFrame) wire(x *codec) {
	x.head(typeDeposit)
	x.fixed(f.To[:])
	x.fixed(f.ID[:])
	rest(x, &f.Blob)
}

func (f *storedFrame) wire(x *codec) { x.head(typeStored); x.fixed(f.ID[:]) }
func (*fetchFrame) wire(x *codec)    { x.head(typeFetch) }
func (f *itemFrame) wire(x *codec)   { x.head(typeItem); u64(x, &f.Seq); rest(x, &f.Blob) }
func (*endFrame) wire(x *codec)      { x.head(typeEnd) }
func (f *dropFrame) wire(x *codec)   { x.head(typeDrop); u64(x, &f.Upto) }

func (f *msgFrame) check() error {
	ref := !f.Ref.IsZero()
	switch f.Kind {
	case kindAttachment:
		_, err := decodeAttachment(f.Text)
		return need(err == nil && !ref, "attachment offer")
	case kindText, kindEdit: // an edit names the message it edits
		return need(f.Text != "" && utf8.ValidString(f.Text) && ref == (f.Kind == kindEdit), "text empty, not UTF-8, or its reference")
	case kindReaction:
		return need(utf8.ValidString(f.Text) && ref, "reaction not UTF-8, or without a reference")
	case kindLeave:
		return need(!ref && f.Text == "", "leave with a reference or text")
	}
	return errors.New("unknown kind")
}

func (f *receiptFrame) check() error {
	return need((f.Status == Delivered || f.Status == Read) && len(f.IDs) > 0, "receipt status or count")
}

func (f *errorFrame) check() error   { return need(utf8.ValidString(f.Reason), "reason not UTF-8") }
func (f *depositFrame) check() error { return need(len(f.Blob) > 0, "no blob") }
func (f *itemFrame) check() error    { return need(len(f.Blob) > 0, "no blob") }

// marshalInner is a frame without its length prefix (type and body), as
// sealed for a mailbox.
func marshalInner(f frame) []byte {
	var x codec
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
	x := codec{b: b, dec: true}
	f.wire(&x)
	if x.bad || len(x.b) > 0 {
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

// idAt is where a frame (type and body) of each type that has one holds
// the ID its sender waits on.
var idAt = map[byte]int{typeMsg: 1, typeGroupKey: 1, typeCPost: 17, typeCMod: 17, typeGroup: 21, typeDeposit: 21}

// requestID finds the ID a sender waits on in the first bytes of a
// frame (type and body) that could not be served, so the ERROR names
// it; zero if the type has none there.
func requestID(b []byte) (id MessageID) {
	if len(b) > 0 {
		if at := idAt[b[0]]; at > 0 && len(b) >= at+16 {
			copy(id[:], b[at:])
		}
	}
	return id
}
