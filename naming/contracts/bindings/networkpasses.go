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

// NetworkPassesMetaData contains all meta data concerning the NetworkPasses contract.
var NetworkPassesMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"approved\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"approved\",\"type\":\"bool\"}],\"name\":\"ApprovalForAll\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"price\",\"type\":\"uint256\"}],\"name\":\"Offered\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"parent\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"prefix\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint8\",\"name\":\"len\",\"type\":\"uint8\"}],\"name\":\"PassCreated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"string[]\",\"name\":\"endpoints\",\"type\":\"string[]\"}],\"name\":\"RoutersChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"seller\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"buyer\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"price\",\"type\":\"uint256\"}],\"name\":\"Sold\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"admin\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"approved\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"buy\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"childrenOf\",\"outputs\":[{\"internalType\":\"uint256[]\",\"name\":\"\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"getApproved\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"}],\"name\":\"isApprovedForAll\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"prefix\",\"type\":\"bytes32\"},{\"internalType\":\"uint8\",\"name\":\"len\",\"type\":\"uint8\"}],\"name\":\"mint\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"price\",\"type\":\"uint256\"}],\"name\":\"offer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"name\":\"offers\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"ownerOf\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"pass\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"prefix\",\"type\":\"bytes32\"},{\"internalType\":\"uint8\",\"name\":\"len\",\"type\":\"uint8\"},{\"internalType\":\"uint256\",\"name\":\"parent\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"locator\",\"type\":\"bytes32\"}],\"name\":\"passFor\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"found\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"roots\",\"outputs\":[{\"internalType\":\"uint256[]\",\"name\":\"\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"routers\",\"outputs\":[{\"internalType\":\"string[]\",\"name\":\"\",\"type\":\"string[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"safeTransferFrom\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"data\",\"type\":\"bytes\"}],\"name\":\"safeTransferFrom\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"approved\",\"type\":\"bool\"}],\"name\":\"setApprovalForAll\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"string[]\",\"name\":\"endpoints\",\"type\":\"string[]\"}],\"name\":\"setRouters\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"parentId\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"prefix\",\"type\":\"bytes32\"},{\"internalType\":\"uint8\",\"name\":\"len\",\"type\":\"uint8\"}],\"name\":\"subdivide\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes4\",\"name\":\"id\",\"type\":\"bytes4\"}],\"name\":\"supportsInterface\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"tokenURI\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "NetworkPasses",
	Bin: "0x60a0604052348015600e575f5ffd5b5033608052608051611df66100325f395f81816105520152610c930152611df65ff3fe60806040526004361061017b575f3560e01c80638a72ea6a116100cd578063babfdf9411610087578063d67c996111610062578063d67c9961146104ab578063d96a094a146104e7578063e985e9c5146104fa578063f851a44014610541575f5ffd5b8063babfdf941461044e578063be0b709e1461046d578063c87b56dd1461048c575f5ffd5b80638a72ea6a1461037857806395d89b41146103a3578063981bc994146103d2578063a1920586146103f1578063a22cb46514610410578063b88d4fde1461042f575f5ffd5b806323b872dd116101385780634e9c1118116101135780634e9c1118146102ef5780636352211e1461031b5780636f19951c1461033a57806370a0823114610359575f5ffd5b806323b872dd14610290578063393fe1cd146102af57806342842e0e146102d0575f5ffd5b806301ffc9a71461017f57806306fdde03146101b3578063081812fc146101f7578063095ea7b31461022e578063106ec2ac1461024f57806318160ddd1461027c575b5f5ffd5b34801561018a575f5ffd5b5061019e610199366004611686565b610574565b60405190151581526020015b60405180910390f35b3480156101be575f5ffd5b50604080518082019091526013815272616e796e6574206e6574776f726b207061737360681b60208201525b6040516101aa91906116d6565b348015610202575f5ffd5b506102166102113660046116e8565b6105c5565b6040516001600160a01b0390911681526020016101aa565b348015610239575f5ffd5b5061024d61024836600461171a565b6105eb565b005b34801561025a575f5ffd5b5061026e6102693660046116e8565b6106d0565b6040519081526020016101aa565b348015610287575f5ffd5b5061026e5f5481565b34801561029b575f5ffd5b5061024d6102aa366004611742565b610786565b3480156102ba575f5ffd5b506102c361081b565b6040516101aa919061177c565b3480156102db575f5ffd5b5061024d6102ea366004611742565b610871565b3480156102fa575f5ffd5b5061030e6103093660046116e8565b610890565b6040516101aa91906117be565b348015610326575f5ffd5b506102166103353660046116e8565b610975565b348015610345575f5ffd5b506102c36103543660046116e8565b6109a9565b348015610364575f5ffd5b5061026e610373366004611821565b610a08565b348015610383575f5ffd5b5061026e6103923660046116e8565b60086020525f908152604090205481565b3480156103ae575f5ffd5b50604080518082019091526007815266414e595041535360c81b60208201526101ea565b3480156103dd575f5ffd5b5061024d6103ec36600461183a565b610a4a565b3480156103fc575f5ffd5b5061024d61040b3660046118b4565b610b2b565b34801561041b575f5ffd5b5061024d61042a3660046118d4565b610bd4565b34801561043a575f5ffd5b5061024d61044936600461190d565b610c3f565b348015610459575f5ffd5b5061026e6104683660046119b2565b610c87565b348015610478575f5ffd5b5061026e6104873660046119eb565b610d14565b348015610497575f5ffd5b506101ea6104a63660046116e8565b610e45565b3480156104b6575f5ffd5b506104ca6104c53660046116e8565b610e65565b6040805193845260ff9092166020840152908201526060016101aa565b61024d6104f53660046116e8565b610ec6565b348015610505575f5ffd5b5061019e610514366004611a14565b6001600160a01b039182165f90815260076020908152604080832093909416825291909152205460ff1690565b34801561054c575f5ffd5b506102167f000000000000000000000000000000000000000000000000000000000000000081565b5f6001600160e01b031982166301ffc9a760e01b14806105a457506001600160e01b031982166380ac58cd60e01b145b806105bf57506001600160e01b03198216635b5e139f60e01b145b92915050565b5f6105cf82610975565b50505f908152600660205260409020546001600160a01b031690565b5f6105f582610975565b9050336001600160a01b038216148061063057506001600160a01b0381165f90815260076020908152604080832033845290915290205460ff165b6106755760405162461bcd60e51b81526020600482015260116024820152703830b9b9b2b99d103737ba1037bbb732b960791b60448201526064015b60405180910390fd5b5f8281526006602052604080822080546001600160a01b0319166001600160a01b0387811691821790925591518593918516917f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b92591a4505050565b5f60035b5f805b825481101561075a575f60015f8584815481106106f6576106f6611a45565b5f9182526020808320909101548352820192909252604001902080546001820154919250906107279060ff16611068565b8716036107515783828154811061074057610740611a45565b905f5260205f20015492505061075a565b506001016106d7565b50805f03610769575050919050565b5f81815260026020526040902090925090506106d4565b50919050565b806107913382611093565b6107ad5760405162461bcd60e51b815260040161066c90611a59565b5f828152600460205260409020546001600160a01b0385811691161461080a5760405162461bcd60e51b81526020600482015260126024820152717061737365733a2077726f6e672066726f6d60701b604482015260640161066c565b610815848484611135565b50505050565b6060600380548060200260200160405190810160405280929190818152602001828054801561086757602002820191905f5260205f20905b815481526020019060010190808311610853575b5050505050905090565b61088b83838360405180602001604052805f81525061123e565b505050565b606060095f8381526020019081526020015f20805480602002602001604051908101604052809291908181526020015f905b8282101561096a578382905f5260205f200180546108df90611a85565b80601f016020809104026020016040519081016040528092919081815260200182805461090b90611a85565b80156109565780601f1061092d57610100808354040283529160200191610956565b820191905f5260205f20905b81548152906001019060200180831161093957829003601f168201915b5050505050815260200190600101906108c2565b505050509050919050565b5f818152600460205260408120546001600160a01b0316806105bf5760405162461bcd60e51b815260040161066c90611ab7565b5f818152600260209081526040918290208054835181840281018401909452808452606093928301828280156109fc57602002820191905f5260205f20905b8154815260200190600101908083116109e8575b50505050509050919050565b5f6001600160a01b038216610a2f5760405162461bcd60e51b815260040161066c90611ae5565b506001600160a01b03165f9081526005602052604090205490565b82610a553382611093565b610a715760405162461bcd60e51b815260040161066c90611a59565b5f848152600960205260408120610a87916115f0565b5f5b82811015610aea575f858152600960205260409020848483818110610ab057610ab0611a45565b9050602002810190610ac29190611b13565b82546001810184555f938452602090932090920191610ae19183611bc7565b50600101610a89565b50837fe596bff609b9258e80f672cf85bf3495c07765e0d41314c12b9ba13d90b8793a8484604051610b1d929190611ca9565b60405180910390a250505050565b5f828152600460205260409020546001600160a01b03163314610b845760405162461bcd60e51b81526020600482015260116024820152703830b9b9b2b99d103737ba1037bbb732b960791b604482015260640161066c565b5f82815260086020526040908190208290555182907f58f78968039bb46b36780b0471fed8e0173b9cba8f478e7c35c665daeb1b85e890610bc89084815260200190565b60405180910390a25050565b335f8181526007602090815260408083206001600160a01b03871680855290835292819020805460ff191686151590811790915590519081529192917f17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31910160405180910390a35050565b610c8085858585858080601f0160208091040260200160405190810160405280939291908181526020018383808284375f9201919091525061123e92505050565b5050505050565b5f336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614610cf45760405162461bcd60e51b81526020600482015260116024820152703830b9b9b2b99d103737ba1030b236b4b760791b604482015260640161066c565b610d006003848461132f565b610d0c845f8585611444565b949350505050565b5f83610d203382611093565b610d3c5760405162461bcd60e51b815260040161066c90611a59565b5f8581526001602081905260409091209081015460ff90811690851611610da55760405162461bcd60e51b815260206004820152601e60248201527f7061737365733a206e6f74206c6f6e676572207468616e20706172656e740000604482015260640161066c565b80546001820154610db89060ff16611068565b861614610e005760405162461bcd60e51b81526020600482015260166024820152751c185cdcd95cce881bdd5d1cda5919481c185c995b9d60521b604482015260640161066c565b5f868152600260205260409020610e1890868661132f565b5f86815260046020526040902054610e3b906001600160a01b0316878787611444565b9695505050505050565b6060610e5082610975565b505060408051602081019091525f8152919050565b5f81815260046020526040812054819081906001600160a01b0316610e9c5760405162461bcd60e51b815260040161066c90611ab7565b5050505f908152600160208190526040909120805491810154600290910154919260ff9091169190565b5f8181526008602052604081205490819003610f1b5760405162461bcd60e51b81526020600482015260146024820152737061737365733a206e6f7420666f722073616c6560601b604482015260640161066c565b803414610f605760405162461bcd60e51b81526020600482015260136024820152727061737365733a2077726f6e6720707269636560681b604482015260640161066c565b5f828152600460205260409020546001600160a01b0316610f82813385611135565b336001600160a01b0316816001600160a01b0316847f23f50d55776d8003622a982ade45a6c7f083116c8dbbcd980f59942f440badb185604051610fc891815260200190565b60405180910390a45f816001600160a01b0316836040515f6040518083038185875af1925050503d805f8114611019576040519150601f19603f3d011682016040523d82523d5f602084013e61101e565b606091505b50509050806108155760405162461bcd60e51b81526020600482015260166024820152751c185cdcd95cce881c185e5b595b9d0819985a5b195960521b604482015260640161066c565b5f8160ff165f0361107a57505f919050565b61108960ff8316610100611d5c565b5f19901b92915050565b5f818152600460205260408120546001600160a01b0316806110c75760405162461bcd60e51b815260040161066c90611ab7565b806001600160a01b0316846001600160a01b031614806110ff57505f838152600660205260409020546001600160a01b038581169116145b80610d0c57506001600160a01b038082165f9081526007602090815260408083209388168352929052205460ff16949350505050565b6001600160a01b03821661115b5760405162461bcd60e51b815260040161066c90611ae5565b5f81815260066020908152604080832080546001600160a01b03191690556008825280832083905560099091528120611193916115f0565b6001600160a01b0383165f9081526005602052604081208054916111b683611d6f565b90915550506001600160a01b0382165f9081526005602052604081208054916111de83611d84565b90915550505f8181526004602052604080822080546001600160a01b0319166001600160a01b0386811691821790925591518493918716917fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef91a4505050565b611249848484610786565b6001600160a01b0383163b1561081557604051630a85bd0160e11b81525f906001600160a01b0385169063150b7a029061128d903390899088908890600401611d9c565b6020604051808303815f875af11580156112a9573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906112cd9190611dce565b90506001600160e01b03198116630a85bd0160e11b14610c805760405162461bcd60e51b815260206004820152601860248201527f7061737365733a20726563656976657220726566757365640000000000000000604482015260640161066c565b5f61133982611068565b198316146113895760405162461bcd60e51b815260206004820152601c60248201527f7061737365733a20707265666978206e6f742063616e6f6e6963616c00000000604482015260640161066c565b5f5b8354811015610815575f60015f8684815481106113aa576113aa611a45565b5f9182526020808320909101548352820192909252604001812060018101549092506113ef9060ff8087169116106113e25784611068565b600183015460ff16611068565b905080851681835f0154160361143a5760405162461bcd60e51b815260206004820152601060248201526f7061737365733a206f7665726c61707360801b604482015260640161066c565b505060010161138b565b5f6001600160a01b03851661146b5760405162461bcd60e51b815260040161066c90611ae5565b5f5f815461147890611d84565b91829055506040805160608101825285815260ff85811660208084019182528385018a81525f878152600192839052958620945185559151908401805460ff191691909316179091555160029091015590915084900361150b57600380546001810182555f919091527fc2575a0e9e593c00f959f8c92f12db2869c3395a3b0502d05e2516446f71f85b0181905561152c565b5f848152600260209081526040822080546001810182559083529120018190555b5f81815260046020908152604080832080546001600160a01b0319166001600160a01b038a1690811790915583526005909152812080549161156d83611d84565b909155505060405181906001600160a01b038716905f907fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef908290a46040805184815260ff84166020820152859183917f4a32ad2f4ddf5cfaad0e240047969810938efa41bd774657de9947c1aa6cf9a6910160405180910390a3949350505050565b5080545f8255905f5260205f2090611608919061160a565b565b5f5b8082111561088b576116208184015f611628565b60010161160c565b50805461163490611a85565b5f825580601f10611643575050565b601f0160209004905f5260205f209061160891905f5b8082111561088b575f81840155600101611659565b6001600160e01b031981168114611683575f5ffd5b50565b5f60208284031215611696575f5ffd5b81356116a18161166e565b9392505050565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b602081525f6116a160208301846116a8565b5f602082840312156116f8575f5ffd5b5035919050565b80356001600160a01b0381168114611715575f5ffd5b919050565b5f5f6040838503121561172b575f5ffd5b611734836116ff565b946020939093013593505050565b5f5f5f60608486031215611754575f5ffd5b61175d846116ff565b925061176b602085016116ff565b929592945050506040919091013590565b602080825282518282018190525f918401906040840190835b818110156117b3578351835260209384019390920191600101611795565b509095945050505050565b5f602082016020835280845180835260408501915060408160051b8601019250602086015f5b8281101561181557603f198786030184526118008583516116a8565b945060209384019391909101906001016117e4565b50929695505050505050565b5f60208284031215611831575f5ffd5b6116a1826116ff565b5f5f5f6040848603121561184c575f5ffd5b83359250602084013567ffffffffffffffff811115611869575f5ffd5b8401601f81018613611879575f5ffd5b803567ffffffffffffffff81111561188f575f5ffd5b8660208260051b84010111156118a3575f5ffd5b939660209190910195509293505050565b5f5f604083850312156118c5575f5ffd5b50508035926020909101359150565b5f5f604083850312156118e5575f5ffd5b6118ee836116ff565b915060208301358015158114611902575f5ffd5b809150509250929050565b5f5f5f5f5f60808688031215611921575f5ffd5b61192a866116ff565b9450611938602087016116ff565b935060408601359250606086013567ffffffffffffffff81111561195a575f5ffd5b8601601f8101881361196a575f5ffd5b803567ffffffffffffffff811115611980575f5ffd5b886020828401011115611991575f5ffd5b959894975092955050506020019190565b803560ff81168114611715575f5ffd5b5f5f5f606084860312156119c4575f5ffd5b6119cd846116ff565b9250602084013591506119e2604085016119a2565b90509250925092565b5f5f5f606084860312156119fd575f5ffd5b83359250602084013591506119e2604085016119a2565b5f5f60408385031215611a25575f5ffd5b611a2e836116ff565b9150611a3c602084016116ff565b90509250929050565b634e487b7160e01b5f52603260045260245ffd5b6020808252601290820152713830b9b9b2b99d103737ba103437b63232b960711b604082015260600190565b600181811c90821680611a9957607f821691505b60208210810361078057634e487b7160e01b5f52602260045260245ffd5b6020808252601490820152737061737365733a206e6f2073756368207061737360601b604082015260600190565b6020808252601490820152737061737365733a207a65726f206164647265737360601b604082015260600190565b5f5f8335601e19843603018112611b28575f5ffd5b83018035915067ffffffffffffffff821115611b42575f5ffd5b602001915036819003821315611b56575f5ffd5b9250929050565b634e487b7160e01b5f52604160045260245ffd5b601f82111561088b578282111561088b57805f5260205f20601f840160051c6020851015611b9c57505f5b90810190601f840160051c035f5b81811015611bbf575f83820155600101611baa565b505050505050565b67ffffffffffffffff831115611bdf57611bdf611b5d565b611bf383611bed8354611a85565b83611b71565b5f601f841160018114611c24575f8515611c0d5750838201355b5f19600387901b1c1916600186901b178355610c80565b5f83815260208120601f198716915b82811015611c535786850135825560209485019460019092019101611c33565b5086821015611c6f575f1960f88860031b161c19848701351681555b505060018560011b0183555050505050565b81835281816020850137505f828201602090810191909152601f909101601f19169091010190565b602080825281018290525f6040600584901b830181019083018583601e1936839003015b87821015611d3b57868503603f190184528235818112611ceb575f5ffd5b890160208101903567ffffffffffffffff811115611d07575f5ffd5b803603821315611d15575f5ffd5b611d20878284611c81565b96505050602083019250602084019350600182019150611ccd565b5092979650505050505050565b634e487b7160e01b5f52601160045260245ffd5b818103818111156105bf576105bf611d48565b5f81611d7d57611d7d611d48565b505f190190565b5f60018201611d9557611d95611d48565b5060010190565b6001600160a01b03858116825284166020820152604081018390526080606082018190525f90610e3b908301846116a8565b5f60208284031215611dde575f5ffd5b81516116a18161166e56fea164736f6c6343000825000a",
}

