package udp

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/anynet/anynet/link"
)

// Conn is a link.Underlay over one UDP socket. It is safe for concurrent
// use. The data path is in send.go and receive.go; this file is its
// lifecycle.
type Conn struct {
	pc    *net.UDPConn
	io    *batchIO // the platform's way to read and write batches
	local netip.AddrPort
	v4    bool // the socket is AF_INET and cannot reach IPv6
	mtu   int
	log   *slog.Logger
	stats counters

	recv     atomic.Pointer[func(frame []byte, src netip.AddrPort)]
	batchEnd atomic.Pointer[func()]

	closed     atomic.Bool
	closeOnce  sync.Once
	readerDone chan struct{} // closed when readLoop returns
}

var _ link.BatchUnderlay = (*Conn)(nil)

// Listen opens a UDP socket at cfg.Addr and starts its reader. ctx bounds
// the listen only; the Conn lives until Close.
func Listen(ctx context.Context, cfg Config) (*Conn, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	var lc net.ListenConfig
	p, err := lc.ListenPacket(ctx, "udp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("udp: listen %s: %w", cfg.Addr, err)
	}
	pc := p.(*net.UDPConn)
	ua := pc.LocalAddr().(*net.UDPAddr)
	ap := ua.AddrPort()
	c := &Conn{
		pc:         pc,
		local:      netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()),
		v4:         len(ua.IP) == net.IPv4len,
		mtu:        cfg.MTU,
		log:        cfg.Logger.With("underlay", "udp"),
		readerDone: make(chan struct{}),
	}
	if cfg.SocketBuffer > 0 {
		rcv, snd := setBuffers(pc, cfg.SocketBuffer)
		c.log.Debug("socket buffers", "want", cfg.SocketBuffer, "rcvbuf", rcv, "sndbuf", snd)
	}
	c.io, err = newBatchIO(pc, c.v4, cfg.BatchSize, !cfg.DisableGSO, !cfg.DisableGRO)
	if err != nil {
		pc.Close()
		return nil, fmt.Errorf("udp: listen %s: %w", cfg.Addr, err)
	}
	c.log.Debug("listening", "addr", c.local, "mtu", c.mtu, "gso", c.io.gsoEnabled(), "gro", c.io.groEnabled())
	go c.readLoop(cfg.BatchSize)
	return c, nil
}

// LocalAddr is the address the socket is bound to. For a wildcard bind
// (":0") it is the unspecified address and the port; peers reach the
// node at one of the host's addresses with that port.
func (c *Conn) LocalAddr() netip.AddrPort { return c.local }

// MTU is the largest frame Send accepts.
func (c *Conn) MTU() int { return c.mtu }

// GSO reports whether Send uses UDP segmentation offload.
func (c *Conn) GSO() bool { return c.io.gsoEnabled() }

// GRO reports whether reads use UDP generic receive offload.
func (c *Conn) GRO() bool { return c.io.groEnabled() }

// Stats returns c's counters.
func (c *Conn) Stats() Stats { return c.stats.snapshot() }

// SetReceiver installs recv; datagrams that arrive before are dropped
// and counted as Unreceived.
func (c *Conn) SetReceiver(recv func(frame []byte, src netip.AddrPort)) {
	c.recv.Store(&recv)
}

// SetBatchEnd implements link.BatchUnderlay: end is called by the reader
// after it handed the receiver the datagrams of one read (one recvmmsg).
func (c *Conn) SetBatchEnd(end func()) {
	c.batchEnd.Store(&end)
}

// Close closes the socket, which unblocks pending Sends (they return
// ErrClosed), and waits for the reader to exit. It is idempotent; a
// second call waits for the first. recv must not call Close.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		if err := c.pc.Close(); err != nil {
			c.log.Debug("close", "err", err)
		}
		<-c.readerDone
	})
	return nil
}
