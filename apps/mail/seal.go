package mail

import (
	"io"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/nacl/box"
)

// sealKeys is a wallet's X25519 key pair for mail.
type sealKeys struct {
	pub, priv [32]byte
}

// sealedInnerHeader is sender wallet, sender seal key and nonce.
const sealedInnerHeader = 20 + 32 + 24

// seal wraps a message for recipient so that only recipient opens it and
// it proves the sender's seal key (the layout apps/im uses):
//
//	blob  = SealAnonymous(inner, recipient)
//	inner = from[20] | senderKey[32] | nonce[24] | box.Seal(msg, nonce, recipient, sender)
func seal(rnd io.Reader, msg []byte, from common.Address, sender sealKeys, recipient *[32]byte) ([]byte, error) {
	var nonce [24]byte
	if _, err := io.ReadFull(rnd, nonce[:]); err != nil {
		return nil, err
	}
	inner := make([]byte, 0, sealedInnerHeader+len(msg)+box.Overhead)
	inner = append(inner, from[:]...)
	inner = append(inner, sender.pub[:]...)
	inner = append(inner, nonce[:]...)
	inner = box.Seal(inner, msg, &nonce, recipient, &sender.priv)
	return box.SealAnonymous(nil, inner, recipient, rnd)
}

// unseal opens a blob sealed to me. It returns the claimed sender, the
// seal key that sealed it and the message; the caller checks the claim.
func unseal(blob []byte, me sealKeys) (from common.Address, senderKey [32]byte, msg []byte, err error) {
	inner, ok := box.OpenAnonymous(nil, blob, &me.pub, &me.priv)
	if !ok || len(inner) < sealedInnerHeader+box.Overhead {
		return from, senderKey, nil, ErrBadSeal
	}
	copy(from[:], inner)
	copy(senderKey[:], inner[20:52])
	var nonce [24]byte
	copy(nonce[:], inner[52:76])
	msg, ok = box.Open(nil, inner[76:], &nonce, &senderKey, &me.priv)
	if !ok {
		return from, senderKey, nil, ErrBadSeal
	}
	return from, senderKey, msg, nil
}
