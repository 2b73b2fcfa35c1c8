package im

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"
)

// CommunityID names a public community: 16 random bytes chosen by its
// host.
type CommunityID [16]byte

// String returns the ID in hex.
func (c CommunityID) String() string { return GroupID(c).String() }

// Community frame types (see doc.go).
const (
	typeCMod   byte = 0x30
	typeCPost  byte = 0x31
	typeCFetch byte = 0x32
	typeCItem  byte = 0x33
)

// Moderation and membership operations of a CMOD frame.
const (
	modJoin   byte = 1
	modLeave  byte = 2
	modBan    byte = 3
	modDelete byte = 4
)

// cmodFrame asks the host to change membership or moderate. Target is
// the banned wallet; Post the deleted post's ID.
type cmodFrame struct {
	Community CommunityID
	ID        MessageID
	Op        byte
	Target    common.Address
	Post      MessageID
}

// cpostFrame posts to a community.
type cpostFrame struct {
	Community CommunityID
	ID        MessageID
	Sent      int64
	Text      string
}

// cfetchFrame asks for the posts after sequence number After.
type cfetchFrame struct {
	Community CommunityID
	After     uint64
}

// citemFrame is one post as the host numbered it, sent in answer to
// CFETCH and pushed to connected members as posts arrive or change.
type citemFrame struct {
	Community CommunityID
	Seq       uint64
	ID        MessageID
	From      common.Address
	Sent      int64
	Deleted   bool
	Text      string
}

func (cmodFrame) typ() byte   { return typeCMod }
func (cpostFrame) typ() byte  { return typeCPost }
func (cfetchFrame) typ() byte { return typeCFetch }
func (citemFrame) typ() byte  { return typeCItem }

func (f cmodFrame) appendBody(b []byte) []byte {
	b = append(b, f.Community[:]...)
	b = append(b, f.ID[:]...)
	b = append(b, f.Op)
	b = append(b, f.Target[:]...)
	return append(b, f.Post[:]...)
}

func (f cpostFrame) appendBody(b []byte) []byte {
	b = append(b, f.Community[:]...)
	b = append(b, f.ID[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(f.Sent))
	return append(b, f.Text...)
}

func (f cfetchFrame) appendBody(b []byte) []byte {
	b = append(b, f.Community[:]...)
	return binary.BigEndian.AppendUint64(b, f.After)
}

func (f citemFrame) appendBody(b []byte) []byte {
	b = append(b, f.Community[:]...)
	b = binary.BigEndian.AppendUint64(b, f.Seq)
	b = append(b, f.ID[:]...)
	b = append(b, f.From[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(f.Sent))
	var flags byte
	if f.Deleted {
		flags = 1
	}
	b = append(b, flags)
	return append(b, f.Text...)
}

func decodeCommunityFrame(typ byte, body []byte) (frame, error) {
	bad := func(what string) error {
		return fmt.Errorf("%w: type 0x%02x: %s (%d body bytes)", ErrMalformed, typ, what, len(body))
	}
	switch typ {
	case typeCMod:
		if len(body) != 16+16+1+20+16 {
			return nil, bad("want 69 bytes")
		}
		f := cmodFrame{Op: body[32]}
		copy(f.Community[:], body)
		copy(f.ID[:], body[16:])
		copy(f.Target[:], body[33:])
		copy(f.Post[:], body[53:])
		if f.Op < modJoin || f.Op > modDelete {
			return nil, bad("unknown operation")
		}
		return f, nil
	case typeCPost:
		if len(body) < 16+16+8+1 || !utf8.Valid(body[40:]) {
			return nil, bad("short, or text not UTF-8")
		}
		f := cpostFrame{Sent: int64(binary.BigEndian.Uint64(body[32:40])), Text: string(body[40:])}
		copy(f.Community[:], body)
		copy(f.ID[:], body[16:])
		return f, nil
	case typeCFetch:
		if len(body) != 24 {
			return nil, bad("want 24 bytes")
		}
		f := cfetchFrame{After: binary.BigEndian.Uint64(body[16:])}
		copy(f.Community[:], body)
		return f, nil
	case typeCItem:
		const fixed = 16 + 8 + 16 + 20 + 8 + 1
		if len(body) < fixed || body[fixed-1] > 1 || !utf8.Valid(body[fixed:]) {
			return nil, bad("short, bad flags, or text not UTF-8")
		}
		f := citemFrame{Seq: binary.BigEndian.Uint64(body[16:24]), Sent: int64(binary.BigEndian.Uint64(body[60:68])),
			Deleted: body[68] == 1, Text: string(body[fixed:])}
		copy(f.Community[:], body)
		copy(f.ID[:], body[24:])
		copy(f.From[:], body[40:])
		return f, nil
	}
	return nil, bad("unknown type")
}
