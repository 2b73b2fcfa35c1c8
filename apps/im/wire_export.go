package im

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/ethereum/go-ethereum/common"
)

// The exported face of the codec, for programs that speak the 1:1
// protocol without a Service — the deterministic simulator (sim/im.go)
// drives it from non-blocking endpoints in virtual time, where the
// Service's goroutines and wall-clock timeouts cannot run. Every
// function below calls the codec of wire.go (appendFrame, decodeFrame)
// or the sealing of seal.go, so what the simulator sends, seals and
// parses is byte for byte what a Service does; FuzzParseFrame,
// FuzzDecodeFrame and FuzzUnseal cover the parsers.

// Frame types a WireFrame may carry (doc.go, "Wire format").
const (
	FrameHello   = typeHello
	FrameMsg     = typeMsg
	FrameReceipt = typeReceipt
	FrameError   = typeError
	FrameDeposit = typeDeposit
	FrameStored  = typeStored
	FrameFetch   = typeFetch
	FrameItem    = typeItem
	FrameEnd     = typeEnd
	FrameDrop    = typeDrop
)

// ProtocolVersion is the HELLO version this package speaks.
const ProtocolVersion = protocolVersion

// WireFrame is one frame as ParseFrame decodes it. Type is always set;
// the other fields only for the types named beside them. Frames of other
// types (group, community, attachment) come back with Type only.
type WireFrame struct {
	Type byte

	Version byte     // HELLO
	SealKey [32]byte // HELLO

	ID   MessageID // MSG, ERROR, DEPOSIT, STORED
	Sent int64     // MSG: the sender's clock, unix microseconds
	Kind byte      // MSG: 1 text, 2 edit, 3 reaction, 4 leave, 5 attachment
	Ref  MessageID // MSG
	Text string    // MSG

	Status Status      // RECEIPT: Delivered or Read
	IDs    []MessageID // RECEIPT

	Code   ErrCode // ERROR
	Reason string  // ERROR

	To   common.Address // DEPOSIT: the recipient
	Blob []byte         // DEPOSIT, ITEM: a sealed frame (SealTextMsg)
	Seq  uint64         // ITEM: its place in the mailbox; DROP: up to
}

// AppendHello appends a HELLO frame (version ProtocolVersion, the
// sender's seal key) to b.
func AppendHello(b []byte, sealKey [32]byte) []byte {
	return appendFrame(b, helloFrame{Version: protocolVersion, SealKey: sealKey})
}

// AppendTextMsg appends a MSG frame of kind text to b: id, the sender's
// clock in unix microseconds, text (non-empty UTF-8, as Send checks).
func AppendTextMsg(b []byte, id MessageID, sentMicros int64, text string) []byte {
	return appendFrame(b, msgFrame{ID: id, Sent: sentMicros, Kind: kindText, Text: text})
}

// AppendReceipt appends a RECEIPT frame to b: status Delivered or Read,
// 1…1024 IDs.
func AppendReceipt(b []byte, status Status, ids []MessageID) []byte {
	return appendFrame(b, receiptFrame{Status: status, IDs: ids})
}

// AppendError appends an ERROR frame answering message id to b.
func AppendError(b []byte, id MessageID, code ErrCode, reason string) []byte {
	return appendFrame(b, errorFrame{ID: id, Code: code, Reason: reason})
}

// AppendDeposit appends a DEPOSIT frame to b: blob, sealed for to,
// left at to's mailbox under id; the mailbox answers STORED or ERROR.
func AppendDeposit(b []byte, to common.Address, id MessageID, blob []byte) []byte {
	return appendFrame(b, depositFrame{To: to, ID: id, Blob: blob})
}

// AppendStored appends a STORED frame, the mailbox's answer to DEPOSIT.
func AppendStored(b []byte, id MessageID) []byte { return appendFrame(b, storedFrame{ID: id}) }

// AppendFetch appends a FETCH frame: the caller's items, please.
func AppendFetch(b []byte) []byte { return appendFrame(b, fetchFrame{}) }

