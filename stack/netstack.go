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
// overlay endpoint holding the node's identity address and its instance
// address (instance.go), and routes for the whole identity and instance
// ranges through it. NDP, DAD and MLD stay off
// (ipv6's zero Options): the overlay has no link-layer neighbors.
func newNetstack(ep *link.Endpoint, ident, inst netip.Addr, tcpCfg TCPConfig, nr netstackRand) (*stack.Stack, error) {
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
	addr.AddressWithPrefix = tcpip.AddrFrom16(inst.As16()).WithPrefix()
	if err := s.AddProtocolAddress(nicID, addr, stack.AddressProperties{}); err != nil {
		return fail("add instance address", err)
	}
	s.SetRouteTable([]tcpip.Route{
		{Destination: subnet8(link.IdentityPrefix), NIC: nicID},
		{Destination: subnet8(link.InstancePrefix), NIC: nicID},
	})
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

// subnet8 is the /8 of first byte b: fd00::/8 holds every identity
// address, fc00::/8 every instance address.
func subnet8(b byte) tcpip.Subnet {
	var prefix [16]byte
	prefix[0] = b
	return tcpip.AddressWithPrefix{Address: tcpip.AddrFrom16(prefix), PrefixLen: 8}.Subnet()
}
