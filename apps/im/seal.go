package im

import (
	"crypto/rand"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/internal/seal"
)

// sealKeys is a wallet's X25519 key pair for messages kept by mailboxes
// (the layout is apps/internal/seal's).
type sealKeys = seal.Keys

// seal wraps an inner frame (type and body) for recipient.
func sealFor(frame []byte, from common.Address, sender sealKeys, recipient *[32]byte) ([]byte, error) {
	return seal.Seal(rand.Reader, frame, from, sender, recipient)
}

// unseal opens a blob sealed to me (seal.Open, with ErrBadSeal).
func unseal(blob []byte, me sealKeys) (from common.Address, senderKey [32]byte, frame []byte, err error) {
	from, senderKey, frame, ok := seal.Open(blob, me)
	if !ok {
		return from, senderKey, nil, ErrBadSeal
	}
	return from, senderKey, frame, nil
}
