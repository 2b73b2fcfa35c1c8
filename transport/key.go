package transport

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"

	"golang.org/x/crypto/curve25519"
)

// PublicKey is an X25519 public key: a node key's public half.
type PublicKey [32]byte

// String returns the key in lowercase hex, as in the binding text.
func (k PublicKey) String() string { return hex.EncodeToString(k[:]) }

// MarshalText implements encoding.TextMarshaler (lowercase hex).
func (k PublicKey) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; it accepts 64 hex
// digits with or without a 0x prefix.
func (k *PublicKey) UnmarshalText(text []byte) error {
	p, err := ParsePublicKey(string(text))
	if err != nil {
		return err
	}
	*k = p
	return nil
}

// ParsePublicKey parses 64 hex digits, with or without a 0x prefix.
func ParsePublicKey(s string) (PublicKey, error) {
	var k PublicKey
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	if len(s) != 2*len(k) {
		return k, fmt.Errorf("%w: node key must be %d hex digits, got %d", ErrMalformed, 2*len(k), len(s))
	}
	if _, err := hex.Decode(k[:], []byte(s)); err != nil {
		return k, fmt.Errorf("%w: node key: %w", ErrMalformed, err)
	}
	return k, nil
}

// NodeKey is a node's Noise static key pair.
type NodeKey struct {
	Private [32]byte
	Public  PublicKey
}

// GenerateNodeKey makes a node key from r (nil: crypto/rand).
func GenerateNodeKey(r io.Reader) (NodeKey, error) {
	if r == nil {
		r = rand.Reader
	}
	var priv [32]byte
	if _, err := io.ReadFull(r, priv[:]); err != nil {
		return NodeKey{}, fmt.Errorf("transport: generate node key: %w", err)
	}
	return NodeKeyFromPrivate(priv)
}

// NodeKeyFromPrivate derives the public half of an X25519 private key.
func NodeKeyFromPrivate(priv [32]byte) (NodeKey, error) {
	pub, err := curve25519.X25519(priv[:], curve25519.Basepoint)
	if err != nil {
		return NodeKey{}, fmt.Errorf("transport: node key: %w", err)
	}
	k := NodeKey{Private: priv}
	copy(k.Public[:], pub)
	return k, nil
}
