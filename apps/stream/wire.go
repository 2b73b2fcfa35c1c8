package stream

import (
	"encoding/binary"
	"fmt"

	"github.com/anynet/anynet/apps/content"
	"github.com/ethereum/go-ethereum/common"
)

// Frame types: the first byte of every frame (see doc.go). Every frame
// continues with the stream's key (20 owner | u8 len | name).
const (
	msgSub      = 1 // key | u8 role | u16 capacity | u64 from
	msgAccept   = 2 // key | u8 depth
	msgRedirect = 3 // key | u8 count | count × 20 wallet
	msgSeg      = 4 // key | u64 seq | 32 id | data
	msgPlaylist = 5 // key | signed playlist
	msgLoad     = 6 // key | u16 capacity | u16 children | u8 depth | 20 upstream
	msgLeave    = 7 // key
)

// Roles in a Sub.
const (
	roleViewer = 0
	roleRelay  = 1
	// roleDirect (or-ed in) asks the origin to serve the joiner itself:
	// every relay it named has failed the joiner.
	roleDirect = 0x80
)

// Limits of the wire.
const (
	// MaxSegment is the largest segment a stream carries.
	MaxSegment = 8 << 20
	maxFrame   = MaxSegment + 1024
	// maxRedirect bounds the candidates of a Redirect.
	maxRedirect = 8
)

// msg is one decoded frame; which fields are set follows typ.
type msg struct {
	typ      byte
	key      Key
	role     byte
	capacity int
	from     uint64
	depth    int
	wallets  []common.Address
	seq      uint64
	id       content.ID
	data     []byte // aliases the frame
	playlist []byte // aliases the frame
	children int
	up       common.Address
	reason   byte
}

func appendKey(b []byte, typ byte, k Key) []byte {
	b = append(b, typ)
	b = append(b, k.Owner[:]...)
	b = append(b, byte(len(k.Name)))
	return append(b, k.Name...)
}

func encSub(k Key, role byte, capacity int, from uint64) []byte {
	b := appendKey(nil, msgSub, k)
	b = append(b, role)
	b = binary.BigEndian.AppendUint16(b, uint16(min(capacity, 0xffff)))
	return binary.BigEndian.AppendUint64(b, from)
}

func encAccept(k Key, depth int) []byte {
	return append(appendKey(nil, msgAccept, k), byte(min(depth, 255)))
}

func encRedirect(k Key, ws []common.Address) []byte {
	ws = ws[:min(len(ws), maxRedirect)]
	b := append(appendKey(nil, msgRedirect, k), byte(len(ws)))
	for _, w := range ws {
		b = append(b, w[:]...)
	}
	return b
}

func encSeg(k Key, seq uint64, id content.ID, data []byte) []byte {
	b := appendKey(make([]byte, 0, 64+len(k.Name)+len(data)), msgSeg, k)
	b = binary.BigEndian.AppendUint64(b, seq)
	b = append(b, id[:]...)
	return append(b, data...)
}

func encPlaylist(k Key, signed []byte) []byte {
	return append(appendKey(make([]byte, 0, 32+len(k.Name)+len(signed)), msgPlaylist, k), signed...)
}

func encLoad(k Key, capacity, children, depth int, up common.Address) []byte {
	b := appendKey(nil, msgLoad, k)
	b = binary.BigEndian.AppendUint16(b, uint16(min(capacity, 0xffff)))
	b = binary.BigEndian.AppendUint16(b, uint16(min(children, 0xffff)))
	b = append(b, byte(min(depth, 255)))
	return append(b, up[:]...)
}

func encLeave(k Key) []byte { return appendKey(nil, msgLeave, k) }

// decode parses one frame; data and playlist alias b.
func decode(b []byte) (msg, error) {
	var m msg
	bad := func(what string) (msg, error) {
		return msg{}, fmt.Errorf("%w: frame type %d: %s", ErrMalformed, m.typ, what)
	}
	if len(b) < 22 {
		return bad("short")
	}
	m.typ = b[0]
	copy(m.key.Owner[:], b[1:21])
	n := int(b[21])
	if len(b) < 22+n {
		return bad("short name")
	}
	m.key.Name = string(b[22 : 22+n])
	if !ValidName(m.key.Name) {
		return bad("bad name")
	}
	r := b[22+n:]
	switch m.typ {
	case msgSub:
		if len(r) != 11 || r[0]&^roleDirect > roleRelay {
			return bad("length or role")
		}
		m.role, m.capacity, m.from = r[0], int(binary.BigEndian.Uint16(r[1:])), binary.BigEndian.Uint64(r[3:])
	case msgAccept:
		if len(r) != 1 {
			return bad("length")
		}
		m.depth = int(r[0])
	case msgRedirect:
		if len(r) < 1 || int(r[0]) > maxRedirect || len(r) != 1+20*int(r[0]) {
			return bad("length")
		}
		for i := range int(r[0]) {
			m.wallets = append(m.wallets, common.BytesToAddress(r[1+20*i:21+20*i]))
		}
	case msgSeg:
		if len(r) < 40 || len(r)-40 > MaxSegment {
			return bad("length")
		}
		m.seq = binary.BigEndian.Uint64(r)
		copy(m.id[:], r[8:40])
		m.data = r[40:]
	case msgPlaylist:
		if len(r) == 0 {
			return bad("empty")
		}
		m.playlist = r
	case msgLoad:
		if len(r) != 25 {
			return bad("length")
		}
		m.capacity, m.children, m.depth = int(binary.BigEndian.Uint16(r)), int(binary.BigEndian.Uint16(r[2:])), int(r[4])
		m.up = common.BytesToAddress(r[5:])
	case msgLeave:
		if len(r) != 0 {
			return bad("length")
		}
	case msgDenied:
		if !parseDenied(r, &m) {
			return bad("length or reason")
		}
	default:
		return bad("unknown type")
	}
	return m, nil
}
