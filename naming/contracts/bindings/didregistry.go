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

// DIDRegistryMetaData contains all meta data concerning the DIDRegistry contract.
var DIDRegistryMetaData = bind.MetaData{
	ABI: "[{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"name\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"value\",\"type\":\"bytes\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"validTo\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"previousChange\",\"type\":\"uint256\"}],\"name\":\"DIDAttributeChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"delegateType\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"delegate\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"validTo\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"previousChange\",\"type\":\"uint256\"}],\"name\":\"DIDDelegateChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"previousChange\",\"type\":\"uint256\"}],\"name\":\"DIDOwnerChanged\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"delegateType\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"delegate\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"validity\",\"type\":\"uint256\"}],\"name\":\"addDelegate\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"internalType\":\"uint8\",\"name\":\"sigV\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"sigR\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sigS\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"delegateType\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"delegate\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"validity\",\"type\":\"uint256\"}],\"name\":\"addDelegateSigned\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"changeOwner\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"internalType\":\"uint8\",\"name\":\"sigV\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"sigR\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sigS\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"changeOwnerSigned\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"changed\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"delegates\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"}],\"name\":\"identityOwner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"nonce\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"owners\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"name\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"value\",\"type\":\"bytes\"}],\"name\":\"revokeAttribute\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"internalType\":\"uint8\",\"name\":\"sigV\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"sigR\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sigS\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"name\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"value\",\"type\":\"bytes\"}],\"name\":\"revokeAttributeSigned\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"delegateType\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"delegate\",\"type\":\"address\"}],\"name\":\"revokeDelegate\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"internalType\":\"uint8\",\"name\":\"sigV\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"sigR\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sigS\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"delegateType\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"delegate\",\"type\":\"address\"}],\"name\":\"revokeDelegateSigned\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"name\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"value\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"validity\",\"type\":\"uint256\"}],\"name\":\"setAttribute\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"internalType\":\"uint8\",\"name\":\"sigV\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"sigR\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sigS\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"name\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"value\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"validity\",\"type\":\"uint256\"}],\"name\":\"setAttributeSigned\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"identity\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"delegateType\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"delegate\",\"type\":\"address\"}],\"name\":\"validDelegate\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "DIDRegistry",
	Bin: "0x6080604052348015600e575f5ffd5b506112528061001c5f395ff3fe608060405234801561000f575f5ffd5b50600436106100fa575f3560e01c806380b29f7c11610093578063a7068d6611610063578063a7068d66146102ab578063e476af5c146102be578063f00d4b5d146102d1578063f96d0f9f146102e4575f5ffd5b806380b29f7c1461025f5780638733d4e81461027257806393072684146102855780639c2c1b2b14610298575f5ffd5b8063240cf1fa116100ce578063240cf1fa146101a9578063622b2a3c146101bc57806370ae92d21461022d5780637ad4b0a41461024c575f5ffd5b8062c023da146100fe578063022914a7146101135780630d44625b14610158578063123b5e9814610196575b5f5ffd5b61011161010c366004610ced565b610303565b005b61013b610121366004610d40565b5f602081905290815260409020546001600160a01b031681565b6040516001600160a01b0390911681526020015b60405180910390f35b610188610166366004610d60565b600160209081525f938452604080852082529284528284209052825290205481565b60405190815260200161014f565b6101116101a4366004610da9565b610314565b6101116101b7366004610e2b565b61039e565b61021d6101ca366004610d60565b6001600160a01b039283165f908152600160209081526040808320815180840196909652815180870384018152958201825285519583019590952083529381528382209290941681529252902054421090565b604051901515815260200161014f565b61018861023b366004610d40565b60036020525f908152604090205481565b61011161025a366004610e7e565b610467565b61011161026d366004610d60565b61047a565b61013b610280366004610d40565b610486565b610111610293366004610ed9565b6104b4565b6101116102a6366004610f34565b610589565b6101116102b9366004610f9c565b61065e565b6101116102cc366004610fdd565b61066b565b6101116102df366004611052565b6106e8565b6101886102f2366004610d40565b60026020525f908152604090205481565b61030f833384846106f7565b505050565b5f601960f81b81306003826103288d610486565b6001600160a01b03166001600160a01b031681526020019081526020015f20548b88888860405160200161036398979695949392919061109a565b6040516020818303038152906040528051906020012090506103948861038c8a8a8a8a876107b1565b8686866108b6565b5050505050505050565b5f601960f81b81306003826103b28b610486565b6001600160a01b0316815260208082019290925260409081015f205481516001600160f81b0319968716818501529490951660218501526001600160601b0319606093841b8116602286015260368501959095528a831b851660568501526a31b430b733b2a7bbb732b960a91b606a8501529186901b909316607583015280516069818403018152608990920190528051910120905061045f8661045981888888876107b1565b8461097c565b505050505050565b61047484338585856108b6565b50505050565b61030f83338484610a42565b6001600160a01b038082165f90815260208190526040812054909116806104ae575090919050565b92915050565b5f601960f81b81306003826104c88c610486565b6001600160a01b0316815260208082019290925260409081015f205481516001600160f81b0319968716818501529490951660218501526001600160601b0319606093841b8116602286015260368501959095528b831b851660568501526d7265766f6b6544656c656761746560901b606a850152607884018890529186901b90931660988301528051608c81840301815260ac9092019052805191012090506105808761057981898989876107b1565b8585610a42565b50505050505050565b5f601960f81b813060038261059d8d610486565b6001600160a01b0316815260208082019290925260409081015f205490516001600160f81b031995861692810192909252929093166021840152606090811b6001600160601b0319908116602285015260368401929092528a811b821660568401526a61646444656c656761746560a81b606a8401526075830187905285901b16609582015260a9810183905260c901604051602081830303815290604052805190602001209050610394886106568a8a8a8a876107b1565b868686610b1f565b6104748433858585610b1f565b5f601960f81b813060038261067f8c610486565b6001600160a01b03166001600160a01b031681526020019081526020015f20548a87876040516020016106b89796959493929190611111565b604051602081830303815290604052805190602001209050610580876106e189898989876107b1565b85856106f7565b6106f382338361097c565b5050565b838361070282610486565b6001600160a01b0316816001600160a01b03161461073b5760405162461bcd60e51b815260040161073290611185565b60405180910390fd5b6001600160a01b0386165f818152600260205260408082205490517f18ab6b2ae3d64306c00ce663125f2bd680e441a098de1635bd7ad8b0d44965e492610787928992899291906111db565b60405180910390a25050506001600160a01b039092165f9081526002602052604090204390555050565b604080515f8082526020820180845284905260ff8716928201929092526060810185905260808101849052819060019060a0016020604051602081039080840390855afa158015610804573d5f5f3e3d5ffd5b5050604051601f1901519150506001600160a01b03811615801590610842575061082d87610486565b6001600160a01b0316816001600160a01b0316145b6108835760405162461bcd60e51b81526020600482015260126024820152716469643a20626164207369676e617475726560701b6044820152606401610732565b6001600160a01b0381165f9081526003602052604081208054916108a68361121a565b9091555090979650505050505050565b84846108c182610486565b6001600160a01b0316816001600160a01b0316146108f15760405162461bcd60e51b815260040161073290611185565b6001600160a01b0387167f18ab6b2ae3d64306c00ce663125f2bd680e441a098de1635bd7ad8b0d44965e486866109288742611232565b6001600160a01b038c165f908152600260205260409081902054905161095194939291906111db565b60405180910390a25050506001600160a01b039093165f908152600260205260409020439055505050565b828261098782610486565b6001600160a01b0316816001600160a01b0316146109b75760405162461bcd60e51b815260040161073290611185565b6001600160a01b038581165f8181526020818152604080832080546001600160a01b031916958916958617905560028252918290205482519485529084015290917f38a5a6e68f30ed1ab45860a4afb34bcb2fc00f22ca462d249b8a8d40cda6f7a3910160405180910390a2505050506001600160a01b03165f908152600260205260409020439055565b8383610a4d82610486565b6001600160a01b0316816001600160a01b031614610a7d5760405162461bcd60e51b815260040161073290611185565b6001600160a01b038681165f81815260016020908152604080832081518084018b90528251808203850181528184018085528151918601919091208652918452828520968a16808652968452828520429081905586865260029094529190932054928990526060810194909452608084015260a0830152907f5a5084339536bcab65f20799fcc58724588145ca054bd2be626174b27ba156f79060c001610787565b8484610b2a82610486565b6001600160a01b0316816001600160a01b031614610b5a5760405162461bcd60e51b815260040161073290611185565b5f610b658442611232565b6001600160a01b038981165f81815260016020908152604080832081518084018e90528251808203850181528184018085528151918601919091208652918452828520968d1680865296845282852088905585855260029093529281902054928c905260608201949094526080810185905260a08101919091529151929350917f5a5084339536bcab65f20799fcc58724588145ca054bd2be626174b27ba156f79181900360c00190a25050506001600160a01b039094165f90815260026020526040902043905550505050565b80356001600160a01b0381168114610c49575f5ffd5b919050565b634e487b7160e01b5f52604160045260245ffd5b5f82601f830112610c71575f5ffd5b813567ffffffffffffffff811115610c8b57610c8b610c4e565b604051601f8201601f19908116603f0116810167ffffffffffffffff81118282101715610cba57610cba610c4e565b604052818152838201602001851015610cd1575f5ffd5b816020850160208301375f918101602001919091529392505050565b5f5f5f60608486031215610cff575f5ffd5b610d0884610c33565b925060208401359150604084013567ffffffffffffffff811115610d2a575f5ffd5b610d3686828701610c62565b9150509250925092565b5f60208284031215610d50575f5ffd5b610d5982610c33565b9392505050565b5f5f5f60608486031215610d72575f5ffd5b610d7b84610c33565b925060208401359150610d9060408501610c33565b90509250925092565b803560ff81168114610c49575f5ffd5b5f5f5f5f5f5f5f60e0888a031215610dbf575f5ffd5b610dc888610c33565b9650610dd660208901610d99565b955060408801359450606088013593506080880135925060a088013567ffffffffffffffff811115610e06575f5ffd5b610e128a828b01610c62565b979a969950949793969295929450505060c09091013590565b5f5f5f5f5f60a08688031215610e3f575f5ffd5b610e4886610c33565b9450610e5660208701610d99565b93506040860135925060608601359150610e7260808701610c33565b90509295509295909350565b5f5f5f5f60808587031215610e91575f5ffd5b610e9a85610c33565b935060208501359250604085013567ffffffffffffffff811115610ebc575f5ffd5b610ec887828801610c62565b949793965093946060013593505050565b5f5f5f5f5f5f60c08789031215610eee575f5ffd5b610ef787610c33565b9550610f0560208801610d99565b9450604087013593506060870135925060808701359150610f2860a08801610c33565b90509295509295509295565b5f5f5f5f5f5f5f60e0888a031215610f4a575f5ffd5b610f5388610c33565b9650610f6160208901610d99565b9550604088013594506060880135935060808801359250610f8460a08901610c33565b96999598509396929591949193505060c09091013590565b5f5f5f5f60808587031215610faf575f5ffd5b610fb885610c33565b935060208501359250610fcd60408601610c33565b9396929550929360600135925050565b5f5f5f5f5f5f60c08789031215610ff2575f5ffd5b610ffb87610c33565b955061100960208801610d99565b945060408701359350606087013592506080870135915060a087013567ffffffffffffffff811115611039575f5ffd5b61104589828a01610c62565b9150509295509295509295565b5f5f60408385031215611063575f5ffd5b61106c83610c33565b915061107a60208401610c33565b90509250929050565b5f81518060208401855e5f93019283525090919050565b6001600160f81b03198981168252881660018201526001600160601b0319606088811b821660028401526016830188905286901b1660368201526b73657441747472696275746560a01b604a820152605681018490525f6110fe6076830185611083565b9283525050602001979650505050505050565b6001600160f81b03198881168252871660018201526001600160601b0319606087811b821660028401526016830187905285901b1660368201526e7265766f6b6541747472696275746560881b604a820152605981018390525f6111786079830184611083565b9998505050505050505050565b6020808252600e908201526d3234b21d103737ba1037bbb732b960911b604082015260600190565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b848152608060208201525f6111f360808301866111ad565b6040830194909452506060015292915050565b634e487b7160e01b5f52601160045260245ffd5b5f6001820161122b5761122b611206565b5060010190565b808201808211156104ae576104ae61120656fea164736f6c6343000825000a",
}

