package stack

import (
	"testing"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

// TestTCPLossDetection: the overlay's TCP detects loss by SACK and
// duplicate ACKs, not gVisor's default RACK-TLP (see TCPConfig);
// TCPConfig.RACK turns it back on.
func TestTCPLossDetection(t *testing.T) {
	for _, c := range []struct {
		cfg  TCPConfig
		want tcpip.TCPRecovery
	}{
		{TCPConfig{}, 0},
		{TCPConfig{RACK: true}, tcpip.TCPRACKLossDetection},
	} {
		s := stack.New(stack.Options{
			NetworkProtocols:   []stack.NetworkProtocolFactory{ipv6.NewProtocol},
			TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol},
		})
		if err := c.cfg.apply(s); err != nil {
			t.Fatal(err)
		}
		var got tcpip.TCPRecovery
		if err := s.TransportProtocolOption(tcp.ProtocolNumber, &got); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s.Wait()
		if got != c.want {
			t.Errorf("RACK %v: TCPRecovery %d, want %d", c.cfg.RACK, got, c.want)
		}
	}
}
