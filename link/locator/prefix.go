package locator

import (
	"fmt"
	"strconv"
	"strings"
)

// Prefix is a locator prefix: the first Bits() bits of Addr(), the rest
// zero. The zero value is the empty prefix /0, which contains every
// locator.
type Prefix struct {
	addr Locator
	bits int
}

// PrefixFrom returns the prefix of l of length n, clearing the bits past
// n. n must be 0 to 256.
func PrefixFrom(l Locator, n int) (Prefix, error) {
	if n < 0 || n > Bits {
		return Prefix{}, fmt.Errorf("locator: prefix length %d out of range 0–%d", n, Bits)
	}
	return Prefix{addr: mask(l, n), bits: n}, nil
}

// MustPrefix is PrefixFrom for constants in tests and examples; it
// panics on a bad length.
func MustPrefix(l Locator, n int) Prefix {
	p, err := PrefixFrom(l, n)
	if err != nil {
		panic(err)
	}
	return p
}

// ParsePrefix parses "fields/length", where fields are one to four dot
// separated hex fields as in Parse (missing trailing fields are zero).
// Bits set past the length are an error, so a prefix has one text form.
func ParsePrefix(s string) (Prefix, error) {
	addr, length, ok := strings.Cut(s, "/")
	if !ok {
		return Prefix{}, fmt.Errorf("%w: prefix %q has no /length", ErrSyntax, s)
	}
	n, err := strconv.Atoi(length)
	if err != nil || n < 0 || n > Bits || length != strconv.Itoa(n) {
		return Prefix{}, fmt.Errorf("%w: prefix %q: length must be 0 to %d", ErrSyntax, s, Bits)
	}
	l, _, err := parseFields(addr)
	if err != nil {
		return Prefix{}, err
	}
	if mask(l, n) != l {
		return Prefix{}, fmt.Errorf("%w: prefix %q has bits set past /%d", ErrSyntax, s, n)
	}
	return Prefix{addr: l, bits: n}, nil
}

// Addr returns the prefix's locator, zero past Bits.
func (p Prefix) Addr() Locator { return p.addr }

// Bits returns the prefix length.
func (p Prefix) Bits() int { return p.bits }

// Contains reports whether l lies inside p.
func (p Prefix) Contains(l Locator) bool { return CommonPrefixLen(p.addr, l) >= p.bits }

// ContainsPrefix reports whether q lies inside p (q is as long or longer).
func (p Prefix) ContainsPrefix(q Prefix) bool { return q.bits >= p.bits && p.Contains(q.addr) }

// Overlaps reports whether p and q share any locator: one contains the
// other.
func (p Prefix) Overlaps(q Prefix) bool { return p.ContainsPrefix(q) || q.ContainsPrefix(p) }

// String returns the text form: the fields the prefix reaches into (at
// least one), "/", the length.
func (p Prefix) String() string {
	n, reach := 1, fieldBits[0]
	for n < 4 && reach < p.bits {
		reach += fieldBits[n]
		n++
	}
	return format(p.addr, n) + "/" + strconv.Itoa(p.bits)
}

// MarshalText implements encoding.TextMarshaler.
func (p Prefix) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Prefix) UnmarshalText(b []byte) error {
	q, err := ParsePrefix(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// mask clears the bits of l past n.
func mask(l Locator, n int) Locator {
	for i := range l {
		switch {
		case n >= (i+1)*8:
		case n <= i*8:
			l[i] = 0
		default:
			l[i] &= 0xff << (8 - (n - i*8))
		}
	}
	return l
}
