package mail

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
)

// nodeNamer names the connections of the runner for the core: one
// from another node of this wallet (its verified wallet is this one,
// from that node's instance address) as NodePeer of its instance
// address; any other by its verified wallet. It dials a NodePeer at its
// instance address.
type nodeNamer struct {
	host service.Host
	inst service.Instancer
}

// newNodeNamer returns nil when the host cannot tell nodes apart.
func newNodeNamer(h service.Host) *nodeNamer {
	in, ok := h.(service.Instancer)
	if !ok || !in.InstanceAddr().IsValid() {
		return nil
	}
	return &nodeNamer{host: h, inst: in}
}

func (n *nodeNamer) name(nc net.Conn, wallet common.Address) (common.Address, error) {
	if wallet != n.host.Addr() {
		return wallet, nil
	}
	var ip netip.Addr
	switch a := nc.RemoteAddr().(type) {
	case *stack.Addr:
		ip = a.Instance
	case *net.TCPAddr:
		ip, _ = netip.AddrFromSlice(a.IP)
		ip = ip.Unmap()
	}
	if !link.IsInstanceAddr(ip) || ip == n.inst.InstanceAddr() {
		return common.Address{}, fmt.Errorf("mail: a connection of this wallet not from a node's instance address (%v)", ip)
	}
	return NodePeer(ip), nil
}

func (n *nodeNamer) dial(ctx context.Context, peer common.Address) (net.Conn, error) {
	ip, ok := nodeOf(peer)
	if !ok {
		return n.host.Dial(ctx, "tcp", net.JoinHostPort(peer.Hex(), strconv.Itoa(Port)))
	}
	// The wallet's nodes become reachable at their instance addresses.
	if _, err := n.inst.LookupInstances(ctx, n.host.Addr().Hex()); err != nil {
		return nil, fmt.Errorf("mail: the nodes of this wallet: %w", err)
	}
	return n.host.Dial(ctx, "tcp", net.JoinHostPort(ip.String(), strconv.Itoa(Port)))
}
