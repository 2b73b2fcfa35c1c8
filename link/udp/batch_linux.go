//go:build linux

package udp

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
)

const (
	// gsoMaxSegments is the kernel's limit on segments per UDP_SEGMENT
	// write (UDP_MAX_SEGMENTS, 64 before Linux 6.x raised it).
	gsoMaxSegments = 64
	// gsoMaxBytes is the largest UDP payload of one segmented write.
	gsoMaxBytes = maxMTU
)

const (
	// groReadSize is a read buffer with UDP GRO: the most the kernel
	// coalesces into one read (64 KiB of UDP payload).
	groReadSize = 1 << 16
	// groReadSlots is how many such buffers one recvmmsg fills.
	groReadSlots = 8
)

var (
	// gsoSpace is the control-message space one UDP_SEGMENT option takes.
	gsoSpace = unix.CmsgSpace(2)
	// groSpace is the space of the UDP_GRO control message a coalesced
	// read carries (an int: the datagram size).
	groSpace = unix.CmsgSpace(4)
)

// batchRW is what ipv4.PacketConn and ipv6.PacketConn share
// (ipv4.Message and ipv6.Message are one type).
type batchRW interface {
	ReadBatch(ms []ipv4.Message, flags int) (int, error)
	WriteBatch(ms []ipv4.Message, flags int) (int, error)
}

// batchIO reads with recvmmsg and writes with sendmmsg, optionally with
// UDP GSO.
type batchIO struct {
	rw  batchRW
	gso atomic.Bool
	gro bool // UDP_GRO is on: reads carry a segment-size control message

	// rx, rxBufs and rxOOB belong to the reader goroutine.
	rx     []ipv4.Message
	rxBufs [][]byte
	rxOOB  []byte

	txPool sync.Pool // of *txBatch
}

// txBatch is the per-Send scratch: messages, the destination, GSO
// options. It is cleared before it goes back to the pool, so it holds no
// caller's frames.
type txBatch struct {
	msgs []ipv4.Message
	runs []run
	oob  []byte
	addr net.UDPAddr
	ip   [16]byte
}

func newBatchIO(pc *net.UDPConn, v4 bool, batch int, gso, gro bool) (*batchIO, error) {
	b := &batchIO{
		rx:     make([]ipv4.Message, batch),
		rxBufs: make([][]byte, batch),
	}
	if v4 {
		b.rw = ipv4.NewPacketConn(pc)
	} else {
		b.rw = ipv6.NewPacketConn(pc)
	}
	for i := range b.rx {
		b.rx[i].Buffers = b.rxBufs[i : i+1]
	}
	b.txPool.New = func() any { return new(txBatch) }
	if gso && supportsGSO(pc) {
		b.gso.Store(true)
	}
	if gro && enableGRO(pc) {
		b.gro = true
		b.rxOOB = make([]byte, batch*groSpace)
		for i := range b.rx {
			b.rx[i].OOB = b.rxOOB[i*groSpace : (i+1)*groSpace : (i+1)*groSpace]
		}
	}
	return b, nil
}

// enableGRO turns UDP_GRO on for pc and reports whether the kernel
// agreed.
func enableGRO(pc *net.UDPConn) bool {
	rc, err := pc.SyscallConn()
	if err != nil {
		return false
	}
	ok := false
	err = rc.Control(func(fd uintptr) {
		ok = unix.SetsockoptInt(int(fd), unix.IPPROTO_UDP, unix.UDP_GRO, 1) == nil
	})
	return err == nil && ok
}

func (b *batchIO) groEnabled() bool { return b.gro }

// groSegment returns the datagram size a UDP_GRO control message in oob
// states, or 0 if there is none.
func groSegment(oob []byte) int {
	for len(oob) >= unix.CmsgLen(0) {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		l := int(h.Len)
		if l < unix.CmsgLen(0) || l > len(oob) {
			return 0
		}
		if h.Level == unix.SOL_UDP && h.Type == unix.UDP_GRO && l >= unix.CmsgLen(4) {
			return int(*(*int32)(unsafe.Pointer(&oob[unix.CmsgLen(0)])))
		}
		oob = oob[min(unix.CmsgSpace(l-unix.CmsgLen(0)), len(oob)):]
	}
	return 0
}

func supportsGSO(pc *net.UDPConn) bool {
	rc, err := pc.SyscallConn()
	if err != nil {
		return false
	}
	ok := false
	err = rc.Control(func(fd uintptr) {
		_, err := unix.GetsockoptInt(int(fd), unix.IPPROTO_UDP, unix.UDP_SEGMENT)
		ok = err == nil
	})
	return err == nil && ok
}

func (b *batchIO) gsoEnabled() bool { return b.gso.Load() }

// read fills msgs with one recvmmsg.
func (b *batchIO) read(msgs []rxMsg) (int, error) {
	rx := b.rx[:len(msgs)]
	for i := range rx {
		b.rxBufs[i] = msgs[i].buf
		rx[i].Addr = nil
		if b.gro {
			rx[i].OOB = b.rxOOB[i*groSpace : (i+1)*groSpace]
		}
	}
	n, err := b.rw.ReadBatch(rx, 0)
	if err != nil {
		return 0, err
	}
	for i := range rx[:n] {
		m := &msgs[i]
		m.n = rx[i].N
		m.trunc = rx[i].Flags&unix.MSG_TRUNC != 0
		m.seg = 0
		if b.gro && rx[i].NN > 0 {
			m.seg = groSegment(rx[i].OOB[:rx[i].NN])
		}
		m.src = netip.AddrPort{}
		if ua, ok := rx[i].Addr.(*net.UDPAddr); ok {
			ap := ua.AddrPort()
			m.src = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
		}
	}
	return n, nil
}

