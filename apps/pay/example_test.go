package pay_test

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/pay"
)

// A payer signs cumulative vouchers; the payee recovers the signer and
// compares it with the channel's payer. The digest is the contract's
// EIP-712 Voucher(bytes32 channel,uint256 cumulative).
func ExampleDomain_SignVoucher() {
	key, _ := crypto.HexToECDSA("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
	payer := pay.NewKeyWallet(key)
	payee := common.HexToAddress("0x00000000000000000000000000000000000b0b00")
	contract := common.HexToAddress("0x00000000000000000000000000000000000c0c00")
	domain := pay.NewDomain(big.NewInt(1337), contract)

	id := pay.ChannelID(payer.Address(), payee, common.Address{}, common.Hash{1})
	sig, _ := domain.SignVoucher(payer, id, big.NewInt(5000))
	signer, _ := domain.VoucherSigner(id, big.NewInt(5000), sig)
	fmt.Println(signer == payer.Address())

	// The same signature does not vouch for another total.
	other, _ := domain.VoucherSigner(id, big.NewInt(6000), sig)
	fmt.Println(other == payer.Address())
	// Output:
	// true
	// false
}