// AppendItem appends an ITEM frame: one kept blob and its sequence
// number, oldest first, up to 256 per FETCH.
func AppendItem(b []byte, seq uint64, blob []byte) []byte {
	return appendFrame(b, itemFrame{Seq: seq, Blob: blob})
}

// AppendEnd appends an END frame: the last answer to FETCH or DROP.
func AppendEnd(b []byte) []byte { return appendFrame(b, endFrame{}) }

// AppendDrop appends a DROP frame: delete the caller's items up to seq.
func AppendDrop(b []byte, upto uint64) []byte { return appendFrame(b, dropFrame{Upto: upto}) }

// SealTextMsg seals a MSG of kind text (the inner frame: type and body,
// no length prefix) from wallet from, with its seal key pair, for the
// recipient's seal key — the blob a DEPOSIT carries (doc.go, "Keys").
// rnd gives the nonce and the anonymous seal's ephemeral key:
// crypto/rand.Reader, or a seeded stream where runs must repeat.
func SealTextMsg(rnd io.Reader, id MessageID, sentMicros int64, text string, from common.Address, senderPub, senderPriv, recipient *[32]byte) ([]byte, error) {
	inner := marshalInner(msgFrame{ID: id, Sent: sentMicros, Kind: kindText, Text: text})
	return sealFrom(rnd, inner, from, sealKeys{pub: *senderPub, priv: *senderPriv}, recipient)
}

// OpenSealed opens a blob sealed to the key pair (pub, priv) and decodes
// the frame inside. It returns the claimed sender and the seal key that
// sealed it: the caller accepts the frame only if that is the key it
// knows for from. A blob that does not open fails with ErrBadSeal, a
// frame inside that does not decode with ErrMalformed.
func OpenSealed(blob []byte, pub, priv *[32]byte) (from common.Address, senderKey [32]byte, f WireFrame, err error) {
	from, senderKey, inner, err := unseal(blob, sealKeys{pub: *pub, priv: *priv})
	if err != nil {
		return from, senderKey, f, err
	}
	fr, err := decodeFrame(inner)
	if err != nil {
		return from, senderKey, f, err
	}
	return from, senderKey, wireFrame(fr), nil
}

// ParseFrame decodes the first frame of b (length prefix, type, body)
// and returns it with the number of bytes it took. While b holds only
// part of a frame it returns n == 0 and no error: read more and call
// again. A frame whose length exceeds max fails with an error wrapping
// ErrTooLarge, an undecodable one with ErrMalformed; either way the
// stream cannot be resynchronised by this function.
func ParseFrame(b []byte, max int) (f WireFrame, n int, err error) {
	if len(b) < frameHeader {
		return f, 0, nil
	}
	l := binary.BigEndian.Uint32(b)
	switch {
	case l == 0:
		return f, 0, fmt.Errorf("%w: zero-length frame", ErrMalformed)
	case int64(l) > int64(max):
		return f, 0, &oversizeError{Len: l, Max: max, Head: b[frameHeader:min(len(b), frameHeader+40)]}
	case len(b)-frameHeader < int(l):
		return f, 0, nil
	}
	n = frameHeader + int(l)
	fr, err := decodeFrame(b[frameHeader:n])
	if err != nil {
		return f, 0, err
	}
	return wireFrame(fr), n, nil
}

// wireFrame is the exported view of a decoded frame.
func wireFrame(fr frame) (f WireFrame) {
	f.Type = fr.typ()
	switch fr := fr.(type) {
	case helloFrame:
		f.Version, f.SealKey = fr.Version, fr.SealKey
	case msgFrame:
		f.ID, f.Sent, f.Kind, f.Ref, f.Text = fr.ID, fr.Sent, fr.Kind, fr.Ref, fr.Text
	case receiptFrame:
		f.Status, f.IDs = fr.Status, fr.IDs
	case errorFrame:
		f.ID, f.Code, f.Reason = fr.ID, fr.Code, fr.Reason
	case depositFrame:
		f.To, f.ID, f.Blob = fr.To, fr.ID, fr.Blob
	case storedFrame:
		f.ID = fr.ID
	case itemFrame:
		f.Seq, f.Blob = fr.Seq, fr.Blob
	case dropFrame:
		f.Seq = fr.Upto
	}
	return f
}