// NetworkPasses is an auto generated Go binding around an Ethereum contract.
type NetworkPasses struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *NetworkPasses) GetABI() abi.ABI {
	return c.abi
}

// NewNetworkPasses creates a new instance of NetworkPasses.
func NewNetworkPasses() *NetworkPasses {
	parsed, err := NetworkPassesMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &NetworkPasses{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *NetworkPasses) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf851a440.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function admin() view returns(address)
func (networkPasses *NetworkPasses) PackAdmin() []byte {
	enc, err := networkPasses.abi.Pack("admin")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf851a440.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function admin() view returns(address)
func (networkPasses *NetworkPasses) TryPackAdmin() ([]byte, error) {
	return networkPasses.abi.Pack("admin")
}

// UnpackAdmin is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf851a440.
//
// Solidity: function admin() view returns(address)
func (networkPasses *NetworkPasses) UnpackAdmin(data []byte) (common.Address, error) {
	out, err := networkPasses.abi.Unpack("admin", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function approve(address approved, uint256 id) returns()
func (networkPasses *NetworkPasses) PackApprove(approved common.Address, id *big.Int) []byte {
	enc, err := networkPasses.abi.Pack("approve", approved, id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function approve(address approved, uint256 id) returns()
func (networkPasses *NetworkPasses) TryPackApprove(approved common.Address, id *big.Int) ([]byte, error) {
	return networkPasses.abi.Pack("approve", approved, id)
}

// PackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function balanceOf(address owner) view returns(uint256)
func (networkPasses *NetworkPasses) PackBalanceOf(owner common.Address) []byte {
	enc, err := networkPasses.abi.Pack("balanceOf", owner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function balanceOf(address owner) view returns(uint256)
func (networkPasses *NetworkPasses) TryPackBalanceOf(owner common.Address) ([]byte, error) {
	return networkPasses.abi.Pack("balanceOf", owner)
}

// UnpackBalanceOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x70a08231.
//
// Solidity: function balanceOf(address owner) view returns(uint256)
func (networkPasses *NetworkPasses) UnpackBalanceOf(data []byte) (*big.Int, error) {
	out, err := networkPasses.abi.Unpack("balanceOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackBuy is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd96a094a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function buy(uint256 id) payable returns()
func (networkPasses *NetworkPasses) PackBuy(id *big.Int) []byte {
	enc, err := networkPasses.abi.Pack("buy", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBuy is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd96a094a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function buy(uint256 id) payable returns()
func (networkPasses *NetworkPasses) TryPackBuy(id *big.Int) ([]byte, error) {
	return networkPasses.abi.Pack("buy", id)
}

// PackChildrenOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6f19951c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function childrenOf(uint256 id) view returns(uint256[])
func (networkPasses *NetworkPasses) PackChildrenOf(id *big.Int) []byte {
	enc, err := networkPasses.abi.Pack("childrenOf", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackChildrenOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6f19951c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function childrenOf(uint256 id) view returns(uint256[])
func (networkPasses *NetworkPasses) TryPackChildrenOf(id *big.Int) ([]byte, error) {
	return networkPasses.abi.Pack("childrenOf", id)
}

// UnpackChildrenOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x6f19951c.
//
// Solidity: function childrenOf(uint256 id) view returns(uint256[])
func (networkPasses *NetworkPasses) UnpackChildrenOf(data []byte) ([]*big.Int, error) {
	out, err := networkPasses.abi.Unpack("childrenOf", data)
	if err != nil {
		return *new([]*big.Int), err
	}
	out0 := *abi.ConvertType(out[0], new([]*big.Int)).(*[]*big.Int)
	return out0, nil
}

// PackGetApproved is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x081812fc.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getApproved(uint256 id) view returns(address)
func (networkPasses *NetworkPasses) PackGetApproved(id *big.Int) []byte {
	enc, err := networkPasses.abi.Pack("getApproved", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetApproved is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x081812fc.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getApproved(uint256 id) view returns(address)
func (networkPasses *NetworkPasses) TryPackGetApproved(id *big.Int) ([]byte, error) {
	return networkPasses.abi.Pack("getApproved", id)
}

// UnpackGetApproved is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x081812fc.
//
// Solidity: function getApproved(uint256 id) view returns(address)
func (networkPasses *NetworkPasses) UnpackGetApproved(data []byte) (common.Address, error) {
	out, err := networkPasses.abi.Unpack("getApproved", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackIsApprovedForAll is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe985e9c5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isApprovedForAll(address owner, address operator) view returns(bool)
func (networkPasses *NetworkPasses) PackIsApprovedForAll(owner common.Address, operator common.Address) []byte {
	enc, err := networkPasses.abi.Pack("isApprovedForAll", owner, operator)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsApprovedForAll is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe985e9c5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isApprovedForAll(address owner, address operator) view returns(bool)
func (networkPasses *NetworkPasses) TryPackIsApprovedForAll(owner common.Address, operator common.Address) ([]byte, error) {
	return networkPasses.abi.Pack("isApprovedForAll", owner, operator)
}

// UnpackIsApprovedForAll is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe985e9c5.
//
// Solidity: function isApprovedForAll(address owner, address operator) view returns(bool)
func (networkPasses *NetworkPasses) UnpackIsApprovedForAll(data []byte) (bool, error) {
	out, err := networkPasses.abi.Unpack("isApprovedForAll", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbabfdf94.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function mint(address to, bytes32 prefix, uint8 len) returns(uint256)
func (networkPasses *NetworkPasses) PackMint(to common.Address, prefix [32]byte, len uint8) []byte {
	enc, err := networkPasses.abi.Pack("mint", to, prefix, len)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbabfdf94.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function mint(address to, bytes32 prefix, uint8 len) returns(uint256)
func (networkPasses *NetworkPasses) TryPackMint(to common.Address, prefix [32]byte, len uint8) ([]byte, error) {
	return networkPasses.abi.Pack("mint", to, prefix, len)
}

// UnpackMint is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbabfdf94.
//
// Solidity: function mint(address to, bytes32 prefix, uint8 len) returns(uint256)
func (networkPasses *NetworkPasses) UnpackMint(data []byte) (*big.Int, error) {
	out, err := networkPasses.abi.Unpack("mint", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function name() pure returns(string)
func (networkPasses *NetworkPasses) PackName() []byte {
	enc, err := networkPasses.abi.Pack("name")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function name() pure returns(string)
func (networkPasses *NetworkPasses) TryPackName() ([]byte, error) {
	return networkPasses.abi.Pack("name")
}

// UnpackName is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x06fdde03.
//
// Solidity: function name() pure returns(string)
func (networkPasses *NetworkPasses) UnpackName(data []byte) (string, error) {
	out, err := networkPasses.abi.Unpack("name", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackOffer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa1920586.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function offer(uint256 id, uint256 price) returns()
func (networkPasses *NetworkPasses) PackOffer(id *big.Int, price *big.Int) []byte {
	enc, err := networkPasses.abi.Pack("offer", id, price)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOffer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa1920586.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function offer(uint256 id, uint256 price) returns()
func (networkPasses *NetworkPasses) TryPackOffer(id *big.Int, price *big.Int) ([]byte, error) {
	return networkPasses.abi.Pack("offer", id, price)
}

// PackOffers is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8a72ea6a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function offers(uint256 ) view returns(uint256)
func (networkPasses *NetworkPasses) PackOffers(arg0 *big.Int) []byte {
	enc, err := networkPasses.abi.Pack("offers", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOffers is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8a72ea6a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function offers(uint256 ) view returns(uint256)
func (networkPasses *NetworkPasses) TryPackOffers(arg0 *big.Int) ([]byte, error) {
	return networkPasses.abi.Pack("offers", arg0)
}

// UnpackOffers is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8a72ea6a.
//
// Solidity: function offers(uint256 ) view returns(uint256)
func (networkPasses *NetworkPasses) UnpackOffers(data []byte) (*big.Int, error) {
	out, err := networkPasses.abi.Unpack("offers", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackOwnerOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6352211e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ownerOf(uint256 id) view returns(address)
func (networkPasses *NetworkPasses) PackOwnerOf(id *big.Int) []byte {
	enc, err := networkPasses.abi.Pack("ownerOf", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwnerOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6352211e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function ownerOf(uint256 id) view returns(address)
func (networkPasses *NetworkPasses) TryPackOwnerOf(id *big.Int) ([]byte, error) {
	return networkPasses.abi.Pack("ownerOf", id)
}

// UnpackOwnerOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x6352211e.
//
// Solidity: function ownerOf(uint256 id) view returns(address)
func (networkPasses *NetworkPasses) UnpackOwnerOf(data []byte) (common.Address, error) {
	out, err := networkPasses.abi.Unpack("ownerOf", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackPass is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd67c9961.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function pass(uint256 id) view returns(bytes32 prefix, uint8 len, uint256 parent)
func (networkPasses *NetworkPasses) PackPass(id *big.Int) []byte {
	enc, err := networkPasses.abi.Pack("pass", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPass is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd67c9961.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function pass(uint256 id) view returns(bytes32 prefix, uint8 len, uint256 parent)
func (networkPasses *NetworkPasses) TryPackPass(id *big.Int) ([]byte, error) {
	return networkPasses.abi.Pack("pass", id)
}

// PassOutput serves as a container for the return parameters of contract
// method Pass.
type PassOutput struct {
	Prefix [32]byte
	Len    uint8
	Parent *big.Int
}

// UnpackPass is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xd67c9961.
//
// Solidity: function pass(uint256 id) view returns(bytes32 prefix, uint8 len, uint256 parent)
func (networkPasses *NetworkPasses) UnpackPass(data []byte) (PassOutput, error) {
	out, err := networkPasses.abi.Unpack("pass", data)
	outstruct := new(PassOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Prefix = *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	outstruct.Len = *abi.ConvertType(out[1], new(uint8)).(*uint8)
	outstruct.Parent = abi.ConvertType(out[2], new(big.Int)).(*big.Int)
	return *outstruct, nil
}

// PackPassFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x106ec2ac.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function passFor(bytes32 locator) view returns(uint256 found)
func (networkPasses *NetworkPasses) PackPassFor(locator [32]byte) []byte {
	enc, err := networkPasses.abi.Pack("passFor", locator)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPassFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x106ec2ac.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function passFor(bytes32 locator) view returns(uint256 found)
func (networkPasses *NetworkPasses) TryPackPassFor(locator [32]byte) ([]byte, error) {
	return networkPasses.abi.Pack("passFor", locator)
}

// UnpackPassFor is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x106ec2ac.
//
// Solidity: function passFor(bytes32 locator) view returns(uint256 found)
func (networkPasses *NetworkPasses) UnpackPassFor(data []byte) (*big.Int, error) {
	out, err := networkPasses.abi.Unpack("passFor", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRoots is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x393fe1cd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function roots() view returns(uint256[])
func (networkPasses *NetworkPasses) PackRoots() []byte {
	enc, err := networkPasses.abi.Pack("roots")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRoots is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x393fe1cd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function roots() view returns(uint256[])
func (networkPasses *NetworkPasses) TryPackRoots() ([]byte, error) {
	return networkPasses.abi.Pack("roots")
}

// UnpackRoots is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x393fe1cd.
//
// Solidity: function roots() view returns(uint256[])
func (networkPasses *NetworkPasses) UnpackRoots(data []byte) ([]*big.Int, error) {
	out, err := networkPasses.abi.Unpack("roots", data)
	if err != nil {
		return *new([]*big.Int), err
	}
	out0 := *abi.ConvertType(out[0], new([]*big.Int)).(*[]*big.Int)
	return out0, nil
}

// PackRouters is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4e9c1118.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function routers(uint256 id) view returns(string[])
func (networkPasses *NetworkPasses) PackRouters(id *big.Int) []byte {
	enc, err := networkPasses.abi.Pack("routers", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRouters is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4e9c1118.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function routers(uint256 id) view returns(string[])
func (networkPasses *NetworkPasses) TryPackRouters(id *big.Int) ([]byte, error) {
	return networkPasses.abi.Pack("routers", id)
}

// UnpackRouters is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4e9c1118.
//
// Solidity: function routers(uint256 id) view returns(string[])
func (networkPasses *NetworkPasses) UnpackRouters(data []byte) ([]string, error) {
	out, err := networkPasses.abi.Unpack("routers", data)
	if err != nil {
		return *new([]string), err
	}
	out0 := *abi.ConvertType(out[0], new([]string)).(*[]string)
	return out0, nil
}

// PackSafeTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42842e0e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function safeTransferFrom(address from, address to, uint256 id) returns()
func (networkPasses *NetworkPasses) PackSafeTransferFrom(from common.Address, to common.Address, id *big.Int) []byte {
	enc, err := networkPasses.abi.Pack("safeTransferFrom", from, to, id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSafeTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42842e0e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function safeTransferFrom(address from, address to, uint256 id) returns()
func (networkPasses *NetworkPasses) TryPackSafeTransferFrom(from common.Address, to common.Address, id *big.Int) ([]byte, error) {
	return networkPasses.abi.Pack("safeTransferFrom", from, to, id)
}

// PackSafeTransferFrom0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb88d4fde.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function safeTransferFrom(address from, address to, uint256 id, bytes data) returns()
func (networkPasses *NetworkPasses) PackSafeTransferFrom0(from common.Address, to common.Address, id *big.Int, data []byte) []byte {
	enc, err := networkPasses.abi.Pack("safeTransferFrom0", from, to, id, data)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSafeTransferFrom0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb88d4fde.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function safeTransferFrom(address from, address to, uint256 id, bytes data) returns()
func (networkPasses *NetworkPasses) TryPackSafeTransferFrom0(from common.Address, to common.Address, id *big.Int, data []byte) ([]byte, error) {
	return networkPasses.abi.Pack("safeTransferFrom0", from, to, id, data)
}

// PackSetApprovalForAll is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa22cb465.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setApprovalForAll(address operator, bool approved) returns()
func (networkPasses *NetworkPasses) PackSetApprovalForAll(operator common.Address, approved bool) []byte {
	enc, err := networkPasses.abi.Pack("setApprovalForAll", operator, approved)
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
func (networkPasses *NetworkPasses) TryPackSetApprovalForAll(operator common.Address, approved bool) ([]byte, error) {
	return networkPasses.abi.Pack("setApprovalForAll", operator, approved)
}

// PackSetRouters is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x981bc994.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setRouters(uint256 id, string[] endpoints) returns()
func (networkPasses *NetworkPasses) PackSetRouters(id *big.Int, endpoints []string) []byte {
	enc, err := networkPasses.abi.Pack("setRouters", id, endpoints)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetRouters is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x981bc994.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setRouters(uint256 id, string[] endpoints) returns()
func (networkPasses *NetworkPasses) TryPackSetRouters(id *big.Int, endpoints []string) ([]byte, error) {
	return networkPasses.abi.Pack("setRouters", id, endpoints)
}

// PackSubdivide is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbe0b709e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function subdivide(uint256 parentId, bytes32 prefix, uint8 len) returns(uint256)
func (networkPasses *NetworkPasses) PackSubdivide(parentId *big.Int, prefix [32]byte, len uint8) []byte {
	enc, err := networkPasses.abi.Pack("subdivide", parentId, prefix, len)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSubdivide is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbe0b709e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function subdivide(uint256 parentId, bytes32 prefix, uint8 len) returns(uint256)
func (networkPasses *NetworkPasses) TryPackSubdivide(parentId *big.Int, prefix [32]byte, len uint8) ([]byte, error) {
	return networkPasses.abi.Pack("subdivide", parentId, prefix, len)
}

// UnpackSubdivide is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbe0b709e.
//
// Solidity: function subdivide(uint256 parentId, bytes32 prefix, uint8 len) returns(uint256)
func (networkPasses *NetworkPasses) UnpackSubdivide(data []byte) (*big.Int, error) {
	out, err := networkPasses.abi.Unpack("subdivide", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSupportsInterface is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01ffc9a7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function supportsInterface(bytes4 id) pure returns(bool)
func (networkPasses *NetworkPasses) PackSupportsInterface(id [4]byte) []byte {
	enc, err := networkPasses.abi.Pack("supportsInterface", id)
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
func (networkPasses *NetworkPasses) TryPackSupportsInterface(id [4]byte) ([]byte, error) {
	return networkPasses.abi.Pack("supportsInterface", id)
}

// UnpackSupportsInterface is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x01ffc9a7.
//
// Solidity: function supportsInterface(bytes4 id) pure returns(bool)
func (networkPasses *NetworkPasses) UnpackSupportsInterface(data []byte) (bool, error) {
	out, err := networkPasses.abi.Unpack("supportsInterface", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function symbol() pure returns(string)
func (networkPasses *NetworkPasses) PackSymbol() []byte {
	enc, err := networkPasses.abi.Pack("symbol")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function symbol() pure returns(string)
func (networkPasses *NetworkPasses) TryPackSymbol() ([]byte, error) {
	return networkPasses.abi.Pack("symbol")
}

// UnpackSymbol is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95d89b41.
//
// Solidity: function symbol() pure returns(string)
func (networkPasses *NetworkPasses) UnpackSymbol(data []byte) (string, error) {
	out, err := networkPasses.abi.Unpack("symbol", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackTokenURI is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc87b56dd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function tokenURI(uint256 id) view returns(string)
func (networkPasses *NetworkPasses) PackTokenURI(id *big.Int) []byte {
	enc, err := networkPasses.abi.Pack("tokenURI", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTokenURI is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc87b56dd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function tokenURI(uint256 id) view returns(string)
func (networkPasses *NetworkPasses) TryPackTokenURI(id *big.Int) ([]byte, error) {
	return networkPasses.abi.Pack("tokenURI", id)
}

// UnpackTokenURI is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc87b56dd.
//
// Solidity: function tokenURI(uint256 id) view returns(string)
func (networkPasses *NetworkPasses) UnpackTokenURI(data []byte) (string, error) {
	out, err := networkPasses.abi.Unpack("tokenURI", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalSupply() view returns(uint256)
func (networkPasses *NetworkPasses) PackTotalSupply() []byte {
	enc, err := networkPasses.abi.Pack("totalSupply")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalSupply() view returns(uint256)
func (networkPasses *NetworkPasses) TryPackTotalSupply() ([]byte, error) {
	return networkPasses.abi.Pack("totalSupply")
}

// UnpackTotalSupply is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (networkPasses *NetworkPasses) UnpackTotalSupply(data []byte) (*big.Int, error) {
	out, err := networkPasses.abi.Unpack("totalSupply", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferFrom(address from, address to, uint256 id) returns()
func (networkPasses *NetworkPasses) PackTransferFrom(from common.Address, to common.Address, id *big.Int) []byte {
	enc, err := networkPasses.abi.Pack("transferFrom", from, to, id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferFrom(address from, address to, uint256 id) returns()
func (networkPasses *NetworkPasses) TryPackTransferFrom(from common.Address, to common.Address, id *big.Int) ([]byte, error) {
	return networkPasses.abi.Pack("transferFrom", from, to, id)
}

// NetworkPassesApproval represents a Approval event raised by the NetworkPasses contract.
type NetworkPassesApproval struct {
	Owner    common.Address
	Approved common.Address
	TokenId  *big.Int
	Raw      *types.Log // Blockchain specific contextual infos
}

const NetworkPassesApprovalEventName = "Approval"

// ContractEventName returns the user-defined event name.
func (NetworkPassesApproval) ContractEventName() string {
	return NetworkPassesApprovalEventName
}

// UnpackApprovalEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId)
func (networkPasses *NetworkPasses) UnpackApprovalEvent(log *types.Log) (*NetworkPassesApproval, error) {
	event := "Approval"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != networkPasses.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NetworkPassesApproval)
	if len(log.Data) > 0 {
		if err := networkPasses.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range networkPasses.abi.Events[event].Inputs {
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

// NetworkPassesApprovalForAll represents a ApprovalForAll event raised by the NetworkPasses contract.
type NetworkPassesApprovalForAll struct {
	Owner    common.Address
	Operator common.Address
	Approved bool
	Raw      *types.Log // Blockchain specific contextual infos
}

const NetworkPassesApprovalForAllEventName = "ApprovalForAll"

// ContractEventName returns the user-defined event name.
func (NetworkPassesApprovalForAll) ContractEventName() string {
	return NetworkPassesApprovalForAllEventName
}

// UnpackApprovalForAllEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ApprovalForAll(address indexed owner, address indexed operator, bool approved)
func (networkPasses *NetworkPasses) UnpackApprovalForAllEvent(log *types.Log) (*NetworkPassesApprovalForAll, error) {
	event := "ApprovalForAll"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != networkPasses.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NetworkPassesApprovalForAll)
	if len(log.Data) > 0 {
		if err := networkPasses.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range networkPasses.abi.Events[event].Inputs {
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

// NetworkPassesOffered represents a Offered event raised by the NetworkPasses contract.
type NetworkPassesOffered struct {
	Id    *big.Int
	Price *big.Int
	Raw   *types.Log // Blockchain specific contextual infos
}

const NetworkPassesOfferedEventName = "Offered"

// ContractEventName returns the user-defined event name.
func (NetworkPassesOffered) ContractEventName() string {
	return NetworkPassesOfferedEventName
}

// UnpackOfferedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Offered(uint256 indexed id, uint256 price)
func (networkPasses *NetworkPasses) UnpackOfferedEvent(log *types.Log) (*NetworkPassesOffered, error) {
	event := "Offered"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != networkPasses.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NetworkPassesOffered)
	if len(log.Data) > 0 {
		if err := networkPasses.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range networkPasses.abi.Events[event].Inputs {
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

// NetworkPassesPassCreated represents a PassCreated event raised by the NetworkPasses contract.
type NetworkPassesPassCreated struct {
	Id     *big.Int
	Parent *big.Int
	Prefix [32]byte
	Len    uint8
	Raw    *types.Log // Blockchain specific contextual infos
}

const NetworkPassesPassCreatedEventName = "PassCreated"

// ContractEventName returns the user-defined event name.
func (NetworkPassesPassCreated) ContractEventName() string {
	return NetworkPassesPassCreatedEventName
}

// UnpackPassCreatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event PassCreated(uint256 indexed id, uint256 indexed parent, bytes32 prefix, uint8 len)
func (networkPasses *NetworkPasses) UnpackPassCreatedEvent(log *types.Log) (*NetworkPassesPassCreated, error) {
	event := "PassCreated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != networkPasses.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NetworkPassesPassCreated)
	if len(log.Data) > 0 {
		if err := networkPasses.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range networkPasses.abi.Events[event].Inputs {
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

// NetworkPassesRoutersChanged represents a RoutersChanged event raised by the NetworkPasses contract.
type NetworkPassesRoutersChanged struct {
	Id        *big.Int
	Endpoints []string
	Raw       *types.Log // Blockchain specific contextual infos
}

const NetworkPassesRoutersChangedEventName = "RoutersChanged"

// ContractEventName returns the user-defined event name.
func (NetworkPassesRoutersChanged) ContractEventName() string {
	return NetworkPassesRoutersChangedEventName
}

// UnpackRoutersChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event RoutersChanged(uint256 indexed id, string[] endpoints)
func (networkPasses *NetworkPasses) UnpackRoutersChangedEvent(log *types.Log) (*NetworkPassesRoutersChanged, error) {
	event := "RoutersChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != networkPasses.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NetworkPassesRoutersChanged)
	if len(log.Data) > 0 {
		if err := networkPasses.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range networkPasses.abi.Events[event].Inputs {
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

// NetworkPassesSold represents a Sold event raised by the NetworkPasses contract.
type NetworkPassesSold struct {
	Id     *big.Int
	Seller common.Address
	Buyer  common.Address
	Price  *big.Int
	Raw    *types.Log // Blockchain specific contextual infos
}

const NetworkPassesSoldEventName = "Sold"

// ContractEventName returns the user-defined event name.
func (NetworkPassesSold) ContractEventName() string {
	return NetworkPassesSoldEventName
}

// UnpackSoldEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Sold(uint256 indexed id, address indexed seller, address indexed buyer, uint256 price)
func (networkPasses *NetworkPasses) UnpackSoldEvent(log *types.Log) (*NetworkPassesSold, error) {
	event := "Sold"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != networkPasses.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NetworkPassesSold)
	if len(log.Data) > 0 {
		if err := networkPasses.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range networkPasses.abi.Events[event].Inputs {
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

// NetworkPassesTransfer represents a Transfer event raised by the NetworkPasses contract.
type NetworkPassesTransfer struct {
	From    common.Address
	To      common.Address
	TokenId *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const NetworkPassesTransferEventName = "Transfer"

// ContractEventName returns the user-defined event name.
func (NetworkPassesTransfer) ContractEventName() string {
	return NetworkPassesTransferEventName
}

// UnpackTransferEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)
func (networkPasses *NetworkPasses) UnpackTransferEvent(log *types.Log) (*NetworkPassesTransfer, error) {
	event := "Transfer"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != networkPasses.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NetworkPassesTransfer)
	if len(log.Data) > 0 {
		if err := networkPasses.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range networkPasses.abi.Events[event].Inputs {
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
