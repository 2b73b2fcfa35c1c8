package stack

import (
	"fmt"
	"io"
	mrand "math/rand"
	"net/netip"

	"github.com/anynet/anynet/link"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
)

// newNetstack builds the node's gVisor stack: IPv6 only, one NIC on the
// overlay endpoint holding the node's identity address, and one route
// for the whole identity range through it. NDP, DAD and MLD stay off
// (ipv6's zero Options): the overlay has no link-layer neighbors.
func newNetstack(ep *link.Endpoint, ident netip.Addr, tcpCfg TCPConfig, nr netstackRand) (*stack.Stack, error) {
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv6.NewProtocolWithOptions(ipv6.Options{})},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol, icmp.NewProtocol6},
		HandleLocal:        true,
		Clock:              nr.clock,
		SecureRNG:          nr.secure,
		RandSource:         nr.source,
	})
	fail := func(what string, err tcpip.Error) (*stack.Stack, error) {
		s.Close()
		s.Wait()
		return nil, fmt.Errorf("stack: %s: %s", what, err)
	}
	if err := s.CreateNIC(nicID, ep); err != nil {
		return fail("create NIC", err)
	}
	addr := tcpip.ProtocolAddress{
		Protocol:          ipv6.ProtocolNumber,
		AddressWithPrefix: tcpip.AddrFrom16(ident.As16()).WithPrefix(),
	}
	if err := s.AddProtocolAddress(nicID, addr, stack.AddressProperties{}); err != nil {
		return fail("add identity address", err)
	}
	s.SetRouteTable([]tcpip.Route{{Destination: identitySubnet(), NIC: nicID}})
	if err := tcpCfg.apply(s); err != nil {
		s.Close()
		s.Wait()
		return nil, err
	}
	return s, nil
}

// netstackRand is the clock and randomness a netstack is built with;
// nil fields mean gVisor's defaults (real clock, crypto/rand).
type netstackRand struct {
	clock  tcpip.Clock
	secure io.Reader
	source mrand.Source
}

// identitySubnet is fd00::/8, the range of every identity address.
func identitySubnet() tcpip.Subnet {
	var prefix [16]byte
	prefix[0] = link.IdentityPrefix
	return tcpip.AddressWithPrefix{Address: tcpip.AddrFrom16(prefix), PrefixLen: 8}.Subnet()
}
