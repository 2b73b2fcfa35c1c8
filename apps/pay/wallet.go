package pay

import (
	"crypto/ecdsa"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Wallet signs for one account: transactions and EIP-712 digests.
// Implementations must be safe for concurrent use.
type Wallet interface {
	Address() common.Address
	// SignHash returns the 65-byte [R || S || V] secp256k1 signature of a
	// 32-byte digest, V being 0 or 1 (go-ethereum's crypto.Sign form).
	SignHash(digest []byte) ([]byte, error)
}

// KeyWallet is a Wallet holding its private key in memory.
type KeyWallet struct {
	key  *ecdsa.PrivateKey
	addr common.Address
}

var _ Wallet = (*KeyWallet)(nil)

// NewKeyWallet returns a Wallet of key.
func NewKeyWallet(key *ecdsa.PrivateKey) *KeyWallet {
	return &KeyWallet{key: key, addr: crypto.PubkeyToAddress(key.PublicKey)}
}

// Address implements Wallet.
func (w *KeyWallet) Address() common.Address { return w.addr }

// SignHash implements Wallet.
func (w *KeyWallet) SignHash(digest []byte) ([]byte, error) {
	sig, err := crypto.Sign(digest, w.key)
	if err != nil {
		return nil, fmt.Errorf("pay: sign: %w", err)
	}
	return sig, nil
}
