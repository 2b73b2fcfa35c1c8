package mail

import (
	"fmt"
	"net/mail"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// Domain is the pseudo-domain of anynet addresses: "<name>@anynet" or
// "<0x wallet>@anynet" (see doc.go).
const Domain = "anynet"

// ParseAddress returns the host part of an anynet address — a name
// ("bob", "bob.anynet", "alice.eth") or a "0x…" wallet — for
// service.Host.Lookup. It takes a bare address or one with a display
// name ("Bob <bob@anynet>").
func ParseAddress(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrBadAddress, s, err)
	}
	at := strings.LastIndexByte(a.Address, '@')
	local, domain := a.Address[:at], strings.ToLower(a.Address[at+1:])
	if domain != Domain {
		return "", fmt.Errorf("%w: %q: the domain must be @%s", ErrBadAddress, s, Domain)
	}
	if local == "" || strings.ContainsAny(local, "\" \\") {
		return "", fmt.Errorf("%w: %q", ErrBadAddress, s)
	}
	if strings.HasPrefix(local, "0x") || strings.HasPrefix(local, "0X") {
		if !common.IsHexAddress(local) {
			return "", fmt.Errorf("%w: %q: not a 20-byte wallet", ErrBadAddress, s)
		}
		return common.HexToAddress(local).Hex(), nil
	}
	return strings.ToLower(local), nil
}

// WalletAddress is a wallet's anynet address, "0x…@anynet".
func WalletAddress(w common.Address) string { return w.Hex() + "@" + Domain }
