package link_test

import (
	"net"
	"net/netip"
	"strconv"
	"testing"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
	"github.com/anynet/anynet/stack"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// TestRoutedConformance runs link/linktest's suite over a routed path:
// hosts a and b attached to router r (package link/router), or a → r1 →
// r2 → b, b a routed peer of a, each frame a UDP datagram of the hosts' netstacks, sealed
// by their Noise session and forwarded by r, which cannot open it. The
// path delivers the suite's frames whole, in order, from the sender's
// address (its identity address and port), under concurrent senders; the
// path has no batches, TrySend or hand-off of its own (Caps{}: the
// router's batching and hand-off are its underlay's, which the suite
// checks on link/mem and link/udp). Frames over the path's MTU, and
// Close, are the socket adapter's (linktest.PacketUnderlay). Over
// link/mem and over UDP sockets on loopback; two routers over link/mem.
// The first frames wait for the hosts' handshake, and must not be
// overtaken by those written as it completes (TestHandshakeQueueKeepsOrder).
func TestRoutedConformance(t *testing.T) {
	oneRouter := func(s *segment) (a, b *member, routers []*member) {
		r, a, b := s.add("r", "2a.1/128"), s.add("a", "2a.1/128"), s.add("b", "2a.1/128")
		s.up(r, link.RoleRouter)
		s.up(a, link.RoleHost, "r")
		s.up(b, link.RoleHost, "r")
		attachedAndRouted(t, []*member{a, b}, []*member{r})
		s.route(a, b)
		return a, b, []*member{r}
	}
	twoRouters := func(s *segment) (a, b *member, routers []*member) {
		r1, r2, a, b := s.twoRouters("2a.1/128", "2a.2/128", nil)
		return a, b, []*member{r1, r2}
	}
	mem := func(t testing.TB) *segment { return newSegment(t, link.MinUnderlayMTU) }
	for _, c := range []struct {
		name string
		seg  func(testing.TB) *segment
		path func(*segment) (a, b *member, routers []*member)
	}{
		{"mem", mem, oneRouter},
		{"udp", newUDPSegment, oneRouter},
		{"mem-two-routers", mem, twoRouters},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := c.seg(t)
			a, b, routers := c.path(s)
			s.route(b, a)
			var forwarded []uint64
			for _, r := range routers {
				forwarded = append(forwarded, r.ep.Stats().FramesForwarded)
			}
			port := uint16(5000)
			linktest.Run(t, linktest.Caps{}, func(t *testing.T) (link.Underlay, link.Underlay) {
				port++
				return routedSocket(t, a, port), routedSocket(t, b, port)
			})
			for i, r := range routers {
				if r.ep.Stats().FramesForwarded == forwarded[i] {
					t.Errorf("%s forwarded no frame: the path was not routed", r.name)
				}
			}
		})
	}
}

// routedSocket is a UDP socket of m's netstack on port as an underlay:
// its address is m's identity address and the port, its MTU what one
// datagram carries in a packet of the netstack's MTU.
func routedSocket(t *testing.T, m *member, port uint16) link.Underlay {
	t.Helper()
	pc, err := m.node.ListenPacket("udp", ":"+strconv.Itoa(int(port)))
	if err != nil {
		t.Fatal(err)
	}
	u := linktest.NewPacketUnderlay(pc, linktest.PacketConfig{
		Local: netip.AddrPortFrom(link.IdentityAddr(m.wallet), port),
		MTU:   int(m.ep.MTU()) - header.IPv6MinimumSize - header.UDPMinimumSize,
		To: func(a netip.AddrPort) net.Addr {
			return &net.UDPAddr{IP: a.Addr().AsSlice(), Port: int(a.Port())}
		},
		From: func(a net.Addr) (netip.AddrPort, bool) {
			sa, ok := a.(*stack.Addr)
			if !ok {
				return netip.AddrPort{}, false
			}
			return netip.AddrPortFrom(link.IdentityAddr(sa.Wallet), sa.Port), true
		},
	})
	t.Cleanup(func() { u.Close() })
	return u
}
