package mail

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"
)

// Frame types (doc.go gives the layouts).
const (
	typeMail    byte = 0x01
	typeReceipt byte = 0x02
	typeRefuse  byte = 0x03
	typeMailX   byte = 0x07
	typePart    byte = 0x08
	typeGot     byte = 0x09
	typeDeposit byte = 0x10
	typeHeld    byte = 0x11
	typeFetch   byte = 0x12
	typeItem    byte = 0x13
	typeEnd     byte = 0x14
	typeDrop    byte = 0x15
	typeExpired byte = 0x16
	// A large message through a mailbox (core_boxstream.go).
	typeDepositX byte = 0x17
	typeDPart    byte = 0x18
	typeItemX    byte = 0x19
	typePull     byte = 0x1a
	typeIPart    byte = 0x1b
)

// Refusal codes of a REFUSE frame.
const (
	// CodeTooLarge: the message is over the receiver's size cap
	// (permanent: the sender bounces it).
	CodeTooLarge byte = 1
	// CodeRateLimited: too many messages from this sender for now
	// (temporary: the sender tries again later).
	CodeRateLimited byte = 2
	// CodeQuota: the mailbox holds its quota for the recipient
	// (temporary).
	CodeQuota byte = 3
	// CodeBadSeal: the message does not open (permanent).
	CodeBadSeal byte = 4
	// CodeNotMailbox: the node keeps no mail for others (permanent for
	// the deposit; direct attempts go on).
	CodeNotMailbox byte = 5
	// CodeOverQuota: the message alone is over the mailbox's quota per
	// recipient (permanent: the sender bounces it once no direct
	// attempt is under way).
	CodeOverQuota byte = 6
	// CodeDenied: the recipient does not take mail from this sender
	// (consent: DenyCmd, CoreConfig.KnownOnly; permanent).
	CodeDenied byte = 7
)

// temporary reports whether a refusal is worth trying again.
func temporary(code byte) bool { return code == CodeRateLimited || code == CodeQuota }

// maxReason bounds a REFUSE frame's reason.
const maxReason = 512

// MessageID names one message; the sender draws it at random.
type MessageID [16]byte

func (id MessageID) String() string { return hex.EncodeToString(id[:]) }

// IsZero reports whether id is the zero ID.
func (id MessageID) IsZero() bool { return id == MessageID{} }

// ParseMessageID parses the hex form of an ID.
func ParseMessageID(s string) (MessageID, error) {
	var id MessageID
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(id) {
		return id, fmt.Errorf("%w: message id %q", ErrNotFound, s)
	}
	return MessageID(b), nil
}

// frame is one decoded frame; fields unused by its type are zero.
type frame struct {
	typ    byte
	id     MessageID
	to     common.Address // DEPOSIT
	by     common.Address // ITEM: the depositor
	seq    uint64         // ITEM, DROP
	n      uint32         // MAILX, DEPOSITX, ITEMX: parts; PART, DPART, PULL, IPART: index; GOT: next
	size   uint64         // DEPOSITX, ITEMX: the message's bytes
	code   byte           // REFUSE
	more   bool           // END
	reason string         // REFUSE
	blob   []byte         // MAIL, DEPOSIT, ITEM, the heads and parts: aliases the input
}

