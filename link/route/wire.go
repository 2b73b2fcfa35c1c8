package route

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/anynet/anynet/link/locator"
)

// version is the advert message version this package speaks.
const version = 1

// ErrMalformed reports an advert message that does not parse.
var ErrMalformed = errors.New("route: malformed advert message")

// Encode appends the advert message for adverts to dst.
func Encode(dst []byte, adverts []Advert) ([]byte, error) {
	if len(adverts) > 0xffff {
		return dst, fmt.Errorf("route: %d routes do not fit one message", len(adverts))
	}
	dst = append(dst, version)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(adverts)))
	for _, a := range adverts {
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

// Decode parses an advert message. Prefixes with bits set past their
// length, empty or overlong paths, and trailing bytes are malformed.
func Decode(b []byte) ([]Advert, error) {
	if len(b) < 3 || b[0] != version {
		return nil, fmt.Errorf("%w: header", ErrMalformed)
	}
	n := int(binary.BigEndian.Uint16(b[1:3]))
	b = b[3:]
	const fixed = 1 + 32 + 4 + 1
	if n > len(b)/(fixed+32) {
		return nil, fmt.Errorf("%w: %d routes in %d bytes", ErrMalformed, n, len(b))
	}
	out := make([]Advert, 0, n)
	for i := range n {
		if len(b) < fixed {
			return nil, fmt.Errorf("%w: route %d truncated", ErrMalformed, i)
		}
		addr := locator.Locator(b[1:33])
		p, err := locator.PrefixFrom(addr, int(b[0]))
		if err != nil || p.Addr() != addr {
			return nil, fmt.Errorf("%w: route %d: bits set past /%d", ErrMalformed, i, b[0])
		}
		metric := binary.BigEndian.Uint32(b[33:37])
		plen := int(b[37])
		b = b[fixed:]
		if plen == 0 || plen > MaxPath || len(b) < plen*32 {
			return nil, fmt.Errorf("%w: route %d: path of %d", ErrMalformed, i, plen)
		}
		path := make([]ID, plen)
		for j := range path {
			path[j] = ID(b[j*32 : j*32+32])
		}
		b = b[plen*32:]
		out = append(out, Advert{Prefix: p, Metric: metric, Path: path})
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrMalformed, len(b))
	}
	return out, nil
}
