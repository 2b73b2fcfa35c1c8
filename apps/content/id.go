package content

import (
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"

	"lukechampine.com/blake3"
)

// ID names a blob: the root of its BLAKE3 tree, the 32 bytes b3sum
// prints for the same file.
type ID [32]byte

// Sum is the ID of data.
func Sum(data []byte) ID { return ID(blake3.Sum256(data)) }

// String is the ID in lowercase hex, as b3sum prints it.
func (id ID) String() string { return hex.EncodeToString(id[:]) }

// Short is the first 8 hex digits, for logs and tables.
func (id ID) Short() string { return id.String()[:8] }

// CIDv1 prefix of an ID: version 1, raw codec (0x55), BLAKE3 multihash
// (0x1e, varint 0x1e), length 32.
var cidPrefix = []byte{0x01, 0x55, 0x1e, 0x20}

// cidEncoding is multibase "b": RFC 4648 base32, lowercase, no padding.
var cidEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// CID is the ID as a CIDv1 (raw codec, BLAKE3 multihash) in multibase
// base32, the text form IPFS tools print ("bafkr4i…").
func (id ID) CID() string {
	return "b" + cidEncoding.EncodeToString(append(append([]byte{}, cidPrefix...), id[:]...))
}

// ParseID reads an ID from 64 hex digits or its CID form.
func ParseID(s string) (ID, error) {
	var id ID
	switch {
	case len(s) == 64:
		if _, err := hex.Decode(id[:], []byte(s)); err != nil {
			return ID{}, fmt.Errorf("%w: %q: %v", ErrBadID, s, err)
		}
		return id, nil
	case strings.HasPrefix(s, "b"):
		b, err := cidEncoding.DecodeString(s[1:])
		if err != nil || len(b) != len(cidPrefix)+32 || string(b[:len(cidPrefix)]) != string(cidPrefix) {
			return ID{}, fmt.Errorf("%w: %q is not a raw BLAKE3 CIDv1", ErrBadID, s)
		}
		copy(id[:], b[len(cidPrefix):])
		return id, nil
	}
	return ID{}, fmt.Errorf("%w: %q", ErrBadID, s)
}

// MarshalText implements encoding.TextMarshaler (hex).
func (id ID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler (hex or CID).
func (id *ID) UnmarshalText(b []byte) error {
	v, err := ParseID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}
