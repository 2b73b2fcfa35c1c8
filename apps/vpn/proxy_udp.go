package vpn

import (
	"bufio"
	"io"
	"net"
	"net/netip"
	"sync"
)

// serveAssociate answers a SOCKS5 UDP ASSOCIATE:
//
//  1. A UDP socket on the proxy's loopback address relays for the
//     client; the first datagram's source becomes the client's address
//     (only the TCP client's IP may send).
//  2. Each datagram (RFC 1928 header) goes on one association through
//     the exit (Client.AssociateUDP), the name resolved there.
//  3. Datagrams back from the exit get the header naming their source
//     and go to the client.
//
// The association lasts while the SOCKS TCP connection is open.
func (p *Proxy) serveAssociate(c net.Conn, br *bufio.Reader) {
	local, _ := netip.ParseAddrPort(c.LocalAddr().String())
	remote, _ := netip.ParseAddrPort(c.RemoteAddr().String())
	sock, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(local.Addr(), 0)))
	if err != nil {
		c.Write(appendSocksReply(nil, socksFailure, netip.AddrPort{}))
		return
	}
	defer sock.Close()
	tun, err := p.Client.AssociateUDP(p.ctx)
	if err != nil {
		c.Write(appendSocksReply(nil, socksReplyFor(err), netip.AddrPort{}))
		return
	}
	defer tun.Close()
	bound, _ := netip.ParseAddrPort(sock.LocalAddr().String())
	if _, err := c.Write(appendSocksReply(nil, socksOK, bound)); err != nil {
		return
	}
	var mu sync.Mutex // guards client
	var client netip.AddrPort
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // 2: client → exit
		defer wg.Done()
		defer tun.Close()
		buf := make([]byte, 65535)
		for {
			n, from, err := sock.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			if from.Addr().Unmap() != remote.Addr().Unmap() {
				continue
			}
			host, port, payload, err := parseSocksUDP(buf[:n])
			if err != nil {
				continue // RFC 1928: a datagram the relay cannot carry is dropped
			}
			mu.Lock()
			client = from
			mu.Unlock()
			if err := tun.Send(Datagram{Host: host, Port: port, Payload: payload}); err != nil {
				return
			}
		}
	}()
	go func() { // 3: exit → client
		defer wg.Done()
		defer sock.Close()
		buf := make([]byte, 65535)
		var out []byte
		for {
			d, err := tun.Recv(buf)
			if err != nil {
				if _, refused := err.(*RefusedError); refused {
					p.log().Info("vpn: udp datagram refused", "err", err)
					continue
				}
				return
			}
			mu.Lock()
			to := client
			mu.Unlock()
			if !to.IsValid() {
				continue
			}
			out = appendSocksUDP(out[:0], d.Host, d.Port, d.Payload)
			sock.WriteToUDPAddrPort(out, to)
		}
	}()
	io.Copy(io.Discard, br) // until the client closes the TCP connection
	sock.Close()
	tun.Close()
	wg.Wait()
}
