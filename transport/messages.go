package transport

import (
	"encoding/binary"
	"time"

	"github.com/flynn/noise"
)

// Message types: the first byte of every message (see doc.go).
const (
	msgIKInit   = 1 // IK message 1: -> e, es, s, ss
	msgIKResp   = 2 // IK message 2: <- e, ee, se
	msgCookie   = 3 // cookie reply
	msgData     = 4 // transport data
	msgXXInit   = 5 // XX message 1: -> e
	msgXXResp   = 6 // XX message 2: <- e, ee, s, es
	msgXXFinish = 7 // XX message 3: -> s, se
	msgStale    = 8 // stale hint: no session for this index (stale.go)
)

// Sizes of the wire fields and messages.
const (
	dhLen      = 32 // X25519 key
	tagSize    = 16 // Poly1305 tag
	macSize    = 16 // mac1, mac2, cookie
	tai64nSize = 12

	ikInitPayload = tai64nSize + BindingSize

	ikInitSize = 8 + dhLen + dhLen + tagSize + ikInitPayload + tagSize + 2*macSize
	ikRespSize = 12 + dhLen + BindingSize + tagSize
	// xxInitPad is the zero payload of XX message 1. It makes the
	// initiation as long as the largest reply it can draw from a node
	// that does not know the sender yet (the XX response), so a forged
	// source address never gets more bytes back than were sent
	// (amplification.go).
	xxInitPad       = xxRespSize - 8 - dhLen - 2*macSize
	xxInitSize      = 8 + dhLen + xxInitPad + 2*macSize
	xxRespSize      = 12 + dhLen + dhLen + tagSize + BindingSize + tagSize
	xxFinishSize    = 8 + dhLen + tagSize + BindingSize + tagSize
	cookieNonceSize = 24
	cookieReplySize = 8 + cookieNonceSize + macSize + tagSize

	// DataHeaderSize is the header Seal writes before the ciphertext.
	DataHeaderSize = 16
	// Overhead is what Seal adds to a plaintext: header and AEAD tag.
	Overhead = DataHeaderSize + tagSize
)

// protocolName opens the Noise prologue; the chain ID follows it.
const protocolName = "anynet transport v1"

// cipherSuite is WireGuard's: X25519, ChaCha20-Poly1305, BLAKE2s.
var cipherSuite = noise.NewCipherSuite(noise.DH25519, noise.CipherChaChaPoly, noise.HashBLAKE2s)

// prologue returns the Noise prologue for chainID.
func prologue(chainID uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(protocolName), chainID)
}

// header starts a message of type t with the 3 reserved zero bytes and
// the given little-endian indexes.
func header(t byte, capacity int, indexes ...uint32) []byte {
	b := make([]byte, 4, capacity)
	b[0] = t
	for _, i := range indexes {
		b = binary.LittleEndian.AppendUint32(b, i)
	}
	return b
}

func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

// tai64n encodes t as TAI64N: 8 bytes of 2^62 + 10 + Unix seconds and 4
// bytes of nanoseconds, both big-endian, so byte order is time order.
func tai64n(t time.Time) [tai64nSize]byte {
	var b [tai64nSize]byte
	binary.BigEndian.PutUint64(b[:8], uint64(0x400000000000000a+t.Unix()))
	binary.BigEndian.PutUint32(b[8:], uint32(t.Nanosecond()))
	return b
}

// appendData appends a data message: header, then the plaintext sealed
// under counter n with the header as associated data. When plaintext
// sits exactly where the ciphertext goes (dst's spare capacity just past
// the header), it is sealed in place.
func appendData(dst []byte, c noise.Cipher, receiver uint32, n uint64, plaintext []byte) []byte {
	dst = append(dst, msgData, 0, 0, 0)
	dst = binary.LittleEndian.AppendUint32(dst, receiver)
	dst = binary.LittleEndian.AppendUint64(dst, n)
	return c.Encrypt(dst, n, dst[len(dst)-DataHeaderSize:], plaintext)
}
