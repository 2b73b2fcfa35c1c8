package stack

import (
	"context"
	"fmt"
	"net"
	"net/netip"

	"github.com/anynet/anynet/link"
	"github.com/ethereum/go-ethereum/common"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
)

// Dial connects to addr over the overlay. network is "tcp" or "udp" (or
// "tcp6", "udp6"); addr is "host:port" where host is a wallet
// ("0x…"), a name the Resolver knows, an identity address, or the
// instance address of one node of a wallet (LookupInstances,
// AddInstance), which reaches that node only. The returned conn's
// RemoteAddr is an *Addr naming the verified wallet.
func (n *Node) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp6", "udp", "udp6":
	default:
		return nil, fmt.Errorf("dial %s %s: %w", network, addr, ErrNetwork)
	}
	r, err := n.start(ctx)
	if err != nil {
		return nil, err
	}
	host, port, err := splitAddr(addr)
	if err != nil {
		return nil, err
	}
	wallet, err := n.lookup(ctx, r, host)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	// An instance address reaches that node only, from this node's own
	// instance address (instance.go); anything else is the wallet's.
	dst, local := IdentityAddr(wallet), tcpip.FullAddress{}
	if ip, err := netip.ParseAddr(host); err == nil && link.IsInstanceAddr(ip) {
		dst, local = ip, tcpip.FullAddress{NIC: nicID, Addr: tcpip.AddrFrom16(r.inst.As16())}
	}
	full := tcpip.FullAddress{NIC: nicID, Addr: tcpip.AddrFrom16(dst.As16()), Port: port}
	switch network {
	case "tcp", "tcp6":
		stop := n.watchDial(ctx, r, wallet) // repath.go: a peer that moved is followed
		c, err := gonet.DialTCPWithBind(ctx, r.ns, local, full, ipv6.ProtocolNumber)
		stop()
		if err != nil {
			// A router said the peer is unreachable: say so, with
			// link.ErrUnreachable for errors.Is.
			if uerr := r.ep.Unreachable(dst); uerr != nil {
				return nil, fmt.Errorf("dial %s: %w: %w", addr, uerr, err)
			}
			return nil, fmt.Errorf("dial %s: %w", addr, err)
		}
		return n.wrapTCP(r, c, wallet), nil
	case "udp", "udp6":
		var laddr *tcpip.FullAddress
		if local.NIC != 0 {
			laddr = &local
		}
		c, err := gonet.DialUDP(r.ns, laddr, &full, ipv6.ProtocolNumber)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", addr, err)
		}
		return &udpConn{UDPConn: c, n: n, r: r, remote: &Addr{Net: "udp", Wallet: wallet, Port: port, Instance: instanceOf(dst)}}, nil
	}
	return nil, fmt.Errorf("dial %s %s: %w", network, addr, ErrNetwork)
}

// Lookup resolves host as Dial does — a "0x…" wallet, a name, or an
// identity address — to a wallet the node can reach, learning the peer
// from the Resolver or the chain on the way. Apps use it to name the
// wallet behind a name before they dial.
func (n *Node) Lookup(ctx context.Context, host string) (common.Address, error) {
	r, err := n.start(ctx)
	if err != nil {
		return common.Address{}, err
	}
	w, err := n.lookup(ctx, r, host)
	if err != nil {
		return common.Address{}, fmt.Errorf("lookup %s: %w", host, err)
	}
	return w, nil
}

// lookup turns a host into a wallet the endpoint knows how to reach.
func (n *Node) lookup(ctx context.Context, r *running, host string) (common.Address, error) {
	if w, ok := parseWallet(host); ok {
		if w == r.wallet || r.ep.HasPeer(IdentityAddr(w)) {
			return w, nil
		}
	} else if ip, err := netip.ParseAddr(host); err == nil {
		if ip == r.ident || ip == r.inst {
			return r.wallet, nil
		}
		if w, ok := r.ep.PeerWallet(ip); ok {
			return w, nil
		}
		return common.Address{}, fmt.Errorf("%w: %s", ErrUnknownPeer, host)
	}
	res := n.Resolver
	if res == nil && r.names != nil {
		res = r.names
	}
	if res == nil {
		if _, ok := parseWallet(host); ok {
			return common.Address{}, fmt.Errorf("%w: %s (no static peer and no resolver)", ErrUnknownPeer, host)
		}
		return common.Address{}, fmt.Errorf("%w: %s", ErrNoResolver, host)
	}
	peers, err := resolveAll(ctx, res, host) // anycast.go: every instance
	if err != nil {
		return common.Address{}, err
	}
	if p := peers[0]; p.Wallet == r.wallet || r.isStatic(p.Wallet) {
		return p.Wallet, nil // a static peer's endpoint wins over the chain's
	}
	if err := addPeers(r.ep, peers); err != nil {
		return common.Address{}, err
	}
	return peers[0].Wallet, nil
}

