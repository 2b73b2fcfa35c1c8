package udp

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/anynet/anynet/link"
)

// The outbound pipeline:
//
//  1. Send refuses the batch if the Conn is closed (ErrClosed), a frame
//     exceeds the MTU (ErrFrameTooBig), or the destination is invalid or
//     of a family the socket cannot reach.
//  2. With GSO on, planRuns groups the frames into runs of equal size,
//     each optionally ended by one shorter frame; a run of more than one
//     frame becomes one message with a UDP_SEGMENT control message, its
//     frames the message's iovecs (no copy). Otherwise each frame is one
//     message.
//  3. The messages go out in one sendmmsg (ipv4/ipv6 PacketConn
//     WriteBatch), repeated until all are written; the socket is
//     non-blocking under Go's poller, so a full send buffer blocks Send
//     until there is room. Elsewhere than Linux, one write per frame.
//  4. A segmented write the kernel refuses is retried unsegmented; EIO
//     (no checksum offload on the device) turns GSO off for good.

// Send writes frames to dst, in order, as one batch. It blocks while the
// socket's send buffer is full. It does not retain frames.
func (c *Conn) Send(dst netip.AddrPort, frames ...[]byte) error {
	if c.closed.Load() {
		return link.ErrClosed
	}
	for i, f := range frames {
		if len(f) > c.mtu {
			return fmt.Errorf("udp: frame %d of %d bytes, MTU %d: %w", i, len(f), c.mtu, link.ErrFrameTooBig)
		}
	}
	dst = netip.AddrPortFrom(dst.Addr().Unmap(), dst.Port())
	switch {
	case !dst.IsValid() || dst.Port() == 0:
		return fmt.Errorf("udp: send to %v: %w", dst, ErrInvalidAddr)
	case c.v4 && dst.Addr().Is6():
		return fmt.Errorf("udp: send to %v from %v: %w", dst, c.local, ErrAddrFamily)
	case len(frames) == 0:
		return nil
	}
	n, gso, err := c.io.write(dst, frames)
	c.stats.framesSent.Add(uint64(n))
	c.stats.gsoFrames.Add(uint64(gso))
	if err != nil {
		if c.closed.Load() || errors.Is(err, net.ErrClosed) {
			return link.ErrClosed
		}
		c.stats.sendErrors.Add(1)
		return fmt.Errorf("udp: send %d frames to %v: %w", len(frames)-n, dst, err)
	}
	return nil
}

// run is a span of frames [start, end) written as one datagram message:
// one frame, or with end-start > 1 a GSO message of segments of seg
// bytes (the last may be shorter).
type run struct {
	start, end, seg int
}

// planRuns appends to out the runs frames are written in when GSO may
// put at most maxSegs segments and maxBytes bytes into one message. An
// empty frame is always a run of its own.
func planRuns(out []run, frames [][]byte, maxSegs, maxBytes int) []run {
	for i := 0; i < len(frames); {
		seg := len(frames[i])
		r := run{start: i, end: i + 1, seg: seg}
		total := seg
		for seg > 0 && r.end < len(frames) && r.end-r.start < maxSegs {
			next := len(frames[r.end])
			if next == 0 || next > seg || total+next > maxBytes {
				break
			}
			total += next
			r.end++
			if next < seg { // a shorter segment ends the run
				break
			}
		}
		out = append(out, r)
		i = r.end
	}
	return out
}
