// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package bindings

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// PaymentChannelsMetaData contains all meta data concerning the PaymentChannels contract.
var PaymentChannelsMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"challengePeriod_\",\"type\":\"uint64\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"BadSignature\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"BadValue\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ChallengeOpen\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ChannelExists\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"Closing\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NoChannel\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotClosing\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotPayee\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotPayer\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferFailed\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"claimed\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"closesAt\",\"type\":\"uint64\"}],\"name\":\"CloseStarted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"Opened\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refunded\",\"type\":\"uint256\"}],\"name\":\"Settled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"ToppedUp\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"CLOSE_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"VOUCHER_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"challengePeriod\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"}],\"name\":\"channelId\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"name\":\"channels\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"claimed\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"closesAt\",\"type\":\"uint64\"},{\"internalType\":\"bool\",\"name\":\"settled\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"cumulative\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"payerSig\",\"type\":\"bytes\"}],\"name\":\"close\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"cumulative\",\"type\":\"uint256\"}],\"name\":\"closeDigest\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"cumulative\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"payeeSig\",\"type\":\"bytes\"}],\"name\":\"cooperativeClose\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"domainSeparator\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"}],\"name\":\"finishClose\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"open\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"}],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"cumulative\",\"type\":\"uint256\"}],\"name\":\"startClose\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"topUp\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"cumulative\",\"type\":\"uint256\"}],\"name\":\"voucherDigest\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "PaymentChannels",
	Bin: "0x60a0604052348015600e575f5ffd5b506040516111cc3803806111cc833981016040819052602b91603b565b6001600160401b03166080526066565b5f60208284031215604a575f5ffd5b81516001600160401b0381168114605f575f5ffd5b9392505050565b6080516111476100855f395f8181610328015261067401526111475ff3fe6080604052600436106100d9575f3560e01c8063a19b6bdf1161007c578063bd53939e11610057578063bd53939e146102d9578063e55aee26146102f8578063f3f480d914610317578063f698da2514610362575f5ffd5b8063a19b6bdf14610288578063acdee66a146102a7578063b67644b9146102c6575f5ffd5b80633c8874a1116100b75780633c8874a1146101635780637a7ebd7b1461017657806394739e87146102365780639a2fc4fe14610269575f5ffd5b8063208e24fc146100dd5780632396ab69146101235780632a62491214610142575b5f5ffd5b3480156100e8575f5ffd5b506101107f570d24c5cea4dbfa9cabd2aa7d11f7c2409d552c2ac222959b32240c7f91b9fb81565b6040519081526020015b60405180910390f35b34801561012e575f5ffd5b5061011061013d366004610f2e565b610376565b34801561014d575f5ffd5b5061016161015c366004610f76565b6103c1565b005b610110610171366004610ff0565b610453565b348015610181575f5ffd5b506101e7610190366004611013565b5f602081905290815260409020805460018201546002830154600384015460048501546005909501546001600160a01b0394851695938516949092169290916001600160401b03811690600160401b900460ff1687565b604080516001600160a01b03988916815296881660208801529490961693850193909352606084019190915260808301526001600160401b031660a082015290151560c082015260e00161011a565b348015610241575f5ffd5b506101107fd3c23f23c0b3fc5e1c44da189e201a7b4152df0dac1bb74e88b08f9ab6dee5d881565b348015610274575f5ffd5b5061016161028336600461102a565b610605565b348015610293575f5ffd5b506101616102a2366004611013565b6106fd565b3480156102b2575f5ffd5b506101616102c1366004610f76565b610778565b6101616102d436600461102a565b610827565b3480156102e4575f5ffd5b506101106102f336600461102a565b6108f0565b348015610303575f5ffd5b5061011061031236600461102a565b610990565b348015610322575f5ffd5b5061034a7f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160401b03909116815260200161011a565b34801561036d575f5ffd5b506101106109d8565b604080516001600160a01b03958616602080830191909152948616818301529290941660608301526080808301919091528351808303909101815260a0909101909252815191012090565b5f6103cb85610a7c565b80549091506001600160a01b031633146103f857604051631435e35760e01b815260040160405180910390fd5b60018101546001600160a01b031661041a61041387876108f0565b8585610ace565b6001600160a01b03161461044157604051635cd5d23360e01b815260040160405180910390fd5b61044c858286610c46565b5050505050565b5f61046033858588610376565b5f818152602081905260409020549091506001600160a01b0316156104985760405163346000cf60e21b815260040160405180910390fd5b6001600160a01b03841615806104b657506001600160a01b03841633145b156104d4576040516356cab67b60e01b815260040160405180910390fd5b6040805160e0810182523381526001600160a01b038681166020808401918252878316848601908152606085018881525f6080870181815260a0880182815260c089018381528b84529583905298909120965187549087166001600160a01b03199182161788559451600188018054918816918716919091179055915160028701805491909616941693909317909355905160038401559051600483015591516005909101805492511515600160401b0268ffffffffffffffffff199093166001600160401b0392909216919091179190911790556105b38383610d11565b604080516001600160a01b03858116825260208201859052861691339184917fcce619ab7f759333748cac6bf47e6eff18db4bcdfac256d058d4e7167ac01d41910160405180910390a4949350505050565b5f61060f83610a7c565b80549091506001600160a01b0316331461063c57604051631435e35760e01b815260040160405180910390fd5b60058101546001600160401b0316156106685760405163b59fde0b60e01b815260040160405180910390fd5b600481018290556106997f00000000000000000000000000000000000000000000000000000000000000004261105e565b60058201805467ffffffffffffffff19166001600160401b0392909216918217905560408051848152602081019290925284917f2ef30ef3476af00a9f84c3e97230edd565aa1669aaac2378cf2254a1a9c5723b91015b60405180910390a2505050565b5f61070782610a7c565b60058101549091506001600160401b03165f036107375760405163f9b46b5f60e01b815260040160405180910390fd5b60058101546001600160401b031642101561076557604051633a0002a960e01b815260040160405180910390fd5b61077482828360040154610c46565b5050565b5f61078285610a7c565b60018101549091506001600160a01b031633146107b2576040516356cab67b60e01b815260040160405180910390fd5b80546001600160a01b03166107ca6104138787610990565b6001600160a01b0316146107f157604051635cd5d23360e01b815260040160405180910390fd5b60058101546001600160401b0316158015906108105750838160040154115b15610441578060040154935061044c858286610c46565b5f61083183610a7c565b80549091506001600160a01b0316331461085e57604051631435e35760e01b815260040160405180910390fd5b60058101546001600160401b03161561088a5760405163b59fde0b60e01b815260040160405180910390fd5b81816003015f82825461089d919061107d565b909155505060028101546108ba906001600160a01b031683610d11565b827f8fe679299dd065cb3d7e488e3501d2ca20409d22c814ad142928e5912335d42382600301546040516106f091815260200190565b5f6108f96109d8565b604080517f570d24c5cea4dbfa9cabd2aa7d11f7c2409d552c2ac222959b32240c7f91b9fb6020820152908101859052606081018490526080015b6040516020818303038152906040528051906020012060405160200161097192919061190160f01b81526002810192909252602282015260420190565b6040516020818303038152906040528051906020012090505b92915050565b5f6109996109d8565b604080517fd3c23f23c0b3fc5e1c44da189e201a7b4152df0dac1bb74e88b08f9ab6dee5d8602082015290810185905260608101849052608001610934565b604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f3816d478f379890c56c43baad2532e045c71054d41c30e5bcd9429393a5a5f5c918101919091527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b5f81815260208190526040902080546001600160a01b03161580610aab57506005810154600160401b900460ff165b15610ac95760405163078226dd60e51b815260040160405180910390fd5b919050565b5f60418214610af057604051635cd5d23360e01b815260040160405180910390fd5b5f610afe6020828587611090565b610b07916110b7565b90505f610b18604060208688611090565b610b21916110b7565b90505f85856040818110610b3757610b376110d4565b919091013560f81c915050601b811015610b5957610b56601b826110e8565b90505b7f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0821180610b9a57508060ff16601b14158015610b9a57508060ff16601c14155b15610bb857604051635cd5d23360e01b815260040160405180910390fd5b604080515f81526020810180835289905260ff831691810191909152606081018490526080810183905260019060a0016020604051602081039080840390855afa158015610c08573d5f5f3e3d5ffd5b5050604051601f1901519450506001600160a01b038416610c3c57604051635cd5d23360e01b815260040160405180910390fd5b5050509392505050565b600382015480821115610c57578091505b60058301805468ff00000000000000001916600160401b1790555f600384015560048301829055837f2a20f8d2d0f487a3016d77037b3c5768216a3dc76401d33abf5dc381af7171cb83610cab8185611101565b6040805192835260208301919091520160405180910390a260028301546001840154610ce4916001600160a01b03908116911684610dfc565b60028301548354610d0b916001600160a01b039081169116610d068585611101565b610dfc565b50505050565b6001600160a01b038216610d3f5780341461077457604051630bba69fb60e01b815260040160405180910390fd5b3415610d5e57604051630bba69fb60e01b815260040160405180910390fd5b5f81118015610dde57506040516323b872dd60e01b8152336004820152306024820152604481018290526001600160a01b038316906323b872dd906064016020604051808303815f875af1158015610db8573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610ddc9190611114565b155b15610774576040516312171d8360e31b815260040160405180910390fd5b805f03610e0857505050565b6001600160a01b038316610e86575f826001600160a01b0316826040515f6040518083038185875af1925050503d805f8114610e5f576040519150601f19603f3d011682016040523d82523d5f602084013e610e64565b606091505b5050905080610d0b576040516312171d8360e31b815260040160405180910390fd5b60405163a9059cbb60e01b81526001600160a01b0383811660048301526024820183905284169063a9059cbb906044016020604051808303815f875af1158015610ed2573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610ef69190611114565b610f13576040516312171d8360e31b815260040160405180910390fd5b505050565b80356001600160a01b0381168114610ac9575f5ffd5b5f5f5f5f60808587031215610f41575f5ffd5b610f4a85610f18565b9350610f5860208601610f18565b9250610f6660408601610f18565b9396929550929360600135925050565b5f5f5f5f60608587031215610f89575f5ffd5b843593506020850135925060408501356001600160401b03811115610fac575f5ffd5b8501601f81018713610fbc575f5ffd5b80356001600160401b03811115610fd1575f5ffd5b876020828401011115610fe2575f5ffd5b949793965060200194505050565b5f5f5f5f60808587031215611003575f5ffd5b84359350610f5860208601610f18565b5f60208284031215611023575f5ffd5b5035919050565b5f5f6040838503121561103b575f5ffd5b50508035926020909101359150565b634e487b7160e01b5f52601160045260245ffd5b6001600160401b03818116838216019081111561098a5761098a61104a565b8082018082111561098a5761098a61104a565b5f5f8585111561109e575f5ffd5b838611156110aa575f5ffd5b5050820193919092039150565b8035602083101561098a575f19602084900360031b1b1692915050565b634e487b7160e01b5f52603260045260245ffd5b60ff818116838216019081111561098a5761098a61104a565b8181038181111561098a5761098a61104a565b5f60208284031215611124575f5ffd5b81518015158114611133575f5ffd5b939250505056fea164736f6c6343000825000a",
}

