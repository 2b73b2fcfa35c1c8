package naming

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DID attribute names anynet writes (did:ethr conventions: "did/pub/<key
// type>/<purpose>/<encoding>" for keys, "did/svc/<type>" for services).
const (
	// AttrNodeKey: a node's Noise static key, 32 raw bytes (keyAgreement).
	// Read under every ERC-1056 encoding name (see IsNodeKey); written
	// under this one.
	AttrNodeKey = "did/pub/X25519/enc/hex"
	// AttrBinding: a wallet-signed binding of a node key (transport's
	// bytes), published as text: standard base64 with padding (RFC 4648
	// section 4), so standard resolvers list it as a service. Callers of
	// this package pass and get the raw bytes; the encoding is applied at
	// the chain boundary.
	AttrBinding = "did/svc/AnynetBinding"
	// AttrLocator: one locator of the identity, in its text form.
	AttrLocator = "did/svc/AnynetLocator"
	// AttrMailbox: the name or address of the node keeping mail for it.
	AttrMailbox = "did/svc/AnynetMailbox"
	// AttrRouter: an underlay endpoint of a router serving the identity.
	AttrRouter = "did/svc/AnynetRouter"
)

// maxAttrValue bounds an attribute value (the contract does not; a reader
// must).
const maxAttrValue = 4096

// AttributeKind tells what an attribute name denotes.
type AttributeKind uint8

const (
	// AttrOther: a well-formed name this package does not interpret.
	AttrOther AttributeKind = iota
	// AttrPublicKey: did/pub/<type>/<purpose>[/<encoding>].
	AttrPublicKey
	// AttrService: did/svc/<type>.
	AttrService
)

// Attribute is one parsed ERC-1056 attribute.
type Attribute struct {
	Name string
	Kind AttributeKind
	// Public keys: key type (X25519, Secp256k1, Ed25519 ...), purpose
	// (enc, veriKey, sigAuth) and document encoding (hex when absent).
	KeyType, Purpose, Encoding string
	// Services: the service type (AnynetLocator ...).
	ServiceType string
	// Value is the raw value from the chain.
	Value []byte
}

// ParseAttribute parses an attribute as the DID registry's events carry it:
// a bytes32 name (printable ASCII, zero-padded on the right) and a value.
// X25519 keys must be 32 bytes; service endpoints (all services but
// AnynetBinding) must be UTF-8 text without control characters; no value
// may be empty or over 4096 bytes. Violations are ErrBadAttribute.
// An AnynetBinding's Value is its decoded bytes (base64 on chain).
func ParseAttribute(name [32]byte, value []byte) (Attribute, error) {
	n, err := attributeName(name)
	if err != nil {
		return Attribute{}, err
	}
	a := Attribute{Name: n, Value: value}
	if len(value) == 0 || len(value) > maxAttrValue {
		return Attribute{}, fmt.Errorf("%w: %s: value of %d bytes", ErrBadAttribute, n, len(value))
	}
	parts := strings.Split(n, "/")
	switch {
	case len(parts) >= 4 && len(parts) <= 5 && parts[0] == "did" && parts[1] == "pub":
		a.Kind, a.KeyType, a.Purpose, a.Encoding = AttrPublicKey, parts[2], parts[3], "hex"
		if len(parts) == 5 {
			a.Encoding = parts[4]
		}
		for _, p := range parts[2:] {
			if !isToken(p) {
				return Attribute{}, fmt.Errorf("%w: %q: bad key attribute name", ErrBadAttribute, n)
			}
		}
		if a.KeyType == "X25519" && len(value) != 32 {
			return Attribute{}, fmt.Errorf("%w: %s: X25519 key of %d bytes", ErrBadAttribute, n, len(value))
		}
	case len(parts) == 3 && parts[0] == "did" && parts[1] == "svc":
		a.Kind, a.ServiceType = AttrService, parts[2]
		if !isToken(a.ServiceType) {
			return Attribute{}, fmt.Errorf("%w: %q: bad service name", ErrBadAttribute, n)
		}
		if !isEndpoint(value) {
			return Attribute{}, fmt.Errorf("%w: %s: endpoint is not printable UTF-8", ErrBadAttribute, n)
		}
		if n == AttrBinding {
			raw, err := base64.StdEncoding.Strict().DecodeString(string(value))
			if err != nil || len(raw) == 0 {
				return Attribute{}, fmt.Errorf("%w: %s: not base64", ErrBadAttribute, n)
			}
			a.Value = raw
		}
	}
	return a, nil
}

// IsNodeKey reports an X25519 keyAgreement key ("did/pub/X25519/enc"
// with no encoding or hex, base64, base58): all hold the 32 raw key
// bytes on chain; the encoding only says how a DID document shows them.
func (a Attribute) IsNodeKey() bool {
	if a.Kind != AttrPublicKey || a.KeyType != "X25519" || a.Purpose != "enc" {
		return false
	}
	switch a.Encoding {
	case "hex", "base64", "base58":
		return true
	}
	return false
}

// ChainValue is the value written on chain for attribute name: the
// base64 text of a binding, value itself for every other attribute.
func ChainValue(name string, value []byte) []byte {
	if name == AttrBinding {
		return []byte(base64.StdEncoding.EncodeToString(value))
	}
	return value
}

// AttributeName encodes an attribute name as the contract's bytes32.
func AttributeName(name string) ([32]byte, error) {
	var out [32]byte
	if name == "" || len(name) > len(out) {
		return out, fmt.Errorf("%w: name %q is not 1..32 bytes", ErrBadAttribute, name)
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 0x21 || name[i] > 0x7e {
			return out, fmt.Errorf("%w: name %q is not printable ASCII", ErrBadAttribute, name)
		}
	}
	copy(out[:], name)
	return out, nil
}

// attributeName decodes a bytes32 name: printable ASCII then zero bytes.
func attributeName(b [32]byte) (string, error) {
	n := 0
	for n < len(b) && b[n] != 0 {
		if b[n] < 0x21 || b[n] > 0x7e {
			return "", fmt.Errorf("%w: name byte %#x at %d", ErrBadAttribute, b[n], n)
		}
		n++
	}
	if n == 0 {
		return "", fmt.Errorf("%w: empty name", ErrBadAttribute)
	}
	for _, z := range b[n:] {
		if z != 0 {
			return "", fmt.Errorf("%w: name not zero-padded", ErrBadAttribute)
		}
	}
	return string(b[:n]), nil
}

// isToken: a non-empty run of ASCII letters, digits, '-' and '_'.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// isEndpoint: valid UTF-8 without control characters.
func isEndpoint(v []byte) bool {
	if !utf8.Valid(v) {
		return false
	}
	for _, r := range string(v) {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
