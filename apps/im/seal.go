package im

import (
	"crypto/rand"
	"fmt"
	"io"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/nacl/box"
)

// sealKeys is a wallet's X25519 key pair for messages kept by mailboxes.
type sealKeys struct {
	pub, priv [32]byte
}

func newSealKeys() (sealKeys, error) {
	pub, priv, err := box.GenerateKey(rand.Reader)
	if err != nil {
		return sealKeys{}, fmt.Errorf("im: seal key: %w", err)
	}
	return sealKeys{pub: *pub, priv: *priv}, nil
}

// sealedInnerHeader is sender wallet, sender seal key and nonce.
const sealedInnerHeader = 20 + 32 + 24

// seal wraps an inner frame (type and body) for recipient so that only
// recipient opens it and it proves the sender's seal key:
//
//	blob  = SealAnonymous(inner, recipient)          // hides the sender from the mailbox
//	inner = from[20] | senderKey[32] | nonce[24] | box.Seal(frame, nonce, recipient, sender)
func seal(frame []byte, from common.Address, sender sealKeys, recipient *[32]byte) ([]byte, error) {
	return sealFrom(rand.Reader, frame, from, sender, recipient)
}

// sealFrom is seal drawing the nonce and the ephemeral key from rnd.
func sealFrom(rnd io.Reader, frame []byte, from common.Address, sender sealKeys, recipient *[32]byte) ([]byte, error) {
	var nonce [24]byte
	if _, err := io.ReadFull(rnd, nonce[:]); err != nil {
		return nil, err
	}
	inner := make([]byte, 0, sealedInnerHeader+len(frame)+box.Overhead)
	inner = append(inner, from[:]...)
	inner = append(inner, sender.pub[:]...)
	inner = append(inner, nonce[:]...)
	inner = box.Seal(inner, frame, &nonce, recipient, &sender.priv)
	return box.SealAnonymous(nil, inner, recipient, rnd)
}

// unseal opens a blob sealed to me. It returns the claimed sender, the
// seal key that sealed it and the inner frame; the caller checks that
// the key is the sender's published one.
func unseal(blob []byte, me sealKeys) (from common.Address, senderKey [32]byte, frame []byte, err error) {
	inner, ok := box.OpenAnonymous(nil, blob, &me.pub, &me.priv)
	if !ok || len(inner) < sealedInnerHeader+box.Overhead {
		return from, senderKey, nil, ErrBadSeal
	}
	copy(from[:], inner)
	copy(senderKey[:], inner[20:52])
	var nonce [24]byte
	copy(nonce[:], inner[52:76])
	frame, ok = box.Open(nil, inner[76:], &nonce, &senderKey, &me.priv)
	if !ok {
		return from, senderKey, nil, ErrBadSeal
	}
	return from, senderKey, frame, nil
}
