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

// RelayCreditsMetaData contains all meta data concerning the RelayCredits contract.
var RelayCreditsMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"edge\",\"type\":\"address\"}],\"name\":\"AlreadyClaimed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"}],\"name\":\"AlreadyCommitted\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"edge\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"BadProof\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"}],\"name\":\"NotCommitted\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotGuardian\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotOwner\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"}],\"name\":\"OverTotal\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sent\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"}],\"name\":\"WrongFunding\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"edge\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Claimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"guardian\",\"type\":\"address\"}],\"name\":\"Committed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"guardian\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"allowed\",\"type\":\"bool\"}],\"name\":\"GuardianSet\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"edge\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"balances\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"edge\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"bytes32[]\",\"name\":\"proof\",\"type\":\"bytes32[]\"}],\"name\":\"claim\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"address[]\",\"name\":\"edges\",\"type\":\"address[]\"},{\"internalType\":\"uint256[]\",\"name\":\"amounts\",\"type\":\"uint256[]\"},{\"internalType\":\"bytes32[]\",\"name\":\"proofs\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint256[]\",\"name\":\"lengths\",\"type\":\"uint256[]\"}],\"name\":\"claimMany\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"claimed\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"}],\"name\":\"commit\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"name\":\"epochs\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"claimed\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"guardian\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"guardians\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"guardian\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"allowed\",\"type\":\"bool\"}],\"name\":\"setGuardian\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "RelayCredits",
	Bin: "0x6080604052348015600e575f5ffd5b505f80546001600160a01b03191633908117825580825260016020818152604093849020805460ff191683179055925190815290917fc4459d655e1efe034a75446f1f4db087f75d23bdfabccffafa6384cdb23a1544910160405180910390a2610b928061007b5f395ff3fe60806040526004361061008f575f3560e01c8063672c1e5c11610057578063672c1e5c146101b857806369fd8f3a146101d75780638da5cb5b146101ea578063a2f94bd314610220578063a60628e21461023f575f5ffd5b80630633b14a1461009357806327e235e3146100d65780632b8a1c5a1461010f5780633ccfd60b146101305780634bd2d7f914610144575b5f5ffd5b34801561009e575f5ffd5b506100c16100ad3660046108ac565b60016020525f908152604090205460ff1681565b60405190151581526020015b60405180910390f35b3480156100e1575f5ffd5b506101016100f03660046108ac565b60046020525f908152604090205481565b6040519081526020016100cd565b34801561011a575f5ffd5b5061012e6101293660046108cc565b610278565b005b34801561013b575f5ffd5b5061012e610301565b34801561014f575f5ffd5b5061018f61015e36600461091b565b600260208190525f91825260409091208054600182015492820154600390920154909291906001600160a01b031684565b604080519485526020850193909352918301526001600160a01b031660608201526080016100cd565b3480156101c3575f5ffd5b5061012e6101d236600461097b565b6103d8565b61012e6101e5366004610a57565b610497565b3480156101f5575f5ffd5b505f54610208906001600160a01b031681565b6040516001600160a01b0390911681526020016100cd565b34801561022b575f5ffd5b5061012e61023a366004610a87565b6105a1565b34801561024a575f5ffd5b506100c1610259366004610af0565b600360209081525f928352604080842090915290825290205460ff1681565b5f546001600160a01b031633146102a2576040516330cd747160e01b815260040160405180910390fd5b6001600160a01b0382165f81815260016020908152604091829020805460ff191685151590811790915591519182527fc4459d655e1efe034a75446f1f4db087f75d23bdfabccffafa6384cdb23a154491015b60405180910390a25050565b335f908152600460205260408120549081900361033157604051630686827b60e51b815260040160405180910390fd5b335f818152600460205260408082208290555190919083908381818185875af1925050503d805f811461037f576040519150601f19603f3d011682016040523d82523d5f602084013e610384565b606091505b50509050806103a6576040516312171d8360e31b815260040160405180910390fd5b60405182815233907f7084f5476618d8e60b11ef0d7d3f06914655adb8793e28ff7f018d4c76d505d5906020016102f5565b5f805b8881101561048a5761045c8b8b8b848181106103f9576103f9610b21565b905060200201602081019061040e91906108ac565b8a8a8581811061042057610420610b21565b90506020020135898987908a8a8981811061043d5761043d610b21565b905060200201358961044f9190610b35565b9261023a93929190610b5a565b83838281811061046e5761046e610b21565b90506020020135826104809190610b35565b91506001016103db565b5050505050505050505050565b335f9081526001602052604090205460ff166104c6576040516377b6878160e11b815260040160405180910390fd5b6001600160401b0383165f90815260026020526040902080541561050d5760405163e685805d60e01b81526001600160401b03851660048201526024015b60405180910390fd5b813414610536576040516346da3a2760e01b815234600482015260248101839052604401610504565b828155600181018290556003810180546001600160a01b0319163390811790915560408051858152602081018590526001600160401b038716917fb01042a3bb8e7ab39de3cf2be7d39a7a002a2988f197bc2628bf16c1a056d162910160405180910390a350505050565b6001600160401b0385165f90815260026020526040902080546105e257604051634489aa6b60e11b81526001600160401b0387166004820152602401610504565b6001600160401b0386165f9081526003602090815260408083206001600160a01b038916845290915290205460ff16156106495760405163b5ffb3b560e01b81526001600160401b03871660048201526001600160a01b0386166024820152604401610504565b604080516001600160401b03881660208201526001600160a01b03871691810191909152606081018590525f9060800160408051601f198184030181528282528051602091820120908301520160408051601f19818403018152919052805160209091012090505f5b83811015610742575f8585838181106106cd576106cd610b21565b90506020020135905080831061070c57604080516020810183905290810184905260600160405160208183030381529060405280519060200120610737565b6040805160208101859052908101829052606001604051602081830303815290604052805190602001205b9250506001016106b2565b508154811461078557604051631d4b80c760e11b81526001600160401b03881660048201526001600160a01b038716602482015260448101869052606401610504565b816001015485836002015461079a9190610b35565b11156107c457604051635b40119b60e11b81526001600160401b0388166004820152602401610504565b6001600160401b0387165f9081526003602090815260408083206001600160a01b038a1684529091528120805460ff1916600117905560028301805487929061080e908490610b35565b90915550506001600160a01b0386165f908152600460205260408120805487929061083a908490610b35565b90915550506040518581526001600160a01b038716906001600160401b038916907ff20fc6923b8057dd0c3b606483fcaa038229bb36ebc35a0040e3eaa39cf97b179060200160405180910390a350505050505050565b80356001600160a01b03811681146108a7575f5ffd5b919050565b5f602082840312156108bc575f5ffd5b6108c582610891565b9392505050565b5f5f604083850312156108dd575f5ffd5b6108e683610891565b9150602083013580151581146108fa575f5ffd5b809150509250929050565b80356001600160401b03811681146108a7575f5ffd5b5f6020828403121561092b575f5ffd5b6108c582610905565b5f5f83601f840112610944575f5ffd5b5081356001600160401b0381111561095a575f5ffd5b6020830191508360208260051b8501011115610974575f5ffd5b9250929050565b5f5f5f5f5f5f5f5f5f60a08a8c031215610993575f5ffd5b61099c8a610905565b985060208a01356001600160401b038111156109b6575f5ffd5b6109c28c828d01610934565b90995097505060408a01356001600160401b038111156109e0575f5ffd5b6109ec8c828d01610934565b90975095505060608a01356001600160401b03811115610a0a575f5ffd5b610a168c828d01610934565b90955093505060808a01356001600160401b03811115610a34575f5ffd5b610a408c828d01610934565b915080935050809150509295985092959850929598565b5f5f5f60608486031215610a69575f5ffd5b610a7284610905565b95602085013595506040909401359392505050565b5f5f5f5f5f60808688031215610a9b575f5ffd5b610aa486610905565b9450610ab260208701610891565b93506040860135925060608601356001600160401b03811115610ad3575f5ffd5b610adf88828901610934565b969995985093965092949392505050565b5f5f60408385031215610b01575f5ffd5b610b0a83610905565b9150610b1860208401610891565b90509250929050565b634e487b7160e01b5f52603260045260245ffd5b80820180821115610b5457634e487b7160e01b5f52601160045260245ffd5b92915050565b5f5f85851115610b68575f5ffd5b83861115610b74575f5ffd5b5050600583901b019391909203915056fea164736f6c6343000825000a",
}

