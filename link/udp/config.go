package udp

import (
	"fmt"
	"log/slog"
)

const (
	// DefaultMTU is the largest frame a Conn sends when Config.MTU is
	// zero: the UDP payload of a 1500-byte Ethernet frame over IPv6
	// (1500 - 40 - 8), which carries a link.MinUnderlayMTU frame without
	// IP fragmentation on any Ethernet path.
	DefaultMTU = 1452

	// DefaultBatchSize is how many datagrams one read takes in when
	// Config.BatchSize is zero.
	DefaultBatchSize = 64

	// DefaultSocketBuffer is the SO_RCVBUF and SO_SNDBUF a Conn asks for
	// when Config.SocketBuffer is zero.
	DefaultSocketBuffer = 4 << 20

	// maxMTU is the largest UDP payload over IPv4.
	maxMTU = 65507
	// maxBatchSize is the kernel's limit on messages per recvmmsg
	// (UIO_MAXIOV).
	maxBatchSize = 1024
)

// Config configures a Conn. The zero value listens on every interface at
// a random port.
type Config struct {
	// Addr is the local address to bind, "host:port" as for
	// net.ListenPacket: "127.0.0.1:0", "[::1]:4242". Empty means ":0":
	// every interface, IPv4 and IPv6, a random port. An IPv4 host makes
	// an IPv4-only socket; an IPv6 or wildcard host a dual-stack one.
	Addr string
	// MTU is the largest frame, in bytes, Send accepts and the reader
	// delivers; longer datagrams arriving are dropped and counted. Zero
	// means DefaultMTU.
	MTU int
	// BatchSize is how many datagrams the reader takes in per read
	// (recvmmsg on Linux). Zero means DefaultBatchSize.
	BatchSize int
	// SocketBuffer is the SO_RCVBUF and SO_SNDBUF to ask for, best effort
	// (SO_RCVBUFFORCE first where the process may). Zero means
	// DefaultSocketBuffer; negative leaves the system's default.
	SocketBuffer int
	// DisableGSO turns off UDP generic segmentation offload (Linux
	// UDP_SEGMENT), which sends a run of equal-sized frames to one
	// destination as one large write the kernel splits.
	DisableGSO bool
	// DisableGRO turns off UDP generic receive offload (Linux UDP_GRO),
	// with which the kernel hands over a run of equal-sized datagrams
	// from one sender as one large read that the reader splits.
	DisableGRO bool
	// Logger receives debug logs; nil discards.
	Logger *slog.Logger
}

// DefaultConfig returns a Config with every default filled in.
func DefaultConfig() Config {
	return Config{
		Addr:         ":0",
		MTU:          DefaultMTU,
		BatchSize:    DefaultBatchSize,
		SocketBuffer: DefaultSocketBuffer,
	}
}

// Validate reports whether c is usable; zero fields are (they mean the
// defaults).
func (c Config) Validate() error {
	if c.MTU < 0 || c.MTU > maxMTU {
		return fmt.Errorf("udp: MTU %d out of range [0, %d]", c.MTU, maxMTU)
	}
	if c.BatchSize < 0 || c.BatchSize > maxBatchSize {
		return fmt.Errorf("udp: BatchSize %d out of range [0, %d]", c.BatchSize, maxBatchSize)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = ":0"
	}
	if c.MTU == 0 {
		c.MTU = DefaultMTU
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.SocketBuffer == 0 {
		c.SocketBuffer = DefaultSocketBuffer
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
