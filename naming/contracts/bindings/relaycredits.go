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
	ABI: "[{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"unstakeDelay_\",\"type\":\"uint64\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"edge\",\"type\":\"address\"}],\"name\":\"AlreadyClaimed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"}],\"name\":\"AlreadyCommitted\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"edge\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"BadProof\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"}],\"name\":\"NotCommitted\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotGuardian\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotOwner\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"}],\"name\":\"OverTotal\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"}],\"name\":\"StakeLocked\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"asked\",\"type\":\"uint256\"}],\"name\":\"StakeTooLow\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sent\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"}],\"name\":\"WrongFunding\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"edge\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Claimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"guardian\",\"type\":\"address\"}],\"name\":\"Committed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"guardian\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"allowed\",\"type\":\"bool\"}],\"name\":\"GuardianSet\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"wallet\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"StakeWithdrawn\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"wallet\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"}],\"name\":\"Staked\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"wallet\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"}],\"name\":\"Unstaked\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"edge\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"balances\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"edge\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"bytes32[]\",\"name\":\"proof\",\"type\":\"bytes32[]\"}],\"name\":\"claim\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"address[]\",\"name\":\"edges\",\"type\":\"address[]\"},{\"internalType\":\"uint256[]\",\"name\":\"amounts\",\"type\":\"uint256[]\"},{\"internalType\":\"bytes32[]\",\"name\":\"proofs\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint256[]\",\"name\":\"lengths\",\"type\":\"uint256[]\"}],\"name\":\"claimMany\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"claimed\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"}],\"name\":\"commit\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"name\":\"epochs\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"claimed\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"guardian\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"guardians\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"guardian\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"allowed\",\"type\":\"bool\"}],\"name\":\"setGuardian\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"stake\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"wallet\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"blockNumber\",\"type\":\"uint256\"}],\"name\":\"stakeAt\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"wallet\",\"type\":\"address\"}],\"name\":\"stakeOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address[]\",\"name\":\"wallets\",\"type\":\"address[]\"},{\"internalType\":\"uint256\",\"name\":\"blockNumber\",\"type\":\"uint256\"}],\"name\":\"stakesAt\",\"outputs\":[{\"internalType\":\"uint256[]\",\"name\":\"out\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"unstake\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"unstakeDelay\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"unstaking\",\"outputs\":[{\"internalType\":\"uint192\",\"name\":\"amount\",\"type\":\"uint192\"},{\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdrawStake\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "RelayCredits",
	Bin: "0x60a060405234801561000f575f5ffd5b5060405161154738038061154783398101604081905261002e916100a0565b6001600160401b0381166080525f80546001600160a01b03191633908117825580825260016020818152604093849020805460ff191683179055925190815290917fc4459d655e1efe034a75446f1f4db087f75d23bdfabccffafa6384cdb23a1544910160405180910390a2506100cd565b5f602082840312156100b0575f5ffd5b81516001600160401b03811681146100c6575f5ffd5b9392505050565b60805161145b6100ec5f395f81816101d60152610594015261145b5ff3fe608060405260043610610105575f3560e01c80634bd2d7f911610092578063997db02d11610062578063997db02d14610353578063a2f94bd314610372578063a60628e214610391578063bed9d861146103ca578063cb8d751a146103de575f5ffd5b80634bd2d7f914610277578063672c1e5c146102eb57806369fd8f3a1461030a5780638da5cb5b1461031d575f5ffd5b80633222012f116100d85780633222012f146101c55780633a4b66f1146102105780633ccfd60b14610218578063426233601461022c5780634539bae31461024b575f5ffd5b80630633b14a1461010957806327e235e31461014c5780632b8a1c5a146101855780632e17de78146101a6575b5f5ffd5b348015610114575f5ffd5b50610137610123366004611027565b60016020525f908152604090205460ff1681565b60405190151581526020015b60405180910390f35b348015610157575f5ffd5b50610177610166366004611027565b60046020525f908152604090205481565b604051908152602001610143565b348015610190575f5ffd5b506101a461019f366004611047565b61044b565b005b3480156101b1575f5ffd5b506101a46101c0366004611080565b6104d4565b3480156101d0575f5ffd5b506101f87f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160401b039091168152602001610143565b6101a4610642565b348015610223575f5ffd5b506101a46106c1565b348015610237575f5ffd5b50610177610246366004611027565b610798565b348015610256575f5ffd5b5061026a6102653660046110de565b610808565b6040516101439190611125565b348015610282575f5ffd5b506102c261029136600461117d565b600260208190525f91825260409091208054600182015492820154600390920154909291906001600160a01b031684565b604080519485526020850193909352918301526001600160a01b03166060820152608001610143565b3480156102f6575f5ffd5b506101a4610305366004611196565b6108b5565b6101a4610318366004611272565b610974565b348015610328575f5ffd5b505f5461033b906001600160a01b031681565b6040516001600160a01b039091168152602001610143565b34801561035e575f5ffd5b5061017761036d3660046112a2565b610a79565b34801561037d575f5ffd5b506101a461038c3660046112ca565b610b58565b34801561039c575f5ffd5b506101376103ab366004611333565b600360209081525f928352604080842090915290825290205460ff1681565b3480156103d5575f5ffd5b506101a4610e48565b3480156103e9575f5ffd5b506104246103f8366004611027565b60066020525f90815260409020546001600160c01b03811690600160c01b90046001600160401b031682565b604080516001600160c01b0390931683526001600160401b03909116602083015201610143565b5f546001600160a01b03163314610475576040516330cd747160e01b815260040160405180910390fd5b6001600160a01b0382165f81815260016020908152604091829020805460ff191685151590811790915591519182527fc4459d655e1efe034a75446f1f4db087f75d23bdfabccffafa6384cdb23a154491015b60405180910390a25050565b805f036104f457604051631f2a200560e01b815260040160405180910390fd5b5f6104fe33610798565b9050808211156105305760405163829f116360e01b815260048101829052602481018390526044015b60405180910390fd5b6105433361053e8484611378565b610fa5565b335f90815260066020526040812080549091849183919061056e9084906001600160c01b031661138b565b92506101000a8154816001600160c01b0302191690836001600160c01b031602179055507f0000000000000000000000000000000000000000000000000000000000000000426105be91906113aa565b81546001600160401b0391909116600160c01b026001600160c01b03909116178155337f62025ee20069a54141c1845fca38f85327b0817f45db7703f599d57a5642b2b48461060d8186611378565b8454604080519384526020840192909252600160c01b90046001600160401b03169082015260600160405180910390a2505050565b345f0361066257604051631f2a200560e01b815260040160405180910390fd5b5f3461066d33610798565b61067791906113c9565b90506106833382610fa5565b604080513481526020810183905233917f1449c6dd7851abc30abf37f57715f492010519147cc2652fbc38202c18a6ee90910160405180910390a250565b335f90815260046020526040812054908190036106f157604051630686827b60e51b815260040160405180910390fd5b335f818152600460205260408082208290555190919083908381818185875af1925050503d805f811461073f576040519150601f19603f3d011682016040523d82523d5f602084013e610744565b606091505b5050905080610766576040516312171d8360e31b815260040160405180910390fd5b60405182815233907f7084f5476618d8e60b11ef0d7d3f06914655adb8793e28ff7f018d4c76d505d5906020016104c8565b6001600160a01b0381165f9081526005602052604081208054156107f657805481906107c690600190611378565b815481106107d6576107d66113dc565b5f91825260209091200154600160401b90046001600160c01b03166107f8565b5f5b6001600160c01b03169392505050565b6060826001600160401b03811115610822576108226113f0565b60405190808252806020026020018201604052801561084b578160200160208202803683370190505b5090505f5b838110156108ad5761088885858381811061086d5761086d6113dc565b90506020020160208101906108829190611027565b84610a79565b82828151811061089a5761089a6113dc565b6020908102919091010152600101610850565b509392505050565b5f805b88811015610967576109398b8b8b848181106108d6576108d66113dc565b90506020020160208101906108eb9190611027565b8a8a858181106108fd576108fd6113dc565b90506020020135898987908a8a8981811061091a5761091a6113dc565b905060200201358961092c91906113c9565b9261038c93929190611404565b83838281811061094b5761094b6113dc565b905060200201358261095d91906113c9565b91506001016108b8565b5050505050505050505050565b335f9081526001602052604090205460ff166109a3576040516377b6878160e11b815260040160405180910390fd5b6001600160401b0383165f9081526002602052604090208054156109e55760405163e685805d60e01b81526001600160401b0385166004820152602401610527565b813414610a0e576040516346da3a2760e01b815234600482015260248101839052604401610527565b828155600181018290556003810180546001600160a01b0319163390811790915560408051858152602081018590526001600160401b038716917fb01042a3bb8e7ab39de3cf2be7d39a7a002a2988f197bc2628bf16c1a056d162910160405180910390a350505050565b6001600160a01b0382165f908152600560205260408120805482905b80821015610aff575f6002610aaa83856113c9565b610ab4919061142f565b905085848281548110610ac957610ac96113dc565b5f918252602090912001546001600160401b03161115610aeb57809150610af9565b610af68160016113c9565b92505b50610a95565b8115610b415782610b11600184611378565b81548110610b2157610b216113dc565b5f91825260209091200154600160401b90046001600160c01b0316610b43565b5f5b6001600160c01b031693505050505b92915050565b6001600160401b0385165f9081526002602052604090208054610b9957604051634489aa6b60e11b81526001600160401b0387166004820152602401610527565b6001600160401b0386165f9081526003602090815260408083206001600160a01b038916845290915290205460ff1615610c005760405163b5ffb3b560e01b81526001600160401b03871660048201526001600160a01b0386166024820152604401610527565b604080516001600160401b03881660208201526001600160a01b03871691810191909152606081018590525f9060800160408051601f198184030181528282528051602091820120908301520160408051601f19818403018152919052805160209091012090505f5b83811015610cf9575f858583818110610c8457610c846113dc565b905060200201359050808310610cc357604080516020810183905290810184905260600160405160208183030381529060405280519060200120610cee565b6040805160208101859052908101829052606001604051602081830303815290604052805190602001205b925050600101610c69565b5081548114610d3c57604051631d4b80c760e11b81526001600160401b03881660048201526001600160a01b038716602482015260448101869052606401610527565b8160010154858360020154610d5191906113c9565b1115610d7b57604051635b40119b60e11b81526001600160401b0388166004820152602401610527565b6001600160401b0387165f9081526003602090815260408083206001600160a01b038a1684529091528120805460ff19166001179055600283018054879290610dc59084906113c9565b90915550506001600160a01b0386165f9081526004602052604081208054879290610df19084906113c9565b90915550506040518581526001600160a01b038716906001600160401b038916907ff20fc6923b8057dd0c3b606483fcaa038229bb36ebc35a0040e3eaa39cf97b179060200160405180910390a350505050505050565b335f9081526006602090815260408083208151808301909252546001600160c01b038116808352600160c01b9091046001600160401b0316928201929092529103610ea657604051630686827b60e51b815260040160405180910390fd5b80602001516001600160401b0316421015610ee5576020810151604051631a28814f60e21b81526001600160401b039091166004820152602401610527565b335f81815260066020526040808220829055835190519192916001600160c01b03909116908381818185875af1925050503d805f8114610f40576040519150601f19603f3d011682016040523d82523d5f602084013e610f45565b606091505b5050905080610f67576040516312171d8360e31b815260040160405180910390fd5b81516040516001600160c01b03909116815233907f8108595eb6bad3acefa9da467d90cc2217686d5c5ac85460f8b7849c840645fc906020016104c8565b6001600160a01b039091165f90815260056020908152604080832081518083019092526001600160401b0343811683526001600160c01b0395861683850190815282546001810184559286529390942091519251909416600160401b029190921617910155565b80356001600160a01b0381168114611022575f5ffd5b919050565b5f60208284031215611037575f5ffd5b6110408261100c565b9392505050565b5f5f60408385031215611058575f5ffd5b6110618361100c565b915060208301358015158114611075575f5ffd5b809150509250929050565b5f60208284031215611090575f5ffd5b5035919050565b5f5f83601f8401126110a7575f5ffd5b5081356001600160401b038111156110bd575f5ffd5b6020830191508360208260051b85010111156110d7575f5ffd5b9250929050565b5f5f5f604084860312156110f0575f5ffd5b83356001600160401b03811115611105575f5ffd5b61111186828701611097565b909790965060209590950135949350505050565b602080825282518282018190525f918401906040840190835b8181101561115c57835183526020938401939092019160010161113e565b509095945050505050565b80356001600160401b0381168114611022575f5ffd5b5f6020828403121561118d575f5ffd5b61104082611167565b5f5f5f5f5f5f5f5f5f60a08a8c0312156111ae575f5ffd5b6111b78a611167565b985060208a01356001600160401b038111156111d1575f5ffd5b6111dd8c828d01611097565b90995097505060408a01356001600160401b038111156111fb575f5ffd5b6112078c828d01611097565b90975095505060608a01356001600160401b03811115611225575f5ffd5b6112318c828d01611097565b90955093505060808a01356001600160401b0381111561124f575f5ffd5b61125b8c828d01611097565b915080935050809150509295985092959850929598565b5f5f5f60608486031215611284575f5ffd5b61128d84611167565b95602085013595506040909401359392505050565b5f5f604083850312156112b3575f5ffd5b6112bc8361100c565b946020939093013593505050565b5f5f5f5f5f608086880312156112de575f5ffd5b6112e786611167565b94506112f56020870161100c565b93506040860135925060608601356001600160401b03811115611316575f5ffd5b61132288828901611097565b969995985093965092949392505050565b5f5f60408385031215611344575f5ffd5b61134d83611167565b915061135b6020840161100c565b90509250929050565b634e487b7160e01b5f52601160045260245ffd5b81810381811115610b5257610b52611364565b6001600160c01b038181168382160190811115610b5257610b52611364565b6001600160401b038181168382160190811115610b5257610b52611364565b80820180821115610b5257610b52611364565b634e487b7160e01b5f52603260045260245ffd5b634e487b7160e01b5f52604160045260245ffd5b5f5f85851115611412575f5ffd5b8386111561141e575f5ffd5b5050600583901b0193919092039150565b5f8261144957634e487b7160e01b5f52601260045260245ffd5b50049056fea164736f6c6343000825000a",
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

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(uint64 unstakeDelay_) returns()
func (relayCredits *RelayCredits) PackConstructor(unstakeDelay_ uint64) []byte {
	enc, err := relayCredits.abi.Pack("", unstakeDelay_)
	if err != nil {
		panic(err)
	}
	return enc
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

// PackStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3a4b66f1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function stake() payable returns()
func (relayCredits *RelayCredits) PackStake() []byte {
	enc, err := relayCredits.abi.Pack("stake")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3a4b66f1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function stake() payable returns()
func (relayCredits *RelayCredits) TryPackStake() ([]byte, error) {
	return relayCredits.abi.Pack("stake")
}

// PackStakeAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x997db02d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function stakeAt(address wallet, uint256 blockNumber) view returns(uint256)
func (relayCredits *RelayCredits) PackStakeAt(wallet common.Address, blockNumber *big.Int) []byte {
	enc, err := relayCredits.abi.Pack("stakeAt", wallet, blockNumber)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStakeAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x997db02d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function stakeAt(address wallet, uint256 blockNumber) view returns(uint256)
func (relayCredits *RelayCredits) TryPackStakeAt(wallet common.Address, blockNumber *big.Int) ([]byte, error) {
	return relayCredits.abi.Pack("stakeAt", wallet, blockNumber)
}

// UnpackStakeAt is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x997db02d.
//
// Solidity: function stakeAt(address wallet, uint256 blockNumber) view returns(uint256)
func (relayCredits *RelayCredits) UnpackStakeAt(data []byte) (*big.Int, error) {
	out, err := relayCredits.abi.Unpack("stakeAt", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackStakeOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42623360.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function stakeOf(address wallet) view returns(uint256)
func (relayCredits *RelayCredits) PackStakeOf(wallet common.Address) []byte {
	enc, err := relayCredits.abi.Pack("stakeOf", wallet)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStakeOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42623360.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function stakeOf(address wallet) view returns(uint256)
func (relayCredits *RelayCredits) TryPackStakeOf(wallet common.Address) ([]byte, error) {
	return relayCredits.abi.Pack("stakeOf", wallet)
}

// UnpackStakeOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x42623360.
//
// Solidity: function stakeOf(address wallet) view returns(uint256)
func (relayCredits *RelayCredits) UnpackStakeOf(data []byte) (*big.Int, error) {
	out, err := relayCredits.abi.Unpack("stakeOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackStakesAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4539bae3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function stakesAt(address[] wallets, uint256 blockNumber) view returns(uint256[] out)
func (relayCredits *RelayCredits) PackStakesAt(wallets []common.Address, blockNumber *big.Int) []byte {
	enc, err := relayCredits.abi.Pack("stakesAt", wallets, blockNumber)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStakesAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4539bae3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function stakesAt(address[] wallets, uint256 blockNumber) view returns(uint256[] out)
func (relayCredits *RelayCredits) TryPackStakesAt(wallets []common.Address, blockNumber *big.Int) ([]byte, error) {
	return relayCredits.abi.Pack("stakesAt", wallets, blockNumber)
}

// UnpackStakesAt is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4539bae3.
//
// Solidity: function stakesAt(address[] wallets, uint256 blockNumber) view returns(uint256[] out)
func (relayCredits *RelayCredits) UnpackStakesAt(data []byte) ([]*big.Int, error) {
	out, err := relayCredits.abi.Unpack("stakesAt", data)
	if err != nil {
		return *new([]*big.Int), err
	}
	out0 := *abi.ConvertType(out[0], new([]*big.Int)).(*[]*big.Int)
	return out0, nil
}

// PackUnstake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2e17de78.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function unstake(uint256 amount) returns()
func (relayCredits *RelayCredits) PackUnstake(amount *big.Int) []byte {
	enc, err := relayCredits.abi.Pack("unstake", amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUnstake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2e17de78.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function unstake(uint256 amount) returns()
func (relayCredits *RelayCredits) TryPackUnstake(amount *big.Int) ([]byte, error) {
	return relayCredits.abi.Pack("unstake", amount)
}

// PackUnstakeDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3222012f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function unstakeDelay() view returns(uint64)
func (relayCredits *RelayCredits) PackUnstakeDelay() []byte {
	enc, err := relayCredits.abi.Pack("unstakeDelay")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUnstakeDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3222012f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function unstakeDelay() view returns(uint64)
func (relayCredits *RelayCredits) TryPackUnstakeDelay() ([]byte, error) {
	return relayCredits.abi.Pack("unstakeDelay")
}

// UnpackUnstakeDelay is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3222012f.
//
// Solidity: function unstakeDelay() view returns(uint64)
func (relayCredits *RelayCredits) UnpackUnstakeDelay(data []byte) (uint64, error) {
	out, err := relayCredits.abi.Unpack("unstakeDelay", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackUnstaking is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcb8d751a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function unstaking(address ) view returns(uint192 amount, uint64 unlockAt)
func (relayCredits *RelayCredits) PackUnstaking(arg0 common.Address) []byte {
	enc, err := relayCredits.abi.Pack("unstaking", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUnstaking is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcb8d751a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function unstaking(address ) view returns(uint192 amount, uint64 unlockAt)
func (relayCredits *RelayCredits) TryPackUnstaking(arg0 common.Address) ([]byte, error) {
	return relayCredits.abi.Pack("unstaking", arg0)
}

// UnstakingOutput serves as a container for the return parameters of contract
// method Unstaking.
type UnstakingOutput struct {
	Amount   *big.Int
	UnlockAt uint64
}

// UnpackUnstaking is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xcb8d751a.
//
// Solidity: function unstaking(address ) view returns(uint192 amount, uint64 unlockAt)
func (relayCredits *RelayCredits) UnpackUnstaking(data []byte) (UnstakingOutput, error) {
	out, err := relayCredits.abi.Unpack("unstaking", data)
	outstruct := new(UnstakingOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Amount = abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	outstruct.UnlockAt = *abi.ConvertType(out[1], new(uint64)).(*uint64)
	return *outstruct, nil
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

// PackWithdrawStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbed9d861.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdrawStake() returns()
func (relayCredits *RelayCredits) PackWithdrawStake() []byte {
	enc, err := relayCredits.abi.Pack("withdrawStake")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdrawStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbed9d861.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdrawStake() returns()
func (relayCredits *RelayCredits) TryPackWithdrawStake() ([]byte, error) {
	return relayCredits.abi.Pack("withdrawStake")
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

// RelayCreditsStakeWithdrawn represents a StakeWithdrawn event raised by the RelayCredits contract.
type RelayCreditsStakeWithdrawn struct {
	Wallet common.Address
	Amount *big.Int
	Raw    *types.Log // Blockchain specific contextual infos
}

const RelayCreditsStakeWithdrawnEventName = "StakeWithdrawn"

// ContractEventName returns the user-defined event name.
func (RelayCreditsStakeWithdrawn) ContractEventName() string {
	return RelayCreditsStakeWithdrawnEventName
}

// UnpackStakeWithdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event StakeWithdrawn(address indexed wallet, uint256 amount)
func (relayCredits *RelayCredits) UnpackStakeWithdrawnEvent(log *types.Log) (*RelayCreditsStakeWithdrawn, error) {
	event := "StakeWithdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != relayCredits.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RelayCreditsStakeWithdrawn)
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

// RelayCreditsStaked represents a Staked event raised by the RelayCredits contract.
type RelayCreditsStaked struct {
	Wallet common.Address
	Amount *big.Int
	Stake  *big.Int
	Raw    *types.Log // Blockchain specific contextual infos
}

const RelayCreditsStakedEventName = "Staked"

// ContractEventName returns the user-defined event name.
func (RelayCreditsStaked) ContractEventName() string {
	return RelayCreditsStakedEventName
}

// UnpackStakedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Staked(address indexed wallet, uint256 amount, uint256 stake)
func (relayCredits *RelayCredits) UnpackStakedEvent(log *types.Log) (*RelayCreditsStaked, error) {
	event := "Staked"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != relayCredits.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RelayCreditsStaked)
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

// RelayCreditsUnstaked represents a Unstaked event raised by the RelayCredits contract.
type RelayCreditsUnstaked struct {
	Wallet   common.Address
	Amount   *big.Int
	Stake    *big.Int
	UnlockAt uint64
	Raw      *types.Log // Blockchain specific contextual infos
}

const RelayCreditsUnstakedEventName = "Unstaked"

// ContractEventName returns the user-defined event name.
func (RelayCreditsUnstaked) ContractEventName() string {
	return RelayCreditsUnstakedEventName
}

// UnpackUnstakedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Unstaked(address indexed wallet, uint256 amount, uint256 stake, uint64 unlockAt)
func (relayCredits *RelayCredits) UnpackUnstakedEvent(log *types.Log) (*RelayCreditsUnstaked, error) {
	event := "Unstaked"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != relayCredits.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RelayCreditsUnstaked)
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
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["StakeLocked"].ID.Bytes()[:4]) {
		return relayCredits.UnpackStakeLockedError(raw[4:])
	}
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["StakeTooLow"].ID.Bytes()[:4]) {
		return relayCredits.UnpackStakeTooLowError(raw[4:])
	}
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["TransferFailed"].ID.Bytes()[:4]) {
		return relayCredits.UnpackTransferFailedError(raw[4:])
	}
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["WrongFunding"].ID.Bytes()[:4]) {
		return relayCredits.UnpackWrongFundingError(raw[4:])
	}
	if bytes.Equal(raw[:4], relayCredits.abi.Errors["ZeroAmount"].ID.Bytes()[:4]) {
		return relayCredits.UnpackZeroAmountError(raw[4:])
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

// RelayCreditsStakeLocked represents a StakeLocked error raised by the RelayCredits contract.
type RelayCreditsStakeLocked struct {
	UnlockAt uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StakeLocked(uint64 unlockAt)
func RelayCreditsStakeLockedErrorID() common.Hash {
	return common.HexToHash("0x68a2053c541711e2ff09fbad0cfdb8ccb48b3380c7b25396271bb41985b31519")
}

// UnpackStakeLockedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StakeLocked(uint64 unlockAt)
func (relayCredits *RelayCredits) UnpackStakeLockedError(raw []byte) (*RelayCreditsStakeLocked, error) {
	out := new(RelayCreditsStakeLocked)
	if err := relayCredits.abi.UnpackIntoInterface(out, "StakeLocked", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RelayCreditsStakeTooLow represents a StakeTooLow error raised by the RelayCredits contract.
type RelayCreditsStakeTooLow struct {
	Stake *big.Int
	Asked *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StakeTooLow(uint256 stake, uint256 asked)
func RelayCreditsStakeTooLowErrorID() common.Hash {
	return common.HexToHash("0x829f11638d406de2605d01f8ea108c1f13393def0f2b7b6e6ffffd9996d50bd5")
}

// UnpackStakeTooLowError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StakeTooLow(uint256 stake, uint256 asked)
func (relayCredits *RelayCredits) UnpackStakeTooLowError(raw []byte) (*RelayCreditsStakeTooLow, error) {
	out := new(RelayCreditsStakeTooLow)
	if err := relayCredits.abi.UnpackIntoInterface(out, "StakeTooLow", raw); err != nil {
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

// RelayCreditsZeroAmount represents a ZeroAmount error raised by the RelayCredits contract.
type RelayCreditsZeroAmount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAmount()
func RelayCreditsZeroAmountErrorID() common.Hash {
	return common.HexToHash("0x1f2a2005cb66a8e145327e8814e243a0996aec9bfe1e15a495778b1236dbd485")
}

// UnpackZeroAmountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAmount()
func (relayCredits *RelayCredits) UnpackZeroAmountError(raw []byte) (*RelayCreditsZeroAmount, error) {
	out := new(RelayCreditsZeroAmount)
	if err := relayCredits.abi.UnpackIntoInterface(out, "ZeroAmount", raw); err != nil {
		return nil, err
	}
	return out, nil
}