// write sends frames to dst and returns how many frames went out and how
// many of those in segmented writes.
func (b *batchIO) write(dst netip.AddrPort, frames [][]byte) (sent, gsoSent int, err error) {
	tx := b.txPool.Get().(*txBatch)
	defer b.putTx(tx)
	tx.setAddr(dst)
	useGSO := b.gso.Load() && len(frames) > 1
	sent, gsoSent, err = b.writeRuns(tx, frames, useGSO)
	if err != nil && useGSO && gsoRefused(err) {
		if errors.Is(err, unix.EIO) {
			b.gso.Store(false) // the device cannot checksum: no GSO, ever
		}
		var n int
		n, _, err = b.writeRuns(tx, frames[sent:], false)
		sent += n
	}
	return sent, gsoSent, err
}

// writeRuns plans and writes frames; on an error it reports the frames
// of the messages written before it.
func (b *batchIO) writeRuns(tx *txBatch, frames [][]byte, gso bool) (sent, gsoSent int, err error) {
	tx.runs = tx.runs[:0]
	if gso {
		tx.runs = planRuns(tx.runs, frames, gsoMaxSegments, gsoMaxBytes)
	} else {
		for i := range frames {
			tx.runs = append(tx.runs, run{start: i, end: i + 1, seg: len(frames[i])})
		}
	}
	if cap(tx.msgs) < len(tx.runs) {
		tx.msgs = make([]ipv4.Message, len(tx.runs))
	}
	msgs := tx.msgs[:len(tx.runs)]
	if need := len(tx.runs) * gsoSpace; gso && cap(tx.oob) < need {
		tx.oob = make([]byte, need)
	}
	for i, r := range tx.runs {
		msgs[i] = ipv4.Message{Buffers: frames[r.start:r.end], Addr: &tx.addr}
		if r.end-r.start > 1 {
			oob := tx.oob[i*gsoSpace : (i+1)*gsoSpace]
			putSegmentSize(oob, r.seg)
			msgs[i].OOB = oob
		}
	}
	for done := 0; done < len(msgs); {
		n, err := b.rw.WriteBatch(msgs[done:], 0)
		for _, r := range tx.runs[done : done+max(n, 0)] {
			sent += r.end - r.start
			if r.end-r.start > 1 {
				gsoSent += r.end - r.start
			}
		}
		if err != nil {
			return sent, gsoSent, err
		}
		done += n
	}
	return sent, gsoSent, nil
}

func (b *batchIO) putTx(tx *txBatch) {
	clear(tx.msgs) // drop the caller's frames
	b.txPool.Put(tx)
}

func (tx *txBatch) setAddr(dst netip.AddrPort) {
	a := dst.Addr()
	if a.Is4() {
		a4 := a.As4()
		copy(tx.ip[:], a4[:])
		tx.addr.IP = tx.ip[:4]
	} else {
		tx.ip = a.As16()
		tx.addr.IP = tx.ip[:]
	}
	tx.addr.Port = int(dst.Port())
	tx.addr.Zone = a.Zone()
}

// putSegmentSize writes a UDP_SEGMENT control message into oob, which is
// gsoSpace bytes.
func putSegmentSize(oob []byte, seg int) {
	clear(oob)
	h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
	h.Level = unix.SOL_UDP
	h.Type = unix.UDP_SEGMENT
	h.SetLen(unix.CmsgLen(2))
	*(*uint16)(unsafe.Pointer(&oob[unix.CmsgLen(0)])) = uint16(seg)
}

// gsoRefused reports whether err is the kernel refusing a segmented
// write (EIO: no checksum offload; EINVAL: a segment over the path MTU)
// rather than the socket failing.
func gsoRefused(err error) bool {
	var se *os.SyscallError
	if !errors.As(err, &se) {
		return false
	}
	return errors.Is(se.Err, unix.EIO) || errors.Is(se.Err, unix.EINVAL)
}

// setBuffers asks for size bytes of receive and send buffer, beyond the
// system's maximum where the process may (SO_*BUFFORCE), and returns what
// the kernel granted (Linux reports double the usable size).
func setBuffers(pc *net.UDPConn, size int) (rcv, snd int) {
	rc, err := pc.SyscallConn()
	if err != nil {
		return 0, 0
	}
	rc.Control(func(fd uintptr) {
		s := int(fd)
		if unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, size) != nil {
			_ = unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_RCVBUF, size)
		}
		if unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_SNDBUFFORCE, size) != nil {
			_ = unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_SNDBUF, size)
		}
		rcv, _ = unix.GetsockoptInt(s, unix.SOL_SOCKET, unix.SO_RCVBUF)
		snd, _ = unix.GetsockoptInt(s, unix.SOL_SOCKET, unix.SO_SNDBUF)
	})
	return rcv, snd
}