// RelayCredits is an auto generated Go binding around an Ethereum contract.
type RelayCredits struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *RelayCredits) GetABI() abi.ABI {
	return c.abi
}

// NewRelayCredits creates a new instance of RelayCredits.
func NewRelayCredits() *RelayCredits {
	parsed, err := RelayCreditsMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &RelayCredits{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *RelayCredits) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackBalances is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x27e235e3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function balances(address ) view returns(uint256)
func (relayCredits *RelayCredits) PackBalances(arg0 common.Address) []byte {
	enc, err := relayCredits.abi.Pack("balances", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBalances is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x27e235e3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function balances(address ) view returns(uint256)
func (relayCredits *RelayCredits) TryPackBalances(arg0 common.Address) ([]byte, error) {
	return relayCredits.abi.Pack("balances", arg0)
}

// UnpackBalances is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x27e235e3.
//
// Solidity: function balances(address ) view returns(uint256)
func (relayCredits *RelayCredits) UnpackBalances(data []byte) (*big.Int, error) {
	out, err := relayCredits.abi.Unpack("balances", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa2f94bd3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claim(uint64 epoch, address edge, uint256 amount, bytes32[] proof) returns()
func (relayCredits *RelayCredits) PackClaim(epoch uint64, edge common.Address, amount *big.Int, proof [][32]byte) []byte {
	enc, err := relayCredits.abi.Pack("claim", epoch, edge, amount, proof)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa2f94bd3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claim(uint64 epoch, address edge, uint256 amount, bytes32[] proof) returns()
func (relayCredits *RelayCredits) TryPackClaim(epoch uint64, edge common.Address, amount *big.Int, proof [][32]byte) ([]byte, error) {
	return relayCredits.abi.Pack("claim", epoch, edge, amount, proof)
}

// PackClaimMany is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x672c1e5c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimMany(uint64 epoch, address[] edges, uint256[] amounts, bytes32[] proofs, uint256[] lengths) returns()
func (relayCredits *RelayCredits) PackClaimMany(epoch uint64, edges []common.Address, amounts []*big.Int, proofs [][32]byte, lengths []*big.Int) []byte {
	enc, err := relayCredits.abi.Pack("claimMany", epoch, edges, amounts, proofs, lengths)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaimMany is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x672c1e5c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claimMany(uint64 epoch, address[] edges, uint256[] amounts, bytes32[] proofs, uint256[] lengths) returns()
func (relayCredits *RelayCredits) TryPackClaimMany(epoch uint64, edges []common.Address, amounts []*big.Int, proofs [][32]byte, lengths []*big.Int) ([]byte, error) {
	return relayCredits.abi.Pack("claimMany", epoch, edges, amounts, proofs, lengths)
}

// PackClaimed is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa60628e2.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimed(uint64 , address ) view returns(bool)
func (relayCredits *RelayCredits) PackClaimed(arg0 uint64, arg1 common.Address) []byte {
	enc, err := relayCredits.abi.Pack("claimed", arg0, arg1)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaimed is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa60628e2.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claimed(uint64 , address ) view returns(bool)
func (relayCredits *RelayCredits) TryPackClaimed(arg0 uint64, arg1 common.Address) ([]byte, error) {
	return relayCredits.abi.Pack("claimed", arg0, arg1)
}

// UnpackClaimed is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa60628e2.
//
// Solidity: function claimed(uint64 , address ) view returns(bool)
func (relayCredits *RelayCredits) UnpackClaimed(data []byte) (bool, error) {
	out, err := relayCredits.abi.Unpack("claimed", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackCommit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x69fd8f3a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function commit(uint64 epoch, bytes32 root, uint256 total) payable returns()
func (relayCredits *RelayCredits) PackCommit(epoch uint64, root [32]byte, total *big.Int) []byte {
	enc, err := relayCredits.abi.Pack("commit", epoch, root, total)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCommit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x69fd8f3a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function commit(uint64 epoch, bytes32 root, uint256 total) payable returns()
func (relayCredits *RelayCredits) TryPackCommit(epoch uint64, root [32]byte, total *big.Int) ([]byte, error) {
	return relayCredits.abi.Pack("commit", epoch, root, total)
}

// PackEpochs is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4bd2d7f9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function epochs(uint64 ) view returns(bytes32 root, uint256 total, uint256 claimed, address guardian)
func (relayCredits *RelayCredits) PackEpochs(arg0 uint64) []byte {
	enc, err := relayCredits.abi.Pack("epochs", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEpochs is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4bd2d7f9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function epochs(uint64 ) view returns(bytes32 root, uint256 total, uint256 claimed, address guardian)
func (relayCredits *RelayCredits) TryPackEpochs(arg0 uint64) ([]byte, error) {
	return relayCredits.abi.Pack("epochs", arg0)
}

// EpochsOutput serves as a container for the return parameters of contract
// method Epochs.
type EpochsOutput struct {
	Root     [32]byte
	Total    *big.Int
	Claimed  *big.Int
	Guardian common.Address
}

// UnpackEpochs is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4bd2d7f9.
//
// Solidity: function epochs(uint64 ) view returns(bytes32 root, uint256 total, uint256 claimed, address guardian)
func (relayCredits *RelayCredits) UnpackEpochs(data []byte) (EpochsOutput, error) {
	out, err := relayCredits.abi.Unpack("epochs", data)
	outstruct := new(EpochsOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Root = *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	outstruct.Total = abi.ConvertType(out[1], new(big.Int)).(*big.Int)
	outstruct.Claimed = abi.ConvertType(out[2], new(big.Int)).(*big.Int)
	outstruct.Guardian = *abi.ConvertType(out[3], new(common.Address)).(*common.Address)
	return *outstruct, nil
}

// PackGuardians is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0633b14a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function guardians(address ) view returns(bool)
func (relayCredits *RelayCredits) PackGuardians(arg0 common.Address) []byte {
	enc, err := relayCredits.abi.Pack("guardians", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGuardians is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0633b14a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function guardians(address ) view returns(bool)
func (relayCredits *RelayCredits) TryPackGuardians(arg0 common.Address) ([]byte, error) {
	return relayCredits.abi.Pack("guardians", arg0)
}

// UnpackGuardians is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x0633b14a.
//
// Solidity: function guardians(address ) view returns(bool)
func (relayCredits *RelayCredits) UnpackGuardians(data []byte) (bool, error) {
	out, err := relayCredits.abi.Unpack("guardians", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (relayCredits *RelayCredits) PackOwner() []byte {
	enc, err := relayCredits.abi.Pack("owner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner() view returns(address)
func (relayCredits *RelayCredits) TryPackOwner() ([]byte, error) {
	return relayCredits.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (relayCredits *RelayCredits) UnpackOwner(data []byte) (common.Address, error) {
	out, err := relayCredits.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackSetGuardian is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2b8a1c5a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setGuardian(address guardian, bool allowed) returns()
func (relayCredits *RelayCredits) PackSetGuardian(guardian common.Address, allowed bool) []byte {
	enc, err := relayCredits.abi.Pack("setGuardian", guardian, allowed)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetGuardian is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2b8a1c5a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setGuardian(address guardian, bool allowed) returns()
func (relayCredits *RelayCredits) TryPackSetGuardian(guardian common.Address, allowed bool) ([]byte, error) {
	return relayCredits.abi.Pack("setGuardian", guardian, allowed)
}

// PackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3ccfd60b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdraw() returns()
func (relayCredits *RelayCredits) PackWithdraw() []byte {
	enc, err := relayCredits.abi.Pack("withdraw")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3ccfd60b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdraw() returns()
func (relayCredits *RelayCredits) TryPackWithdraw() ([]byte, error) {
	return relayCredits.abi.Pack("withdraw")
}

// RelayCreditsClaimed represents a Claimed event raised by the RelayCredits contract.
type RelayCreditsClaimed struct {
	Epoch  uint64
	Edge   common.Address
	Amount *big.Int
	Raw    *types.Log // Blockchain specific contextual infos
}

const RelayCreditsClaimedEventName = "Claimed"

// ContractEventName returns the user-defined event name.
func (RelayCreditsClaimed) ContractEventName() string {
	return RelayCreditsClaimedEventName
}

// UnpackClaimedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Claimed(uint64 indexed epoch, address indexed edge, uint256 amount)
func (relayCredits *RelayCredits) UnpackClaimedEvent(log *types.Log) (*RelayCreditsClaimed, error) {
	event := "Claimed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != relayCredits.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RelayCreditsClaimed)
	if len(log.Data) > 0 {
		if err := relayCredits.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range relayCredits.abi.Events[event].Inputs {
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

// RelayCreditsCommitted represents a Committed event raised by the RelayCredits contract.
type RelayCreditsCommitted struct {
	Epoch    uint64
	Root     [32]byte
	Total    *big.Int
	Guardian common.Address
	Raw      *types.Log // Blockchain specific contextual infos
}

const RelayCreditsCommittedEventName = "Committed"

// ContractEventName returns the user-defined event name.
func (RelayCreditsCommitted) ContractEventName() string {
	return RelayCreditsCommittedEventName
}

// UnpackCommittedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Committed(uint64 indexed epoch, bytes32 root, uint256 total, address indexed guardian)
func (relayCredits *RelayCredits) UnpackCommittedEvent(log *types.Log) (*RelayCreditsCommitted, error) {
	event := "Committed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != relayCredits.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RelayCreditsCommitted)
	if len(log.Data) > 0 {
		if err := relayCredits.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range relayCredits.abi.Events[event].Inputs {
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

// RelayCreditsGuardianSet represents a GuardianSet event raised by the RelayCredits contract.
type RelayCreditsGuardianSet struct {
	Guardian common.Address
	Allowed  bool
	Raw      *types.Log // Blockchain specific contextual infos
}

const RelayCreditsGuardianSetEventName = "GuardianSet"

// ContractEventName returns the user-defined event name.
func (RelayCreditsGuardianSet) ContractEventName() string {
	return RelayCreditsGuardianSetEventName
}

// UnpackGuardianSetEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event GuardianSet(address indexed guardian, bool allowed)
func (relayCredits *RelayCredits) UnpackGuardianSetEvent(log *types.Log) (*RelayCreditsGuardianSet, error) {
	event := "GuardianSet"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != relayCredits.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RelayCreditsGuardianSet)
	if len(log.Data) > 0 {
		if err := relayCredits.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range relayCredits.abi.Events[event].Inputs {
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

// RelayCreditsWithdrawn represents a Withdrawn event raised by the RelayCredits contract.
type RelayCreditsWithdrawn struct {
	Edge   common.Address
	Amount *big.Int
	Raw    *types.Log // Blockchain specific contextual infos
}

const RelayCreditsWithdrawnEventName = "Withdrawn"

// ContractEventName returns the user-defined event name.
func (RelayCreditsWithdrawn) ContractEventName() string {
	return RelayCreditsWithdrawnEventName
}

// UnpackWithdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Withdrawn(address indexed edge, uint256 amount)
func (relayCredits *RelayCredits) UnpackWithdrawnEvent(log *types.Log) (*RelayCreditsWithdrawn, error) {
	event := "Withdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != relayCredits.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RelayCreditsWithdrawn)
	if len(log.Data) > 0 {
		if err := relayCredits.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range relayCredits.abi.Events[event].Inputs {
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
func (relayCredits *RelayCredits) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["AlreadyClaimed"].ID.Bytes()[:4]) {
		return relayCredits.UnpackAlreadyClaimedError(raw[4:])
	}
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["AlreadyCommitted"].ID.Bytes()[:4]) {
		return relayCredits.UnpackAlreadyCommittedError(raw[4:])
	}
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["BadProof"].ID.Bytes()[:4]) {
		return relayCredits.UnpackBadProofError(raw[4:])
	}
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["NotCommitted"].ID.Bytes()[:4]) {
		return relayCredits.UnpackNotCommittedError(raw[4:])
	}
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["NotGuardian"].ID.Bytes()[:4]) {
		return relayCredits.UnpackNotGuardianError(raw[4:])
	}
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["NotOwner"].ID.Bytes()[:4]) {
		return relayCredits.UnpackNotOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["NothingToWithdraw"].ID.Bytes()[:4]) {
		return relayCredits.UnpackNothingToWithdrawError(raw[4:])
	}
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["OverTotal"].ID.Bytes()[:4]) {
		return relayCredits.UnpackOverTotalError(raw[4:])
	}
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["TransferFailed"].ID.Bytes()[:4]) {
		return relayCredits.UnpackTransferFailedError(raw[4:])
	}
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["WrongFunding"].ID.Bytes()[:4]) {
		return relayCredits.UnpackWrongFundingError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// RelayCreditsAlreadyClaimed represents a AlreadyClaimed error raised by the RelayCredits contract.
type RelayCreditsAlreadyClaimed struct {
	Epoch uint64
	Edge  common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AlreadyClaimed(uint64 epoch, address edge)
func RelayCreditsAlreadyClaimedErrorID() common.Hash {
	return common.HexToHash("0xb5ffb3b5aa06c7a5f01311052ad81e2a00310de7ba5fc691222d5563f82779d7")
}

// UnpackAlreadyClaimedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AlreadyClaimed(uint64 epoch, address edge)
func (relayCredits *RelayCredits) UnpackAlreadyClaimedError(raw []byte) (*RelayCreditsAlreadyClaimed, error) {
	out := new(RelayCreditsAlreadyClaimed)
	if err := relayCredits.abi.UnpackIntoInterface(out, "AlreadyClaimed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RelayCreditsAlreadyCommitted represents a AlreadyCommitted error raised by the RelayCredits contract.
type RelayCreditsAlreadyCommitted struct {
	Epoch uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AlreadyCommitted(uint64 epoch)
func RelayCreditsAlreadyCommittedErrorID() common.Hash {
	return common.HexToHash("0xe685805d88b75ee3afae170f8091b8054d2605d1fd35879dd5c469b4dbdc9c73")
}

// UnpackAlreadyCommittedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AlreadyCommitted(uint64 epoch)
func (relayCredits *RelayCredits) UnpackAlreadyCommittedError(raw []byte) (*RelayCreditsAlreadyCommitted, error) {
	out := new(RelayCreditsAlreadyCommitted)
	if err := relayCredits.abi.UnpackIntoInterface(out, "AlreadyCommitted", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RelayCreditsBadProof represents a BadProof error raised by the RelayCredits contract.
type RelayCreditsBadProof struct {
	Epoch  uint64
	Edge   common.Address
	Amount *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BadProof(uint64 epoch, address edge, uint256 amount)
func RelayCreditsBadProofErrorID() common.Hash {
	return common.HexToHash("0x3a97018e9e2c901d86dca0d2ef5ead57fd40ae85cd54c9658c51cffa73e29d9a")
}

// UnpackBadProofError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BadProof(uint64 epoch, address edge, uint256 amount)
func (relayCredits *RelayCredits) UnpackBadProofError(raw []byte) (*RelayCreditsBadProof, error) {
	out := new(RelayCreditsBadProof)
	if err := relayCredits.abi.UnpackIntoInterface(out, "BadProof", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RelayCreditsNotCommitted represents a NotCommitted error raised by the RelayCredits contract.
type RelayCreditsNotCommitted struct {
	Epoch uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotCommitted(uint64 epoch)
func RelayCreditsNotCommittedErrorID() common.Hash {
	return common.HexToHash("0x891354d6ed61f8fec734410d41d6a552adb0c89f5421b841b131bc727aebb5e3")
}

// UnpackNotCommittedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotCommitted(uint64 epoch)
func (relayCredits *RelayCredits) UnpackNotCommittedError(raw []byte) (*RelayCreditsNotCommitted, error) {
	out := new(RelayCreditsNotCommitted)
	if err := relayCredits.abi.UnpackIntoInterface(out, "NotCommitted", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RelayCreditsNotGuardian represents a NotGuardian error raised by the RelayCredits contract.
type RelayCreditsNotGuardian struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotGuardian()
func RelayCreditsNotGuardianErrorID() common.Hash {
	return common.HexToHash("0xef6d0f022a6034a270a71b2c18c08f672aa285210fc713e02118a224aabfd50b")
}

// UnpackNotGuardianError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotGuardian()
func (relayCredits *RelayCredits) UnpackNotGuardianError(raw []byte) (*RelayCreditsNotGuardian, error) {
	out := new(RelayCreditsNotGuardian)
	if err := relayCredits.abi.UnpackIntoInterface(out, "NotGuardian", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RelayCreditsNotOwner represents a NotOwner error raised by the RelayCredits contract.
type RelayCreditsNotOwner struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotOwner()
func RelayCreditsNotOwnerErrorID() common.Hash {
	return common.HexToHash("0x30cd74712f59d478562d48e2d35de830db72c60a63dd08ae59199eec990b5bc4")
}

// UnpackNotOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotOwner()
func (relayCredits *RelayCredits) UnpackNotOwnerError(raw []byte) (*RelayCreditsNotOwner, error) {
	out := new(RelayCreditsNotOwner)
	if err := relayCredits.abi.UnpackIntoInterface(out, "NotOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RelayCreditsNothingToWithdraw represents a NothingToWithdraw error raised by the RelayCredits contract.
type RelayCreditsNothingToWithdraw struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingToWithdraw()
func RelayCreditsNothingToWithdrawErrorID() common.Hash {
	return common.HexToHash("0xd0d04f60bf4f7629141a1f00f5d2908fa0f3e15bf4cbf8bb8edc6fcbdf2509fa")
}

// UnpackNothingToWithdrawError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingToWithdraw()
func (relayCredits *RelayCredits) UnpackNothingToWithdrawError(raw []byte) (*RelayCreditsNothingToWithdraw, error) {
	out := new(RelayCreditsNothingToWithdraw)
	if err := relayCredits.abi.UnpackIntoInterface(out, "NothingToWithdraw", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RelayCreditsOverTotal represents a OverTotal error raised by the RelayCredits contract.
type RelayCreditsOverTotal struct {
	Epoch uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error OverTotal(uint64 epoch)
func RelayCreditsOverTotalErrorID() common.Hash {
	return common.HexToHash("0xb68023367a2f8b4ec475103bcd8af2d72036be8a2d98e8875b450335361e616e")
}

// UnpackOverTotalError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error OverTotal(uint64 epoch)
func (relayCredits *RelayCredits) UnpackOverTotalError(raw []byte) (*RelayCreditsOverTotal, error) {
	out := new(RelayCreditsOverTotal)
	if err := relayCredits.abi.UnpackIntoInterface(out, "OverTotal", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RelayCreditsTransferFailed represents a TransferFailed error raised by the RelayCredits contract.
type RelayCreditsTransferFailed struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TransferFailed()
func RelayCreditsTransferFailedErrorID() common.Hash {
	return common.HexToHash("0x90b8ec1877afffd816d05d9b13947f3ff18ec5851c38bad15ec2b710f92391b1")
}

// UnpackTransferFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TransferFailed()
func (relayCredits *RelayCredits) UnpackTransferFailedError(raw []byte) (*RelayCreditsTransferFailed, error) {
	out := new(RelayCreditsTransferFailed)
	if err := relayCredits.abi.UnpackIntoInterface(out, "TransferFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RelayCreditsWrongFunding represents a WrongFunding error raised by the RelayCredits contract.
type RelayCreditsWrongFunding struct {
	Sent  *big.Int
	Total *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error WrongFunding(uint256 sent, uint256 total)
func RelayCreditsWrongFundingErrorID() common.Hash {
	return common.HexToHash("0x46da3a274bb4a160a03dc9eaebd9de310c5e62d1eddf05eca6ba4829cb9e9c26")
}

// UnpackWrongFundingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error WrongFunding(uint256 sent, uint256 total)
func (relayCredits *RelayCredits) UnpackWrongFundingError(raw []byte) (*RelayCreditsWrongFunding, error) {
	out := new(RelayCreditsWrongFunding)
	if err := relayCredits.abi.UnpackIntoInterface(out, "WrongFunding", raw); err != nil {
		return nil, err
	}
	return out, nil
}
