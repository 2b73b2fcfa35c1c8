package mem

import "sync/atomic"

// Stats counts frames by fate. For a Conn, Sent, NoRoute and Filtered
// count frames it sent, Delivered and Dropped frames sent to it; for a
// Network, each is the total over all Conns, past and present.
type Stats struct {
	Sent      uint64 // frames pushed onto a receiver's queue
	Delivered uint64 // frames handed to a receiver
	NoRoute   uint64 // frames to an address with no Conn, or across a partition
	Filtered  uint64 // frames the filter dropped
	Dropped   uint64 // frames queued but never delivered: no receiver set yet, or the receiver closed
	QueueFull uint64 // frames dropped at Send because the receiver's queue (or the delay line) stayed full: TrySend at once, Send after Config.SendWait
}

type counters struct {
	sent, delivered, noRoute, filtered, dropped, queueFull atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Sent:      c.sent.Load(),
		Delivered: c.delivered.Load(),
		NoRoute:   c.noRoute.Load(),
		Filtered:  c.filtered.Load(),
		Dropped:   c.dropped.Load(),
		QueueFull: c.queueFull.Load(),
	}
}

// add adds n to the counter field picks in both a Conn's and its
// Network's counters.
func add(conn, network *counters, field func(*counters) *atomic.Uint64, n int) {
	field(conn).Add(uint64(n))
	field(network).Add(uint64(n))
}

func sent(c *counters) *atomic.Uint64      { return &c.sent }
func delivered(c *counters) *atomic.Uint64 { return &c.delivered }
func noRoute(c *counters) *atomic.Uint64   { return &c.noRoute }
func filtered(c *counters) *atomic.Uint64  { return &c.filtered }
func dropped(c *counters) *atomic.Uint64   { return &c.dropped }
func queueFull(c *counters) *atomic.Uint64 { return &c.queueFull }
