package stack

import (
	"fmt"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

// TCPConfig holds the TCP options of a node. The zero value means the
// defaults below, chosen for long fat overlay paths on a laptop:
//
//   - SACK on: the overlay runs over UDP, where loss comes in bursts; SACK
//     repairs several holes per round trip.
//   - Receive-buffer moderation on (as Linux does): a connection starts
//     with DefaultBuffer and grows toward MaxBuffer as the measured
//     bandwidth-delay product needs, so idle connections stay small.
//   - CUBIC congestion control (gVisor's and Linux's default), for paths
//     with a large bandwidth-delay product; "reno" is available.
//   - Nagle off on dialed and accepted connections, as Go's net does.
type TCPConfig struct {
	// DefaultBuffer is the initial send and receive buffer of a
	// connection. Zero means 1 MiB.
	DefaultBuffer int
	// MaxBuffer caps every connection's send and receive buffer. Zero
	// means 8 MiB. The simulator lowers it (e.g. to 64 KiB) so memory
	// scales with nodes rather than with defaults.
	MaxBuffer int
	// CongestionControl is "cubic" (default) or "reno".
	CongestionControl string
	// DisableSACK turns selective acknowledgements off.
	DisableSACK bool
}

const (
	defaultTCPBuffer = 1 << 20
	maxTCPBuffer     = 8 << 20
	minTCPBuffer     = 4 << 10
)

func (c TCPConfig) withDefaults() TCPConfig {
	if c.MaxBuffer == 0 {
		c.MaxBuffer = maxTCPBuffer
	}
	if c.DefaultBuffer == 0 {
		c.DefaultBuffer = min(defaultTCPBuffer, c.MaxBuffer)
	}
	if c.CongestionControl == "" {
		c.CongestionControl = "cubic"
	}
	return c
}

// Validate reports a config that cannot work.
func (c TCPConfig) Validate() error {
	c = c.withDefaults()
	if c.MaxBuffer < minTCPBuffer || c.DefaultBuffer < minTCPBuffer || c.DefaultBuffer > c.MaxBuffer {
		return fmt.Errorf("stack: TCP buffers default %d max %d: need %d ≤ default ≤ max", c.DefaultBuffer, c.MaxBuffer, minTCPBuffer)
	}
	if c.CongestionControl != "cubic" && c.CongestionControl != "reno" {
		return fmt.Errorf("stack: TCP congestion control %q: want cubic or reno", c.CongestionControl)
	}
	return nil
}

// apply sets c on the netstack s.
func (c TCPConfig) apply(s *stack.Stack) error {
	c = c.withDefaults()
	sack := tcpip.TCPSACKEnabled(!c.DisableSACK)
	moderate := tcpip.TCPModerateReceiveBufferOption(true)
	cc := tcpip.CongestionControlOption(c.CongestionControl)
	send := tcpip.TCPSendBufferSizeRangeOption{Min: minTCPBuffer, Default: c.DefaultBuffer, Max: c.MaxBuffer}
	recv := tcpip.TCPReceiveBufferSizeRangeOption{Min: minTCPBuffer, Default: c.DefaultBuffer, Max: c.MaxBuffer}
	for _, opt := range []tcpip.SettableTransportProtocolOption{&sack, &moderate, &cc, &send, &recv} {
		if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, opt); err != nil {
			return fmt.Errorf("stack: set TCP option %T: %s", opt, err)
		}
	}
	return nil
}
