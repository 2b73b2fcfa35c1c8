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

// ReverseRegistrarMetaData contains all meta data concerning the ReverseRegistrar contract.
var ReverseRegistrarMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIENS\",\"name\":\"registry\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"resolver\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"addr\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"}],\"name\":\"ReverseClaimed\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"ADDR_REVERSE_NODE\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"claim\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"resolver\",\"type\":\"address\"}],\"name\":\"claimWithResolver\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"defaultResolver\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"ens\",\"outputs\":[{\"internalType\":\"contractIENS\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"addr\",\"type\":\"address\"}],\"name\":\"node\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"}],\"name\":\"setName\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"addr\",\"type\":\"address\"}],\"name\":\"sha3HexAddress\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"}]",
	ID:  "ReverseRegistrar",
	Bin: "0x60c060405234801561000f575f5ffd5b5060405161091338038061091383398101604081905261002e9161005c565b6001600160a01b039182166080521660a052610094565b6001600160a01b0381168114610059575f5ffd5b50565b5f5f6040838503121561006d575f5ffd5b825161007881610045565b602084015190925061008981610045565b809150509250929050565b60805160a0516108356100de5f395f818161012d015281816102cb015261030901525f818160da015281816103e5015281816104a00152818161053901526105ca01526108355ff3fe608060405234801561000f575f5ffd5b5060043610610085575f3560e01c80637cf8a2eb116100585780637cf8a2eb14610114578063828eab0e14610128578063bffbe61c1461014f578063c47f002714610162575f5ffd5b80630f5a5466146100895780631e83409a146100af57806327b752b8146100c25780633f15457f146100d5575b5f5ffd5b61009c61009736600461068a565b610175565b6040519081526020015b60405180910390f35b61009c6100bd3660046106c1565b61018a565b61009c6100d03660046106c1565b610196565b6100fc7f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020016100a6565b61009c5f5160206108095f395f51905f5281565b6100fc7f000000000000000000000000000000000000000000000000000000000000000081565b61009c61015d3660046106c1565b61027b565b61009c6101703660046106e3565b6102c2565b5f610181338484610377565b90505b92915050565b5f61018433835f610377565b604080518082018252601081526f181899199a1a9b1b9c1cb0b131b232b360811b602082015281516028808252606082019093525f928391906020820181803683370190505090508360285b801561026a578382600f166001600160a01b03168151811061020657610206610751565b01602001516001600160f81b03191683610221600184610779565b8151811061023157610231610751565b60200101906001600160f81b03191690815f1a9053506004826001600160a01b0316901c915080806102629061078c565b9150506101e2565b505080516020909101209392505050565b5f5f5160206108095f395f51905f5261029383610196565b604080516020810193909352820152606001604051602081830303815290604052805190602001209050919050565b5f5f6102ef33307f0000000000000000000000000000000000000000000000000000000000000000610377565b604051637737221360e01b81529091506001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001690637737221390610342908490889088906004016107a1565b5f604051808303815f87803b158015610359575f5ffd5b505af115801561036b573d5f5f3e3d5ffd5b50929695505050505050565b5f5f61038285610196565b604080515f5160206108095f395f51905f52602080830191909152818301849052825180830384018152606090920190925280519101209091506001600160a01b0384161580159061046c5750604051630178b8bf60e01b8152600481018290527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031690630178b8bf90602401602060405180830381865afa158015610432573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061045691906107d6565b6001600160a01b0316846001600160a01b031614155b15610591576040516306ab592360e01b81525f5160206108095f395f51905f526004820152602481018390523060448201527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316906306ab5923906064016020604051808303815f875af11580156104ee573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061051291906107f1565b50604051630c4b7b8560e11b8152600481018290526001600160a01b0385811660248301527f00000000000000000000000000000000000000000000000000000000000000001690631896f70a906044015f604051808303815f87803b15801561057a575f5ffd5b505af115801561058c573d5f5f3e3d5ffd5b505050505b6040516306ab592360e01b81525f5160206108095f395f51905f526004820152602481018390526001600160a01b0386811660448301527f000000000000000000000000000000000000000000000000000000000000000016906306ab5923906064016020604051808303815f875af1158015610610573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061063491906107f1565b5060405181906001600160a01b038816907f6ada868dd3058cf77a48a74489fd7963688e5464b2b0fa957ace976243270e92905f90a395945050505050565b6001600160a01b0381168114610687575f5ffd5b50565b5f5f6040838503121561069b575f5ffd5b82356106a681610673565b915060208301356106b681610673565b809150509250929050565b5f602082840312156106d1575f5ffd5b81356106dc81610673565b9392505050565b5f5f602083850312156106f4575f5ffd5b823567ffffffffffffffff81111561070a575f5ffd5b8301601f8101851361071a575f5ffd5b803567ffffffffffffffff811115610730575f5ffd5b856020828401011115610741575f5ffd5b6020919091019590945092505050565b634e487b7160e01b5f52603260045260245ffd5b634e487b7160e01b5f52601160045260245ffd5b8181038181111561018457610184610765565b5f8161079a5761079a610765565b505f190190565b83815260406020820152816040820152818360608301375f818301606090810191909152601f909201601f1916010192915050565b5f602082840312156107e6575f5ffd5b81516106dc81610673565b5f60208284031215610801575f5ffd5b505191905056fe91d1777781884d03a6757a803996e38de2a42967fb37eeaca72729271025a9e2a164736f6c6343000825000a",
}

