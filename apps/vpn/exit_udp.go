package vpn

import (
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/ethereum/go-ethereum/common"
)

// serveUDP carries one UDP association:
//
//  1. The stream from the client carries Datagrams to Host:Port; each
//     destination is resolved (at the exit: DNS through the exit) and
//     checked against the policy once, then sent from one ordinary UDP
//     socket of the exit.
//  2. Datagrams that socket receives from a destination the client sent
//     to go back on the stream, named by the destination's address;
//     others are dropped (the association is address-restricted).
//
// A refused destination ends nothing: the exit answers with a Datagram
// from host "!" whose port is the reply code and payload the refusal's
// text, so the client can
// show it, and goes on.
func (e *Exit) serveUDP(c net.Conn, wallet common.Address) {
	sock, err := e.cfg.ListenUDP()
	if err != nil {
		e.refuse(c, wallet, fmt.Errorf("%w: udp socket: %v", ErrConnect, err))
		return
	}
	if !e.track(sock, false) {
		sock.Close()
		return
	}
	defer e.track(sock, true)
	u := e.begin(wallet)
	if _, err := c.Write(AppendReply(nil, Reply{Code: CodeOK, Msg: hex.EncodeToString(u.Session[:])})); err != nil {
		sock.Close()
		e.finish(u, 0, 0, err)
		return
	}
	a := &assoc{e: e, c: c, sock: sock, wallet: wallet, peers: make(map[netip.AddrPort]bool), names: make(map[string]netip.Addr)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.fromDestinations()
	}()
	err = a.fromClient()
	sock.Close()
	c.Close()
	<-done
	e.finish(u, a.up.Load(), a.down.Load(), err)
}

// assoc is one UDP association at the exit.
type assoc struct {
	e      *Exit
	c      net.Conn
	sock   *net.UDPConn
	wallet common.Address

	up, down atomic.Uint64

	mu    sync.Mutex // guards peers and writes to c
	peers map[netip.AddrPort]bool

	names map[string]netip.Addr // fromClient's own
}

// fromClient is the association's client-side reader (step 1).
func (a *assoc) fromClient() error {
	buf := make([]byte, 65535)
	for {
		d, err := ReadDatagram(a.c, buf)
		if err != nil {
			return err
		}
		dst, err := a.destination(d.Host, d.Port)
		if err == nil {
			err = a.e.spend(a.wallet, len(d.Payload))
			if err != nil {
				a.notice(err)
				return err
			}
		}
		if err != nil {
			a.notice(err)
			continue
		}
		a.mu.Lock()
		a.peers[dst] = true
		a.mu.Unlock()
		if _, err := a.sock.WriteToUDPAddrPort(d.Payload, dst); err == nil {
			a.up.Add(uint64(len(d.Payload)))
			a.e.up.Add(uint64(len(d.Payload)))
		}
	}
}

// destination resolves and checks host:port (names once each).
func (a *assoc) destination(host string, port uint16) (netip.AddrPort, error) {
	if err := a.e.check.allowsPort(port); err != nil {
		return netip.AddrPort{}, err
	}
	ip, ok := a.names[host]
	if !ok {
		ctx, cancel := context.WithTimeout(a.e.ctx, a.e.cfg.DialTimeout)
		ips, err := a.e.resolve(ctx, host)
		cancel()
		if err != nil {
			return netip.AddrPort{}, err
		}
		ip = ips[0]
		if len(a.names) < 1024 {
			a.names[host] = ip
		}
	}
	return netip.AddrPortFrom(ip, port), nil
}

// notice sends a refusal's text to the client as a datagram from "!".
func (a *assoc) notice(err error) {
	a.e.refused.Add(1)
	msg := err.Error()
	if len(msg) > maxMsg {
		msg = msg[:maxMsg]
	}
	b, _ := AppendDatagram(nil, Datagram{Host: "!", Port: uint16(codeOf(err)), Payload: []byte(msg)})
	a.mu.Lock()
	a.c.Write(b)
	a.mu.Unlock()
}

// fromDestinations is the association's socket reader (step 2).
func (a *assoc) fromDestinations() {
	buf := make([]byte, 65535)
	out := make([]byte, 0, 65535+300)
	for {
		n, from, err := a.sock.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		a.mu.Lock()
		known := a.peers[from]
		a.mu.Unlock()
		if !known || n > MaxDatagram {
			continue
		}
		out, _ = AppendDatagram(out[:0], Datagram{Host: from.Addr().String(), Port: from.Port(), Payload: buf[:n]})
		if err := a.e.spend(a.wallet, n); err != nil {
			a.notice(err)
			a.c.Close()
			return
		}
		a.mu.Lock()
		_, err = a.c.Write(out)
		a.mu.Unlock()
		if err != nil {
			return
		}
		a.down.Add(uint64(n))
		a.e.down.Add(uint64(n))
	}
}
