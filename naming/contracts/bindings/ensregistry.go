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

// ENSRegistryMetaData contains all meta data concerning the ENSRegistry contract.
var ENSRegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"approved\",\"type\":\"bool\"}],\"name\":\"ApprovalForAll\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"label\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"NewOwner\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"resolver\",\"type\":\"address\"}],\"name\":\"NewResolver\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"ttl\",\"type\":\"uint64\"}],\"name\":\"NewTTL\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"nodeOwner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"}],\"name\":\"isApprovedForAll\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"}],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"}],\"name\":\"recordExists\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"}],\"name\":\"resolver\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"approved\",\"type\":\"bool\"}],\"name\":\"setApprovalForAll\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"setOwner\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"newResolver\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"newTTL\",\"type\":\"uint64\"}],\"name\":\"setRecord\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"newResolver\",\"type\":\"address\"}],\"name\":\"setResolver\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"label\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"setSubnodeOwner\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"label\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"newResolver\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"newTTL\",\"type\":\"uint64\"}],\"name\":\"setSubnodeRecord\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"newTTL\",\"type\":\"uint64\"}],\"name\":\"setTTL\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"}],\"name\":\"ttl\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "ENSRegistry",
	Bin: "0x6080604052348015600e575f5ffd5b505f8080526020527fad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb580546001600160a01b031916331790556109b6806100545f395ff3fe608060405234801561000f575f5ffd5b50600436106100b1575f3560e01c80635b0fc9c31161006e5780635b0fc9c3146101a55780635ef2c7f0146101b8578063a22cb465146101cb578063cf408823146101de578063e985e9c5146101f1578063f79fe5381461023c575f5ffd5b80630178b8bf146100b557806302571be3146100fd57806306ab59231461011057806314ab90381461013157806316a25cbd146101465780631896f70a14610192575b5f5ffd5b6100e06100c33660046107b8565b5f908152602081905260409020600101546001600160a01b031690565b6040516001600160a01b0390911681526020015b60405180910390f35b6100e061010b3660046107b8565b610266565b61012361011e3660046107ea565b610292565b6040519081526020016100f4565b61014461013f366004610833565b610393565b005b6101796101543660046107b8565b5f90815260208190526040902060010154600160a01b900467ffffffffffffffff1690565b60405167ffffffffffffffff90911681526020016100f4565b6101446101a036600461085d565b61046d565b6101446101b336600461085d565b61052f565b6101446101c636600461087e565b6105ee565b6101446101d93660046108d1565b61060f565b6101446101ec36600461090a565b61067a565b61022c6101ff366004610954565b6001600160a01b039182165f90815260016020908152604080832093909416825291909152205460ff1690565b60405190151581526020016100f4565b61022c61024a3660046107b8565b5f908152602081905260409020546001600160a01b0316151590565b5f818152602081905260408120546001600160a01b031630810361028c57505f92915050565b92915050565b5f8381526020819052604081205484906001600160a01b0316338114806102db57506001600160a01b0381165f90815260016020908152604080832033845290915290205460ff165b6103005760405162461bcd60e51b81526004016102f79061097c565b60405180910390fd5b60408051602081018890529081018690525f9060600160408051808303601f1901815282825280516020918201205f8181528083529290922080546001600160a01b0319166001600160a01b038a169081179091558352909250879189917fce0457fe73731f824cc272376169235128c118b49d344817417c6d108d155e82910160405180910390a39695505050505050565b5f8281526020819052604090205482906001600160a01b0316338114806103dc57506001600160a01b0381165f90815260016020908152604080832033845290915290205460ff165b6103f85760405162461bcd60e51b81526004016102f79061097c565b5f8481526020818152604091829020600101805467ffffffffffffffff60a01b1916600160a01b67ffffffffffffffff881690810291909117909155915191825285917f1d4f9bbfc9cab89d66e1a1562f2233ccbf1308cb4f63de2ead5787adddb8fa6891015b60405180910390a250505050565b5f8281526020819052604090205482906001600160a01b0316338114806104b657506001600160a01b0381165f90815260016020908152604080832033845290915290205460ff165b6104d25760405162461bcd60e51b81526004016102f79061097c565b5f848152602081815260409182902060010180546001600160a01b0319166001600160a01b038716908117909155915191825285917f335721b01866dc23fbee8b6b2c7b1e14d6f05c28cd35a2c934239f94095602a0910161045f565b5f8281526020819052604090205482906001600160a01b03163381148061057857506001600160a01b0381165f90815260016020908152604080832033845290915290205460ff165b6105945760405162461bcd60e51b81526004016102f79061097c565b5f848152602081815260409182902080546001600160a01b0319166001600160a01b038716908117909155915191825285917fd4735d920b0f87494915f556dd9b54c8f309026070caea5c737245152564d266910161045f565b5f6105fa868686610292565b9050610607818484610695565b505050505050565b335f8181526001602090815260408083206001600160a01b03871680855290835292819020805460ff191686151590811790915590519081529192917f17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31910160405180910390a35050565b610684848461052f565b61068f848383610695565b50505050565b5f838152602081905260409020600101546001600160a01b03838116911614610719575f838152602081815260409182902060010180546001600160a01b0319166001600160a01b038616908117909155915191825284917f335721b01866dc23fbee8b6b2c7b1e14d6f05c28cd35a2c934239f94095602a0910160405180910390a25b5f8381526020819052604090206001015467ffffffffffffffff828116600160a01b90920416146107b3575f8381526020818152604091829020600101805467ffffffffffffffff60a01b1916600160a01b67ffffffffffffffff861690810291909117909155915191825284917f1d4f9bbfc9cab89d66e1a1562f2233ccbf1308cb4f63de2ead5787adddb8fa68910160405180910390a25b505050565b5f602082840312156107c8575f5ffd5b5035919050565b80356001600160a01b03811681146107e5575f5ffd5b919050565b5f5f5f606084860312156107fc575f5ffd5b8335925060208401359150610813604085016107cf565b90509250925092565b803567ffffffffffffffff811681146107e5575f5ffd5b5f5f60408385031215610844575f5ffd5b823591506108546020840161081c565b90509250929050565b5f5f6040838503121561086e575f5ffd5b82359150610854602084016107cf565b5f5f5f5f5f60a08688031215610892575f5ffd5b85359450602086013593506108a9604087016107cf565b92506108b7606087016107cf565b91506108c56080870161081c565b90509295509295909350565b5f5f604083850312156108e2575f5ffd5b6108eb836107cf565b9150602083013580151581146108ff575f5ffd5b809150509250929050565b5f5f5f5f6080858703121561091d575f5ffd5b8435935061092d602086016107cf565b925061093b604086016107cf565b91506109496060860161081c565b905092959194509250565b5f5f60408385031215610965575f5ffd5b61096e836107cf565b9150610854602084016107cf565b602080825260139082015272195b9cce881b9bdd08185d5d1a1bdc9a5cd959606a1b60408201526060019056fea164736f6c6343000825000a",
}

