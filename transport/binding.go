package transport

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// BindingDomain is the first line of every binding text: the domain tag
// that keeps a binding signature from meaning anything else.
const BindingDomain = "anynet node binding v1"

// BindingSize is the length of a binding's binary encoding.
const BindingSize = 1 + 32 + 20 + 8 + 8 + 65

// bindingVersion is the first byte of the binary encoding.
const bindingVersion = 1

// Binding proves that Wallet delegates to NodeKey until Expiry on ChainID.
// Expiry has a resolution of one second (the signed text carries Unix
// seconds).
type Binding struct {
	NodeKey   PublicKey
	Wallet    common.Address
	ChainID   uint64
	Expiry    time.Time
	Signature [65]byte
}

// Text returns the EIP-191 personal message the wallet signs:
//
//	anynet node binding v1
//	node: <64 lowercase hex digits>
//	wallet: <EIP-55 checksummed 0x address>
//	chain: <decimal chain ID>
//	expires: <decimal Unix seconds>
//
// Lines end in "\n"; there is no trailing newline.
func (b Binding) Text() []byte {
	t := make([]byte, 0, 160)
	t = append(t, BindingDomain...)
	t = append(t, "\nnode: "...)
	t = append(t, b.NodeKey.String()...)
	t = append(t, "\nwallet: "...)
	t = append(t, b.Wallet.Hex()...)
	t = append(t, "\nchain: "...)
	t = strconv.AppendUint(t, b.ChainID, 10)
	t = append(t, "\nexpires: "...)
	t = strconv.AppendInt(t, b.Expiry.Unix(), 10)
	return t
}

// MarshalBinary returns the fixed BindingSize-byte encoding (see doc.go).
func (b Binding) MarshalBinary() ([]byte, error) {
	return b.appendBinary(make([]byte, 0, BindingSize)), nil
}

func (b Binding) appendBinary(dst []byte) []byte {
	dst = append(dst, bindingVersion)
	dst = append(dst, b.NodeKey[:]...)
	dst = append(dst, b.Wallet[:]...)
	dst = binary.BigEndian.AppendUint64(dst, b.ChainID)
	dst = binary.BigEndian.AppendUint64(dst, uint64(b.Expiry.Unix()))
	return append(dst, b.Signature[:]...)
}

// UnmarshalBinary decodes the encoding of MarshalBinary. It checks the
// length and version only; Verify checks the rest.
func (b *Binding) UnmarshalBinary(data []byte) error {
	if len(data) != BindingSize {
		return fmt.Errorf("%w: binding is %d bytes, want %d", ErrMalformed, len(data), BindingSize)
	}
	if data[0] != bindingVersion {
		return fmt.Errorf("%w: binding version %d", ErrMalformed, data[0])
	}
	data = data[1:]
	copy(b.NodeKey[:], data[:32])
	copy(b.Wallet[:], data[32:52])
	b.ChainID = binary.BigEndian.Uint64(data[52:60])
	b.Expiry = time.Unix(int64(binary.BigEndian.Uint64(data[60:68])), 0).UTC()
	copy(b.Signature[:], data[68:])
	return nil
}

// SignBinding has s sign a binding of nodeKey. The expiry is truncated to
// whole seconds.
func SignBinding(s Signer, nodeKey PublicKey, chainID uint64, expiry time.Time) (Binding, error) {
	b := Binding{
		NodeKey: nodeKey,
		Wallet:  s.Address(),
		ChainID: chainID,
		Expiry:  time.Unix(expiry.Unix(), 0).UTC(),
	}
	sig, err := s.SignText(b.Text())
	if err != nil {
		return Binding{}, err
	}
	if len(sig) != len(b.Signature) {
		return Binding{}, fmt.Errorf("transport: signer returned a %d-byte signature", len(sig))
	}
	copy(b.Signature[:], sig)
	if err := b.verifySignature(); err != nil {
		return Binding{}, fmt.Errorf("transport: signer %s: %w", s.Address().Hex(), err)
	}
	return b, nil
}

// Verify checks the signature against Wallet and that the binding has not
// expired at now. It does not check the chain ID or the node key; the
// handshake does.
func (b Binding) Verify(now time.Time) error {
	if err := b.verifySignature(); err != nil {
		return err
	}
	return b.checkExpiry(now)
}

func (b Binding) checkExpiry(now time.Time) error {
	if !now.Before(b.Expiry) {
		return fmt.Errorf("%w: at %d (now %d)", ErrExpired, b.Expiry.Unix(), now.Unix())
	}
	return nil
}

// verifySignature recovers the signer of the binding text and compares
// it with Wallet. V may be 27/28 or 0/1; S must be in the lower half of
// the curve order, so a binding has exactly one valid encoding.
func (b Binding) verifySignature() error {
	sig := b.Signature
	v := sig[crypto.RecoveryIDOffset]
	if v >= 27 {
		v -= 27
	}
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:64])
	if !crypto.ValidateSignatureValues(v, r, s, true) {
		return fmt.Errorf("%w: invalid signature values", ErrBadSignature)
	}
	sig[crypto.RecoveryIDOffset] = v
	pub, err := crypto.SigToPub(accounts.TextHash(b.Text()), sig[:])
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	if got := crypto.PubkeyToAddress(*pub); got != b.Wallet {
		return fmt.Errorf("%w: signed by %s, claims %s", ErrBadSignature, got.Hex(), b.Wallet.Hex())
	}
	return nil
}
