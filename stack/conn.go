package stack

import (
	"net"
	"net/netip"

	"github.com/ethereum/go-ethereum/common"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
)

// tcpConn is a netstack TCP conn whose addresses name wallets.
type tcpConn struct {
	*gonet.TCPConn
	local, remote *Addr
}

func (c *tcpConn) LocalAddr() net.Addr  { return c.local }
func (c *tcpConn) RemoteAddr() net.Addr { return c.remote }

func (n *Node) wrapTCP(r *running, c *gonet.TCPConn, remote common.Address) *tcpConn {
	return &tcpConn{
		TCPConn: c,
		local:   &Addr{Net: "tcp", Wallet: r.wallet, Port: portOf(c.LocalAddr()), Instance: instanceOf(ipOf(c.LocalAddr()))},
		remote:  &Addr{Net: "tcp", Wallet: remote, Port: portOf(c.RemoteAddr()), Instance: instanceOf(ipOf(c.RemoteAddr()))},
	}
}

// listener accepts conns whose RemoteAddr names the dialer's wallet.
type listener struct {
	*gonet.TCPListener
	n *Node
	r *running
}

func (l *listener) Accept() (net.Conn, error) {
	for {
		c, err := l.TCPListener.Accept()
		if err != nil {
			return nil, err
		}
		tc := c.(*gonet.TCPConn)
		w, err := l.n.WhoIs(tc.RemoteAddr())
		if err != nil {
			// Only authenticated peers can reach the netstack, so this
			// means the session went away in between: drop the conn.
			tc.Close()
			continue
		}
		return l.n.wrapTCP(l.r, tc, w), nil
	}
}

func (l *listener) Addr() net.Addr {
	return &Addr{Net: "tcp", Wallet: l.r.wallet, Port: portOf(l.TCPListener.Addr())}
}

// udpConn is a netstack UDP conn whose addresses name wallets.
type udpConn struct {
	*gonet.UDPConn
	n      *Node
	r      *running
	remote *Addr // nil for a listening conn
}

func (c *udpConn) LocalAddr() net.Addr {
	return &Addr{Net: "udp", Wallet: c.r.wallet, Port: portOf(c.UDPConn.LocalAddr())}
}

func (c *udpConn) RemoteAddr() net.Addr {
	if c.remote == nil {
		return nil
	}
	return c.remote
}

func (c *udpConn) ReadFrom(b []byte) (int, net.Addr, error) {
	for {
		n, addr, err := c.UDPConn.ReadFrom(b)
		if err != nil {
			return n, nil, err
		}
		w, werr := c.n.WhoIs(addr)
		if werr != nil {
			continue // cannot happen for injected packets; never report an unverified sender
		}
		return n, &Addr{Net: "udp", Wallet: w, Port: portOf(addr), Instance: instanceOf(ipOf(addr))}, nil
	}
}

func (c *udpConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	if a, ok := addr.(*Addr); ok {
		addr = &net.UDPAddr{IP: a.ip().AsSlice(), Port: int(a.Port)}
	}
	return c.UDPConn.WriteTo(b, addr)
}

// ipOf returns the IP of a netstack address, or the zero Addr.
func ipOf(a net.Addr) netip.Addr {
	var ip net.IP
	switch a := a.(type) {
	case *net.TCPAddr:
		ip = a.IP
	case *net.UDPAddr:
		ip = a.IP
	}
	out, _ := netip.AddrFromSlice(ip)
	return out.Unmap()
}

func portOf(a net.Addr) uint16 {
	switch a := a.(type) {
	case *net.TCPAddr:
		return uint16(a.Port)
	case *net.UDPAddr:
		return uint16(a.Port)
	}
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Port()
	}
	return 0
}
