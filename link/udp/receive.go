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
//     With UDP GRO (Linux) the kernel coalesces a run of equal-sized
//     datagrams from one sender into one read of up to 64 KiB and says
//     the datagram size in a control message; the reader then uses
//     groReadSlots buffers of groReadSize bytes and splits each read
//     back into datagrams (no copy).
//  2. A datagram over the MTU (truncated by the kernel, or exactly one
//     byte over) is dropped and counted; one that arrives before
//     SetReceiver is dropped and counted.
//  3. Every other datagram goes to the receiver, in arrival order, as a
//     slice of the reader's buffer, valid until recv returns. Its
//     contents are not inspected here: garbage is the receiver's to
//     refuse. After the last one of a read, the batch-end function
//     (link.BatchUnderlay) runs, so the receiver can hand on what it
//     coalesced.
//  4. A read error other than Close is counted and the loop goes on,
//     pausing briefly if errors repeat; Close ends it.

// rxMsg is one datagram slot of a read batch.
type rxMsg struct {
	buf   []byte // len MTU+1, or groReadSize with UDP GRO
	n     int
	seg   int // with UDP GRO, the size of the coalesced datagrams (0: one datagram)
	src   netip.AddrPort
	trunc bool // the kernel cut the datagram to fit buf
}

// readLoop is the Conn's long-lived reader goroutine.
func (c *Conn) readLoop(batch int) {
	defer close(c.readerDone)
	size := c.mtu + 1
	if c.io.groEnabled() {
		// One slot takes in a run of up to 64 KiB of datagrams.
		batch, size = min(batch, groReadSlots), groReadSize
	}
	msgs := make([]rxMsg, batch)
	backing := make([]byte, batch*size)
	for i := range msgs {
		msgs[i].buf = backing[i*size : (i+1)*size : (i+1)*size]
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
		if !c.deliver(msgs[:n]) {
			return
		}
	}
}

// deliver hands one read's datagrams to the receiver and then calls the
// batch end. It reports false once the Conn is closed.
func (c *Conn) deliver(msgs []rxMsg) bool {
	recv := c.recv.Load()
	delivered := 0
	for i := range msgs {
		m := &msgs[i]
		if m.trunc {
			c.stats.truncated.Add(1)
			continue
		}
		seg := m.n
		if m.seg > 0 && m.seg < m.n {
			seg = m.seg // a GRO read: datagrams of seg bytes, the last maybe shorter
			c.stats.groFrames.Add(uint64((m.n + seg - 1) / seg))
		}
		for off := 0; ; off += seg {
			end := min(off+seg, m.n)
			if !c.deliverFrame(recv, m.buf[off:end], m.src, &delivered) {
				c.endBatch(delivered)
				return false
			}
			if end >= m.n {
				break
			}
		}
	}
	c.endBatch(delivered)
	return true
}

// deliverFrame hands one datagram to recv, or drops and counts it; it
// reports false once the Conn is closed.
func (c *Conn) deliverFrame(recv *func([]byte, netip.AddrPort), f []byte, src netip.AddrPort, delivered *int) bool {
	switch {
	case len(f) > c.mtu:
		c.stats.truncated.Add(1)
	case recv == nil:
		c.stats.unreceived.Add(1)
	case c.closed.Load():
		return false
	default:
		// Counted first, so a receiver that reacts to the frame sees it
		// in Stats.
		c.stats.framesReceived.Add(1)
		(*recv)(f, src)
		*delivered++
	}
	return true
}

// endBatch calls the batch-end function after a read that delivered.
func (c *Conn) endBatch(delivered int) {
	if delivered == 0 {
		return
	}
	if end := c.batchEnd.Load(); end != nil {
		(*end)()
	}
}
