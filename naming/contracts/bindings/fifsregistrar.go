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

// FIFSRegistrarMetaData contains all meta data concerning the FIFSRegistrar contract.
var FIFSRegistrarMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIENS\",\"name\":\"registry\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"label\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"Registered\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"ens\",\"outputs\":[{\"internalType\":\"contractIENS\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"label\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"register\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"label\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"resolver\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"addr\",\"type\":\"address\"}],\"name\":\"registerWithConfig\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"rootNode\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "FIFSRegistrar",
	Bin: "0x60c060405234801561000f575f5ffd5b506040516108a43803806108a483398101604081905261002e91610044565b6001600160a01b0390911660805260a05261007b565b5f5f60408385031215610055575f5ffd5b82516001600160a01b038116811461006b575f5ffd5b6020939093015192949293505050565b60805160a0516107c56100df5f395f818160bf0152818161012201528181610247015281816104d501526105f501525f818160530152818160f30152818161027c0152818161031701528181610402015281816104a6015261063401526107c55ff3fe608060405234801561000f575f5ffd5b506004361061004a575f3560e01c80633f15457f1461004e578063992a13a914610092578063d22057a9146100a7578063faff50a8146100ba575b5f5ffd5b6100757f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020015b60405180910390f35b6100a56100a0366004610701565b6100ef565b005b6100a56100b5366004610751565b6104a2565b6100e17f000000000000000000000000000000000000000000000000000000000000000081565b604051908152602001610089565b835f7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03166302571be37f00000000000000000000000000000000000000000000000000000000000000008460405160200161015c929190918252602082015260400190565b604051602081830303815290604052805190602001206040518263ffffffff1660e01b815260040161019091815260200190565b602060405180830381865afa1580156101ab573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906101cf919061077f565b90506001600160a01b03811615806101ef57506001600160a01b03811633145b6102385760405162461bcd60e51b81526020600482015260156024820152743932b3b4b9ba3930b91d103730b6b2903a30b5b2b760591b60448201526064015b60405180910390fd5b6040516306ab592360e01b81527f00000000000000000000000000000000000000000000000000000000000000006004820152602481018790523060448201525f907f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316906306ab5923906064016020604051808303815f875af11580156102ca573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906102ee91906107a1565b604051630c4b7b8560e11b8152600481018290526001600160a01b0387811660248301529192507f000000000000000000000000000000000000000000000000000000000000000090911690631896f70a906044015f604051808303815f87803b15801561035a575f5ffd5b505af115801561036c573d5f5f3e3d5ffd5b505050506001600160a01b038416156103dc5760405162d5fa2b60e81b8152600481018290526001600160a01b03858116602483015286169063d5fa2b00906044015f604051808303815f87803b1580156103c5575f5ffd5b505af11580156103d7573d5f5f3e3d5ffd5b505050505b604051635b0fc9c360e01b8152600481018290526001600160a01b0387811660248301527f00000000000000000000000000000000000000000000000000000000000000001690635b0fc9c3906044015f604051808303815f87803b158015610443575f5ffd5b505af1158015610455573d5f5f3e3d5ffd5b50506040516001600160a01b03891681528392508991507fd30600b462132c74cbca8b9f7045be9287840415789130d0c93b7f3a9338ae439060200160405180910390a350505050505050565b815f7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03166302571be37f00000000000000000000000000000000000000000000000000000000000000008460405160200161050f929190918252602082015260400190565b604051602081830303815290604052805190602001206040518263ffffffff1660e01b815260040161054391815260200190565b602060405180830381865afa15801561055e573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610582919061077f565b90506001600160a01b03811615806105a257506001600160a01b03811633145b6105e65760405162461bcd60e51b81526020600482015260156024820152743932b3b4b9ba3930b91d103730b6b2903a30b5b2b760591b604482015260640161022f565b6040516306ab592360e01b81527f00000000000000000000000000000000000000000000000000000000000000006004820152602481018590526001600160a01b0384811660448301525f917f0000000000000000000000000000000000000000000000000000000000000000909116906306ab5923906064016020604051808303815f875af115801561067c573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906106a091906107a1565b6040516001600160a01b0386168152909150819086907fd30600b462132c74cbca8b9f7045be9287840415789130d0c93b7f3a9338ae439060200160405180910390a35050505050565b6001600160a01b03811681146106fe575f5ffd5b50565b5f5f5f5f60808587031215610714575f5ffd5b843593506020850135610726816106ea565b92506040850135610736816106ea565b91506060850135610746816106ea565b939692955090935050565b5f5f60408385031215610762575f5ffd5b823591506020830135610774816106ea565b809150509250929050565b5f6020828403121561078f575f5ffd5b815161079a816106ea565b9392505050565b5f602082840312156107b1575f5ffd5b505191905056fea164736f6c6343000825000a",
}

