package locator

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Field widths, in bits.
const (
	SegmentBits = 64
	SubnetBits  = 64
	HostBits    = 96
	NICBits     = 32
	// Bits is the length of a locator.
	Bits = SegmentBits + SubnetBits + HostBits + NICBits
	// SubnetPrefixBits is where the host field starts: the longest prefix
	// a router can assign host IDs in.
	SubnetPrefixBits = SegmentBits + SubnetBits
)

// ErrSyntax reports a locator or prefix text that does not parse.
var ErrSyntax = errors.New("locator: invalid syntax")

// fieldBits lists the fields in order, for parsing and printing.
var fieldBits = [4]int{SegmentBits, SubnetBits, HostBits, NICBits}

// Locator is a 256-bit unicast address. The zero value is the
// unspecified locator.
type Locator [32]byte

// New builds a locator from its four fields.
func New(segment, subnet uint64, host [12]byte, nic uint32) Locator {
	var l Locator
	binary.BigEndian.PutUint64(l[0:8], segment)
	binary.BigEndian.PutUint64(l[8:16], subnet)
	copy(l[16:28], host[:])
	binary.BigEndian.PutUint32(l[28:32], nic)
	return l
}

// Segment returns bits 0–63.
func (l Locator) Segment() uint64 { return binary.BigEndian.Uint64(l[0:8]) }

// Subnet returns bits 64–127.
func (l Locator) Subnet() uint64 { return binary.BigEndian.Uint64(l[8:16]) }

// Host returns bits 128–223.
func (l Locator) Host() [12]byte { return [12]byte(l[16:28]) }

// NIC returns bits 224–255.
func (l Locator) NIC() uint32 { return binary.BigEndian.Uint32(l[28:32]) }

// IsZero reports whether l is the unspecified locator.
func (l Locator) IsZero() bool { return l == Locator{} }

// String returns the text form, segment.subnet.host.nic in hex.
func (l Locator) String() string { return format(l, 4) }

// MarshalText implements encoding.TextMarshaler.
func (l Locator) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *Locator) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*l = p
	return nil
}

// Parse parses the text form: four hexadecimal fields separated by dots.
func Parse(s string) (Locator, error) {
	l, n, err := parseFields(s)
	if err != nil {
		return Locator{}, err
	}
	if n != 4 {
		return Locator{}, fmt.Errorf("%w: %q has %d fields, want segment.subnet.host.nic", ErrSyntax, s, n)
	}
	return l, nil
}

// CommonPrefixLen returns how many leading bits a and b share.
func CommonPrefixLen(a, b Locator) int {
	for i := 0; i < len(a); i += 8 {
		x := binary.BigEndian.Uint64(a[i:]) ^ binary.BigEndian.Uint64(b[i:])
		if x != 0 {
			return i*8 + bits.LeadingZeros64(x)
		}
	}
	return Bits
}

// HostID derives the host field of a node in subnet from its X25519
// public key: the first 96 bits of SHA-256 over a domain tag, the subnet
// prefix and the key. The same node in the same subnet always gets the
// same ID.
func HostID(subnet Prefix, nodeKey [32]byte) [12]byte {
	h := sha256.New()
	h.Write([]byte("anynet locator host id v1\x00"))
	h.Write(subnet.addr[:])
	h.Write([]byte{byte(subnet.bits >> 8), byte(subnet.bits)})
	h.Write(nodeKey[:])
	return [12]byte(h.Sum(nil)[:12])
}

// Assign returns the locator of a node's NIC in subnet: the subnet's
// bits, the node's HostID, and nic. The prefix must not reach into the
// host field.
func Assign(subnet Prefix, nodeKey [32]byte, nic uint32) (Locator, error) {
	if subnet.bits > SubnetPrefixBits {
		return Locator{}, fmt.Errorf("locator: assign in %s: prefix longer than %d bits leaves no room for hosts", subnet, SubnetPrefixBits)
	}
	l := subnet.addr
	h := HostID(subnet, nodeKey)
	copy(l[16:28], h[:])
	binary.BigEndian.PutUint32(l[28:32], nic)
	return l, nil
}

// parseFields parses one to four dot-separated hex fields into a
// locator, returning how many there were.
func parseFields(s string) (Locator, int, error) {
	var l Locator
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return Locator{}, 0, fmt.Errorf("%w: %q has more than four fields", ErrSyntax, s)
	}
	off := 0
	for i, p := range parts {
		w := fieldBits[i]
		if p == "" || len(p) > w/4 {
			return Locator{}, 0, fmt.Errorf("%w: %q: field %d must be 1 to %d hex digits", ErrSyntax, s, i+1, w/4)
		}
		// Left-pad to the field's width, then decode byte by byte.
		digits := strings.Repeat("0", w/4-len(p)) + p
		for j := 0; j < w/8; j++ {
			b, err := strconv.ParseUint(digits[2*j:2*j+2], 16, 8)
			if err != nil {
				return Locator{}, 0, fmt.Errorf("%w: %q: field %d is not hex", ErrSyntax, s, i+1)
			}
			l[off/8+j] = byte(b)
		}
		off += w
	}
	return l, len(parts), nil
}

// format writes the first n fields of l in hex without leading zeros.
func format(l Locator, n int) string {
	var b strings.Builder
	off := 0
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte('.')
		}
		field := l[off/8 : (off+fieldBits[i])/8]
		off += fieldBits[i]
		hex := fmt.Sprintf("%x", field)
		hex = strings.TrimLeft(hex, "0")
		if hex == "" {
			hex = "0"
		}
		b.WriteString(hex)
	}
	return b.String()
}
