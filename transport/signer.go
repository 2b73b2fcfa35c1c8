package transport

import (
	"crypto/ecdsa"
	"fmt"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Signer signs EIP-191 personal messages for a wallet.
type Signer interface {
	Address() common.Address
	// SignText returns the 65-byte [R || S || V] signature (V is 27 or 28)
	// of the EIP-191 personal message text.
	SignText(text []byte) ([]byte, error)
}

// KeySigner holds a wallet's private key in memory.
type KeySigner struct {
	key  *ecdsa.PrivateKey
	addr common.Address
}

var _ Signer = (*KeySigner)(nil)

// NewKeySigner returns a Signer holding the private key in memory.
func NewKeySigner(k *ecdsa.PrivateKey) Signer {
	return &KeySigner{key: k, addr: crypto.PubkeyToAddress(k.PublicKey)}
}

// Address implements Signer.
func (s *KeySigner) Address() common.Address { return s.addr }

// SignText implements Signer.
func (s *KeySigner) SignText(text []byte) ([]byte, error) {
	sig, err := crypto.Sign(accounts.TextHash(text), s.key)
	if err != nil {
		return nil, fmt.Errorf("transport: sign binding: %w", err)
	}
	sig[crypto.RecoveryIDOffset] += 27
	return sig, nil
}

// WalletSigner signs with an account of a go-ethereum accounts.Wallet: a
// keystore (keystore.KeyStore.Wallets), a USB hardware wallet or an
// external signer. The wallet shows the binding text to its user.
type WalletSigner struct {
	wallet     accounts.Wallet
	account    accounts.Account
	passphrase string
}

var _ Signer = (*WalletSigner)(nil)

// NewWalletSigner returns a Signer over account of w. With a non-empty
// passphrase it signs with SignTextWithPassphrase (a locked keystore
// account); otherwise with SignText (an unlocked or hardware account).
func NewWalletSigner(w accounts.Wallet, account accounts.Account, passphrase string) *WalletSigner {
	return &WalletSigner{wallet: w, account: account, passphrase: passphrase}
}

// Address implements Signer.
func (s *WalletSigner) Address() common.Address { return s.account.Address }

// SignText implements Signer. Wallets that return V as 0 or 1 are
// normalized to 27 or 28.
func (s *WalletSigner) SignText(text []byte) ([]byte, error) {
	var (
		sig []byte
		err error
	)
	if s.passphrase != "" {
		sig, err = s.wallet.SignTextWithPassphrase(s.account, s.passphrase, text)
	} else {
		sig, err = s.wallet.SignText(s.account, text)
	}
	if err != nil {
		return nil, fmt.Errorf("transport: wallet sign binding: %w", err)
	}
	if len(sig) != crypto.SignatureLength {
		return nil, fmt.Errorf("transport: wallet returned a %d-byte signature", len(sig))
	}
	if sig[crypto.RecoveryIDOffset] < 27 {
		sig[crypto.RecoveryIDOffset] += 27
	}
	return sig, nil
}