// PaymentChannels is an auto generated Go binding around an Ethereum contract.
type PaymentChannels struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *PaymentChannels) GetABI() abi.ABI {
	return c.abi
}

// NewPaymentChannels creates a new instance of PaymentChannels.
func NewPaymentChannels() *PaymentChannels {
	parsed, err := PaymentChannelsMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &PaymentChannels{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *PaymentChannels) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(uint64 challengePeriod_) returns()
func (paymentChannels *PaymentChannels) PackConstructor(challengePeriod_ uint64) []byte {
	enc, err := paymentChannels.abi.Pack("", challengePeriod_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackCLOSETYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x208e24fc.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function CLOSE_TYPEHASH() view returns(bytes32)
func (paymentChannels *PaymentChannels) PackCLOSETYPEHASH() []byte {
	enc, err := paymentChannels.abi.Pack("CLOSE_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCLOSETYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x208e24fc.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function CLOSE_TYPEHASH() view returns(bytes32)
func (paymentChannels *PaymentChannels) TryPackCLOSETYPEHASH() ([]byte, error) {
	return paymentChannels.abi.Pack("CLOSE_TYPEHASH")
}

// UnpackCLOSETYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x208e24fc.
//
// Solidity: function CLOSE_TYPEHASH() view returns(bytes32)
func (paymentChannels *PaymentChannels) UnpackCLOSETYPEHASH(data []byte) ([32]byte, error) {
	out, err := paymentChannels.abi.Unpack("CLOSE_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackVOUCHERTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x94739e87.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function VOUCHER_TYPEHASH() view returns(bytes32)
func (paymentChannels *PaymentChannels) PackVOUCHERTYPEHASH() []byte {
	enc, err := paymentChannels.abi.Pack("VOUCHER_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVOUCHERTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x94739e87.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function VOUCHER_TYPEHASH() view returns(bytes32)
func (paymentChannels *PaymentChannels) TryPackVOUCHERTYPEHASH() ([]byte, error) {
	return paymentChannels.abi.Pack("VOUCHER_TYPEHASH")
}

// UnpackVOUCHERTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x94739e87.
//
// Solidity: function VOUCHER_TYPEHASH() view returns(bytes32)
func (paymentChannels *PaymentChannels) UnpackVOUCHERTYPEHASH(data []byte) ([32]byte, error) {
	out, err := paymentChannels.abi.Unpack("VOUCHER_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackChallengePeriod is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf3f480d9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function challengePeriod() view returns(uint64)
func (paymentChannels *PaymentChannels) PackChallengePeriod() []byte {
	enc, err := paymentChannels.abi.Pack("challengePeriod")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackChallengePeriod is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf3f480d9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function challengePeriod() view returns(uint64)
func (paymentChannels *PaymentChannels) TryPackChallengePeriod() ([]byte, error) {
	return paymentChannels.abi.Pack("challengePeriod")
}

// UnpackChallengePeriod is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf3f480d9.
//
// Solidity: function challengePeriod() view returns(uint64)
func (paymentChannels *PaymentChannels) UnpackChallengePeriod(data []byte) (uint64, error) {
	out, err := paymentChannels.abi.Unpack("challengePeriod", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackChannelId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2396ab69.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function channelId(address payer, address payee, address token, bytes32 salt) pure returns(bytes32)
func (paymentChannels *PaymentChannels) PackChannelId(payer common.Address, payee common.Address, token common.Address, salt [32]byte) []byte {
	enc, err := paymentChannels.abi.Pack("channelId", payer, payee, token, salt)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackChannelId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2396ab69.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function channelId(address payer, address payee, address token, bytes32 salt) pure returns(bytes32)
func (paymentChannels *PaymentChannels) TryPackChannelId(payer common.Address, payee common.Address, token common.Address, salt [32]byte) ([]byte, error) {
	return paymentChannels.abi.Pack("channelId", payer, payee, token, salt)
}

// UnpackChannelId is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2396ab69.
//
// Solidity: function channelId(address payer, address payee, address token, bytes32 salt) pure returns(bytes32)
func (paymentChannels *PaymentChannels) UnpackChannelId(data []byte) ([32]byte, error) {
	out, err := paymentChannels.abi.Unpack("channelId", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackChannels is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7a7ebd7b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function channels(bytes32 ) view returns(address payer, address payee, address token, uint256 deposit, uint256 claimed, uint64 closesAt, bool settled)
func (paymentChannels *PaymentChannels) PackChannels(arg0 [32]byte) []byte {
	enc, err := paymentChannels.abi.Pack("channels", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackChannels is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7a7ebd7b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function channels(bytes32 ) view returns(address payer, address payee, address token, uint256 deposit, uint256 claimed, uint64 closesAt, bool settled)
func (paymentChannels *PaymentChannels) TryPackChannels(arg0 [32]byte) ([]byte, error) {
	return paymentChannels.abi.Pack("channels", arg0)
}

// ChannelsOutput serves as a container for the return parameters of contract
// method Channels.
type ChannelsOutput struct {
	Payer    common.Address
	Payee    common.Address
	Token    common.Address
	Deposit  *big.Int
	Claimed  *big.Int
	ClosesAt uint64
	Settled  bool
}

// UnpackChannels is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7a7ebd7b.
//
// Solidity: function channels(bytes32 ) view returns(address payer, address payee, address token, uint256 deposit, uint256 claimed, uint64 closesAt, bool settled)
func (paymentChannels *PaymentChannels) UnpackChannels(data []byte) (ChannelsOutput, error) {
	out, err := paymentChannels.abi.Unpack("channels", data)
	outstruct := new(ChannelsOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Payer = *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	outstruct.Payee = *abi.ConvertType(out[1], new(common.Address)).(*common.Address)
	outstruct.Token = *abi.ConvertType(out[2], new(common.Address)).(*common.Address)
	outstruct.Deposit = abi.ConvertType(out[3], new(big.Int)).(*big.Int)
	outstruct.Claimed = abi.ConvertType(out[4], new(big.Int)).(*big.Int)
	outstruct.ClosesAt = *abi.ConvertType(out[5], new(uint64)).(*uint64)
	outstruct.Settled = *abi.ConvertType(out[6], new(bool)).(*bool)
	return *outstruct, nil
}

// PackClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xacdee66a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function close(bytes32 id, uint256 cumulative, bytes payerSig) returns()
func (paymentChannels *PaymentChannels) PackClose(id [32]byte, cumulative *big.Int, payerSig []byte) []byte {
	enc, err := paymentChannels.abi.Pack("close", id, cumulative, payerSig)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xacdee66a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function close(bytes32 id, uint256 cumulative, bytes payerSig) returns()
func (paymentChannels *PaymentChannels) TryPackClose(id [32]byte, cumulative *big.Int, payerSig []byte) ([]byte, error) {
	return paymentChannels.abi.Pack("close", id, cumulative, payerSig)
}

// PackCloseDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbd53939e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function closeDigest(bytes32 id, uint256 cumulative) view returns(bytes32)
func (paymentChannels *PaymentChannels) PackCloseDigest(id [32]byte, cumulative *big.Int) []byte {
	enc, err := paymentChannels.abi.Pack("closeDigest", id, cumulative)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCloseDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbd53939e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function closeDigest(bytes32 id, uint256 cumulative) view returns(bytes32)
func (paymentChannels *PaymentChannels) TryPackCloseDigest(id [32]byte, cumulative *big.Int) ([]byte, error) {
	return paymentChannels.abi.Pack("closeDigest", id, cumulative)
}

// UnpackCloseDigest is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbd53939e.
//
// Solidity: function closeDigest(bytes32 id, uint256 cumulative) view returns(bytes32)
func (paymentChannels *PaymentChannels) UnpackCloseDigest(data []byte) ([32]byte, error) {
	out, err := paymentChannels.abi.Unpack("closeDigest", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackCooperativeClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2a624912.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function cooperativeClose(bytes32 id, uint256 cumulative, bytes payeeSig) returns()
func (paymentChannels *PaymentChannels) PackCooperativeClose(id [32]byte, cumulative *big.Int, payeeSig []byte) []byte {
	enc, err := paymentChannels.abi.Pack("cooperativeClose", id, cumulative, payeeSig)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCooperativeClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2a624912.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function cooperativeClose(bytes32 id, uint256 cumulative, bytes payeeSig) returns()
func (paymentChannels *PaymentChannels) TryPackCooperativeClose(id [32]byte, cumulative *big.Int, payeeSig []byte) ([]byte, error) {
	return paymentChannels.abi.Pack("cooperativeClose", id, cumulative, payeeSig)
}

// PackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (paymentChannels *PaymentChannels) PackDomainSeparator() []byte {
	enc, err := paymentChannels.abi.Pack("domainSeparator")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (paymentChannels *PaymentChannels) TryPackDomainSeparator() ([]byte, error) {
	return paymentChannels.abi.Pack("domainSeparator")
}

// UnpackDomainSeparator is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf698da25.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (paymentChannels *PaymentChannels) UnpackDomainSeparator(data []byte) ([32]byte, error) {
	out, err := paymentChannels.abi.Unpack("domainSeparator", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackFinishClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa19b6bdf.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function finishClose(bytes32 id) returns()
func (paymentChannels *PaymentChannels) PackFinishClose(id [32]byte) []byte {
	enc, err := paymentChannels.abi.Pack("finishClose", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackFinishClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa19b6bdf.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function finishClose(bytes32 id) returns()
func (paymentChannels *PaymentChannels) TryPackFinishClose(id [32]byte) ([]byte, error) {
	return paymentChannels.abi.Pack("finishClose", id)
}

// PackOpen is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3c8874a1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function open(bytes32 salt, address payee, address token, uint256 amount) payable returns(bytes32 id)
func (paymentChannels *PaymentChannels) PackOpen(salt [32]byte, payee common.Address, token common.Address, amount *big.Int) []byte {
	enc, err := paymentChannels.abi.Pack("open", salt, payee, token, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOpen is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3c8874a1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function open(bytes32 salt, address payee, address token, uint256 amount) payable returns(bytes32 id)
func (paymentChannels *PaymentChannels) TryPackOpen(salt [32]byte, payee common.Address, token common.Address, amount *big.Int) ([]byte, error) {
	return paymentChannels.abi.Pack("open", salt, payee, token, amount)
}

// UnpackOpen is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3c8874a1.
//
// Solidity: function open(bytes32 salt, address payee, address token, uint256 amount) payable returns(bytes32 id)
func (paymentChannels *PaymentChannels) UnpackOpen(data []byte) ([32]byte, error) {
	out, err := paymentChannels.abi.Unpack("open", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackStartClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9a2fc4fe.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function startClose(bytes32 id, uint256 cumulative) returns()
func (paymentChannels *PaymentChannels) PackStartClose(id [32]byte, cumulative *big.Int) []byte {
	enc, err := paymentChannels.abi.Pack("startClose", id, cumulative)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStartClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9a2fc4fe.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function startClose(bytes32 id, uint256 cumulative) returns()
func (paymentChannels *PaymentChannels) TryPackStartClose(id [32]byte, cumulative *big.Int) ([]byte, error) {
	return paymentChannels.abi.Pack("startClose", id, cumulative)
}

// PackTopUp is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb67644b9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function topUp(bytes32 id, uint256 amount) payable returns()
func (paymentChannels *PaymentChannels) PackTopUp(id [32]byte, amount *big.Int) []byte {
	enc, err := paymentChannels.abi.Pack("topUp", id, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTopUp is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb67644b9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function topUp(bytes32 id, uint256 amount) payable returns()
func (paymentChannels *PaymentChannels) TryPackTopUp(id [32]byte, amount *big.Int) ([]byte, error) {
	return paymentChannels.abi.Pack("topUp", id, amount)
}

// PackVoucherDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe55aee26.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function voucherDigest(bytes32 id, uint256 cumulative) view returns(bytes32)
func (paymentChannels *PaymentChannels) PackVoucherDigest(id [32]byte, cumulative *big.Int) []byte {
	enc, err := paymentChannels.abi.Pack("voucherDigest", id, cumulative)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVoucherDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe55aee26.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function voucherDigest(bytes32 id, uint256 cumulative) view returns(bytes32)
func (paymentChannels *PaymentChannels) TryPackVoucherDigest(id [32]byte, cumulative *big.Int) ([]byte, error) {
	return paymentChannels.abi.Pack("voucherDigest", id, cumulative)
}

// UnpackVoucherDigest is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe55aee26.
//
// Solidity: function voucherDigest(bytes32 id, uint256 cumulative) view returns(bytes32)
func (paymentChannels *PaymentChannels) UnpackVoucherDigest(data []byte) ([32]byte, error) {
	out, err := paymentChannels.abi.Unpack("voucherDigest", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PaymentChannelsCloseStarted represents a CloseStarted event raised by the PaymentChannels contract.
type PaymentChannelsCloseStarted struct {
	Id       [32]byte
	Claimed  *big.Int
	ClosesAt uint64
	Raw      *types.Log // Blockchain specific contextual infos
}

const PaymentChannelsCloseStartedEventName = "CloseStarted"

// ContractEventName returns the user-defined event name.
func (PaymentChannelsCloseStarted) ContractEventName() string {
	return PaymentChannelsCloseStartedEventName
}

// UnpackCloseStartedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event CloseStarted(bytes32 indexed id, uint256 claimed, uint64 closesAt)
func (paymentChannels *PaymentChannels) UnpackCloseStartedEvent(log *types.Log) (*PaymentChannelsCloseStarted, error) {
	event := "CloseStarted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != paymentChannels.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentChannelsCloseStarted)
	if len(log.Data) > 0 {
		if err := paymentChannels.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range paymentChannels.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentChannelsOpened represents a Opened event raised by the PaymentChannels contract.
type PaymentChannelsOpened struct {
	Id      [32]byte
	Payer   common.Address
	Payee   common.Address
	Token   common.Address
	Deposit *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const PaymentChannelsOpenedEventName = "Opened"

// ContractEventName returns the user-defined event name.
func (PaymentChannelsOpened) ContractEventName() string {
	return PaymentChannelsOpenedEventName
}

// UnpackOpenedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Opened(bytes32 indexed id, address indexed payer, address indexed payee, address token, uint256 deposit)
func (paymentChannels *PaymentChannels) UnpackOpenedEvent(log *types.Log) (*PaymentChannelsOpened, error) {
	event := "Opened"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != paymentChannels.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentChannelsOpened)
	if len(log.Data) > 0 {
		if err := paymentChannels.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range paymentChannels.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentChannelsSettled represents a Settled event raised by the PaymentChannels contract.
type PaymentChannelsSettled struct {
	Id       [32]byte
	Paid     *big.Int
	Refunded *big.Int
	Raw      *types.Log // Blockchain specific contextual infos
}

const PaymentChannelsSettledEventName = "Settled"

// ContractEventName returns the user-defined event name.
func (PaymentChannelsSettled) ContractEventName() string {
	return PaymentChannelsSettledEventName
}

// UnpackSettledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Settled(bytes32 indexed id, uint256 paid, uint256 refunded)
func (paymentChannels *PaymentChannels) UnpackSettledEvent(log *types.Log) (*PaymentChannelsSettled, error) {
	event := "Settled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != paymentChannels.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentChannelsSettled)
	if len(log.Data) > 0 {
		if err := paymentChannels.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range paymentChannels.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentChannelsToppedUp represents a ToppedUp event raised by the PaymentChannels contract.
type PaymentChannelsToppedUp struct {
	Id      [32]byte
	Deposit *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const PaymentChannelsToppedUpEventName = "ToppedUp"

// ContractEventName returns the user-defined event name.
func (PaymentChannelsToppedUp) ContractEventName() string {
	return PaymentChannelsToppedUpEventName
}

// UnpackToppedUpEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ToppedUp(bytes32 indexed id, uint256 deposit)
func (paymentChannels *PaymentChannels) UnpackToppedUpEvent(log *types.Log) (*PaymentChannelsToppedUp, error) {
	event := "ToppedUp"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != paymentChannels.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentChannelsToppedUp)
	if len(log.Data) > 0 {
		if err := paymentChannels.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range paymentChannels.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (paymentChannels *PaymentChannels) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], paymentChannels.abi.Errors["BadSignature"].ID.Bytes()[:4]) {
		return paymentChannels.UnpackBadSignatureError(raw[4:])
	}
	if bytes.Equal(raw[:4], paymentChannels.abi.Errors["BadValue"].ID.Bytes()[:4]) {
		return paymentChannels.UnpackBadValueError(raw[4:])
	}
	if bytes.Equal(raw[:4], paymentChannels.abi.Errors["ChallengeOpen"].ID.Bytes()[:4]) {
		return paymentChannels.UnpackChallengeOpenError(raw[4:])
	}
	if bytes.Equal(raw[:4], paymentChannels.abi.Errors["ChannelExists"].ID.Bytes()[:4]) {
		return paymentChannels.UnpackChannelExistsError(raw[4:])
	}
	if bytes.Equal(raw[:4], paymentChannels.abi.Errors["Closing"].ID.Bytes()[:4]) {
		return paymentChannels.UnpackClosingError(raw[4:])
	}
	if bytes.Equal(raw[:4], paymentChannels.abi.Errors["NoChannel"].ID.Bytes()[:4]) {
		return paymentChannels.UnpackNoChannelError(raw[4:])
	}
	if bytes.Equal(raw[:4], paymentChannels.abi.Errors["NotClosing"].ID.Bytes()[:4]) {
		return paymentChannels.UnpackNotClosingError(raw[4:])
	}
	if bytes.Equal(raw[:4], paymentChannels.abi.Errors["NotPayee"].ID.Bytes()[:4]) {
		return paymentChannels.UnpackNotPayeeError(raw[4:])
	}
	if bytes.Equal(raw[:4], paymentChannels.abi.Errors["NotPayer"].ID.Bytes()[:4]) {
		return paymentChannels.UnpackNotPayerError(raw[4:])
	}
	if bytes.Equal(raw[:4], paymentChannels.abi.Errors["TransferFailed"].ID.Bytes()[:4]) {
		return paymentChannels.UnpackTransferFailedError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// PaymentChannelsBadSignature represents a BadSignature error raised by the PaymentChannels contract.
type PaymentChannelsBadSignature struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BadSignature()
func PaymentChannelsBadSignatureErrorID() common.Hash {
	return common.HexToHash("0x5cd5d2335541c4f2ed05fbe44f397e8b79f8e2333157122d2dab06e378ef7685")
}

// UnpackBadSignatureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BadSignature()
func (paymentChannels *PaymentChannels) UnpackBadSignatureError(raw []byte) (*PaymentChannelsBadSignature, error) {
	out := new(PaymentChannelsBadSignature)
	if err := paymentChannels.abi.UnpackIntoInterface(out, "BadSignature", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentChannelsBadValue represents a BadValue error raised by the PaymentChannels contract.
type PaymentChannelsBadValue struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BadValue()
func PaymentChannelsBadValueErrorID() common.Hash {
	return common.HexToHash("0x0bba69fbe222b1d016f3544ef6d7d291c985b588459c59343070fa1c424f6962")
}

// UnpackBadValueError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BadValue()
func (paymentChannels *PaymentChannels) UnpackBadValueError(raw []byte) (*PaymentChannelsBadValue, error) {
	out := new(PaymentChannelsBadValue)
	if err := paymentChannels.abi.UnpackIntoInterface(out, "BadValue", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentChannelsChallengeOpen represents a ChallengeOpen error raised by the PaymentChannels contract.
type PaymentChannelsChallengeOpen struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ChallengeOpen()
func PaymentChannelsChallengeOpenErrorID() common.Hash {
	return common.HexToHash("0x3a0002a9d0b08645cebd51a3f1531477877d7a409c32c506c82d45bff7a17866")
}

// UnpackChallengeOpenError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ChallengeOpen()
func (paymentChannels *PaymentChannels) UnpackChallengeOpenError(raw []byte) (*PaymentChannelsChallengeOpen, error) {
	out := new(PaymentChannelsChallengeOpen)
	if err := paymentChannels.abi.UnpackIntoInterface(out, "ChallengeOpen", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentChannelsChannelExists represents a ChannelExists error raised by the PaymentChannels contract.
type PaymentChannelsChannelExists struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ChannelExists()
func PaymentChannelsChannelExistsErrorID() common.Hash {
	return common.HexToHash("0xd180033c21acac5464c177a99211266f1dc1a86c86d5b01a5c9c9b087126f54e")
}

// UnpackChannelExistsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ChannelExists()
func (paymentChannels *PaymentChannels) UnpackChannelExistsError(raw []byte) (*PaymentChannelsChannelExists, error) {
	out := new(PaymentChannelsChannelExists)
	if err := paymentChannels.abi.UnpackIntoInterface(out, "ChannelExists", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentChannelsClosing represents a Closing error raised by the PaymentChannels contract.
type PaymentChannelsClosing struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error Closing()
func PaymentChannelsClosingErrorID() common.Hash {
	return common.HexToHash("0xb59fde0b777d3fb91cd7c024f522fd92b9475693fff5b1f88bfb91fa821b5d45")
}

// UnpackClosingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error Closing()
func (paymentChannels *PaymentChannels) UnpackClosingError(raw []byte) (*PaymentChannelsClosing, error) {
	out := new(PaymentChannelsClosing)
	if err := paymentChannels.abi.UnpackIntoInterface(out, "Closing", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentChannelsNoChannel represents a NoChannel error raised by the PaymentChannels contract.
type PaymentChannelsNoChannel struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoChannel()
func PaymentChannelsNoChannelErrorID() common.Hash {
	return common.HexToHash("0xf044dba01fb3548696ec9f6baf936d580534a7c5d2c499c3aa2ef31960db32a7")
}

// UnpackNoChannelError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoChannel()
func (paymentChannels *PaymentChannels) UnpackNoChannelError(raw []byte) (*PaymentChannelsNoChannel, error) {
	out := new(PaymentChannelsNoChannel)
	if err := paymentChannels.abi.UnpackIntoInterface(out, "NoChannel", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentChannelsNotClosing represents a NotClosing error raised by the PaymentChannels contract.
type PaymentChannelsNotClosing struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotClosing()
func PaymentChannelsNotClosingErrorID() common.Hash {
	return common.HexToHash("0xf9b46b5f2b61361f95d79ba8adbe86297139b06b35fb3936e5f884c42086e703")
}

// UnpackNotClosingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotClosing()
func (paymentChannels *PaymentChannels) UnpackNotClosingError(raw []byte) (*PaymentChannelsNotClosing, error) {
	out := new(PaymentChannelsNotClosing)
	if err := paymentChannels.abi.UnpackIntoInterface(out, "NotClosing", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentChannelsNotPayee represents a NotPayee error raised by the PaymentChannels contract.
type PaymentChannelsNotPayee struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotPayee()
func PaymentChannelsNotPayeeErrorID() common.Hash {
	return common.HexToHash("0x56cab67b54587ad1ee1a933271cfaefb43ac75788a9ef7fc3787cd8ae7783ab4")
}

// UnpackNotPayeeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotPayee()
func (paymentChannels *PaymentChannels) UnpackNotPayeeError(raw []byte) (*PaymentChannelsNotPayee, error) {
	out := new(PaymentChannelsNotPayee)
	if err := paymentChannels.abi.UnpackIntoInterface(out, "NotPayee", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentChannelsNotPayer represents a NotPayer error raised by the PaymentChannels contract.
type PaymentChannelsNotPayer struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotPayer()
func PaymentChannelsNotPayerErrorID() common.Hash {
	return common.HexToHash("0x1435e3579e10b092db185e7a936873b0ea2125e5dd29d24c96c164f37d5e6db0")
}

// UnpackNotPayerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotPayer()
func (paymentChannels *PaymentChannels) UnpackNotPayerError(raw []byte) (*PaymentChannelsNotPayer, error) {
	out := new(PaymentChannelsNotPayer)
	if err := paymentChannels.abi.UnpackIntoInterface(out, "NotPayer", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentChannelsTransferFailed represents a TransferFailed error raised by the PaymentChannels contract.
type PaymentChannelsTransferFailed struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TransferFailed()
func PaymentChannelsTransferFailedErrorID() common.Hash {
	return common.HexToHash("0x90b8ec1877afffd816d05d9b13947f3ff18ec5851c38bad15ec2b710f92391b1")
}

// UnpackTransferFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TransferFailed()
func (paymentChannels *PaymentChannels) UnpackTransferFailedError(raw []byte) (*PaymentChannelsTransferFailed, error) {
	out := new(PaymentChannelsTransferFailed)
	if err := paymentChannels.abi.UnpackIntoInterface(out, "TransferFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}
