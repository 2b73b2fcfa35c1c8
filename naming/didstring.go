package naming

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// networkNames are the did:ethr network names standard resolvers know,
// by chain id. Other chains are named by their id in hex ("0x539").
var networkNames = map[uint64]string{
	1:        "mainnet",
	5:        "goerli",
	11155111: "sepolia",
	137:      "polygon",
	80001:    "polygon:test",
	100:      "gno",
	42161:    "arbitrum",
	10:       "optimism",
	8453:     "base",
	59144:    "linea",
}

// FormatDID returns the did:ethr DID of addr on the chain chainID:
// "did:ethr:0x<addr>" on mainnet (chain 1, or chainID nil or zero: not
// known), else "did:ethr:<network>:0x<addr>" with the network's name when
// resolvers know one (sepolia, polygon, ...) and its chain id in hex
// otherwise (chain 1337 gives "did:ethr:0x539:0x…"). The address is lower
// case hex.
func FormatDID(chainID *big.Int, addr common.Address) string {
	a := strings.ToLower(addr.Hex())
	if chainID == nil || chainID.Sign() <= 0 || chainID.Cmp(big.NewInt(1)) == 0 {
		return "did:ethr:" + a
	}
	if chainID.IsUint64() {
		if n, ok := networkNames[chainID.Uint64()]; ok {
			return "did:ethr:" + n + ":" + a
		}
	}
	return "did:ethr:0x" + chainID.Text(16) + ":" + a
}

// ParseDID reads "did:ethr:[<network>:]0x<address>" with the network a
// known name or a chain id in hex, or a bare 0x address. chainID is 1 when
// the DID has no network part (did:ethr's default is mainnet) and nil for
// a bare address (any chain). A public-key DID (33 bytes) is refused:
// anynet identities are addresses.
func ParseDID(s string) (chainID *big.Int, addr common.Address, err error) {
	rest, isDID := strings.CutPrefix(s, "did:ethr:")
	if !isDID {
		if !common.IsHexAddress(s) {
			return nil, common.Address{}, fmt.Errorf("%w: %q is neither a did:ethr DID nor an address", ErrBadDID, s)
		}
		return nil, common.HexToAddress(s), nil
	}
	i := strings.LastIndexByte(rest, ':')
	network, id := "", rest
	if i >= 0 {
		network, id = rest[:i], rest[i+1:]
	}
	if !strings.HasPrefix(id, "0x") || !common.IsHexAddress(id) {
		return nil, common.Address{}, fmt.Errorf("%w: %q: %q is not an address", ErrBadDID, s, id)
	}
	addr = common.HexToAddress(id)
	switch {
	case network == "":
		return big.NewInt(1), addr, nil
	case strings.HasPrefix(network, "0x"):
		n, ok := new(big.Int).SetString(network[2:], 16)
		if !ok || n.Sign() <= 0 {
			return nil, common.Address{}, fmt.Errorf("%w: %q: bad chain id %q", ErrBadDID, s, network)
		}
		return n, addr, nil
	}
	for cid, name := range networkNames {
		if name == network {
			return new(big.Int).SetUint64(cid), addr, nil
		}
	}
	return nil, common.Address{}, fmt.Errorf("%w: %q: unknown network %q", ErrBadDID, s, network)
}
