package mail

import (
	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/internal/seal"
)

// sealKeys is a wallet's X25519 key pair for mail (the layout is
// apps/internal/seal's, the one apps/im uses).
type sealKeys = seal.Keys

// unseal opens a blob sealed to me (seal.Open, with ErrBadSeal).
func unseal(blob []byte, me sealKeys) (from common.Address, senderKey [32]byte, msg []byte, err error) {
	from, senderKey, msg, ok := seal.Open(blob, me)
	if !ok {
		return from, senderKey, nil, ErrBadSeal
	}
	return from, senderKey, msg, nil
}
