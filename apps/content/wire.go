package content

import (
	"encoding/binary"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// Frame types: the first byte of every frame (see doc.go).
const (
	msgGet       = 1  // u32 req | id | u64 off | u32 n
	msgData      = 2  // u32 req | Bao slice
	msgFail      = 3  // u32 req | u8 code
	msgList      = 4  // u32 req | u16 len | prefix
	msgListing   = 5  // u32 req | u16 count | entries
	msgHave      = 6  // id | u64 size
	msgWho       = 7  // u32 req | id
	msgProviders = 8  // u32 req | u16 count | 20-byte wallets
	msgWant      = 9  // id | 20-byte publisher
	msgMirrors   = 10 // u32 req | signed mirror list (mirrors.go)
)

// Fail codes.
const (
	failNotFound = 1
	failDenied   = 2
	failBusy     = 3
	// failCancel, from the asker to the provider, withdraws a Get
	// (doc.go).
	failCancel = 4
)

// Limits of the wire.
const (
	// MaxRange is the largest range one Get asks for.
	MaxRange = 1 << 20
	// maxFrame bounds a frame: a MaxRange slice and its parents.
	maxFrame = MaxRange + MaxRange/GroupSize*64 + 64*64 + 64
	// maxProviders bounds a Providers answer and the holders a
	// publisher keeps per blob.
	maxProviders = 64
	// maxEntries bounds a Listing.
	maxEntries = 4096
)

// msg is one decoded frame; which fields are set follows typ.
type msg struct {
	typ     byte
	req     uint32
	id      ID
	off     int64
	n       int64
	slice   []byte // aliases the frame
	code    byte
	prefix  string
	entries []Entry
	size    int64
	wallets []common.Address
	mirrors MirrorList
}

// Entry is one share in a listing.
type Entry struct {
	Name       string `json:"name"`
	ID         ID     `json:"id"`
	Size       int64  `json:"size"`
	Collection bool   `json:"collection,omitempty"`
	Public     bool   `json:"public,omitempty"`
}

func encGet(req uint32, id ID, off, n int64) []byte {
	b := []byte{msgGet}
	b = binary.BigEndian.AppendUint32(b, req)
	b = append(b, id[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(off))
	return binary.BigEndian.AppendUint32(b, uint32(n))
}

func encData(req uint32, slice []byte) []byte {
	b := putDataHeader(make([]byte, dataHeader, dataHeader+len(slice)), req)
	return append(b, slice...)
}

// dataHeader is the length of a Data frame before its slice.
const dataHeader = 5

// putDataHeader writes a Data frame's header into b[:dataHeader].
func putDataHeader(b []byte, req uint32) []byte {
	b[0] = msgData
	binary.BigEndian.PutUint32(b[1:], req)
	return b
}

func encFail(req uint32, code byte) []byte {
	return append(binary.BigEndian.AppendUint32([]byte{msgFail}, req), code)
}

func encList(req uint32, prefix string) []byte {
	b := binary.BigEndian.AppendUint32([]byte{msgList}, req)
	b = binary.BigEndian.AppendUint16(b, uint16(len(prefix)))
	return append(b, prefix...)
}

func encListing(req uint32, es []Entry) []byte {
	b := binary.BigEndian.AppendUint32([]byte{msgListing}, req)
	b = binary.BigEndian.AppendUint16(b, uint16(len(es)))
	for _, e := range es {
		b = binary.BigEndian.AppendUint16(b, uint16(len(e.Name)))
		b = append(b, e.Name...)
		b = append(b, e.ID[:]...)
		b = binary.BigEndian.AppendUint64(b, uint64(e.Size))
		var fl byte
		if e.Collection {
			fl |= 1
		}
		if e.Public {
			fl |= 2
		}
		b = append(b, fl)
	}
	return b
}

func encHave(id ID, size int64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte{msgHave}, id[:]...), uint64(size))
}

