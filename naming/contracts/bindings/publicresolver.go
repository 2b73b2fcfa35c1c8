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

// PublicResolverMetaData contains all meta data concerning the PublicResolver contract.
var PublicResolverMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIENS\",\"name\":\"registry\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"a\",\"type\":\"address\"}],\"name\":\"AddrChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"coinType\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"newAddress\",\"type\":\"bytes\"}],\"name\":\"AddressChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"hash\",\"type\":\"bytes\"}],\"name\":\"ContenthashChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"}],\"name\":\"NameChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"string\",\"name\":\"indexedKey\",\"type\":\"string\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"key\",\"type\":\"string\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"value\",\"type\":\"string\"}],\"name\":\"TextChanged\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"}],\"name\":\"addr\",\"outputs\":[{\"internalType\":\"addresspayable\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"coinType\",\"type\":\"uint256\"}],\"name\":\"addr\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"}],\"name\":\"contenthash\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"ens\",\"outputs\":[{\"internalType\":\"contractIENS\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"name\":\"hasRecords\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"}],\"name\":\"isAuthorised\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"}],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes\",\"name\":\"dnsName\",\"type\":\"bytes\"},{\"internalType\":\"bytes\",\"name\":\"data\",\"type\":\"bytes\"}],\"name\":\"resolve\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"coinType\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"a\",\"type\":\"bytes\"}],\"name\":\"setAddr\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"a\",\"type\":\"address\"}],\"name\":\"setAddr\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"hash\",\"type\":\"bytes\"}],\"name\":\"setContenthash\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"internalType\":\"string\",\"name\":\"newName\",\"type\":\"string\"}],\"name\":\"setName\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"internalType\":\"string\",\"name\":\"key\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"value\",\"type\":\"string\"}],\"name\":\"setText\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes4\",\"name\":\"id\",\"type\":\"bytes4\"}],\"name\":\"supportsInterface\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"node\",\"type\":\"bytes32\"},{\"internalType\":\"string\",\"name\":\"key\",\"type\":\"string\"}],\"name\":\"text\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "PublicResolver",
	Bin: "0x60a0604052348015600e575f5ffd5b506040516117e83803806117e8833981016040819052602b91603b565b6001600160a01b03166080526066565b5f60208284031215604a575f5ffd5b81516001600160a01b0381168114605f575f5ffd5b9392505050565b60805161175c61008c5f395f81816101950152818161064f01526106f1015261175c5ff3fe608060405234801561000f575f5ffd5b50600436106100ef575f3560e01c80636404a386116100935780639061b923116100635780639061b92314610223578063bc1c58d114610236578063d5fa2b0014610249578063f1cb7e061461025c575f5ffd5b80636404a386146101d7578063691f3431146101ea57806377372213146101fd5780638b95dd7114610210575f5ffd5b8063304e6ade116100ce578063304e6ade146101525780633b3b57de146101655780633f15457f1461019057806359d1d43c146101b7575f5ffd5b806257745a146100f357806301ffc9a71461012a57806310f13a8c1461013d575b5f5ffd5b610115610101366004610fba565b60046020525f908152604090205460ff1681565b60405190151581526020015b60405180910390f35b610115610138366004610fd1565b61026f565b61015061014b36600461103c565b61032c565b005b6101506101603660046110b3565b61040f565b610178610173366004610fba565b6104a5565b6040516001600160a01b039091168152602001610121565b6101787f000000000000000000000000000000000000000000000000000000000000000081565b6101ca6101c53660046110b3565b61056c565b6040516101219190611128565b6101156101e5366004610fba565b61062d565b6101ca6101f8366004610fba565b610761565b61015061020b3660046110b3565b610800565b61015061021e36600461114e565b610871565b6101ca610231366004611210565b610922565b6101ca610244366004610fba565b610afb565b610150610257366004611291565b610b17565b6101ca61026a3660046112bf565b610b95565b5f6001600160e01b031982166301ffc9a760e01b148061029f57506001600160e01b03198216631d9dabef60e11b145b806102ba57506001600160e01b031982166378e5bf0360e11b145b806102d557506001600160e01b03198216631674750f60e21b145b806102f057506001600160e01b0319821663bc1c58d160e01b145b8061030b57506001600160e01b0319821663691f343160e01b145b8061032657506001600160e01b03198216639061b92360e01b145b92915050565b846103368161062d565b61035b5760405162461bcd60e51b8152600401610352906112df565b60405180910390fd5b828260015f8981526020019081526020015f20878760405161037e929190611316565b908152602001604051809103902091826103999291906113b4565b5084846040516103aa929190611316565b6040518091039020867f448bc014f1536726cf8d54ff3d6481ed3cbc683c2591ca204274009afa09b1a1878787876040516103e89493929190611496565b60405180910390a35f908152600460205260409020805460ff191660011790555050505050565b826104198161062d565b6104355760405162461bcd60e51b8152600401610352906112df565b5f84815260026020526040902061044d8385836113b4565b50837fe379c1624ed7e714cc0937528a32359d69d5281337765313dba4e081b72d757884846040516104809291906114c7565b60405180910390a25f908152600460205260409020805460ff19166001179055505050565b5f81815260208181526040808320603c8452909152812080548291906104ca90611325565b80601f01602080910402602001604051908101604052809291908181526020018280546104f690611325565b80156105415780601f1061051857610100808354040283529160200191610541565b820191905f5260205f20905b81548152906001019060200180831161052457829003601f168201915b50505050509050805160141461055957505f92915050565b610562816114e2565b60601c9392505050565b606060015f8581526020019081526020015f20838360405161058f929190611316565b908152602001604051809103902080546105a890611325565b80601f01602080910402602001604051908101604052809291908181526020018280546105d490611325565b801561061f5780601f106105f65761010080835404028352916020019161061f565b820191905f5260205f20905b81548152906001019060200180831161060257829003601f168201915b505050505090509392505050565b6040516302571be360e01b8152600481018290525f9081906001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016906302571be390602401602060405180830381865afa158015610694573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906106b89190611535565b90506001600160a01b03811633148061075a575060405163e985e9c560e01b81526001600160a01b0382811660048301523360248301527f0000000000000000000000000000000000000000000000000000000000000000169063e985e9c590604401602060405180830381865afa158015610736573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061075a9190611550565b9392505050565b5f81815260036020526040902080546060919061077d90611325565b80601f01602080910402602001604051908101604052809291908181526020018280546107a990611325565b80156107f45780601f106107cb576101008083540402835291602001916107f4565b820191905f5260205f20905b8154815290600101906020018083116107d757829003601f168201915b50505050509050919050565b8261080a8161062d565b6108265760405162461bcd60e51b8152600401610352906112df565b5f84815260036020526040902061083e8385836113b4565b50837fb7d29e911041e8d9b843369e890bcb72c9388692ba48b65ac54e7214c4c348f784846040516104809291906114c7565b8261087b8161062d565b6108975760405162461bcd60e51b8152600401610352906112df565b603c83036108fa57815115806108ae575081516014145b6108fa5760405162461bcd60e51b815260206004820152601960248201527f7265736f6c7665723a20626164206574682061646472657373000000000000006044820152606401610352565b610905848484610c3e565b5f908152600460205260409020805460ff19166001179055505050565b6060602482101561096c5760405162461bcd60e51b81526020600482015260146024820152731c995cdbdb1d995c8e881cda1bdc9d0818d85b1b60621b6044820152606401610352565b5f6109778686610d00565b90505f815f8151811061098c5761098c61156f565b6020908102919091018101515f818152600490925260409091205490915060ff16610a545760015b8251811015610a52575f8382815181106109d0576109d061156f565b60200260200101517f04994f67dc55b09e814ab7ffc8df3686b4afb2bb53e60eae97ef043fe03fb829604051602001610a13929190918252602082015260400190565b60408051601f1981840301815291815281516020928301205f818152600490935291205490915060ff1615610a49579150610a52565b506001016109b4565b505b5f8030610a64600483898b611583565b85610a728a6024818e611583565b604051602001610a869594939291906115aa565b60408051601f1981840301815290829052610aa0916115d0565b5f60405180830381855afa9150503d805f8114610ad8576040519150601f19603f3d011682016040523d82523d5f602084013e610add565b606091505b509150915081610aef57805160208201fd5b98975050505050505050565b5f81815260026020526040902080546060919061077d90611325565b81610b218161062d565b610b3d5760405162461bcd60e51b8152600401610352906112df565b6040516bffffffffffffffffffffffff19606084901b166020820152610b79908490603c90603401604051602081830303815290604052610c3e565b5f908152600460205260409020805460ff191660011790555050565b5f828152602081815260408083208484529091529020805460609190610bba90611325565b80601f0160208091040260200160405190810160405280929190818152602001828054610be690611325565b8015610c315780601f10610c0857610100808354040283529160200191610c31565b820191905f5260205f20905b815481529060010190602001808311610c1457829003601f168201915b5050505050905092915050565b827f65412581168e88a1e60c6459d7f44ae83ad0832e670826c05a4e2476b57af7528383604051610c709291906115e6565b60405180910390a2603c8203610cda57827f52d7d861f09ab3d26239d492e8968629f95e9e318cf0b73bfddc441522a15fd28251601414610cb1575f610cbe565b610cba836114e2565b60601c5b6040516001600160a01b03909116815260200160405180910390a25b5f838152602081815260408083208584529091529020610cfa82826115fe565b50505050565b60605f826001600160401b03811115610d1b57610d1b61113a565b604051908082528060200260200182016040528015610d44578160200160208202803683370190505b5090505f805b848110610d695760405162461bcd60e51b8152600401610352906116b8565b5f868683818110610d7c57610d7c61156f565b919091013560f81c9150505f819003610dbe5785610d9b8360016116fc565b14610db85760405162461bcd60e51b8152600401610352906116b8565b50610e38565b8581610dcb8460016116fc565b610dd591906116fc565b10610df25760405162461bcd60e51b8152600401610352906116b8565b818484610dfe8161170f565b955081518110610e1057610e1061156f565b6020908102919091010152610e268160016116fc565b610e3090836116fc565b915050610d4a565b610e438260016116fc565b6001600160401b03811115610e5a57610e5a61113a565b604051908082528060200260200182016040528015610e83578160200160208202803683370190505b5093505f5f5f1b905080858481518110610e9f57610e9f61156f565b6020908102919091010152825b8015610faf575f85610ebf600184611727565b81518110610ecf57610ecf61156f565b602002602001015190505f898983818110610eec57610eec61156f565b919091013560f81c91508490508a8a610f068560016116fc565b9084610f138760016116fc565b610f1d91906116fc565b92610f2a93929190611583565b604051610f38929190611316565b604051908190038120610f579291602001918252602082015260400190565b6040516020818303038152906040528051906020012093508388600185610f7e9190611727565b81518110610f8e57610f8e61156f565b60200260200101818152505050508080610fa79061173a565b915050610eac565b505050505092915050565b5f60208284031215610fca575f5ffd5b5035919050565b5f60208284031215610fe1575f5ffd5b81356001600160e01b03198116811461075a575f5ffd5b5f5f83601f840112611008575f5ffd5b5081356001600160401b0381111561101e575f5ffd5b602083019150836020828501011115611035575f5ffd5b9250929050565b5f5f5f5f5f60608688031215611050575f5ffd5b8535945060208601356001600160401b0381111561106c575f5ffd5b61107888828901610ff8565b90955093505060408601356001600160401b03811115611096575f5ffd5b6110a288828901610ff8565b969995985093965092949392505050565b5f5f5f604084860312156110c5575f5ffd5b8335925060208401356001600160401b038111156110e1575f5ffd5b6110ed86828701610ff8565b9497909650939450505050565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b602081525f61075a60208301846110fa565b634e487b7160e01b5f52604160045260245ffd5b5f5f5f60608486031215611160575f5ffd5b833592506020840135915060408401356001600160401b03811115611183575f5ffd5b8401601f81018613611193575f5ffd5b80356001600160401b038111156111ac576111ac61113a565b604051601f8201601f19908116603f011681016001600160401b03811182821017156111da576111da61113a565b6040528181528282016020018810156111f1575f5ffd5b816020840160208301375f602083830101528093505050509250925092565b5f5f5f5f60408587031215611223575f5ffd5b84356001600160401b03811115611238575f5ffd5b61124487828801610ff8565b90955093505060208501356001600160401b03811115611262575f5ffd5b61126e87828801610ff8565b95989497509550505050565b6001600160a01b038116811461128e575f5ffd5b50565b5f5f604083850312156112a2575f5ffd5b8235915060208301356112b48161127a565b809150509250929050565b5f5f604083850312156112d0575f5ffd5b50508035926020909101359150565b60208082526018908201527f7265736f6c7665723a206e6f7420617574686f72697365640000000000000000604082015260600190565b818382375f9101908152919050565b600181811c9082168061133957607f821691505b60208210810361135757634e487b7160e01b5f52602260045260245ffd5b50919050565b601f8211156113af57828211156113af57805f5260205f20601f840160051c602085101561138857505f5b90810190601f840160051c035f5b818110156113ab575f83820155600101611396565b5050505b505050565b6001600160401b038311156113cb576113cb61113a565b6113df836113d98354611325565b8361135d565b5f601f841160018114611410575f85156113f95750838201355b5f19600387901b1c1916600186901b178355611467565b5f83815260208120601f198716915b8281101561143f578685013582556020948501946001909201910161141f565b508682101561145b575f1960f88860031b161c19848701351681555b505060018560011b0183555b5050505050565b81835281816020850137505f828201602090810191909152601f909101601f19169091010190565b604081525f6114a960408301868861146e565b82810360208401526114bc81858761146e565b979650505050505050565b602081525f6114da60208301848661146e565b949350505050565b805160208201516bffffffffffffffffffffffff1981169190601482101561152e576bffffffffffffffffffffffff196bffffffffffffffffffffffff198360140360031b1b82161692505b5050919050565b5f60208284031215611545575f5ffd5b815161075a8161127a565b5f60208284031215611560575f5ffd5b8151801515811461075a575f5ffd5b634e487b7160e01b5f52603260045260245ffd5b5f5f85851115611591575f5ffd5b8386111561159d575f5ffd5b5050820193919092039150565b848682375f858201858152838560208301375f9301602001928352509095945050505050565b5f82518060208501845e5f920191825250919050565b828152604060208201525f6114da60408301846110fa565b81516001600160401b038111156116175761161761113a565b61162b816116258454611325565b8461135d565b6020601f82116001811461165d575f83156116465750848201515b5f19600385901b1c1916600184901b178455611467565b5f84815260208120601f198516915b8281101561168c578785015182556020948501946001909201910161166c565b50848210156116a957868401515f19600387901b60f8161c191681555b50505050600190811b01905550565b6020808252601690820152757265736f6c7665723a2062616420646e73206e616d6560501b604082015260600190565b634e487b7160e01b5f52601160045260245ffd5b80820180821115610326576103266116e8565b5f60018201611720576117206116e8565b5060010190565b81810381811115610326576103266116e8565b5f81611748576117486116e8565b505f19019056fea164736f6c6343000825000a",
}