// DIDRegistry is an auto generated Go binding around an Ethereum contract.
type DIDRegistry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *DIDRegistry) GetABI() abi.ABI {
	return c.abi
}

// NewDIDRegistry creates a new instance of DIDRegistry.
func NewDIDRegistry() *DIDRegistry {
	parsed, err := DIDRegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &DIDRegistry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *DIDRegistry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackAddDelegate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa7068d66.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function addDelegate(address identity, bytes32 delegateType, address delegate, uint256 validity) returns()
func (dIDRegistry *DIDRegistry) PackAddDelegate(identity common.Address, delegateType [32]byte, delegate common.Address, validity *big.Int) []byte {
	enc, err := dIDRegistry.abi.Pack("addDelegate", identity, delegateType, delegate, validity)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAddDelegate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa7068d66.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function addDelegate(address identity, bytes32 delegateType, address delegate, uint256 validity) returns()
func (dIDRegistry *DIDRegistry) TryPackAddDelegate(identity common.Address, delegateType [32]byte, delegate common.Address, validity *big.Int) ([]byte, error) {
	return dIDRegistry.abi.Pack("addDelegate", identity, delegateType, delegate, validity)
}

// PackAddDelegateSigned is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9c2c1b2b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function addDelegateSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, bytes32 delegateType, address delegate, uint256 validity) returns()
func (dIDRegistry *DIDRegistry) PackAddDelegateSigned(identity common.Address, sigV uint8, sigR [32]byte, sigS [32]byte, delegateType [32]byte, delegate common.Address, validity *big.Int) []byte {
	enc, err := dIDRegistry.abi.Pack("addDelegateSigned", identity, sigV, sigR, sigS, delegateType, delegate, validity)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAddDelegateSigned is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9c2c1b2b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function addDelegateSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, bytes32 delegateType, address delegate, uint256 validity) returns()
func (dIDRegistry *DIDRegistry) TryPackAddDelegateSigned(identity common.Address, sigV uint8, sigR [32]byte, sigS [32]byte, delegateType [32]byte, delegate common.Address, validity *big.Int) ([]byte, error) {
	return dIDRegistry.abi.Pack("addDelegateSigned", identity, sigV, sigR, sigS, delegateType, delegate, validity)
}

// PackChangeOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf00d4b5d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function changeOwner(address identity, address newOwner) returns()
func (dIDRegistry *DIDRegistry) PackChangeOwner(identity common.Address, newOwner common.Address) []byte {
	enc, err := dIDRegistry.abi.Pack("changeOwner", identity, newOwner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackChangeOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf00d4b5d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function changeOwner(address identity, address newOwner) returns()
func (dIDRegistry *DIDRegistry) TryPackChangeOwner(identity common.Address, newOwner common.Address) ([]byte, error) {
	return dIDRegistry.abi.Pack("changeOwner", identity, newOwner)
}

// PackChangeOwnerSigned is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x240cf1fa.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function changeOwnerSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, address newOwner) returns()
func (dIDRegistry *DIDRegistry) PackChangeOwnerSigned(identity common.Address, sigV uint8, sigR [32]byte, sigS [32]byte, newOwner common.Address) []byte {
	enc, err := dIDRegistry.abi.Pack("changeOwnerSigned", identity, sigV, sigR, sigS, newOwner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackChangeOwnerSigned is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x240cf1fa.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function changeOwnerSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, address newOwner) returns()
func (dIDRegistry *DIDRegistry) TryPackChangeOwnerSigned(identity common.Address, sigV uint8, sigR [32]byte, sigS [32]byte, newOwner common.Address) ([]byte, error) {
	return dIDRegistry.abi.Pack("changeOwnerSigned", identity, sigV, sigR, sigS, newOwner)
}

// PackChanged is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf96d0f9f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function changed(address ) view returns(uint256)
func (dIDRegistry *DIDRegistry) PackChanged(arg0 common.Address) []byte {
	enc, err := dIDRegistry.abi.Pack("changed", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackChanged is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf96d0f9f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function changed(address ) view returns(uint256)
func (dIDRegistry *DIDRegistry) TryPackChanged(arg0 common.Address) ([]byte, error) {
	return dIDRegistry.abi.Pack("changed", arg0)
}

// UnpackChanged is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf96d0f9f.
//
// Solidity: function changed(address ) view returns(uint256)
func (dIDRegistry *DIDRegistry) UnpackChanged(data []byte) (*big.Int, error) {
	out, err := dIDRegistry.abi.Unpack("changed", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDelegates is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0d44625b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function delegates(address , bytes32 , address ) view returns(uint256)
func (dIDRegistry *DIDRegistry) PackDelegates(arg0 common.Address, arg1 [32]byte, arg2 common.Address) []byte {
	enc, err := dIDRegistry.abi.Pack("delegates", arg0, arg1, arg2)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDelegates is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0d44625b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function delegates(address , bytes32 , address ) view returns(uint256)
func (dIDRegistry *DIDRegistry) TryPackDelegates(arg0 common.Address, arg1 [32]byte, arg2 common.Address) ([]byte, error) {
	return dIDRegistry.abi.Pack("delegates", arg0, arg1, arg2)
}

// UnpackDelegates is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x0d44625b.
//
// Solidity: function delegates(address , bytes32 , address ) view returns(uint256)
func (dIDRegistry *DIDRegistry) UnpackDelegates(data []byte) (*big.Int, error) {
	out, err := dIDRegistry.abi.Unpack("delegates", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackIdentityOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8733d4e8.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function identityOwner(address identity) view returns(address)
func (dIDRegistry *DIDRegistry) PackIdentityOwner(identity common.Address) []byte {
	enc, err := dIDRegistry.abi.Pack("identityOwner", identity)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIdentityOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8733d4e8.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function identityOwner(address identity) view returns(address)
func (dIDRegistry *DIDRegistry) TryPackIdentityOwner(identity common.Address) ([]byte, error) {
	return dIDRegistry.abi.Pack("identityOwner", identity)
}

// UnpackIdentityOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8733d4e8.
//
// Solidity: function identityOwner(address identity) view returns(address)
func (dIDRegistry *DIDRegistry) UnpackIdentityOwner(data []byte) (common.Address, error) {
	out, err := dIDRegistry.abi.Unpack("identityOwner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackNonce is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70ae92d2.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function nonce(address ) view returns(uint256)
func (dIDRegistry *DIDRegistry) PackNonce(arg0 common.Address) []byte {
	enc, err := dIDRegistry.abi.Pack("nonce", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNonce is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70ae92d2.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function nonce(address ) view returns(uint256)
func (dIDRegistry *DIDRegistry) TryPackNonce(arg0 common.Address) ([]byte, error) {
	return dIDRegistry.abi.Pack("nonce", arg0)
}

// UnpackNonce is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x70ae92d2.
//
// Solidity: function nonce(address ) view returns(uint256)
func (dIDRegistry *DIDRegistry) UnpackNonce(data []byte) (*big.Int, error) {
	out, err := dIDRegistry.abi.Unpack("nonce", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackOwners is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x022914a7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owners(address ) view returns(address)
func (dIDRegistry *DIDRegistry) PackOwners(arg0 common.Address) []byte {
	enc, err := dIDRegistry.abi.Pack("owners", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwners is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x022914a7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owners(address ) view returns(address)
func (dIDRegistry *DIDRegistry) TryPackOwners(arg0 common.Address) ([]byte, error) {
	return dIDRegistry.abi.Pack("owners", arg0)
}

// UnpackOwners is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x022914a7.
//
// Solidity: function owners(address ) view returns(address)
func (dIDRegistry *DIDRegistry) UnpackOwners(data []byte) (common.Address, error) {
	out, err := dIDRegistry.abi.Unpack("owners", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackRevokeAttribute is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x00c023da.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revokeAttribute(address identity, bytes32 name, bytes value) returns()
func (dIDRegistry *DIDRegistry) PackRevokeAttribute(identity common.Address, name [32]byte, value []byte) []byte {
	enc, err := dIDRegistry.abi.Pack("revokeAttribute", identity, name, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevokeAttribute is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x00c023da.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revokeAttribute(address identity, bytes32 name, bytes value) returns()
func (dIDRegistry *DIDRegistry) TryPackRevokeAttribute(identity common.Address, name [32]byte, value []byte) ([]byte, error) {
	return dIDRegistry.abi.Pack("revokeAttribute", identity, name, value)
}

// PackRevokeAttributeSigned is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe476af5c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revokeAttributeSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, bytes32 name, bytes value) returns()
func (dIDRegistry *DIDRegistry) PackRevokeAttributeSigned(identity common.Address, sigV uint8, sigR [32]byte, sigS [32]byte, name [32]byte, value []byte) []byte {
	enc, err := dIDRegistry.abi.Pack("revokeAttributeSigned", identity, sigV, sigR, sigS, name, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevokeAttributeSigned is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe476af5c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revokeAttributeSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, bytes32 name, bytes value) returns()
func (dIDRegistry *DIDRegistry) TryPackRevokeAttributeSigned(identity common.Address, sigV uint8, sigR [32]byte, sigS [32]byte, name [32]byte, value []byte) ([]byte, error) {
	return dIDRegistry.abi.Pack("revokeAttributeSigned", identity, sigV, sigR, sigS, name, value)
}

// PackRevokeDelegate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x80b29f7c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revokeDelegate(address identity, bytes32 delegateType, address delegate) returns()
func (dIDRegistry *DIDRegistry) PackRevokeDelegate(identity common.Address, delegateType [32]byte, delegate common.Address) []byte {
	enc, err := dIDRegistry.abi.Pack("revokeDelegate", identity, delegateType, delegate)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevokeDelegate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x80b29f7c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revokeDelegate(address identity, bytes32 delegateType, address delegate) returns()
func (dIDRegistry *DIDRegistry) TryPackRevokeDelegate(identity common.Address, delegateType [32]byte, delegate common.Address) ([]byte, error) {
	return dIDRegistry.abi.Pack("revokeDelegate", identity, delegateType, delegate)
}

// PackRevokeDelegateSigned is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x93072684.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revokeDelegateSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, bytes32 delegateType, address delegate) returns()
func (dIDRegistry *DIDRegistry) PackRevokeDelegateSigned(identity common.Address, sigV uint8, sigR [32]byte, sigS [32]byte, delegateType [32]byte, delegate common.Address) []byte {
	enc, err := dIDRegistry.abi.Pack("revokeDelegateSigned", identity, sigV, sigR, sigS, delegateType, delegate)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevokeDelegateSigned is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x93072684.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revokeDelegateSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, bytes32 delegateType, address delegate) returns()
func (dIDRegistry *DIDRegistry) TryPackRevokeDelegateSigned(identity common.Address, sigV uint8, sigR [32]byte, sigS [32]byte, delegateType [32]byte, delegate common.Address) ([]byte, error) {
	return dIDRegistry.abi.Pack("revokeDelegateSigned", identity, sigV, sigR, sigS, delegateType, delegate)
}

// PackSetAttribute is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7ad4b0a4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setAttribute(address identity, bytes32 name, bytes value, uint256 validity) returns()
func (dIDRegistry *DIDRegistry) PackSetAttribute(identity common.Address, name [32]byte, value []byte, validity *big.Int) []byte {
	enc, err := dIDRegistry.abi.Pack("setAttribute", identity, name, value, validity)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetAttribute is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7ad4b0a4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setAttribute(address identity, bytes32 name, bytes value, uint256 validity) returns()
func (dIDRegistry *DIDRegistry) TryPackSetAttribute(identity common.Address, name [32]byte, value []byte, validity *big.Int) ([]byte, error) {
	return dIDRegistry.abi.Pack("setAttribute", identity, name, value, validity)
}

// PackSetAttributeSigned is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x123b5e98.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setAttributeSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, bytes32 name, bytes value, uint256 validity) returns()
func (dIDRegistry *DIDRegistry) PackSetAttributeSigned(identity common.Address, sigV uint8, sigR [32]byte, sigS [32]byte, name [32]byte, value []byte, validity *big.Int) []byte {
	enc, err := dIDRegistry.abi.Pack("setAttributeSigned", identity, sigV, sigR, sigS, name, value, validity)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetAttributeSigned is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x123b5e98.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setAttributeSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, bytes32 name, bytes value, uint256 validity) returns()
func (dIDRegistry *DIDRegistry) TryPackSetAttributeSigned(identity common.Address, sigV uint8, sigR [32]byte, sigS [32]byte, name [32]byte, value []byte, validity *big.Int) ([]byte, error) {
	return dIDRegistry.abi.Pack("setAttributeSigned", identity, sigV, sigR, sigS, name, value, validity)
}

// PackValidDelegate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x622b2a3c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function validDelegate(address identity, bytes32 delegateType, address delegate) view returns(bool)
func (dIDRegistry *DIDRegistry) PackValidDelegate(identity common.Address, delegateType [32]byte, delegate common.Address) []byte {
	enc, err := dIDRegistry.abi.Pack("validDelegate", identity, delegateType, delegate)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackValidDelegate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x622b2a3c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function validDelegate(address identity, bytes32 delegateType, address delegate) view returns(bool)
func (dIDRegistry *DIDRegistry) TryPackValidDelegate(identity common.Address, delegateType [32]byte, delegate common.Address) ([]byte, error) {
	return dIDRegistry.abi.Pack("validDelegate", identity, delegateType, delegate)
}

// UnpackValidDelegate is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x622b2a3c.
//
// Solidity: function validDelegate(address identity, bytes32 delegateType, address delegate) view returns(bool)
func (dIDRegistry *DIDRegistry) UnpackValidDelegate(data []byte) (bool, error) {
	out, err := dIDRegistry.abi.Unpack("validDelegate", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// DIDRegistryDIDAttributeChanged represents a DIDAttributeChanged event raised by the DIDRegistry contract.
type DIDRegistryDIDAttributeChanged struct {
	Identity       common.Address
	Name           [32]byte
	Value          []byte
	ValidTo        *big.Int
	PreviousChange *big.Int
	Raw            *types.Log // Blockchain specific contextual infos
}

const DIDRegistryDIDAttributeChangedEventName = "DIDAttributeChanged"

// ContractEventName returns the user-defined event name.
func (DIDRegistryDIDAttributeChanged) ContractEventName() string {
	return DIDRegistryDIDAttributeChangedEventName
}

// UnpackDIDAttributeChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event DIDAttributeChanged(address indexed identity, bytes32 name, bytes value, uint256 validTo, uint256 previousChange)
func (dIDRegistry *DIDRegistry) UnpackDIDAttributeChangedEvent(log *types.Log) (*DIDRegistryDIDAttributeChanged, error) {
	event := "DIDAttributeChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != dIDRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(DIDRegistryDIDAttributeChanged)
	if len(log.Data) > 0 {
		if err := dIDRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range dIDRegistry.abi.Events[event].Inputs {
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

// DIDRegistryDIDDelegateChanged represents a DIDDelegateChanged event raised by the DIDRegistry contract.
type DIDRegistryDIDDelegateChanged struct {
	Identity       common.Address
	DelegateType   [32]byte
	Delegate       common.Address
	ValidTo        *big.Int
	PreviousChange *big.Int
	Raw            *types.Log // Blockchain specific contextual infos
}

const DIDRegistryDIDDelegateChangedEventName = "DIDDelegateChanged"

// ContractEventName returns the user-defined event name.
func (DIDRegistryDIDDelegateChanged) ContractEventName() string {
	return DIDRegistryDIDDelegateChangedEventName
}

// UnpackDIDDelegateChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event DIDDelegateChanged(address indexed identity, bytes32 delegateType, address delegate, uint256 validTo, uint256 previousChange)
func (dIDRegistry *DIDRegistry) UnpackDIDDelegateChangedEvent(log *types.Log) (*DIDRegistryDIDDelegateChanged, error) {
	event := "DIDDelegateChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != dIDRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(DIDRegistryDIDDelegateChanged)
	if len(log.Data) > 0 {
		if err := dIDRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range dIDRegistry.abi.Events[event].Inputs {
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

// DIDRegistryDIDOwnerChanged represents a DIDOwnerChanged event raised by the DIDRegistry contract.
type DIDRegistryDIDOwnerChanged struct {
	Identity       common.Address
	Owner          common.Address
	PreviousChange *big.Int
	Raw            *types.Log // Blockchain specific contextual infos
}

const DIDRegistryDIDOwnerChangedEventName = "DIDOwnerChanged"

// ContractEventName returns the user-defined event name.
func (DIDRegistryDIDOwnerChanged) ContractEventName() string {
	return DIDRegistryDIDOwnerChangedEventName
}

// UnpackDIDOwnerChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event DIDOwnerChanged(address indexed identity, address owner, uint256 previousChange)
func (dIDRegistry *DIDRegistry) UnpackDIDOwnerChangedEvent(log *types.Log) (*DIDRegistryDIDOwnerChanged, error) {
	event := "DIDOwnerChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != dIDRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(DIDRegistryDIDOwnerChanged)
	if len(log.Data) > 0 {
		if err := dIDRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range dIDRegistry.abi.Events[event].Inputs {
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
