package mem

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anynet/anynet/link"
)

// Conn is one node's attachment to a Network: its link.Underlay. It is
// safe for concurrent use.
type Conn struct {
	net   *Network
	addr  netip.AddrPort
	stats counters

	// in is the receive queue (queue.go).
	in inbox
	// done is closed by Close: deliver returns, blocked senders give up.
	done chan struct{}
	// exited is closed by deliver when it returns.
	exited    chan struct{}
	closeOnce sync.Once

	recv     atomic.Pointer[func(frame []byte, src netip.AddrPort)]
	batchEnd atomic.Pointer[func()]

	// out counts the hand-offs made through c that run (handoff.go):
	// whoever is handing frames to c's receiver is inside them.
	out atomic.Int32
}

var (
	_ link.BatchUnderlay = (*Conn)(nil)
	_ link.TrySender     = (*Conn)(nil)
)

// packet is a frame on a delay line: a pooled copy and its source.
type packet struct {
	buf *[]byte
	src netip.AddrPort
}

func newConn(n *Network, addr netip.AddrPort) *Conn {
	c := &Conn{
		net:    n,
		addr:   addr,
		in:     newInbox(n.queueLen),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	go c.deliver()
	return c
}

// LocalAddr is the address c is attached at.
func (c *Conn) LocalAddr() netip.AddrPort { return c.addr }

// MTU is the largest frame Send accepts.
func (c *Conn) MTU() int { return c.net.mtu }

// Stats returns c's counters (see Stats for which side counts what).
func (c *Conn) Stats() Stats { return c.stats.snapshot() }

// SetReceiver installs recv; frames that reach the front of the queue
// before it are dropped and counted.
func (c *Conn) SetReceiver(recv func(frame []byte, src netip.AddrPort)) {
	c.recv.Store(&recv)
}

// SetBatchEnd implements link.BatchUnderlay: end is called by the
// delivering goroutine after each batch, which is whatever waited on the
// queue when the goroutine came to take it (all of it, QueueLen frames
// at most): what was queued back to back while the last batch was
// delivered.
func (c *Conn) SetBatchEnd(end func()) {
	c.batchEnd.Store(&end)
}

// Send copies frames, in order, onto dst's queue, waiting while the
// queue is full, for Config.SendWait at most: past it the frame and the
// rest of the batch are dropped and counted as QueueFull. It returns nil
// if dst is not attached or cut off (the frames are counted as NoRoute),
// if dst closes while Send waits (the rest are counted as Dropped) and
// after such a drop; ErrFrameTooBig, sending nothing, if a frame exceeds
// the MTU; ErrClosed if c is or becomes closed.
func (c *Conn) Send(dst netip.AddrPort, frames ...[]byte) error {
	_, err := c.send(dst, true, frames)
	if errors.Is(err, link.ErrQueueFull) {
		return nil
	}
	return err
}

// TrySend implements link.TrySender: Send without waiting. A frame that
// finds dst's queue full is dropped with the rest of the batch, counted
// as QueueFull, and TrySend returns ErrQueueFull with how many frames it
// took.
func (c *Conn) TrySend(dst netip.AddrPort, frames ...[]byte) (int, error) {
	return c.send(dst, false, frames)
}

// send is Send (wait) and TrySend.
func (c *Conn) send(dst netip.AddrPort, wait bool, frames [][]byte) (int, error) {
	to, filter, dst, err := c.route(dst, frames)
	if to == nil {
		return len(frames), err
	}
	return c.enqueue(to, dst, filter, wait, frames)
}

// route checks that c is open and no frame exceeds the MTU, and returns
// the Conn frames for dst go to, the filter they pass and dst unmapped.
// A nil Conn means the frames go nowhere: the error says why, or nil
// when dst is not attached or cut off (counted as NoRoute).
func (c *Conn) route(dst netip.AddrPort, frames [][]byte) (*Conn, Filter, netip.AddrPort, error) {
	if c.closed() {
		return nil, nil, dst, link.ErrClosed
	}
	for i, f := range frames {
		if len(f) > c.net.mtu {
			return nil, nil, dst, fmt.Errorf("mem: frame %d of %d bytes, MTU %d: %w", i, len(f), c.net.mtu, link.ErrFrameTooBig)
		}
	}
	dst = unmap(dst)
	to, filter := c.net.route(c.addr, dst)
	if to == nil {
		c.add(noRoute, len(frames))
	}
	return to, filter, dst, nil
}

// enqueue copies frames onto to's queue, or its delay line (send).
func (c *Conn) enqueue(to *Conn, dst netip.AddrPort, filter Filter, wait bool, frames [][]byte) (int, error) {
	if d := c.net.delayOf(c.addr, dst); d > 0 { // latency (delay.go)
		return c.sendDelayed(dst, d, wait, frames, filter)
	}
	var limit *time.Timer // the bound on waiting, started at the first wait
	defer func() {
		if limit != nil {
			limit.Stop()
		}
	}()
	// Frames go in chunks: the frames of a chunk that pass the filter
	// are copied onto dst's queue under one lock.
	var chunk [sendChunk][]byte
	var pos [sendChunk]int // the index in frames of each frame of chunk
	for next := 0; next < len(frames); {
		fs := chunk[:0]
		for ; next < len(frames) && len(fs) < len(chunk); next++ {
			if filter != nil && !filter(c.addr, dst, frames[next]) {
				c.add(filtered, 1)
				continue
			}
			pos[len(fs)] = next
			fs = append(fs, frames[next])
		}
		for first := 0; first < len(fs); {
			n, room := to.in.offer(fs[first:], c.addr)
			if n > 0 {
				c.add(sent, n)
				first += n
				continue
			}
			// Nothing fit: dst closed (room is nil) or its queue is full.
			rest := len(fs) - first + len(frames) - next
			switch {
			case room == nil:
				to.add(dropped, rest)
				return len(frames), nil
			case !wait:
				c.add(queueFull, rest)
				return pos[first], link.ErrQueueFull
			}
			if limit == nil {
				limit = time.NewTimer(to.waitBound(c.net.sendWait))
			}
			select {
			case <-room:
			case <-to.done:
				to.add(dropped, rest)
				return len(frames), nil
			case <-c.done:
				return pos[first], link.ErrClosed
			case <-limit.C:
				c.add(queueFull, rest)
				return pos[first], link.ErrQueueFull
			}
		}
	}
	return len(frames), nil
}

// sendChunk is how many frames Send pushes under one lock of the queue.
const sendChunk = 64

// deliver is the Conn's long-lived goroutine: it takes what waits on the
// queue, all at once, hands it to the receiver one frame at a time, in
// queue order, and calls the batch end, until Close.
func (c *Conn) deliver() {
	defer close(c.exited)
	var b batch
	for c.in.take(&b, c.done) {
		recv := c.recv.Load()
		if closed := c.closed(); closed || recv == nil {
			c.add(dropped, len(b.q))
			b.reset()
			if closed {
				return
			}
			continue
		}
		for i := range b.q {
			(*recv)(b.frame(i), b.q[i].src)
		}
		c.add(delivered, len(b.q))
		if end := c.batchEnd.Load(); end != nil {
			(*end)() // the frames stay valid until it returns
		}
		b.reset()
	}
}

// Close detaches c, stops its goroutine and waits for it; frames still
// queued are dropped and counted. It is idempotent, and a second call
// waits for the first. recv must not call Close.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.net.detach(c)
		close(c.done)
		<-c.exited
		c.add(dropped, c.in.shut())
	})
	return nil
}

func (c *Conn) closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

func (c *Conn) add(field func(*counters) *atomic.Uint64, n int) {
	add(&c.stats, &c.net.stats, field, n)
}