// ReverseRegistrar is an auto generated Go binding around an Ethereum contract.
type ReverseRegistrar struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *ReverseRegistrar) GetABI() abi.ABI {
	return c.abi
}

// NewReverseRegistrar creates a new instance of ReverseRegistrar.
func NewReverseRegistrar() *ReverseRegistrar {
	parsed, err := ReverseRegistrarMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &ReverseRegistrar{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *ReverseRegistrar) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address registry, address resolver) returns()
func (reverseRegistrar *ReverseRegistrar) PackConstructor(registry common.Address, resolver common.Address) []byte {
	enc, err := reverseRegistrar.abi.Pack("", registry, resolver)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackADDRREVERSENODE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7cf8a2eb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ADDR_REVERSE_NODE() view returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) PackADDRREVERSENODE() []byte {
	enc, err := reverseRegistrar.abi.Pack("ADDR_REVERSE_NODE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackADDRREVERSENODE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7cf8a2eb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function ADDR_REVERSE_NODE() view returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) TryPackADDRREVERSENODE() ([]byte, error) {
	return reverseRegistrar.abi.Pack("ADDR_REVERSE_NODE")
}

// UnpackADDRREVERSENODE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7cf8a2eb.
//
// Solidity: function ADDR_REVERSE_NODE() view returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) UnpackADDRREVERSENODE(data []byte) ([32]byte, error) {
	out, err := reverseRegistrar.abi.Unpack("ADDR_REVERSE_NODE", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1e83409a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claim(address owner) returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) PackClaim(owner common.Address) []byte {
	enc, err := reverseRegistrar.abi.Pack("claim", owner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1e83409a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claim(address owner) returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) TryPackClaim(owner common.Address) ([]byte, error) {
	return reverseRegistrar.abi.Pack("claim", owner)
}

// UnpackClaim is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1e83409a.
//
// Solidity: function claim(address owner) returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) UnpackClaim(data []byte) ([32]byte, error) {
	out, err := reverseRegistrar.abi.Unpack("claim", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackClaimWithResolver is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0f5a5466.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimWithResolver(address owner, address resolver) returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) PackClaimWithResolver(owner common.Address, resolver common.Address) []byte {
	enc, err := reverseRegistrar.abi.Pack("claimWithResolver", owner, resolver)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaimWithResolver is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0f5a5466.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claimWithResolver(address owner, address resolver) returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) TryPackClaimWithResolver(owner common.Address, resolver common.Address) ([]byte, error) {
	return reverseRegistrar.abi.Pack("claimWithResolver", owner, resolver)
}

// UnpackClaimWithResolver is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x0f5a5466.
//
// Solidity: function claimWithResolver(address owner, address resolver) returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) UnpackClaimWithResolver(data []byte) ([32]byte, error) {
	out, err := reverseRegistrar.abi.Unpack("claimWithResolver", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackDefaultResolver is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x828eab0e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function defaultResolver() view returns(address)
func (reverseRegistrar *ReverseRegistrar) PackDefaultResolver() []byte {
	enc, err := reverseRegistrar.abi.Pack("defaultResolver")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDefaultResolver is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x828eab0e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function defaultResolver() view returns(address)
func (reverseRegistrar *ReverseRegistrar) TryPackDefaultResolver() ([]byte, error) {
	return reverseRegistrar.abi.Pack("defaultResolver")
}

// UnpackDefaultResolver is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x828eab0e.
//
// Solidity: function defaultResolver() view returns(address)
func (reverseRegistrar *ReverseRegistrar) UnpackDefaultResolver(data []byte) (common.Address, error) {
	out, err := reverseRegistrar.abi.Unpack("defaultResolver", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackEns is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3f15457f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ens() view returns(address)
func (reverseRegistrar *ReverseRegistrar) PackEns() []byte {
	enc, err := reverseRegistrar.abi.Pack("ens")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEns is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3f15457f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function ens() view returns(address)
func (reverseRegistrar *ReverseRegistrar) TryPackEns() ([]byte, error) {
	return reverseRegistrar.abi.Pack("ens")
}

// UnpackEns is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3f15457f.
//
// Solidity: function ens() view returns(address)
func (reverseRegistrar *ReverseRegistrar) UnpackEns(data []byte) (common.Address, error) {
	out, err := reverseRegistrar.abi.Unpack("ens", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackNode is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbffbe61c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function node(address addr) pure returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) PackNode(addr common.Address) []byte {
	enc, err := reverseRegistrar.abi.Pack("node", addr)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNode is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbffbe61c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function node(address addr) pure returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) TryPackNode(addr common.Address) ([]byte, error) {
	return reverseRegistrar.abi.Pack("node", addr)
}

// UnpackNode is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbffbe61c.
//
// Solidity: function node(address addr) pure returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) UnpackNode(data []byte) ([32]byte, error) {
	out, err := reverseRegistrar.abi.Unpack("node", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackSetName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc47f0027.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setName(string name) returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) PackSetName(name string) []byte {
	enc, err := reverseRegistrar.abi.Pack("setName", name)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc47f0027.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setName(string name) returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) TryPackSetName(name string) ([]byte, error) {
	return reverseRegistrar.abi.Pack("setName", name)
}

// UnpackSetName is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc47f0027.
//
// Solidity: function setName(string name) returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) UnpackSetName(data []byte) ([32]byte, error) {
	out, err := reverseRegistrar.abi.Unpack("setName", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackSha3HexAddress is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x27b752b8.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function sha3HexAddress(address addr) pure returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) PackSha3HexAddress(addr common.Address) []byte {
	enc, err := reverseRegistrar.abi.Pack("sha3HexAddress", addr)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSha3HexAddress is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x27b752b8.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function sha3HexAddress(address addr) pure returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) TryPackSha3HexAddress(addr common.Address) ([]byte, error) {
	return reverseRegistrar.abi.Pack("sha3HexAddress", addr)
}

// UnpackSha3HexAddress is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x27b752b8.
//
// Solidity: function sha3HexAddress(address addr) pure returns(bytes32)
func (reverseRegistrar *ReverseRegistrar) UnpackSha3HexAddress(data []byte) ([32]byte, error) {
	out, err := reverseRegistrar.abi.Unpack("sha3HexAddress", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// ReverseRegistrarReverseClaimed represents a ReverseClaimed event raised by the ReverseRegistrar contract.
type ReverseRegistrarReverseClaimed struct {
	Addr common.Address
	Node [32]byte
	Raw  *types.Log // Blockchain specific contextual infos
}

const ReverseRegistrarReverseClaimedEventName = "ReverseClaimed"

// ContractEventName returns the user-defined event name.
func (ReverseRegistrarReverseClaimed) ContractEventName() string {
	return ReverseRegistrarReverseClaimedEventName
}

// UnpackReverseClaimedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ReverseClaimed(address indexed addr, bytes32 indexed node)
func (reverseRegistrar *ReverseRegistrar) UnpackReverseClaimedEvent(log *types.Log) (*ReverseRegistrarReverseClaimed, error) {
	event := "ReverseClaimed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != reverseRegistrar.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ReverseRegistrarReverseClaimed)
	if len(log.Data) > 0 {
		if err := reverseRegistrar.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range reverseRegistrar.abi.Events[event].Inputs {
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
