package pay

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
)

// The EIP-712 types PaymentChannels verifies (naming/contracts/PaymentChannels.sol).
var (
	domainTypeHash  = crypto.Keccak256Hash([]byte("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"))
	voucherTypeHash = crypto.Keccak256Hash([]byte("Voucher(bytes32 channel,uint256 cumulative)"))
	closeTypeHash   = crypto.Keccak256Hash([]byte("Close(bytes32 channel,uint256 cumulative)"))
	domainName      = crypto.Keccak256Hash([]byte("anynet pay"))
	domainVersion   = crypto.Keccak256Hash([]byte("1"))
)

// secp256k1 N/2: a signature with a larger S is a malleated copy, which
// the contract refuses.
var halfN = new(big.Int).Rsh(crypto.S256().Params().N, 1)

// Domain is the EIP-712 domain of one PaymentChannels deployment.
type Domain struct {
	ChainID  *big.Int
	Contract common.Address

	sep common.Hash // cached separator; zero until first use
}

// NewDomain returns the domain of the contract on chain chainID.
func NewDomain(chainID *big.Int, contract common.Address) *Domain {
	d := &Domain{ChainID: new(big.Int).Set(chainID), Contract: contract}
	d.sep = crypto.Keccak256Hash(
		domainTypeHash[:], domainName[:], domainVersion[:],
		math.U256Bytes(new(big.Int).Set(chainID)), common.LeftPadBytes(contract[:], 32))
	return d
}

// Separator returns the EIP-712 domain separator.
func (d *Domain) Separator() common.Hash { return d.sep }

func (d *Domain) digest(typeHash common.Hash, channel common.Hash, cumulative *big.Int) common.Hash {
	var buf [2 + 32 + 32]byte
	buf[0], buf[1] = 0x19, 0x01
	copy(buf[2:], d.sep[:])
	var st [96]byte
	copy(st[:32], typeHash[:])
	copy(st[32:64], channel[:])
	cumulative.FillBytes(st[64:96])
	structHash := crypto.Keccak256(st[:])
	copy(buf[34:], structHash)
	return crypto.Keccak256Hash(buf[:])
}

// VoucherDigest is the digest a payer signs: Voucher(channel, cumulative).
func (d *Domain) VoucherDigest(channel common.Hash, cumulative *big.Int) common.Hash {
	return d.digest(voucherTypeHash, channel, cumulative)
}

// CloseDigest is the digest a payee signs to agree to a cooperative close
// at cumulative: Close(channel, cumulative).
func (d *Domain) CloseDigest(channel common.Hash, cumulative *big.Int) common.Hash {
	return d.digest(closeTypeHash, channel, cumulative)
}

// sign signs digest with w and returns the contract's form: V is 27 or 28.
func sign(w Wallet, digest common.Hash) ([65]byte, error) {
	var out [65]byte
	sig, err := w.SignHash(digest[:])
	if err != nil {
		return out, err
	}
	if len(sig) != 65 {
		return out, fmt.Errorf("pay: wallet returned a %d-byte signature", len(sig))
	}
	copy(out[:], sig)
	if out[64] < 27 {
		out[64] += 27
	}
	return out, nil
}

// recoverSigner returns the address that signed digest, refusing what the
// contract refuses (malleable S, V not 27/28).
func recoverSigner(digest common.Hash, sig [65]byte) (common.Address, error) {
	v := sig[64]
	if v != 27 && v != 28 {
		return common.Address{}, fmt.Errorf("%w: signature V %d", ErrForeignSigner, v)
	}
	if new(big.Int).SetBytes(sig[32:64]).Cmp(halfN) > 0 {
		return common.Address{}, fmt.Errorf("%w: malleable signature", ErrForeignSigner)
	}
	raw := sig
	raw[64] -= 27
	pub, err := crypto.SigToPub(digest[:], raw[:])
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrForeignSigner, err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}

// SignVoucher signs Voucher(channel, cumulative) as the payer.
func (d *Domain) SignVoucher(w Wallet, channel common.Hash, cumulative *big.Int) ([65]byte, error) {
	return sign(w, d.VoucherDigest(channel, cumulative))
}

// SignClose signs Close(channel, cumulative) as the payee.
func (d *Domain) SignClose(w Wallet, channel common.Hash, cumulative *big.Int) ([65]byte, error) {
	return sign(w, d.CloseDigest(channel, cumulative))
}

// VoucherSigner returns who signed the voucher.
func (d *Domain) VoucherSigner(channel common.Hash, cumulative *big.Int, sig [65]byte) (common.Address, error) {
	return recoverSigner(d.VoucherDigest(channel, cumulative), sig)
}

// CloseSigner returns who signed the close agreement.
func (d *Domain) CloseSigner(channel common.Hash, cumulative *big.Int, sig [65]byte) (common.Address, error) {
	return recoverSigner(d.CloseDigest(channel, cumulative), sig)
}

// ChannelID is the contract's channelId(payer, payee, token, salt):
// keccak256(abi.encode(payer, payee, token, salt)).
func ChannelID(payer, payee, token common.Address, salt common.Hash) common.Hash {
	return crypto.Keccak256Hash(
		common.LeftPadBytes(payer[:], 32), common.LeftPadBytes(payee[:], 32),
		common.LeftPadBytes(token[:], 32), salt[:])
}
