package mem

import (
	"fmt"
	"time"
)

const (
	// DefaultMTU is the largest frame a Conn accepts when Config.MTU is
	// zero: the UDP payload of a 1500-byte Ethernet frame over IPv6, as
	// link/udp uses, so tests see the MTU production sees. It carries a
	// link.MinUnderlayMTU frame.
	DefaultMTU = 1452

	// DefaultQueueLen is how many frames wait per receiver when
	// Config.QueueLen is zero.
	DefaultQueueLen = 256

	// DefaultSendWait is how long Send waits for room in a full queue
	// when Config.SendWait is zero.
	DefaultSendWait = time.Second

	// maxMTU is the largest MTU a Network accepts: the largest UDP
	// payload, so nothing works here that could not work on UDP.
	maxMTU = 65507
)

// Config configures a Network. The zero value works.
type Config struct {
	// MTU is the largest frame, in bytes, any Conn on the network
	// accepts. Zero means DefaultMTU.
	MTU int
	// QueueLen bounds the frames waiting for each receiver; a Send to a
	// full queue waits (TrySend drops). Zero means DefaultQueueLen.
	QueueLen int
	// SendWait bounds how long one Send waits for room in a full queue;
	// past it the frame and the rest of the batch are dropped and
	// counted (Stats.QueueFull). Zero means DefaultSendWait.
	SendWait time.Duration
}

// DefaultConfig returns a Config with every default filled in.
func DefaultConfig() Config {
	return Config{MTU: DefaultMTU, QueueLen: DefaultQueueLen, SendWait: DefaultSendWait}
}

// Validate reports whether c is usable; zero fields are (they mean the
// defaults).
func (c Config) Validate() error {
	if c.MTU < 0 || c.MTU > maxMTU {
		return fmt.Errorf("mem: MTU %d out of range [0, %d]", c.MTU, maxMTU)
	}
	if c.QueueLen < 0 {
		return fmt.Errorf("mem: negative QueueLen %d", c.QueueLen)
	}
	if c.SendWait < 0 {
		return fmt.Errorf("mem: negative SendWait %v", c.SendWait)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.MTU == 0 {
		c.MTU = DefaultMTU
	}
	if c.QueueLen == 0 {
		c.QueueLen = DefaultQueueLen
	}
	if c.SendWait == 0 {
		c.SendWait = DefaultSendWait
	}
	return c
}
