package im

import (
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

func (f *cmodFrame) wire(x *codec) {
	x.head(typeCMod)
	x.fixed(f.Community[:])
	x.fixed(f.ID[:])
	u8(x, &f.Op)
	x.fixed(f.Target[:])
	x.fixed(f.Post[:])
}

func (f *cpostFrame) wire(x *codec) {
	x.head(typeCPost)
	x.fixed(f.Community[:])
	x.fixed(f.ID[:])
	u64(x, &f.Sent)
	rest(x, &f.Text)
}

func (f *cfetchFrame) wire(x *codec) { x.head(typeCFetch); x.fixed(f.Community[:]); u64(x, &f.After) }

func (f *citemFrame) wire(x *codec) {
	x.head(typeCItem)
	x.fixed(f.Community[:])
	u64(x, &f.Seq)
	x.fixed(f.ID[:])
	x.fixed(f.From[:])
	u64(x, &f.Sent)
	x.flag(&f.Deleted)
	rest(x, &f.Text)
}

func (f *cmodFrame) check() error {
	return need(f.Op >= modJoin && f.Op <= modDelete, "unknown operation")
}
func (f *cpostFrame) check() error {
	return need(f.Text != "" && utf8.ValidString(f.Text), "empty, or text not UTF-8")
}
func (f *citemFrame) check() error { return need(utf8.ValidString(f.Text), "text not UTF-8") }
