package im

import "encoding/binary"

// codec moves a frame's fields to or from its wire bytes: each frame's
// wire method calls it once per field, in wire order.
type codec struct {
	b   []byte // encoding: the frame so far; decoding: what is left of it
	dec bool
	bad bool // decoding found the bytes short or out of range
}

// head moves the frame's type.
func (x *codec) head(typ byte) {
	t := typ
	u8(x, &t)
	x.bad = x.bad || t != typ
}

// take returns the next n bytes to decode, or nil (bad) if there are
// fewer.
func (x *codec) take(n int) []byte {
	if len(x.b) < n {
		x.bad, x.b = true, nil
		return nil
	}
	p := x.b[:n]
	x.b = x.b[n:]
	return p
}

// fixed moves a fixed-size field (an ID, a wallet, a key).
func (x *codec) fixed(p []byte) {
	if x.dec {
		copy(p, x.take(len(p)))
	} else {
		x.b = append(x.b, p...)
	}
}

// number moves the low size bytes of *v, big-endian (*v fits in them).
func (x *codec) number(v *uint64, size int) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], *v)
	x.fixed(b[8-size:])
	*v = binary.BigEndian.Uint64(b[:])
}

// rest moves the bytes, or the text, to the end of the frame (a check
// says if text must be UTF-8).
func rest[T ~string | ~[]byte](x *codec, p *T) {
	if x.dec {
		*p, x.b = T(x.b), nil
	} else {
		x.b = append(x.b, *p...)
	}
}

// flag moves a bool as one byte, 0 or 1.
func (x *codec) flag(v *bool) {
	var n uint8
	if *v {
		n = 1
	}
	u8(x, &n)
	x.bad = x.bad || n > 1
	*v = n == 1
}

func u8[T ~uint8](x *codec, p *T)            { v := uint64(*p); x.number(&v, 1); *p = T(v) }
func u16[T ~uint16](x *codec, p *T)          { v := uint64(*p); x.number(&v, 2); *p = T(v) }
func u32[T ~uint32](x *codec, p *T)          { v := uint64(*p); x.number(&v, 4); *p = T(v) }
func u64[T ~uint64 | ~int64](x *codec, p *T) { v := uint64(*p); x.number(&v, 8); *p = T(v) }

// list moves a u16 count, then each item; a count over limit does not
// decode.
func list[T any](x *codec, s *[]T, limit int, item func(*T)) {
	n := uint16(len(*s))
	u16(x, &n)
	if x.dec {
		if int(n) > limit {
			x.bad, x.b = true, nil
			return
		}
		*s = make([]T, n)
	}
	for i := range *s {
		item(&(*s)[i])
	}
}
