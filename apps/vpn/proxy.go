package vpn

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Proxy serves SOCKS5 and HTTP proxying on one port, for programs that
// cannot route through a TUN device: the first byte of a connection
// tells them apart (5 is SOCKS5; an HTTP request starts with a
// letter). Connections go out through Client.
type Proxy struct {
	// Client carries the connections; required.
	Client *Client
	// Logger receives logs; nil discards.
	Logger *slog.Logger

	wg     sync.WaitGroup
	mu     sync.Mutex // guards conns and closed
	conns  map[net.Conn]struct{}
	closed bool
	ctx    context.Context
	stop   context.CancelFunc
}

// Serve accepts on ln (a loopback listener: the proxy asks no
// credentials) until Close or ln fails.
func (p *Proxy) Serve(ln net.Listener) error {
	p.mu.Lock()
	if p.conns == nil {
		p.conns = make(map[net.Conn]struct{})
		p.ctx, p.stop = context.WithCancel(context.Background())
	}
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	p.conns[listenerConn{ln}] = struct{}{}
	p.mu.Unlock()
	for {
		c, err := ln.Accept()
		if err != nil {
			if p.isClosed() {
				return ErrClosed
			}
			return err
		}
		if !p.track(c, false) {
			c.Close()
			return ErrClosed
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.track(c, true)
			defer c.Close()
			p.serve(c)
		}()
	}
}

// listenerConn lets Close close a listener with the conns.
type listenerConn struct{ net.Listener }

func (listenerConn) Read([]byte) (int, error)         { return 0, net.ErrClosed }
func (listenerConn) Write([]byte) (int, error)        { return 0, net.ErrClosed }
func (listenerConn) LocalAddr() net.Addr              { return nil }
func (listenerConn) RemoteAddr() net.Addr             { return nil }
func (listenerConn) SetDeadline(time.Time) error      { return nil }
func (listenerConn) SetReadDeadline(time.Time) error  { return nil }
func (listenerConn) SetWriteDeadline(time.Time) error { return nil }

func (p *Proxy) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

func (p *Proxy) track(c net.Conn, del bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if del {
		delete(p.conns, c)
		return true
	}
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

// Close stops the proxy: its listeners and connections close, and it
// returns when their goroutines have ended.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	if p.stop != nil {
		p.stop()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return nil
}

func (p *Proxy) log() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Logger
}

// serve tells SOCKS5 from HTTP by the first byte.
func (p *Proxy) serve(c net.Conn) {
	br := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	b, err := br.Peek(1)
	if err != nil {
		return
	}
	if b[0] == socksVersion {
		p.serveSOCKS(c, br)
		return
	}
	p.serveHTTP(c, br)
}

// serveSOCKS answers one SOCKS5 session.
func (p *Proxy) serveSOCKS(c net.Conn, br *bufio.Reader) {
	ok, err := readGreeting(br)
	if err != nil {
		return
	}
	if !ok {
		c.Write([]byte{socksVersion, socksNoMethods})
		return
	}
	c.Write([]byte{socksVersion, socksNoAuth})
	req, err := readSocksRequest(br)
	if err != nil {
		rep := byte(socksFailure)
		if errors.Is(err, errAddrType) {
			rep = socksAddrTypeNotSupport
		}
		c.Write(appendSocksReply(nil, rep, netip.AddrPort{}))
		return
	}
	c.SetReadDeadline(time.Time{})
	switch req.cmd {
	case socksConnect:
		dst, err := p.Client.Dial(p.ctx, "tcp", net.JoinHostPort(req.host, itoa(req.port)))
		if err != nil {
			p.log().Info("vpn: socks connect refused", "dest", req.host, "err", err)
			c.Write(appendSocksReply(nil, socksReplyFor(err), netip.AddrPort{}))
			return
		}
		if !p.track(dst, false) {
			dst.Close()
			return
		}
		defer p.track(dst, true)
		if _, err := c.Write(appendSocksReply(nil, socksOK, netip.AddrPort{})); err != nil {
			dst.Close()
			return
		}
		var up, down atomic.Uint64
		splice(&bufConn{Conn: c, r: br}, dst, &up, &down, nil, nil)
	case socksAssociate:
		p.serveAssociate(c, br)
	default:
		c.Write(appendSocksReply(nil, socksCmdNotSupported, netip.AddrPort{}))
	}
}

func itoa(port uint16) string {
	var b [5]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + port%10)
		port /= 10
		if port == 0 {
			return string(b[i:])
		}
	}
}
