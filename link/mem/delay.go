package mem

import (
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anynet/anynet/link"
)

// Latency: Network.SetDelay gives a pair of addresses a one-way delay.
// A frame between them is copied at Send as any other, then waits on the
// pair's delay line, one goroutine per direction that keeps the frames
// in order, until its time has come; the receiver is looked up only
// then, so frames in flight to a Conn that closed are lost, as on a
// wire (counted NoRoute). A full line (Config.QueueLen frames) holds
// the sender back, or drops, as a full queue does. Network.Close stops
// the lines.

// delays is a Network's latency state.
type delays struct {
	n     atomic.Int32 // pairs with a delay, for a lock-free fast path
	mu    sync.Mutex   // guards the fields below
	by    map[pair]time.Duration
	lines map[[2]netip.AddrPort]chan delayed
	done  chan struct{}
	wg    sync.WaitGroup
}

// delayed is a frame on a delay line.
type delayed struct {
	p   packet
	due time.Time
}

// SetDelay makes every frame between a and b, in either direction, take
// d longer to arrive: the round trip between them grows by 2d. Zero
// removes the delay (frames already on the line still arrive late). The
// addresses need not be attached.
func (n *Network) SetDelay(a, b netip.AddrPort, d time.Duration) {
	dl := &n.delays
	dl.mu.Lock()
	defer dl.mu.Unlock()
	if dl.by == nil {
		dl.by = make(map[pair]time.Duration)
		dl.lines = make(map[[2]netip.AddrPort]chan delayed)
		dl.done = make(chan struct{})
	}
	k := makePair(unmap(a), unmap(b))
	if d <= 0 {
		delete(dl.by, k)
	} else {
		dl.by[k] = d
	}
	dl.n.Store(int32(len(dl.by)))
}

// delayOf returns the one-way delay from src to dst, zero if none.
func (n *Network) delayOf(src, dst netip.AddrPort) time.Duration {
	dl := &n.delays
	if dl.n.Load() == 0 {
		return 0
	}
	dl.mu.Lock()
	defer dl.mu.Unlock()
	return dl.by[makePair(src, dst)]
}

// line returns the delay line from src to dst, starting it, or nil after
// Close.
func (n *Network) line(src, dst netip.AddrPort) (chan delayed, chan struct{}) {
	dl := &n.delays
	dl.mu.Lock()
	defer dl.mu.Unlock()
	select {
	case <-dl.done:
		return nil, nil
	default:
	}
	k := [2]netip.AddrPort{src, dst}
	ch := dl.lines[k]
	if ch == nil {
		ch = make(chan delayed, n.queueLen)
		dl.lines[k] = ch
		dl.wg.Add(1)
		go n.runLine(src, dst, ch, dl.done)
	}
	return ch, dl.done
}

// sendDelayed is send for a pair with a delay d.
func (c *Conn) sendDelayed(dst netip.AddrPort, d time.Duration, wait bool, frames [][]byte, filter Filter) (int, error) {
	ch, done := c.net.line(c.addr, dst)
	if ch == nil {
		return 0, link.ErrClosed
	}
	due := time.Now().Add(d)
	var limit <-chan time.Time // the bound on waiting, started at the first wait
	for i, f := range frames {
		if filter != nil && !filter(c.addr, dst, f) {
			c.add(filtered, 1)
			continue
		}
		x := delayed{p: packet{buf: c.net.pool.get(f), src: c.addr}, due: due}
		select {
		case ch <- x:
			c.add(sent, 1)
			continue
		default:
		}
		if !wait {
			c.net.pool.put(x.p.buf)
			c.add(queueFull, len(frames)-i)
			return i, link.ErrQueueFull
		}
		if limit == nil {
			t := time.NewTimer(c.net.sendWait)
			defer t.Stop()
			limit = t.C
		}
		select {
		case ch <- x:
			c.add(sent, 1)
		case <-done:
			c.net.pool.put(x.p.buf)
			return i, link.ErrClosed
		case <-c.done:
			c.net.pool.put(x.p.buf)
			return i, link.ErrClosed
		case <-limit:
			c.net.pool.put(x.p.buf)
			c.add(queueFull, len(frames)-i)
			return i, link.ErrQueueFull
		}
	}
	return len(frames), nil
}

// runLine is a delay line's goroutine: it hands each frame, once due, to
// the Conn then at dst, until done closes.
func (n *Network) runLine(src, dst netip.AddrPort, ch chan delayed, done chan struct{}) {
	defer n.delays.wg.Done()
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		var x delayed
		select {
		case <-done:
			n.drainLine(ch)
			return
		case x = <-ch:
		}
		if w := time.Until(x.due); w > 0 {
			t.Reset(w)
			select {
			case <-t.C:
			case <-done:
				n.pool.put(x.p.buf)
				n.drainLine(ch)
				return
			}
		}
		to, _ := n.route(src, dst)
		if to == nil {
			n.pool.put(x.p.buf)
			n.stats.noRoute.Add(1)
			continue
		}
		if !n.pushLine(to, x.p, done) {
			n.drainLine(ch)
			return
		}
	}
}

// pushLine puts p on to's queue, waiting for room; it reports false if
// done closed meanwhile.
func (n *Network) pushLine(to *Conn, p packet, done chan struct{}) bool {
	for {
		k, room := to.in.offer([][]byte{*p.buf}, p.src)
		switch {
		case k == 1:
			n.pool.put(p.buf)
			return true
		case room == nil: // to closed
			n.pool.put(p.buf)
			to.add(dropped, 1)
			return true
		}
		select {
		case <-room:
		case <-to.done:
			n.pool.put(p.buf)
			to.add(dropped, 1)
			return true
		case <-done:
			n.pool.put(p.buf)
			return false
		}
	}
}

func (n *Network) drainLine(ch chan delayed) {
	for {
		select {
		case x := <-ch:
			n.pool.put(x.p.buf)
			n.stats.dropped.Add(1)
		default:
			return
		}
	}
}

// stopDelays stops every delay line and waits for them.
func (n *Network) stopDelays() {
	dl := &n.delays
	dl.mu.Lock()
	if dl.done != nil {
		select {
		case <-dl.done:
		default:
			close(dl.done)
		}
	}
	dl.mu.Unlock()
	dl.wg.Wait()
}
