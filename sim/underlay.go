package sim

import (
	"net/netip"
	"sync/atomic"

	"github.com/anynet/anynet/link"
)

// underlayMTU is what every simulated underlay accepts: a full-size
// netstack packet with a full routing header. Links with a smaller MTU
// drop what does not fit ("mtu").
const underlayMTU = link.MinUnderlayMTU

// servicePort is the underlay port of every simulated node.
const servicePort = 4242

// addrOf is node i's underlay address, from 100.64.0.0/10.
func addrOf(i int32) netip.AddrPort {
	v := uint32(100)<<24 | uint32(64)<<16 + uint32(i)
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), servicePort)
}

// nodeOf is the inverse of addrOf; ok is false for an address no node has.
func (s *Sim) nodeOf(a netip.AddrPort) (int32, bool) {
	if !a.Addr().Is4() || a.Port() != servicePort {
		return 0, false
	}
	b := a.Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	i := int64(v) - int64(uint32(100)<<24|uint32(64)<<16)
	if i < 0 || i >= int64(len(s.nodes)) {
		return 0, false
	}
	return int32(i), true
}

// underlay is one node incarnation's link.Underlay on the simulated
// network. Send books each frame on the network and queues its delivery
// as an event; delivery calls the receiver from the simulator's
// goroutine.
type underlay struct {
	s      *Sim
	id     int32
	recv   func(frame []byte, src netip.AddrPort)
	closed atomic.Bool
}

var _ link.Underlay = (*underlay)(nil)

func (u *underlay) LocalAddr() netip.AddrPort { return addrOf(u.id) }
func (u *underlay) MTU() int                  { return underlayMTU }

func (u *underlay) SetReceiver(recv func(frame []byte, src netip.AddrPort)) { u.recv = recv }

func (u *underlay) Send(dst netip.AddrPort, frames ...[]byte) error {
	if u.closed.Load() {
		return link.ErrClosed
	}
	for _, f := range frames {
		if len(f) > underlayMTU {
			return link.ErrFrameTooBig
		}
	}
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range frames {
		s.sendLocked(u.id, dst, f)
	}
	return nil
}

func (u *underlay) Close() error {
	u.closed.Store(true)
	return nil
}
