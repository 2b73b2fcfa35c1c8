package linktest

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"

	"github.com/anynet/anynet/link"
)

// PacketConfig says how a datagram socket maps to a link.Underlay.
type PacketConfig struct {
	// Local is the socket's own address as its peers see it: the
	// source a frame it sends arrives from.
	Local netip.AddrPort
	// MTU is the largest frame: what one datagram carries without
	// fragmenting on the path.
	MTU int
	// To turns an underlay address into the socket's.
	To func(netip.AddrPort) net.Addr
	// From turns the socket's source address into an underlay address;
	// false drops the datagram.
	From func(net.Addr) (netip.AddrPort, bool)
}

// PacketUnderlay is a link.Underlay over a datagram socket: each frame
// is one datagram. It lets the suite run over a path that is not an
// underlay of its own — a UDP socket of a node's netstack, whose
// datagrams cross the overlay sealed, through routers (package link's
// TestRoutedConformance). It has no batches, no TrySend and no
// hand-off (Caps{}); Close is final as the suite asks: the receiver is
// never called once it returned.
type PacketUnderlay struct {
	pc  net.PacketConn
	cfg PacketConfig

	mu     sync.RWMutex // guards recv and closed; read-held while recv runs
	recv   func([]byte, netip.AddrPort)
	closed bool

	start sync.Once
	done  chan struct{} // closed when the reader returned
}

var _ link.Underlay = (*PacketUnderlay)(nil)

// NewPacketUnderlay wraps pc, which it then owns.
func NewPacketUnderlay(pc net.PacketConn, cfg PacketConfig) *PacketUnderlay {
	return &PacketUnderlay{pc: pc, cfg: cfg, done: make(chan struct{})}
}

// LocalAddr implements link.Underlay.
func (u *PacketUnderlay) LocalAddr() netip.AddrPort { return u.cfg.Local }

// MTU implements link.Underlay.
func (u *PacketUnderlay) MTU() int { return u.cfg.MTU }

// Send implements link.Underlay: every frame is checked before the
// first goes.
func (u *PacketUnderlay) Send(dst netip.AddrPort, frames ...[]byte) error {
	u.mu.RLock()
	closed := u.closed
	u.mu.RUnlock()
	if closed {
		return link.ErrClosed
	}
	for _, f := range frames {
		if len(f) > u.cfg.MTU {
			return fmt.Errorf("linktest: %d-byte frame, MTU %d: %w", len(f), u.cfg.MTU, link.ErrFrameTooBig)
		}
	}
	to := u.cfg.To(dst)
	for _, f := range frames {
		if _, err := u.pc.WriteTo(f, to); err != nil {
			if errors.Is(err, net.ErrClosed) {
				return link.ErrClosed
			}
			return fmt.Errorf("linktest: send to %v: %w", dst, err)
		}
	}
	return nil
}

// SetReceiver implements link.Underlay; the first call starts the
// reader.
func (u *PacketUnderlay) SetReceiver(recv func(frame []byte, src netip.AddrPort)) {
	u.mu.Lock()
	u.recv = recv
	u.mu.Unlock()
	u.start.Do(func() { go u.read() })
}

func (u *PacketUnderlay) read() {
	defer close(u.done)
	buf := make([]byte, max(u.cfg.MTU, 1)+1)
	for {
		n, from, err := u.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		src, ok := u.cfg.From(from)
		if !ok || n > u.cfg.MTU {
			continue
		}
		u.mu.RLock()
		if !u.closed && u.recv != nil {
			u.recv(buf[:n], src)
		}
		u.mu.RUnlock()
	}
}

// Close implements link.Underlay: it closes the socket, waits for a
// receiver call under way and for the reader; a second Close does
// nothing.
func (u *PacketUnderlay) Close() error {
	u.mu.Lock()
	if u.closed {
		u.mu.Unlock()
		return nil
	}
	u.closed = true
	u.mu.Unlock()
	err := u.pc.Close()
	u.start.Do(func() { close(u.done) }) // never started: nothing to wait for
	<-u.done
	return err
}
