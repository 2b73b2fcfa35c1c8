package link

import (
	"net/netip"

	"github.com/ethereum/go-ethereum/common"
)

// IdentityPrefix is the first byte of every identity address: the
// unique-local range fd00::/8.
const IdentityPrefix = 0xfd

// IdentityAddr returns the stable IPv6 address of wallet inside the
// netstack: IdentityPrefix followed by the first 15 bytes of the wallet.
func IdentityAddr(wallet common.Address) netip.Addr {
	var a [16]byte
	a[0] = IdentityPrefix
	copy(a[1:], wallet[:15])
	return netip.AddrFrom16(a)
}

// IsIdentityAddr reports whether a is in the identity range.
func IsIdentityAddr(a netip.Addr) bool {
	return a.Is6() && !a.Is4In6() && a.As16()[0] == IdentityPrefix
}
