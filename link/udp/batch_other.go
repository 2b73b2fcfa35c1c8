//go:build !linux

package udp

import (
	"net"
	"net/netip"
)

// batchIO is the portable fallback: one datagram per read, one write per
// frame, no GSO.
type batchIO struct {
	pc *net.UDPConn
}

// groReadSize and groReadSlots size UDP GRO reads, which only Linux has.
const groReadSize, groReadSlots = 0, 0

func newBatchIO(pc *net.UDPConn, _ bool, _ int, _, _ bool) (*batchIO, error) {
	return &batchIO{pc: pc}, nil
}

func (b *batchIO) gsoEnabled() bool { return false }

func (b *batchIO) groEnabled() bool { return false }

func (b *batchIO) read(msgs []rxMsg) (int, error) {
	m := &msgs[0]
	n, src, err := b.pc.ReadFromUDPAddrPort(m.buf)
	if err != nil {
		return 0, err
	}
	m.n, m.seg, m.trunc = n, 0, false // a datagram longer than buf shows as n > MTU
	m.src = netip.AddrPortFrom(src.Addr().Unmap(), src.Port())
	return 1, nil
}

func (b *batchIO) write(dst netip.AddrPort, frames [][]byte) (sent, gsoSent int, err error) {
	for _, f := range frames {
		if _, err := b.pc.WriteToUDPAddrPort(f, dst); err != nil {
			return sent, 0, err
		}
		sent++
	}
	return sent, 0, nil
}

func setBuffers(pc *net.UDPConn, size int) (rcv, snd int) {
	if pc.SetReadBuffer(size) == nil {
		rcv = size
	}
	if pc.SetWriteBuffer(size) == nil {
		snd = size
	}
	return rcv, snd
}