// ENSRegistry is an auto generated Go binding around an Ethereum contract.
type ENSRegistry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *ENSRegistry) GetABI() abi.ABI {
	return c.abi
}

// NewENSRegistry creates a new instance of ENSRegistry.
func NewENSRegistry() *ENSRegistry {
	parsed, err := ENSRegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &ENSRegistry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *ENSRegistry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackIsApprovedForAll is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe985e9c5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isApprovedForAll(address nodeOwner, address operator) view returns(bool)
func (eNSRegistry *ENSRegistry) PackIsApprovedForAll(nodeOwner common.Address, operator common.Address) []byte {
	enc, err := eNSRegistry.abi.Pack("isApprovedForAll", nodeOwner, operator)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsApprovedForAll is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe985e9c5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isApprovedForAll(address nodeOwner, address operator) view returns(bool)
func (eNSRegistry *ENSRegistry) TryPackIsApprovedForAll(nodeOwner common.Address, operator common.Address) ([]byte, error) {
	return eNSRegistry.abi.Pack("isApprovedForAll", nodeOwner, operator)
}

// UnpackIsApprovedForAll is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe985e9c5.
//
// Solidity: function isApprovedForAll(address nodeOwner, address operator) view returns(bool)
func (eNSRegistry *ENSRegistry) UnpackIsApprovedForAll(data []byte) (bool, error) {
	out, err := eNSRegistry.abi.Unpack("isApprovedForAll", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x02571be3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner(bytes32 node) view returns(address)
func (eNSRegistry *ENSRegistry) PackOwner(node [32]byte) []byte {
	enc, err := eNSRegistry.abi.Pack("owner", node)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x02571be3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner(bytes32 node) view returns(address)
func (eNSRegistry *ENSRegistry) TryPackOwner(node [32]byte) ([]byte, error) {
	return eNSRegistry.abi.Pack("owner", node)
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x02571be3.
//
// Solidity: function owner(bytes32 node) view returns(address)
func (eNSRegistry *ENSRegistry) UnpackOwner(data []byte) (common.Address, error) {
	out, err := eNSRegistry.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackRecordExists is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf79fe538.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function recordExists(bytes32 node) view returns(bool)
func (eNSRegistry *ENSRegistry) PackRecordExists(node [32]byte) []byte {
	enc, err := eNSRegistry.abi.Pack("recordExists", node)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRecordExists is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf79fe538.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function recordExists(bytes32 node) view returns(bool)
func (eNSRegistry *ENSRegistry) TryPackRecordExists(node [32]byte) ([]byte, error) {
	return eNSRegistry.abi.Pack("recordExists", node)
}

// UnpackRecordExists is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf79fe538.
//
// Solidity: function recordExists(bytes32 node) view returns(bool)
func (eNSRegistry *ENSRegistry) UnpackRecordExists(data []byte) (bool, error) {
	out, err := eNSRegistry.abi.Unpack("recordExists", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackResolver is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0178b8bf.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function resolver(bytes32 node) view returns(address)
func (eNSRegistry *ENSRegistry) PackResolver(node [32]byte) []byte {
	enc, err := eNSRegistry.abi.Pack("resolver", node)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackResolver is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0178b8bf.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function resolver(bytes32 node) view returns(address)
func (eNSRegistry *ENSRegistry) TryPackResolver(node [32]byte) ([]byte, error) {
	return eNSRegistry.abi.Pack("resolver", node)
}

// UnpackResolver is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x0178b8bf.
//
// Solidity: function resolver(bytes32 node) view returns(address)
func (eNSRegistry *ENSRegistry) UnpackResolver(data []byte) (common.Address, error) {
	out, err := eNSRegistry.abi.Unpack("resolver", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackSetApprovalForAll is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa22cb465.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setApprovalForAll(address operator, bool approved) returns()
func (eNSRegistry *ENSRegistry) PackSetApprovalForAll(operator common.Address, approved bool) []byte {
	enc, err := eNSRegistry.abi.Pack("setApprovalForAll", operator, approved)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetApprovalForAll is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa22cb465.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setApprovalForAll(address operator, bool approved) returns()
func (eNSRegistry *ENSRegistry) TryPackSetApprovalForAll(operator common.Address, approved bool) ([]byte, error) {
	return eNSRegistry.abi.Pack("setApprovalForAll", operator, approved)
}

// PackSetOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5b0fc9c3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setOwner(bytes32 node, address newOwner) returns()
func (eNSRegistry *ENSRegistry) PackSetOwner(node [32]byte, newOwner common.Address) []byte {
	enc, err := eNSRegistry.abi.Pack("setOwner", node, newOwner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5b0fc9c3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setOwner(bytes32 node, address newOwner) returns()
func (eNSRegistry *ENSRegistry) TryPackSetOwner(node [32]byte, newOwner common.Address) ([]byte, error) {
	return eNSRegistry.abi.Pack("setOwner", node, newOwner)
}

// PackSetRecord is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcf408823.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setRecord(bytes32 node, address newOwner, address newResolver, uint64 newTTL) returns()
func (eNSRegistry *ENSRegistry) PackSetRecord(node [32]byte, newOwner common.Address, newResolver common.Address, newTTL uint64) []byte {
	enc, err := eNSRegistry.abi.Pack("setRecord", node, newOwner, newResolver, newTTL)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetRecord is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcf408823.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setRecord(bytes32 node, address newOwner, address newResolver, uint64 newTTL) returns()
func (eNSRegistry *ENSRegistry) TryPackSetRecord(node [32]byte, newOwner common.Address, newResolver common.Address, newTTL uint64) ([]byte, error) {
	return eNSRegistry.abi.Pack("setRecord", node, newOwner, newResolver, newTTL)
}

// PackSetResolver is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1896f70a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setResolver(bytes32 node, address newResolver) returns()
func (eNSRegistry *ENSRegistry) PackSetResolver(node [32]byte, newResolver common.Address) []byte {
	enc, err := eNSRegistry.abi.Pack("setResolver", node, newResolver)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetResolver is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1896f70a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setResolver(bytes32 node, address newResolver) returns()
func (eNSRegistry *ENSRegistry) TryPackSetResolver(node [32]byte, newResolver common.Address) ([]byte, error) {
	return eNSRegistry.abi.Pack("setResolver", node, newResolver)
}

// PackSetSubnodeOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06ab5923.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setSubnodeOwner(bytes32 node, bytes32 label, address newOwner) returns(bytes32)
func (eNSRegistry *ENSRegistry) PackSetSubnodeOwner(node [32]byte, label [32]byte, newOwner common.Address) []byte {
	enc, err := eNSRegistry.abi.Pack("setSubnodeOwner", node, label, newOwner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetSubnodeOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06ab5923.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setSubnodeOwner(bytes32 node, bytes32 label, address newOwner) returns(bytes32)
func (eNSRegistry *ENSRegistry) TryPackSetSubnodeOwner(node [32]byte, label [32]byte, newOwner common.Address) ([]byte, error) {
	return eNSRegistry.abi.Pack("setSubnodeOwner", node, label, newOwner)
}

// UnpackSetSubnodeOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x06ab5923.
//
// Solidity: function setSubnodeOwner(bytes32 node, bytes32 label, address newOwner) returns(bytes32)
func (eNSRegistry *ENSRegistry) UnpackSetSubnodeOwner(data []byte) ([32]byte, error) {
	out, err := eNSRegistry.abi.Unpack("setSubnodeOwner", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackSetSubnodeRecord is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5ef2c7f0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setSubnodeRecord(bytes32 node, bytes32 label, address newOwner, address newResolver, uint64 newTTL) returns()
func (eNSRegistry *ENSRegistry) PackSetSubnodeRecord(node [32]byte, label [32]byte, newOwner common.Address, newResolver common.Address, newTTL uint64) []byte {
	enc, err := eNSRegistry.abi.Pack("setSubnodeRecord", node, label, newOwner, newResolver, newTTL)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetSubnodeRecord is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5ef2c7f0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setSubnodeRecord(bytes32 node, bytes32 label, address newOwner, address newResolver, uint64 newTTL) returns()
func (eNSRegistry *ENSRegistry) TryPackSetSubnodeRecord(node [32]byte, label [32]byte, newOwner common.Address, newResolver common.Address, newTTL uint64) ([]byte, error) {
	return eNSRegistry.abi.Pack("setSubnodeRecord", node, label, newOwner, newResolver, newTTL)
}

// PackSetTTL is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x14ab9038.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setTTL(bytes32 node, uint64 newTTL) returns()
func (eNSRegistry *ENSRegistry) PackSetTTL(node [32]byte, newTTL uint64) []byte {
	enc, err := eNSRegistry.abi.Pack("setTTL", node, newTTL)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetTTL is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x14ab9038.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setTTL(bytes32 node, uint64 newTTL) returns()
func (eNSRegistry *ENSRegistry) TryPackSetTTL(node [32]byte, newTTL uint64) ([]byte, error) {
	return eNSRegistry.abi.Pack("setTTL", node, newTTL)
}

// PackTtl is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x16a25cbd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ttl(bytes32 node) view returns(uint64)
func (eNSRegistry *ENSRegistry) PackTtl(node [32]byte) []byte {
	enc, err := eNSRegistry.abi.Pack("ttl", node)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTtl is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x16a25cbd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function ttl(bytes32 node) view returns(uint64)
func (eNSRegistry *ENSRegistry) TryPackTtl(node [32]byte) ([]byte, error) {
	return eNSRegistry.abi.Pack("ttl", node)
}

// UnpackTtl is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x16a25cbd.
//
// Solidity: function ttl(bytes32 node) view returns(uint64)
func (eNSRegistry *ENSRegistry) UnpackTtl(data []byte) (uint64, error) {
	out, err := eNSRegistry.abi.Unpack("ttl", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// ENSRegistryApprovalForAll represents a ApprovalForAll event raised by the ENSRegistry contract.
type ENSRegistryApprovalForAll struct {
	Owner    common.Address
	Operator common.Address
	Approved bool
	Raw      *types.Log // Blockchain specific contextual infos
}

const ENSRegistryApprovalForAllEventName = "ApprovalForAll"

// ContractEventName returns the user-defined event name.
func (ENSRegistryApprovalForAll) ContractEventName() string {
	return ENSRegistryApprovalForAllEventName
}

// UnpackApprovalForAllEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ApprovalForAll(address indexed owner, address indexed operator, bool approved)
func (eNSRegistry *ENSRegistry) UnpackApprovalForAllEvent(log *types.Log) (*ENSRegistryApprovalForAll, error) {
	event := "ApprovalForAll"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != eNSRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ENSRegistryApprovalForAll)
	if len(log.Data) > 0 {
		if err := eNSRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range eNSRegistry.abi.Events[event].Inputs {
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

// ENSRegistryNewOwner represents a NewOwner event raised by the ENSRegistry contract.
type ENSRegistryNewOwner struct {
	Node  [32]byte
	Label [32]byte
	Owner common.Address
	Raw   *types.Log // Blockchain specific contextual infos
}

const ENSRegistryNewOwnerEventName = "NewOwner"

// ContractEventName returns the user-defined event name.
func (ENSRegistryNewOwner) ContractEventName() string {
	return ENSRegistryNewOwnerEventName
}

// UnpackNewOwnerEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event NewOwner(bytes32 indexed node, bytes32 indexed label, address owner)
func (eNSRegistry *ENSRegistry) UnpackNewOwnerEvent(log *types.Log) (*ENSRegistryNewOwner, error) {
	event := "NewOwner"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != eNSRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ENSRegistryNewOwner)
	if len(log.Data) > 0 {
		if err := eNSRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range eNSRegistry.abi.Events[event].Inputs {
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

// ENSRegistryNewResolver represents a NewResolver event raised by the ENSRegistry contract.
type ENSRegistryNewResolver struct {
	Node     [32]byte
	Resolver common.Address
	Raw      *types.Log // Blockchain specific contextual infos
}

const ENSRegistryNewResolverEventName = "NewResolver"

// ContractEventName returns the user-defined event name.
func (ENSRegistryNewResolver) ContractEventName() string {
	return ENSRegistryNewResolverEventName
}

// UnpackNewResolverEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event NewResolver(bytes32 indexed node, address resolver)
func (eNSRegistry *ENSRegistry) UnpackNewResolverEvent(log *types.Log) (*ENSRegistryNewResolver, error) {
	event := "NewResolver"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != eNSRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ENSRegistryNewResolver)
	if len(log.Data) > 0 {
		if err := eNSRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range eNSRegistry.abi.Events[event].Inputs {
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

// ENSRegistryNewTTL represents a NewTTL event raised by the ENSRegistry contract.
type ENSRegistryNewTTL struct {
	Node [32]byte
	Ttl  uint64
	Raw  *types.Log // Blockchain specific contextual infos
}

const ENSRegistryNewTTLEventName = "NewTTL"

// ContractEventName returns the user-defined event name.
func (ENSRegistryNewTTL) ContractEventName() string {
	return ENSRegistryNewTTLEventName
}

// UnpackNewTTLEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event NewTTL(bytes32 indexed node, uint64 ttl)
func (eNSRegistry *ENSRegistry) UnpackNewTTLEvent(log *types.Log) (*ENSRegistryNewTTL, error) {
	event := "NewTTL"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != eNSRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ENSRegistryNewTTL)
	if len(log.Data) > 0 {
		if err := eNSRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range eNSRegistry.abi.Events[event].Inputs {
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

// ENSRegistryTransfer represents a Transfer event raised by the ENSRegistry contract.
type ENSRegistryTransfer struct {
	Node  [32]byte
	Owner common.Address
	Raw   *types.Log // Blockchain specific contextual infos
}

const ENSRegistryTransferEventName = "Transfer"

// ContractEventName returns the user-defined event name.
func (ENSRegistryTransfer) ContractEventName() string {
	return ENSRegistryTransferEventName
}

// UnpackTransferEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(bytes32 indexed node, address owner)
func (eNSRegistry *ENSRegistry) UnpackTransferEvent(log *types.Log) (*ENSRegistryTransfer, error) {
	event := "Transfer"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != eNSRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ENSRegistryTransfer)
	if len(log.Data) > 0 {
		if err := eNSRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range eNSRegistry.abi.Events[event].Inputs {
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
