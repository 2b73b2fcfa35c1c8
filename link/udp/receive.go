package udp

import (
	"errors"
	"net"
	"net/netip"
	"time"
)

// The inbound pipeline:
//
//  1. readLoop, the Conn's one long-lived reader goroutine, reads up to
//     BatchSize datagrams at once (recvmmsg on Linux) into buffers it
//     owns and reuses, each MTU+1 bytes so an oversize datagram shows.
//  2. A datagram over the MTU (truncated by the kernel, or exactly one
//     byte over) is dropped and counted; one that arrives before
//     SetReceiver is dropped and counted.
//  3. Every other datagram goes to the receiver, in arrival order, as a
//     slice of the reader's buffer, valid until recv returns. Its
//     contents are not inspected here: garbage is the receiver's to
//     refuse.
//  4. A read error other than Close is counted and the loop goes on,
//     pausing briefly if errors repeat; Close ends it.

// rxMsg is one datagram slot of a read batch.
type rxMsg struct {
	buf   []byte // len MTU+1
	n     int
	src   netip.AddrPort
	trunc bool // the kernel cut the datagram to fit buf
}

// readLoop is the Conn's long-lived reader goroutine.
func (c *Conn) readLoop(batch int) {
	defer close(c.readerDone)
	msgs := make([]rxMsg, batch)
	backing := make([]byte, batch*(c.mtu+1))
	for i := range msgs {
		msgs[i].buf = backing[i*(c.mtu+1) : (i+1)*(c.mtu+1) : (i+1)*(c.mtu+1)]
	}
	failures := 0
	for {
		n, err := c.io.read(msgs)
		if err != nil {
			if c.closed.Load() || errors.Is(err, net.ErrClosed) {
				return
			}
			c.stats.readErrors.Add(1)
			c.log.Debug("read", "err", err)
			if failures++; failures > 8 {
				time.Sleep(10 * time.Millisecond) // do not spin on a persistent error
			}
			continue
		}
		failures = 0
		recv := c.recv.Load()
		for i := range msgs[:n] {
			m := &msgs[i]
			switch {
			case m.trunc || m.n > c.mtu:
				c.stats.truncated.Add(1)
				continue
			case recv == nil:
				c.stats.unreceived.Add(1)
				continue
			case c.closed.Load():
				return
			}
			(*recv)(m.buf[:m.n], m.src)
			c.stats.framesReceived.Add(1)
		}
	}
}
