package stack

import (
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/anynet/anynet/link"
	"github.com/ethereum/go-ethereum/common"
)

// Addr is the address of one end of an anynet connection: a verified
// wallet and a port. It is what RemoteAddr and LocalAddr return on the
// node's connections, and what a packet conn's ReadFrom reports.
type Addr struct {
	Net    string // "tcp" or "udp"
	Wallet common.Address
	Port   uint16
	// Instance is the node's instance address when the connection is
	// between instance addresses (Dial to one; instance.go): it names
	// which node of the wallet this end is. Zero otherwise.
	Instance netip.Addr
}

// ip is the netstack address of a: its instance address, or else its
// wallet's identity address.
func (a *Addr) ip() netip.Addr {
	if a.Instance.IsValid() {
		return a.Instance
	}
	return IdentityAddr(a.Wallet)
}

// instanceOf returns ip if it is an instance address, else the zero Addr.
func instanceOf(ip netip.Addr) netip.Addr {
	if link.IsInstanceAddr(ip) {
		return ip
	}
	return netip.Addr{}
}

// Network implements net.Addr.
func (a *Addr) Network() string { return a.Net }

// String implements net.Addr: "0x<wallet>:port", which Dial accepts.
func (a *Addr) String() string {
	return net.JoinHostPort(a.Wallet.Hex(), strconv.Itoa(int(a.Port)))
}

// IdentityAddr returns the IPv6 address of wallet inside the netstack.
func IdentityAddr(wallet common.Address) netip.Addr { return link.IdentityAddr(wallet) }

// Resolver maps a host to the peer behind it. The naming layer resolves
// names ("alice.eth") through the chain; any resolver must also accept a
// wallet in "0x…" form and say how to reach it.
type Resolver interface {
	Resolve(ctx context.Context, host string) (Peer, error)
}

// parseWallet parses "0x" and 40 hex digits.
func parseWallet(s string) (common.Address, bool) {
	if len(s) != 42 || !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return common.Address{}, false
	}
	var w common.Address
	if _, err := hex.Decode(w[:], []byte(s[2:])); err != nil {
		return common.Address{}, false
	}
	return w, true
}

// splitAddr splits "host:port".
func splitAddr(addr string) (host string, port uint16, err error) {
	host, ps, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("%w %q: %v", ErrBadAddress, addr, err)
	}
	p, err := strconv.ParseUint(ps, 10, 16)
	if err != nil {
		return "", 0, fmt.Errorf("%w %q: port %q is not a number from 0 to 65535", ErrBadAddress, addr, ps)
	}
	return host, uint16(p), nil
}
