package service

import (
	"context"
	"net"
	"net/netip"
	"time"

	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
)

// Host is what a service takes from its node instead of *stack.Node:
// stack.Node satisfies it; tests and the simulator supply their own.
// Every method is safe for concurrent use.
type Host interface {
	// Dial connects to addr, "host:port" where host is a "0x…" wallet
	// or a name; network is "tcp" or "udp" (and their "6" forms).
	Dial(ctx context.Context, network, addr string) (net.Conn, error)
	// Listen listens on ":port" of the node's identity address.
	Listen(network, addr string) (net.Listener, error)
	// ListenPacket listens for datagrams on ":port".
	ListenPacket(network, addr string) (net.PacketConn, error)
	// PeerOf returns the wallet the overlay verified for the other end
	// of c (a conn from Dial or from a Listener).
	PeerOf(c net.Conn) (common.Address, error)
	// Lookup resolves a name (or "0x…") to a wallet.
	Lookup(ctx context.Context, host string) (common.Address, error)
	// Document returns wallet's DID document: node keys, endpoints,
	// mailbox, service entries.
	Document(ctx context.Context, wallet common.Address) (*naming.Document, error)
	// Addr is the node's own wallet.
	Addr() common.Address
	// Time is the node's clock: the wall clock on a node, virtual time
	// in the simulator.
	Time() time.Time
	// Dir is the node's data directory; "" means nothing persists.
	Dir() string
}

// Instancer is a Host that tells the nodes of one wallet apart
// (stack.Node: instance addresses); a service that speaks to one node
// of a wallet asserts its Host to it.
type Instancer interface {
	// LookupInstances lists the live nodes of the wallet host names.
	LookupInstances(ctx context.Context, host string) ([]stack.Instance, error)
	// InstanceAddr is this node's own instance address (invalid when
	// the node has none).
	InstanceAddr() netip.Addr
}

var (
	_ Host      = (*stack.Node)(nil)
	_ Instancer = (*stack.Node)(nil)
)
