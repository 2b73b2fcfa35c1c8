package route

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/anynet/anynet/link/locator"
)

// version is the advert message version this package speaks.
const version = 2

// headerLen is the size of an advert message's header, and routeFixed
// of a route's fixed part, before its path.
const (
	headerLen  = 1 + 2 + 1 + 1 + 2
	routeFixed = 1 + 32 + 4 + 1
)

// ErrMalformed reports an advert message that does not parse.
var ErrMalformed = errors.New("route: malformed advert message")

// Message is one advert message: part Part of the Parts that carry a
// router's full table of generation Gen (see Split and Assembler).
type Message struct {
	Gen     uint16
	Part    uint8
	Parts   uint8
	Adverts []Advert
}

// Split cuts a full table into the messages that carry it, each at most
// max bytes encoded, in order; an empty table is one empty message.
func Split(adverts []Advert, gen uint16, max int) ([]Message, error) {
	var (
		out  []Message
		cur  []Advert
		size = headerLen
	)
	for _, a := range adverts {
		n := routeFixed + 32*len(a.Path)
		if headerLen+n > max {
			return nil, fmt.Errorf("route: %s with a path of %d does not fit %d bytes", a.Prefix, len(a.Path), max)
		}
		if size+n > max {
			out = append(out, Message{Adverts: cur})
			cur, size = nil, headerLen
		}
		cur = append(cur, a)
		size += n
	}
	out = append(out, Message{Adverts: cur})
	if len(out) > 255 {
		return nil, fmt.Errorf("route: %d routes need %d messages of %d bytes, more than 255", len(adverts), len(out), max)
	}
	for i := range out {
		out[i].Gen, out[i].Part, out[i].Parts = gen, uint8(i), uint8(len(out))
	}
	return out, nil
}

// Encode appends the advert message m to dst.
func Encode(dst []byte, m Message) ([]byte, error) {
	if len(m.Adverts) > 0xffff || m.Parts == 0 || m.Part >= m.Parts {
		return dst, fmt.Errorf("route: cannot encode part %d of %d with %d routes", m.Part, m.Parts, len(m.Adverts))
	}
	dst = append(dst, version)
	dst = binary.BigEndian.AppendUint16(dst, m.Gen)
	dst = append(dst, m.Part, m.Parts)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(m.Adverts)))
	for _, a := range m.Adverts {
		if a.Prefix.Bits() > 255 || len(a.Path) == 0 || len(a.Path) > MaxPath {
			return dst, fmt.Errorf("route: cannot encode %s with a path of %d", a.Prefix, len(a.Path))
		}
		addr := a.Prefix.Addr()
		dst = append(dst, byte(a.Prefix.Bits()))
		dst = append(dst, addr[:]...)
		dst = binary.BigEndian.AppendUint32(dst, a.Metric)
		dst = append(dst, byte(len(a.Path)))
		for _, id := range a.Path {
			dst = append(dst, id[:]...)
		}
	}
	return dst, nil
}

// Decode parses an advert message. A part index not below the part
// count, prefixes with bits set past their length, empty or overlong
// paths, and trailing bytes are malformed.
func Decode(b []byte) (Message, error) {
	if len(b) < headerLen || b[0] != version {
		return Message{}, fmt.Errorf("%w: header", ErrMalformed)
	}
	m := Message{Gen: binary.BigEndian.Uint16(b[1:3]), Part: b[3], Parts: b[4]}
	if m.Parts == 0 || m.Part >= m.Parts {
		return Message{}, fmt.Errorf("%w: part %d of %d", ErrMalformed, m.Part, m.Parts)
	}
	n := int(binary.BigEndian.Uint16(b[5:7]))
	b = b[headerLen:]
	if n > len(b)/(routeFixed+32) {
		return Message{}, fmt.Errorf("%w: %d routes in %d bytes", ErrMalformed, n, len(b))
	}
	m.Adverts = make([]Advert, 0, n)
	for i := range n {
		if len(b) < routeFixed {
			return Message{}, fmt.Errorf("%w: route %d truncated", ErrMalformed, i)
		}
		addr := locator.Locator(b[1:33])
		p, err := locator.PrefixFrom(addr, int(b[0]))
		if err != nil || p.Addr() != addr {
			return Message{}, fmt.Errorf("%w: route %d: bits set past /%d", ErrMalformed, i, b[0])
		}
		metric := binary.BigEndian.Uint32(b[33:37])
		plen := int(b[37])
		b = b[routeFixed:]
		if plen == 0 || plen > MaxPath || len(b) < plen*32 {
			return Message{}, fmt.Errorf("%w: route %d: path of %d", ErrMalformed, i, plen)
		}
		path := make([]ID, plen)
		for j := range path {
			path[j] = ID(b[j*32 : j*32+32])
		}
		b = b[plen*32:]
		m.Adverts = append(m.Adverts, Advert{Prefix: p, Metric: metric, Path: path})
	}
	if len(b) != 0 {
		return Message{}, fmt.Errorf("%w: %d trailing bytes", ErrMalformed, len(b))
	}
	return m, nil
}

// Assembler puts a neighbor's full table back together from its parts.
// Parts of one generation may arrive in any order; a part of another
// generation starts over (the older table's missing parts are not coming:
// the neighbor sends its tables whole, periodically). The zero value is
// ready.
type Assembler struct {
	gen   uint16
	parts [][]Advert // by part index; nil entries are missing
	have  int
}

// Add takes one message and, once every part of its generation arrived,
// returns the full table and true.
func (a *Assembler) Add(m Message) ([]Advert, bool) {
	if m.Parts == 1 {
		a.parts, a.have = nil, 0
		return m.Adverts, true
	}
	if a.parts == nil || m.Gen != a.gen || len(a.parts) != int(m.Parts) {
		a.gen, a.parts, a.have = m.Gen, make([][]Advert, m.Parts), 0
	}
	if a.parts[m.Part] == nil {
		a.parts[m.Part] = append(make([]Advert, 0, len(m.Adverts)), m.Adverts...)
		a.have++
	}
	if a.have < len(a.parts) {
		return nil, false
	}
	var all []Advert
	for _, p := range a.parts {
		all = append(all, p...)
	}
	a.parts, a.have = nil, 0
	return all, true
}
