package im

import (
	"encoding/binary"
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

// frame is one decoded frame.
type frame interface {
	typ() byte
	appendBody(b []byte) []byte
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

func (helloFrame) typ() byte   { return typeHello }
func (msgFrame) typ() byte     { return typeMsg }
func (receiptFrame) typ() byte { return typeReceipt }
func (errorFrame) typ() byte   { return typeError }
func (depositFrame) typ() byte { return typeDeposit }
func (storedFrame) typ() byte  { return typeStored }
func (fetchFrame) typ() byte   { return typeFetch }
func (itemFrame) typ() byte    { return typeItem }
func (endFrame) typ() byte     { return typeEnd }
func (dropFrame) typ() byte    { return typeDrop }

func (f helloFrame) appendBody(b []byte) []byte {
	return append(append(b, f.Version), f.SealKey[:]...)
}

func (f msgFrame) appendBody(b []byte) []byte {
	b = append(b, f.ID[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(f.Sent))
	b = append(b, f.Kind)
	b = append(b, f.Ref[:]...)
	return append(b, f.Text...)
}

func (f receiptFrame) appendBody(b []byte) []byte {
	b = append(b, byte(f.Status))
	b = binary.BigEndian.AppendUint16(b, uint16(len(f.IDs)))
	for _, id := range f.IDs {
		b = append(b, id[:]...)
	}
	return b
}

func (f errorFrame) appendBody(b []byte) []byte {
	b = append(b, f.ID[:]...)
	b = append(b, byte(f.Code))
	return append(b, f.Reason...)
}

func (f depositFrame) appendBody(b []byte) []byte {
	b = append(b, f.To[:]...)
	b = append(b, f.ID[:]...)
	return append(b, f.Blob...)
}

func (f storedFrame) appendBody(b []byte) []byte { return append(b, f.ID[:]...) }
func (fetchFrame) appendBody(b []byte) []byte    { return b }
func (f itemFrame) appendBody(b []byte) []byte {
	return append(binary.BigEndian.AppendUint64(b, f.Seq), f.Blob...)
}
func (endFrame) appendBody(b []byte) []byte    { return b }
func (f dropFrame) appendBody(b []byte) []byte { return binary.BigEndian.AppendUint64(b, f.Upto) }

// marshalInner is a frame without its length prefix (type and body), as
// sealed for a mailbox.
func marshalInner(f frame) []byte { return f.appendBody([]byte{f.typ()}) }

// decodeFrame parses type and body (no length prefix).
func decodeFrame(b []byte) (frame, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty frame", ErrMalformed)
	}
	typ, body := b[0], b[1:]
	bad := func(what string) error {
		return fmt.Errorf("%w: type 0x%02x: %s (%d body bytes)", ErrMalformed, typ, what, len(body))
	}
	switch typ {
	case typeHello:
		if len(body) != 33 {
			return nil, bad("want 33 bytes")
		}
		f := helloFrame{Version: body[0]}
		copy(f.SealKey[:], body[1:])
		return f, nil
	case typeMsg:
		if len(body) < 41 {
			return nil, bad("short")
		}
		f := msgFrame{Sent: int64(binary.BigEndian.Uint64(body[16:24])), Kind: body[24]}
		copy(f.ID[:], body)
		copy(f.Ref[:], body[25:41])
		text := body[41:]
		f.Text = string(text)
		if f.Kind == kindAttachment {
			if _, err := decodeAttachment(f.Text); err != nil || !f.Ref.IsZero() {
				return nil, bad("attachment offer")
			}
			return f, nil
		}
		if !utf8.Valid(text) {
			return nil, bad("text not UTF-8")
		}
		switch f.Kind {
		case kindText:
			if !f.Ref.IsZero() {
				return nil, bad("text with a reference")
			}
		case kindEdit, kindReaction:
			if f.Ref.IsZero() {
				return nil, bad("edit or reaction without a reference")
			}
		case kindLeave:
			if !f.Ref.IsZero() || len(text) != 0 {
				return nil, bad("leave with a reference or text")
			}
		default:
			return nil, bad("unknown kind")
		}
		if (f.Kind == kindText || f.Kind == kindEdit) && len(text) == 0 {
			return nil, bad("empty text")
		}
		return f, nil
	case typeReceipt:
		if len(body) < 3 {
			return nil, bad("short")
		}
		f := receiptFrame{Status: Status(body[0])}
		if f.Status != Delivered && f.Status != Read {
			return nil, bad("receipt status")
		}
		n := int(binary.BigEndian.Uint16(body[1:3]))
		if n == 0 || n > maxReceiptIDs || len(body) != 3+16*n {
			return nil, bad("receipt count")
		}
		f.IDs = make([]MessageID, n)
		for i := range f.IDs {
			copy(f.IDs[i][:], body[3+16*i:])
		}
		return f, nil
	case typeError:
		if len(body) < 17 || !utf8.Valid(body[17:]) {
			return nil, bad("short or reason not UTF-8")
		}
		f := errorFrame{Code: ErrCode(body[16]), Reason: string(body[17:])}
		copy(f.ID[:], body)
		return f, nil
	case typeDeposit:
		if len(body) < 37 {
			return nil, bad("short")
		}
		f := depositFrame{Blob: body[36:]}
		copy(f.To[:], body)
		copy(f.ID[:], body[20:])
		return f, nil
	case typeStored:
		if len(body) != 16 {
			return nil, bad("want 16 bytes")
		}
		var f storedFrame
		copy(f.ID[:], body)
		return f, nil
	case typeFetch:
		if len(body) != 0 {
			return nil, bad("want no body")
		}
		return fetchFrame{}, nil
	case typeItem:
		if len(body) < 9 {
			return nil, bad("short")
		}
		return itemFrame{Seq: binary.BigEndian.Uint64(body), Blob: body[8:]}, nil
	case typeEnd:
		if len(body) != 0 {
			return nil, bad("want no body")
		}
		return endFrame{}, nil
	case typeDrop:
		if len(body) != 8 {
			return nil, bad("want 8 bytes")
		}
		return dropFrame{Upto: binary.BigEndian.Uint64(body)}, nil
	case typeGroup:
		return decodeGroupFrame(body)
	case typeGroupKey:
		return decodeGroupKeyFrame(body)
	case typeCMod, typeCPost, typeCFetch, typeCItem:
		return decodeCommunityFrame(typ, body)
	case typeChunkReq, typeChunk:
		return decodeAttachFrame(typ, body)
	}
	return nil, bad("unknown type")
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