// FIFSRegistrar is an auto generated Go binding around an Ethereum contract.
type FIFSRegistrar struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *FIFSRegistrar) GetABI() abi.ABI {
	return c.abi
}

// NewFIFSRegistrar creates a new instance of FIFSRegistrar.
func NewFIFSRegistrar() *FIFSRegistrar {
	parsed, err := FIFSRegistrarMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &FIFSRegistrar{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *FIFSRegistrar) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address registry, bytes32 node) returns()
func (fIFSRegistrar *FIFSRegistrar) PackConstructor(registry common.Address, node [32]byte) []byte {
	enc, err := fIFSRegistrar.abi.Pack("", registry, node)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackEns is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3f15457f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ens() view returns(address)
func (fIFSRegistrar *FIFSRegistrar) PackEns() []byte {
	enc, err := fIFSRegistrar.abi.Pack("ens")
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
func (fIFSRegistrar *FIFSRegistrar) TryPackEns() ([]byte, error) {
	return fIFSRegistrar.abi.Pack("ens")
}

// UnpackEns is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3f15457f.
//
// Solidity: function ens() view returns(address)
func (fIFSRegistrar *FIFSRegistrar) UnpackEns(data []byte) (common.Address, error) {
	out, err := fIFSRegistrar.abi.Unpack("ens", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd22057a9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function register(bytes32 label, address owner) returns()
func (fIFSRegistrar *FIFSRegistrar) PackRegister(label [32]byte, owner common.Address) []byte {
	enc, err := fIFSRegistrar.abi.Pack("register", label, owner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd22057a9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function register(bytes32 label, address owner) returns()
func (fIFSRegistrar *FIFSRegistrar) TryPackRegister(label [32]byte, owner common.Address) ([]byte, error) {
	return fIFSRegistrar.abi.Pack("register", label, owner)
}

// PackRegisterWithConfig is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x992a13a9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function registerWithConfig(bytes32 label, address owner, address resolver, address addr) returns()
func (fIFSRegistrar *FIFSRegistrar) PackRegisterWithConfig(label [32]byte, owner common.Address, resolver common.Address, addr common.Address) []byte {
	enc, err := fIFSRegistrar.abi.Pack("registerWithConfig", label, owner, resolver, addr)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegisterWithConfig is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x992a13a9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function registerWithConfig(bytes32 label, address owner, address resolver, address addr) returns()
func (fIFSRegistrar *FIFSRegistrar) TryPackRegisterWithConfig(label [32]byte, owner common.Address, resolver common.Address, addr common.Address) ([]byte, error) {
	return fIFSRegistrar.abi.Pack("registerWithConfig", label, owner, resolver, addr)
}

// PackRootNode is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfaff50a8.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function rootNode() view returns(bytes32)
func (fIFSRegistrar *FIFSRegistrar) PackRootNode() []byte {
	enc, err := fIFSRegistrar.abi.Pack("rootNode")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRootNode is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfaff50a8.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function rootNode() view returns(bytes32)
func (fIFSRegistrar *FIFSRegistrar) TryPackRootNode() ([]byte, error) {
	return fIFSRegistrar.abi.Pack("rootNode")
}

// UnpackRootNode is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xfaff50a8.
//
// Solidity: function rootNode() view returns(bytes32)
func (fIFSRegistrar *FIFSRegistrar) UnpackRootNode(data []byte) ([32]byte, error) {
	out, err := fIFSRegistrar.abi.Unpack("rootNode", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// FIFSRegistrarRegistered represents a Registered event raised by the FIFSRegistrar contract.
type FIFSRegistrarRegistered struct {
	Label [32]byte
	Node  [32]byte
	Owner common.Address
	Raw   *types.Log // Blockchain specific contextual infos
}

const FIFSRegistrarRegisteredEventName = "Registered"

// ContractEventName returns the user-defined event name.
func (FIFSRegistrarRegistered) ContractEventName() string {
	return FIFSRegistrarRegisteredEventName
}

// UnpackRegisteredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Registered(bytes32 indexed label, bytes32 indexed node, address owner)
func (fIFSRegistrar *FIFSRegistrar) UnpackRegisteredEvent(log *types.Log) (*FIFSRegistrarRegistered, error) {
	event := "Registered"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != fIFSRegistrar.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(FIFSRegistrarRegistered)
	if len(log.Data) > 0 {
		if err := fIFSRegistrar.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range fIFSRegistrar.abi.Events[event].Inputs {
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
