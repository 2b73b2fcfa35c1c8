package linktest_test

import (
	"net"
	"net/netip"
	"testing"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
)

// TestPacketUnderlay runs the suite on PacketUnderlay over plain UDP
// sockets on loopback: the adapter itself conforms, so what
// TestRoutedConformance (package link) finds wrong is the path's.
func TestPacketUnderlay(t *testing.T) {
	linktest.Run(t, linktest.Caps{}, func(t *testing.T) (link.Underlay, link.Underlay) {
		open := func() link.Underlay {
			pc, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			u := linktest.NewPacketUnderlay(pc, linktest.PacketConfig{
				Local: pc.LocalAddr().(*net.UDPAddr).AddrPort(),
				MTU:   link.MinUnderlayMTU,
				To:    func(a netip.AddrPort) net.Addr { return net.UDPAddrFromAddrPort(a) },
				From: func(a net.Addr) (netip.AddrPort, bool) {
					ua, ok := a.(*net.UDPAddr)
					if !ok {
						return netip.AddrPort{}, false
					}
					return ua.AddrPort(), true
				},
			})
			t.Cleanup(func() { u.Close() })
			return u
		}
		return open(), open()
	})
}