// PublicResolver is an auto generated Go binding around an Ethereum contract.
type PublicResolver struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *PublicResolver) GetABI() abi.ABI {
	return c.abi
}

// NewPublicResolver creates a new instance of PublicResolver.
func NewPublicResolver() *PublicResolver {
	parsed, err := PublicResolverMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &PublicResolver{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *PublicResolver) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address registry) returns()
func (publicResolver *PublicResolver) PackConstructor(registry common.Address) []byte {
	enc, err := publicResolver.abi.Pack("", registry)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackAddr is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3b3b57de.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function addr(bytes32 node) view returns(address)
func (publicResolver *PublicResolver) PackAddr(node [32]byte) []byte {
	enc, err := publicResolver.abi.Pack("addr", node)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAddr is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3b3b57de.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function addr(bytes32 node) view returns(address)
func (publicResolver *PublicResolver) TryPackAddr(node [32]byte) ([]byte, error) {
	return publicResolver.abi.Pack("addr", node)
}

// UnpackAddr is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3b3b57de.
//
// Solidity: function addr(bytes32 node) view returns(address)
func (publicResolver *PublicResolver) UnpackAddr(data []byte) (common.Address, error) {
	out, err := publicResolver.abi.Unpack("addr", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackAddr0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf1cb7e06.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function addr(bytes32 node, uint256 coinType) view returns(bytes)
func (publicResolver *PublicResolver) PackAddr0(node [32]byte, coinType *big.Int) []byte {
	enc, err := publicResolver.abi.Pack("addr0", node, coinType)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAddr0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf1cb7e06.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function addr(bytes32 node, uint256 coinType) view returns(bytes)
func (publicResolver *PublicResolver) TryPackAddr0(node [32]byte, coinType *big.Int) ([]byte, error) {
	return publicResolver.abi.Pack("addr0", node, coinType)
}

// UnpackAddr0 is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf1cb7e06.
//
// Solidity: function addr(bytes32 node, uint256 coinType) view returns(bytes)
func (publicResolver *PublicResolver) UnpackAddr0(data []byte) ([]byte, error) {
	out, err := publicResolver.abi.Unpack("addr0", data)
	if err != nil {
		return *new([]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([]byte)).(*[]byte)
	return out0, nil
}

// PackContenthash is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbc1c58d1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function contenthash(bytes32 node) view returns(bytes)
func (publicResolver *PublicResolver) PackContenthash(node [32]byte) []byte {
	enc, err := publicResolver.abi.Pack("contenthash", node)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackContenthash is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbc1c58d1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function contenthash(bytes32 node) view returns(bytes)
func (publicResolver *PublicResolver) TryPackContenthash(node [32]byte) ([]byte, error) {
	return publicResolver.abi.Pack("contenthash", node)
}

// UnpackContenthash is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbc1c58d1.
//
// Solidity: function contenthash(bytes32 node) view returns(bytes)
func (publicResolver *PublicResolver) UnpackContenthash(data []byte) ([]byte, error) {
	out, err := publicResolver.abi.Unpack("contenthash", data)
	if err != nil {
		return *new([]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([]byte)).(*[]byte)
	return out0, nil
}

// PackEns is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3f15457f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ens() view returns(address)
func (publicResolver *PublicResolver) PackEns() []byte {
	enc, err := publicResolver.abi.Pack("ens")
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
func (publicResolver *PublicResolver) TryPackEns() ([]byte, error) {
	return publicResolver.abi.Pack("ens")
}

// UnpackEns is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3f15457f.
//
// Solidity: function ens() view returns(address)
func (publicResolver *PublicResolver) UnpackEns(data []byte) (common.Address, error) {
	out, err := publicResolver.abi.Unpack("ens", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackHasRecords is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0057745a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hasRecords(bytes32 ) view returns(bool)
func (publicResolver *PublicResolver) PackHasRecords(arg0 [32]byte) []byte {
	enc, err := publicResolver.abi.Pack("hasRecords", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHasRecords is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0057745a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hasRecords(bytes32 ) view returns(bool)
func (publicResolver *PublicResolver) TryPackHasRecords(arg0 [32]byte) ([]byte, error) {
	return publicResolver.abi.Pack("hasRecords", arg0)
}

// UnpackHasRecords is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x0057745a.
//
// Solidity: function hasRecords(bytes32 ) view returns(bool)
func (publicResolver *PublicResolver) UnpackHasRecords(data []byte) (bool, error) {
	out, err := publicResolver.abi.Unpack("hasRecords", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackIsAuthorised is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6404a386.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isAuthorised(bytes32 node) view returns(bool)
func (publicResolver *PublicResolver) PackIsAuthorised(node [32]byte) []byte {
	enc, err := publicResolver.abi.Pack("isAuthorised", node)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsAuthorised is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6404a386.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isAuthorised(bytes32 node) view returns(bool)
func (publicResolver *PublicResolver) TryPackIsAuthorised(node [32]byte) ([]byte, error) {
	return publicResolver.abi.Pack("isAuthorised", node)
}

// UnpackIsAuthorised is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x6404a386.
//
// Solidity: function isAuthorised(bytes32 node) view returns(bool)
func (publicResolver *PublicResolver) UnpackIsAuthorised(data []byte) (bool, error) {
	out, err := publicResolver.abi.Unpack("isAuthorised", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x691f3431.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function name(bytes32 node) view returns(string)
func (publicResolver *PublicResolver) PackName(node [32]byte) []byte {
	enc, err := publicResolver.abi.Pack("name", node)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x691f3431.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function name(bytes32 node) view returns(string)
func (publicResolver *PublicResolver) TryPackName(node [32]byte) ([]byte, error) {
	return publicResolver.abi.Pack("name", node)
}

// UnpackName is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x691f3431.
//
// Solidity: function name(bytes32 node) view returns(string)
func (publicResolver *PublicResolver) UnpackName(data []byte) (string, error) {
	out, err := publicResolver.abi.Unpack("name", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackResolve is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9061b923.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function resolve(bytes dnsName, bytes data) view returns(bytes)
func (publicResolver *PublicResolver) PackResolve(dnsName []byte, data []byte) []byte {
	enc, err := publicResolver.abi.Pack("resolve", dnsName, data)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackResolve is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9061b923.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function resolve(bytes dnsName, bytes data) view returns(bytes)
func (publicResolver *PublicResolver) TryPackResolve(dnsName []byte, data []byte) ([]byte, error) {
	return publicResolver.abi.Pack("resolve", dnsName, data)
}

// UnpackResolve is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9061b923.
//
// Solidity: function resolve(bytes dnsName, bytes data) view returns(bytes)
func (publicResolver *PublicResolver) UnpackResolve(data []byte) ([]byte, error) {
	out, err := publicResolver.abi.Unpack("resolve", data)
	if err != nil {
		return *new([]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([]byte)).(*[]byte)
	return out0, nil
}

// PackSetAddr is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8b95dd71.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setAddr(bytes32 node, uint256 coinType, bytes a) returns()
func (publicResolver *PublicResolver) PackSetAddr(node [32]byte, coinType *big.Int, a []byte) []byte {
	enc, err := publicResolver.abi.Pack("setAddr", node, coinType, a)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetAddr is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8b95dd71.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setAddr(bytes32 node, uint256 coinType, bytes a) returns()
func (publicResolver *PublicResolver) TryPackSetAddr(node [32]byte, coinType *big.Int, a []byte) ([]byte, error) {
	return publicResolver.abi.Pack("setAddr", node, coinType, a)
}

// PackSetAddr0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd5fa2b00.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setAddr(bytes32 node, address a) returns()
func (publicResolver *PublicResolver) PackSetAddr0(node [32]byte, a common.Address) []byte {
	enc, err := publicResolver.abi.Pack("setAddr0", node, a)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetAddr0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd5fa2b00.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setAddr(bytes32 node, address a) returns()
func (publicResolver *PublicResolver) TryPackSetAddr0(node [32]byte, a common.Address) ([]byte, error) {
	return publicResolver.abi.Pack("setAddr0", node, a)
}

// PackSetContenthash is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x304e6ade.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setContenthash(bytes32 node, bytes hash) returns()
func (publicResolver *PublicResolver) PackSetContenthash(node [32]byte, hash []byte) []byte {
	enc, err := publicResolver.abi.Pack("setContenthash", node, hash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetContenthash is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x304e6ade.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setContenthash(bytes32 node, bytes hash) returns()
func (publicResolver *PublicResolver) TryPackSetContenthash(node [32]byte, hash []byte) ([]byte, error) {
	return publicResolver.abi.Pack("setContenthash", node, hash)
}

// PackSetName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x77372213.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setName(bytes32 node, string newName) returns()
func (publicResolver *PublicResolver) PackSetName(node [32]byte, newName string) []byte {
	enc, err := publicResolver.abi.Pack("setName", node, newName)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x77372213.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setName(bytes32 node, string newName) returns()
func (publicResolver *PublicResolver) TryPackSetName(node [32]byte, newName string) ([]byte, error) {
	return publicResolver.abi.Pack("setName", node, newName)
}

// PackSetText is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x10f13a8c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setText(bytes32 node, string key, string value) returns()
func (publicResolver *PublicResolver) PackSetText(node [32]byte, key string, value string) []byte {
	enc, err := publicResolver.abi.Pack("setText", node, key, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetText is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x10f13a8c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setText(bytes32 node, string key, string value) returns()
func (publicResolver *PublicResolver) TryPackSetText(node [32]byte, key string, value string) ([]byte, error) {
	return publicResolver.abi.Pack("setText", node, key, value)
}

// PackSupportsInterface is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01ffc9a7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function supportsInterface(bytes4 id) pure returns(bool)
func (publicResolver *PublicResolver) PackSupportsInterface(id [4]byte) []byte {
	enc, err := publicResolver.abi.Pack("supportsInterface", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSupportsInterface is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01ffc9a7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function supportsInterface(bytes4 id) pure returns(bool)
func (publicResolver *PublicResolver) TryPackSupportsInterface(id [4]byte) ([]byte, error) {
	return publicResolver.abi.Pack("supportsInterface", id)
}

// UnpackSupportsInterface is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x01ffc9a7.
//
// Solidity: function supportsInterface(bytes4 id) pure returns(bool)
func (publicResolver *PublicResolver) UnpackSupportsInterface(data []byte) (bool, error) {
	out, err := publicResolver.abi.Unpack("supportsInterface", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackText is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x59d1d43c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function text(bytes32 node, string key) view returns(string)
func (publicResolver *PublicResolver) PackText(node [32]byte, key string) []byte {
	enc, err := publicResolver.abi.Pack("text", node, key)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackText is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x59d1d43c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function text(bytes32 node, string key) view returns(string)
func (publicResolver *PublicResolver) TryPackText(node [32]byte, key string) ([]byte, error) {
	return publicResolver.abi.Pack("text", node, key)
}

// UnpackText is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x59d1d43c.
//
// Solidity: function text(bytes32 node, string key) view returns(string)
func (publicResolver *PublicResolver) UnpackText(data []byte) (string, error) {
	out, err := publicResolver.abi.Unpack("text", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PublicResolverAddrChanged represents a AddrChanged event raised by the PublicResolver contract.
type PublicResolverAddrChanged struct {
	Node [32]byte
	A    common.Address
	Raw  *types.Log // Blockchain specific contextual infos
}

const PublicResolverAddrChangedEventName = "AddrChanged"

// ContractEventName returns the user-defined event name.
func (PublicResolverAddrChanged) ContractEventName() string {
	return PublicResolverAddrChangedEventName
}

// UnpackAddrChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event AddrChanged(bytes32 indexed node, address a)
func (publicResolver *PublicResolver) UnpackAddrChangedEvent(log *types.Log) (*PublicResolverAddrChanged, error) {
	event := "AddrChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != publicResolver.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PublicResolverAddrChanged)
	if len(log.Data) > 0 {
		if err := publicResolver.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range publicResolver.abi.Events[event].Inputs {
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

// PublicResolverAddressChanged represents a AddressChanged event raised by the PublicResolver contract.
type PublicResolverAddressChanged struct {
	Node       [32]byte
	CoinType   *big.Int
	NewAddress []byte
	Raw        *types.Log // Blockchain specific contextual infos
}

const PublicResolverAddressChangedEventName = "AddressChanged"

// ContractEventName returns the user-defined event name.
func (PublicResolverAddressChanged) ContractEventName() string {
	return PublicResolverAddressChangedEventName
}

// UnpackAddressChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event AddressChanged(bytes32 indexed node, uint256 coinType, bytes newAddress)
func (publicResolver *PublicResolver) UnpackAddressChangedEvent(log *types.Log) (*PublicResolverAddressChanged, error) {
	event := "AddressChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != publicResolver.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PublicResolverAddressChanged)
	if len(log.Data) > 0 {
		if err := publicResolver.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range publicResolver.abi.Events[event].Inputs {
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

// PublicResolverContenthashChanged represents a ContenthashChanged event raised by the PublicResolver contract.
type PublicResolverContenthashChanged struct {
	Node [32]byte
	Hash []byte
	Raw  *types.Log // Blockchain specific contextual infos
}

const PublicResolverContenthashChangedEventName = "ContenthashChanged"

// ContractEventName returns the user-defined event name.
func (PublicResolverContenthashChanged) ContractEventName() string {
	return PublicResolverContenthashChangedEventName
}

// UnpackContenthashChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ContenthashChanged(bytes32 indexed node, bytes hash)
func (publicResolver *PublicResolver) UnpackContenthashChangedEvent(log *types.Log) (*PublicResolverContenthashChanged, error) {
	event := "ContenthashChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != publicResolver.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PublicResolverContenthashChanged)
	if len(log.Data) > 0 {
		if err := publicResolver.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range publicResolver.abi.Events[event].Inputs {
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

// PublicResolverNameChanged represents a NameChanged event raised by the PublicResolver contract.
type PublicResolverNameChanged struct {
	Node [32]byte
	Name string
	Raw  *types.Log // Blockchain specific contextual infos
}

const PublicResolverNameChangedEventName = "NameChanged"

// ContractEventName returns the user-defined event name.
func (PublicResolverNameChanged) ContractEventName() string {
	return PublicResolverNameChangedEventName
}

// UnpackNameChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event NameChanged(bytes32 indexed node, string name)
func (publicResolver *PublicResolver) UnpackNameChangedEvent(log *types.Log) (*PublicResolverNameChanged, error) {
	event := "NameChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != publicResolver.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PublicResolverNameChanged)
	if len(log.Data) > 0 {
		if err := publicResolver.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range publicResolver.abi.Events[event].Inputs {
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

// PublicResolverTextChanged represents a TextChanged event raised by the PublicResolver contract.
type PublicResolverTextChanged struct {
	Node       [32]byte
	IndexedKey common.Hash
	Key        string
	Value      string
	Raw        *types.Log // Blockchain specific contextual infos
}

const PublicResolverTextChangedEventName = "TextChanged"

// ContractEventName returns the user-defined event name.
func (PublicResolverTextChanged) ContractEventName() string {
	return PublicResolverTextChangedEventName
}

// UnpackTextChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event TextChanged(bytes32 indexed node, string indexed indexedKey, string key, string value)
func (publicResolver *PublicResolver) UnpackTextChangedEvent(log *types.Log) (*PublicResolverTextChanged, error) {
	event := "TextChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != publicResolver.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PublicResolverTextChanged)
	if len(log.Data) > 0 {
		if err := publicResolver.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range publicResolver.abi.Events[event].Inputs {
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