// Listen listens for TCP connections on addr, ":port" (or with this
// node's own wallet or identity address as host). Accepted conns report
// the verified wallet of the dialer as RemoteAddr.
func (n *Node) Listen(network, addr string) (net.Listener, error) {
	r, port, err := n.listenAddr(network, addr, "tcp")
	if err != nil {
		return nil, err
	}
	l, err := gonet.ListenTCP(r.ns, tcpip.FullAddress{NIC: nicID, Port: port}, ipv6.ProtocolNumber)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	return &listener{TCPListener: l, n: n, r: r}, nil
}

// ListenPacket listens for UDP datagrams on addr, ":port". ReadFrom
// reports senders as *Addr; WriteTo accepts an *Addr or the identity
// *net.UDPAddr of a known peer.
func (n *Node) ListenPacket(network, addr string) (net.PacketConn, error) {
	r, port, err := n.listenAddr(network, addr, "udp")
	if err != nil {
		return nil, err
	}
	c, err := gonet.DialUDP(r.ns, &tcpip.FullAddress{NIC: nicID, Port: port}, nil, ipv6.ProtocolNumber)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	return &udpConn{UDPConn: c, n: n, r: r}, nil
}

func (n *Node) listenAddr(network, addr, want string) (*running, uint16, error) {
	if network != want && network != want+"6" {
		return nil, 0, fmt.Errorf("listen %s %s: %w", network, addr, ErrNetwork)
	}
	r, err := n.start(context.Background())
	if err != nil {
		return nil, 0, err
	}
	host, port, err := splitAddr(addr)
	if err != nil {
		return nil, 0, err
	}
	if host != "" && host != "::" {
		w, isWallet := parseWallet(host)
		ip, _ := netip.ParseAddr(host)
		if !(isWallet && w == r.wallet) && ip != r.ident && ip != r.inst {
			return nil, 0, fmt.Errorf("listen %s: %w: host must be empty or this node's wallet", addr, ErrBadAddress)
		}
	}
	return r, port, nil
}

// WhoIs returns the verified wallet behind a remote address of one of
// this node's connections: an *Addr, or the *net.TCPAddr / *net.UDPAddr
// of an identity address with an authenticated session behind it.
func (n *Node) WhoIs(addr net.Addr) (common.Address, error) {
	r, err := n.current()
	if err != nil {
		return common.Address{}, err
	}
	if r == nil {
		return common.Address{}, ErrNotVerified
	}
	var ip net.IP
	switch a := addr.(type) {
	case *Addr:
		return n.WhoIs(&net.UDPAddr{IP: a.ip().AsSlice()})
	case *net.TCPAddr:
		ip = a.IP
	case *net.UDPAddr:
		ip = a.IP
	default:
		return common.Address{}, fmt.Errorf("%w: %v", ErrBadAddress, addr)
	}
	id, ok := netip.AddrFromSlice(ip)
	if !ok {
		return common.Address{}, fmt.Errorf("%w: %v", ErrBadAddress, addr)
	}
	if id == r.ident || id == r.inst {
		return r.wallet, nil
	}
	if w, ok := r.ep.Wallet(id); ok {
		return w, nil
	}
	return common.Address{}, fmt.Errorf("%w: %v", ErrNotVerified, addr)
}

// PeerOf returns the verified wallet at the other end of c, a conn of
// this node.
func (n *Node) PeerOf(c net.Conn) (common.Address, error) { return n.WhoIs(c.RemoteAddr()) }