func encWho(req uint32, id ID) []byte {
	return append(binary.BigEndian.AppendUint32([]byte{msgWho}, req), id[:]...)
}

func encWant(id ID, publisher common.Address) []byte {
	return append(append([]byte{msgWant}, id[:]...), publisher[:]...)
}

func encMirrors(req uint32, l MirrorList) []byte {
	return append(binary.BigEndian.AppendUint32([]byte{msgMirrors}, req), l.Marshal()...)
}

func encProviders(req uint32, ws []common.Address) []byte {
	b := binary.BigEndian.AppendUint32([]byte{msgProviders}, req)
	b = binary.BigEndian.AppendUint16(b, uint16(len(ws)))
	for _, w := range ws {
		b = append(b, w[:]...)
	}
	return b
}

// reader reads big-endian fields and remembers the first short read.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) take(n int) []byte {
	if r.bad || len(r.b) < n {
		r.bad = true
		return make([]byte, n)
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}
func (r *reader) u8() byte    { return r.take(1)[0] }
func (r *reader) u16() int    { return int(binary.BigEndian.Uint16(r.take(2))) }
func (r *reader) u32() uint32 { return binary.BigEndian.Uint32(r.take(4)) }
func (r *reader) u64() uint64 { return binary.BigEndian.Uint64(r.take(8)) }
func (r *reader) id() (id ID) { copy(id[:], r.take(32)); return id }

// decode parses one frame; slices alias f.
func decode(f []byte) (msg, error) {
	if len(f) == 0 {
		return msg{}, fmt.Errorf("%w: empty frame", ErrMalformed)
	}
	m := msg{typ: f[0]}
	r := &reader{b: f[1:]}
	switch m.typ {
	case msgGet:
		m.req, m.id = r.u32(), r.id()
		off, n := r.u64(), r.u32()
		if off > 1<<62 || n > MaxRange {
			return msg{}, fmt.Errorf("%w: get [%d,+%d)", ErrMalformed, off, n)
		}
		m.off, m.n = int64(off), int64(n)
	case msgData:
		m.req = r.u32()
		m.slice, r.b = r.b, nil
	case msgFail:
		m.req, m.code = r.u32(), r.u8()
	case msgList:
		m.req = r.u32()
		m.prefix = string(r.take(r.u16()))
	case msgListing:
		m.req = r.u32()
		n := r.u16()
		if n > maxEntries {
			return msg{}, fmt.Errorf("%w: %d entries", ErrMalformed, n)
		}
		for range n {
			if r.bad {
				break
			}
			e := Entry{Name: string(r.take(r.u16())), ID: r.id()}
			e.Size = int64(r.u64())
			fl := r.u8()
			e.Collection, e.Public = fl&1 != 0, fl&2 != 0
			if e.Size < 0 || fl&^3 != 0 {
				r.bad = true
			}
			m.entries = append(m.entries, e)
		}
	case msgHave:
		m.id = r.id()
		m.size = int64(r.u64())
		if m.size < 0 {
			r.bad = true
		}
	case msgWho:
		m.req, m.id = r.u32(), r.id()
	case msgWant:
		m.id = r.id()
		m.wallets = []common.Address{common.BytesToAddress(r.take(20))}
	case msgMirrors:
		m.req = r.u32()
		l, err := ParseMirrorList(r.b)
		if err != nil {
			return msg{}, err
		}
		m.mirrors, r.b = l, nil
	case msgProviders:
		m.req = r.u32()
		n := r.u16()
		if n > maxProviders {
			return msg{}, fmt.Errorf("%w: %d providers", ErrMalformed, n)
		}
		for range n {
			m.wallets = append(m.wallets, common.BytesToAddress(r.take(20)))
		}
	default:
		return msg{}, fmt.Errorf("%w: frame type %d", ErrMalformed, m.typ)
	}
	if r.bad || len(r.b) != 0 {
		return msg{}, fmt.Errorf("%w: frame type %d of %d bytes", ErrMalformed, m.typ, len(f))
	}
	return m, nil
}
