package main

import (
	"context"
	"fmt"
	"net"
	"net/netip"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

// Addresses of the two raw gVisor stacks (identity-style ULAs, IPv6 as in
// anynet).
var (
	gvisorAddrA = netip.MustParseAddr("fd00::a")
	gvisorAddrB = netip.MustParseAddr("fd00::b")
)

const benchPort = 7000

// newGVisorStack returns an IPv6+TCP stack with one NIC on ep holding addr,
// configured with the TCP options anynet's stack uses.
func newGVisorStack(ep stack.LinkEndpoint, addr netip.Addr) (*stack.Stack, error) {
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv6.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol},
	})
	if err := setTCPOptions(s); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.CreateNIC(1, ep); err != nil {
		s.Close()
		return nil, fmt.Errorf("create NIC: %s", err)
	}
	pa := tcpip.ProtocolAddress{
		Protocol:          ipv6.ProtocolNumber,
		AddressWithPrefix: tcpip.AddrFromSlice(addr.AsSlice()).WithPrefix(),
	}
	if err := s.AddProtocolAddress(1, pa, stack.AddressProperties{}); err != nil {
		s.Close()
		return nil, fmt.Errorf("add address: %s", err)
	}
	s.SetRouteTable([]tcpip.Route{{Destination: header.IPv6EmptySubnet, NIC: 1}})
	return s, nil
}

// setTCPOptions applies the TCP options of anynet's stack (stack.TCPConfig
// defaults, stack/tcp.go): SACK, receive-buffer moderation, CUBIC, and
// send and receive buffers of 4 KiB min, 1 MiB default, 8 MiB max.
func setTCPOptions(s *stack.Stack) error {
	sack := tcpip.TCPSACKEnabled(true)
	moderate := tcpip.TCPModerateReceiveBufferOption(true)
	cc := tcpip.CongestionControlOption("cubic")
	send := tcpip.TCPSendBufferSizeRangeOption{Min: 4 << 10, Default: 1 << 20, Max: 8 << 20}
	recv := tcpip.TCPReceiveBufferSizeRangeOption{Min: 4 << 10, Default: 1 << 20, Max: 8 << 20}
	for _, opt := range []tcpip.SettableTransportProtocolOption{&sack, &moderate, &cc, &send, &recv} {
		if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, opt); err != nil {
			return fmt.Errorf("set TCP option %T: %s", opt, err)
		}
	}
	return nil
}

// gvisorPair is two stacks joined by an in-memory pipe.
type gvisorPair struct {
	a, b   *stack.Stack
	ea, eb *pipeEndpoint
}

func newGVisorPair(mtu int) (*gvisorPair, error) {
	ea, eb := newPipe(uint32(mtu))
	a, err := newGVisorStack(ea, gvisorAddrA)
	if err != nil {
		ea.Close()
		eb.Close()
		return nil, err
	}
	b, err := newGVisorStack(eb, gvisorAddrB)
	if err != nil {
		a.Close()
		ea.Close()
		eb.Close()
		return nil, err
	}
	return &gvisorPair{a: a, b: b, ea: ea, eb: eb}, nil
}

func (p *gvisorPair) Close() {
	for _, s := range []*stack.Stack{p.a, p.b} {
		s.Close()
	}
	p.ea.Close()
	p.eb.Close()
	for _, s := range []*stack.Stack{p.a, p.b} {
		s.Wait()
	}
}

// listenDial listens on stack b at benchPort and returns a dialer from a.
func gvisorListenDial(a, b *stack.Stack, addrB netip.Addr) (net.Listener, dialFunc, error) {
	full := tcpip.FullAddress{NIC: 1, Addr: tcpip.AddrFromSlice(addrB.AsSlice()), Port: benchPort}
	ln, err := gonet.ListenTCP(b, tcpip.FullAddress{Port: benchPort}, ipv6.ProtocolNumber)
	if err != nil {
		return nil, nil, fmt.Errorf("listen: %w", err)
	}
	dial := func(ctx context.Context) (net.Conn, error) {
		return gonet.DialContextTCP(ctx, a, full, ipv6.ProtocolNumber)
	}
	return ln, dial, nil
}

// runRawGVisor measures two bare gVisor stacks wired by memory.
func runRawGVisor(ctx context.Context, cfg *config) ([]Result, error) {
	return rawGVisor(ctx, cfg, "raw-gvisor", cfg.netMTU())
}

// rawGVisor64kMTU is the MTU of the raw-gvisor-64k figure: the largest
// IPv6 packet without a jumbogram, so TCP moves 64 KiB per packet.
const rawGVisor64kMTU = 65535

// runRawGVisor64k is the netstack's own ceiling: two gVisor stacks over
// memory at a 64 KiB MTU, no crypto, no segmentation. anynet over UDP
// cannot beat it; "ratio udp anynet/raw-gvisor-64k" says how close it
// comes.
func runRawGVisor64k(ctx context.Context, cfg *config) ([]Result, error) {
	return rawGVisor(ctx, cfg, "raw-gvisor-64k", rawGVisor64kMTU)
}

func rawGVisor(ctx context.Context, cfg *config, name string, mtu int) ([]Result, error) {
	p, err := newGVisorPair(mtu)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	ln, dial, err := gvisorListenDial(p.a, p.b, gvisorAddrB)
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	return throughput(ctx, cfg, name, ln, dial)
}
