// Package seal wraps a frame for one recipient wallet so that only the
// recipient opens it, a mailbox that keeps it learns nothing of the
// sender, and the recipient learns which seal key sealed it (and checks
// that key against the sender's DID document). IM and mail use it for
// what mailboxes hold.
//
//	blob  = SealAnonymous(inner, recipient)
//	inner = from[20] | senderKey[32] | nonce[24] | box.Seal(frame, nonce, recipient, sender)
package seal

import (
	"fmt"
	"io"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/nacl/box"
)

// Keys is a wallet's X25519 seal key pair.
type Keys struct {
	Pub, Priv [32]byte
}

// NewKeys draws a key pair from rnd.
func NewKeys(rnd io.Reader) (Keys, error) {
	pub, priv, err := box.GenerateKey(rnd)
	if err != nil {
		return Keys{}, fmt.Errorf("seal key: %w", err)
	}
	return Keys{Pub: *pub, Priv: *priv}, nil
}

// Load returns the key pair a core keeps under key in st (Pub | Priv,
// 64 bytes), or draws a new one from rnd and puts it there through out:
// what a core does at Start.
func Load(st service.Store, key []byte, rnd io.Reader, out *service.Effects) (Keys, error) {
	if v, err := st.Get(key); err == nil && len(v) == 64 {
		return Keys{Pub: [32]byte(v[:32]), Priv: [32]byte(v[32:])}, nil
	}
	k, err := NewKeys(rnd)
	if err != nil {
		return Keys{}, err
	}
	out.Put(key, append(k.Pub[:], k.Priv[:]...))
	return k, nil
}

// innerHeader is sender wallet, sender seal key and nonce.
const innerHeader = 20 + 32 + 24

// Seal wraps frame from the wallet from (seal keys sender) for
// recipient, drawing the nonce and the ephemeral key from rnd.
func Seal(rnd io.Reader, frame []byte, from common.Address, sender Keys, recipient *[32]byte) ([]byte, error) {
	var nonce [24]byte
	if _, err := io.ReadFull(rnd, nonce[:]); err != nil {
		return nil, err
	}
	inner := make([]byte, 0, innerHeader+len(frame)+box.Overhead)
	inner = append(inner, from[:]...)
	inner = append(inner, sender.Pub[:]...)
	inner = append(inner, nonce[:]...)
	inner = box.Seal(inner, frame, &nonce, recipient, &sender.Priv)
	return box.SealAnonymous(nil, inner, recipient, rnd)
}

// Open opens a blob sealed to me. It returns the claimed sender, the
// seal key that sealed it and the frame; ok is false when the blob does
// not open. The caller checks that the key is the sender's published one.
func Open(blob []byte, me Keys) (from common.Address, senderKey [32]byte, frame []byte, ok bool) {
	inner, ok := box.OpenAnonymous(nil, blob, &me.Pub, &me.Priv)
	if !ok || len(inner) < innerHeader+box.Overhead {
		return from, senderKey, nil, false
	}
	copy(from[:], inner)
	copy(senderKey[:], inner[20:52])
	var nonce [24]byte
	copy(nonce[:], inner[52:76])
	frame, ok = box.Open(nil, inner[76:], &nonce, &senderKey, &me.Priv)
	return from, senderKey, frame, ok
}