// marshal encodes f.
func (f *frame) marshal() []byte {
	b := make([]byte, 0, 1+16+20+8+len(f.blob)+len(f.reason))
	b = append(b, f.typ)
	switch f.typ {
	case typeMail:
		b = append(b, f.id[:]...)
		b = append(b, f.blob...)
	case typeReceipt, typeHeld, typeExpired:
		b = append(b, f.id[:]...)
	case typeMailX, typePart:
		b = append(b, f.id[:]...)
		b = binary.BigEndian.AppendUint32(b, f.n)
		b = append(b, f.blob...)
	case typeGot:
		b = append(b, f.id[:]...)
		b = binary.BigEndian.AppendUint32(b, f.n)
	case typeRefuse:
		b = append(b, f.id[:]...)
		b = append(b, f.code)
		b = append(b, f.reason...)
	case typeDeposit:
		b = append(b, f.to[:]...)
		b = append(b, f.id[:]...)
		b = append(b, f.blob...)
	case typeFetch:
	case typeItem:
		b = binary.BigEndian.AppendUint64(b, f.seq)
		b = append(b, f.by[:]...)
		b = append(b, f.id[:]...)
		b = append(b, f.blob...)
	case typeEnd:
		if f.more {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	case typeDrop:
		b = binary.BigEndian.AppendUint64(b, f.seq)
	case typeDepositX:
		b = append(b, f.to[:]...)
		b = append(b, f.id[:]...)
		b = binary.BigEndian.AppendUint32(b, f.n)
		b = binary.BigEndian.AppendUint64(b, f.size)
		b = append(b, f.blob...)
	case typeDPart:
		b = append(b, f.id[:]...)
		b = binary.BigEndian.AppendUint32(b, f.n)
		b = append(b, f.blob...)
	case typeItemX:
		b = binary.BigEndian.AppendUint64(b, f.seq)
		b = append(b, f.by[:]...)
		b = append(b, f.id[:]...)
		b = binary.BigEndian.AppendUint32(b, f.n)
		b = binary.BigEndian.AppendUint64(b, f.size)
		b = append(b, f.blob...)
	case typePull, typeIPart:
		b = binary.BigEndian.AppendUint64(b, f.seq)
		b = binary.BigEndian.AppendUint32(b, f.n)
		b = append(b, f.blob...) // empty for PULL
	}
	return b
}

// parseFrame decodes one frame; blob aliases b.
func parseFrame(b []byte) (frame, error) {
	var f frame
	if len(b) == 0 {
		return f, fmt.Errorf("%w: empty", ErrMalformed)
	}
	f.typ, b = b[0], b[1:]
	bad := func(what string) (frame, error) {
		return frame{}, fmt.Errorf("%w: type 0x%02x: %s", ErrMalformed, f.typ, what)
	}
	switch f.typ {
	case typeMail:
		if len(b) < 17 {
			return bad("short")
		}
		f.id, f.blob = MessageID(b[:16]), b[16:]
	case typeReceipt, typeHeld, typeExpired:
		if len(b) != 16 {
			return bad("length")
		}
		f.id = MessageID(b)
	case typeMailX, typePart:
		if len(b) < 21 {
			return bad("short")
		}
		f.id, f.n, f.blob = MessageID(b[:16]), binary.BigEndian.Uint32(b[16:]), b[20:]
		if f.typ == typeMailX && f.n < 2 {
			return bad("a message in parts has two or more")
		}
	case typeGot:
		if len(b) != 20 {
			return bad("length")
		}
		f.id, f.n = MessageID(b[:16]), binary.BigEndian.Uint32(b[16:])
	case typeRefuse:
		if len(b) < 17 || len(b) > 17+maxReason {
			return bad("length")
		}
		f.id, f.code, f.reason = MessageID(b[:16]), b[16], string(b[17:])
		if f.code == 0 || !utf8.ValidString(f.reason) {
			return bad("code or reason")
		}
	case typeDeposit:
		if len(b) < 37 {
			return bad("short")
		}
		f.to, f.id, f.blob = common.Address(b[:20]), MessageID(b[20:36]), b[36:]
	case typeFetch:
		if len(b) != 0 {
			return bad("length")
		}
	case typeItem:
		if len(b) < 45 {
			return bad("short")
		}
		f.seq, f.by, f.id, f.blob = binary.BigEndian.Uint64(b), common.Address(b[8:28]), MessageID(b[28:44]), b[44:]
	case typeEnd:
		if len(b) != 1 || b[0] > 1 {
			return bad("length")
		}
		f.more = b[0] == 1
	case typeDrop:
		if len(b) != 8 {
			return bad("length")
		}
		f.seq = binary.BigEndian.Uint64(b)
	case typeDepositX:
		if len(b) < 20+16+4+8+1 {
			return bad("short")
		}
		f.to, f.id = common.Address(b[:20]), MessageID(b[20:36])
		f.n, f.size, f.blob = binary.BigEndian.Uint32(b[36:]), binary.BigEndian.Uint64(b[40:]), b[48:]
		if f.n < 2 {
			return bad("a message in parts has two or more")
		}
	case typeDPart:
		if len(b) < 21 {
			return bad("short")
		}
		f.id, f.n, f.blob = MessageID(b[:16]), binary.BigEndian.Uint32(b[16:]), b[20:]
	case typeItemX:
		if len(b) < 8+20+16+4+8+1 {
			return bad("short")
		}
		f.seq, f.by, f.id = binary.BigEndian.Uint64(b), common.Address(b[8:28]), MessageID(b[28:44])
		f.n, f.size, f.blob = binary.BigEndian.Uint32(b[44:]), binary.BigEndian.Uint64(b[48:]), b[56:]
		if f.n < 2 {
			return bad("a message in parts has two or more")
		}
	case typePull:
		if len(b) != 12 {
			return bad("length")
		}
		f.seq, f.n = binary.BigEndian.Uint64(b), binary.BigEndian.Uint32(b[8:])
	case typeIPart:
		if len(b) < 13 {
			return bad("short")
		}
		f.seq, f.n, f.blob = binary.BigEndian.Uint64(b), binary.BigEndian.Uint32(b[8:]), b[12:]
	default:
		return bad("unknown type")
	}
	return f, nil
}

// refuseOversize answers a MAIL or DEPOSIT frame longer than the node
// reads (runner.Config.Refuse) with REFUSE 1 for its id, so that its
// sender bounces it rather than trying again; other frames end the
// connection.
func refuseOversize(maxSize int) func(head []byte, size int) []byte {
	if maxSize == 0 {
		maxSize = DefaultMaxSize
	}
	return func(head []byte, size int) []byte {
		var id MessageID
		switch {
		case len(head) >= 17 && head[0] == typeMail:
			copy(id[:], head[1:17])
		case len(head) >= 37 && head[0] == typeDeposit:
			copy(id[:], head[21:37])
		default:
			return nil
		}
		f := frame{typ: typeRefuse, id: id, code: CodeTooLarge, reason: fmt.Sprintf("a frame of %d bytes, the limit is %d bytes a message", size, maxSize)}
		return f.marshal()
	}
}
