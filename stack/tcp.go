package stack

import (
	"fmt"
	"time"

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
//   - Loss detection by SACK and duplicate ACKs (RFC 6675) with the RTO,
//     not gVisor's default RACK with tail loss probes: its probe sends
//     the highest segment again, which after a reply and a FIN is the
//     bare FIN; gVisor's receiver does not SACK a FIN, so the probe's
//     answer is a plain duplicate ACK that marks nothing lost, and the
//     reply waits for the RTO, which the probe pushed back. In the
//     simulator's small-transfers-loss scenario (5 % loss, request,
//     reply and close) a lost reply cost 9 round trips with RACK and 3
//     without, and the loss p99 fell from 1.44 s to 0.98 s. The link
//     probes the tail instead (package link, nudge.go): it sends the
//     reply with the FIN, and the segment the peer's ACKs say it lacks.
//     TCPConfig.RACK turns gVisor's back on.
//
// Timers, chosen for an overlay, where a path that stops carrying
// packets is usually a partition, a crashed router or a moved peer that
// comes back whole, not a congested internet link that needs TCP to back
// off for minutes:
//
//   - Retransmission timeout bounds: at least 200 ms (MinRTO, Linux's
//     and gVisor's), at most MaxRTO, by default 4 s instead of gVisor's
//     120 s (Linux's TCP_RTO_MAX). Backoff still doubles from the
//     measured RTO, so a loaded path is relieved as before, but a flow
//     stalled by a partition retransmits at least every 4 s and so moves
//     again within 4 s of the heal, not minutes later. Giving up is left
//     to the keepalive and user timeouts: gVisor does not count
//     retransmissions against a limit while the RTO is capped.
//   - A lost segment of a short flow: the RTO (3 round trips after one
//     sample, as Linux's, and doubling) is the tail of small transfers
//     on a lossy overlay: a reply lost twice waited 3 + 6 round trips.
//     The link sends an unacknowledged data segment or FIN again once
//     after 2 round trips of the path, per segment the netstack sends
//     (a tail loss probe, RFC 8985's 2·SRTT; nudge.go), so a lost
//     segment costs 2 round trips and one lost again about 3, without
//     touching the netstack's own backoff: the probe is a copy, bounded
//     in number, and the netstack's timer still doubles for a path that
//     stays lossy. Linux's thin-stream linear timeouts
//     (tcp_thin_linear_timeouts) aim at the same tail by not doubling;
//     gVisor has no such option.
//   - Initial RTO and SYN retries: gVisor's SYN and SYN-ACK timer is
//     fixed (1 s, doubling; not an option), and so are its 6 SYN retries
//     (about a minute before a dial fails). The link makes up for it
//     (nudge.go): a SYN or SYN-ACK that is not acknowledged within 2
//     measured round trips of the path is sent again, twice at most,
//     long before the 1 s timer.
//   - When the path to a peer comes back (a handshake completes again,
//     the first authenticated frame after a silence), the link sends the
//     unacknowledged tail of each stalled flow again at once, so the
//     peer's acknowledgement restarts the flow without waiting for the
//     RTO (nudge.go).
//   - The link handshake under them retries after its own measured
//     round trip, the first retry without doubling (package transport,
//     pacing.go).
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
	// MaxRTO caps the retransmission timeout. Zero means DefaultMaxRTO
	// (4 s); it must be at least MinRTO (200 ms).
	MaxRTO time.Duration
	// RACK turns on gVisor's RACK-TLP loss detection (see TCPConfig).
	RACK bool
}

const (
	// DefaultMaxRTO is TCPConfig.MaxRTO's default (see TCPConfig).
	DefaultMaxRTO = 4 * time.Second
	// MinRTO is the least retransmission timeout (gVisor's and Linux's).
	MinRTO = tcp.MinRTO
)

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
	if c.MaxRTO == 0 {
		c.MaxRTO = DefaultMaxRTO
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
	if c.MaxRTO < MinRTO {
		return fmt.Errorf("stack: TCP MaxRTO %v below MinRTO %v", c.MaxRTO, MinRTO)
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
	minRTO := tcpip.TCPMinRTOOption(MinRTO)
	maxRTO := tcpip.TCPMaxRTOOption(c.MaxRTO)
	rec := tcpip.TCPRecovery(0) // SACK and duplicate ACKs (see TCPConfig)
	if c.RACK {
		rec = tcpip.TCPRACKLossDetection
	}
	for _, opt := range []tcpip.SettableTransportProtocolOption{&sack, &moderate, &cc, &send, &recv, &minRTO, &maxRTO, &rec} {
		if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, opt); err != nil {
			return fmt.Errorf("stack: set TCP option %T: %s", opt, err)
		}
	}
	return nil
}
