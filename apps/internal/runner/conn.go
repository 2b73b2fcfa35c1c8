package runner

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// discardLimit is the longest frame Refuse answers; longer ones end the
// connection.
const discardLimit = 16 << 20

// conn is one connection with a verified wallet: a reader goroutine
// hands its frames to the loop, a writer goroutine writes what send
// queued, in order.
type conn struct {
	nc   net.Conn
	peer common.Address
	wake chan struct{} // capacity 1: the writer has work

	mu     sync.Mutex // guards queue and closed
	queue  [][]byte
	closed bool
}

var _ service.Link = (*conn)(nil)

func newConn(nc net.Conn, peer common.Address) *conn {
	return &conn{nc: nc, peer: peer, wake: make(chan struct{}, 1)}
}

// Send queues a frame; it never blocks.
func (c *conn) Send(f []byte) {
	c.mu.Lock()
	if !c.closed {
		c.queue = append(c.queue, f)
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Close ends the connection; both goroutines then end.
func (c *conn) Close() {
	c.mu.Lock()
	c.closed = true
	c.queue = nil
	c.mu.Unlock()
	c.nc.Close()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// writeLoop is the long-lived writer of one connection.
func (c *conn) writeLoop(r *Runner) {
	defer r.wg.Done()
	var buf []byte
	for {
		<-c.wake
		c.mu.Lock()
		q, closed := c.queue, c.closed
		c.queue = nil
		c.mu.Unlock()
		if closed {
			return
		}
		// Small frames are gathered into one write; a large one is
		// written from where it lies, after what came before it, rather
		// than copied once more: with its length in one write when
		// Frames made room for it in front (Frames.WithLength), else
		// after it.
		buf = buf[:0]
		for _, f := range q {
			if len(f) < copyLimit {
				buf = binary.BigEndian.AppendUint32(buf, uint32(len(f)))
				buf = append(buf, f...)
				continue
			}
			w := r.cfg.Frames.WithLength(f)
			if w == nil {
				buf = binary.BigEndian.AppendUint32(buf, uint32(len(f)))
				w = f
			}
			if len(buf) > 0 && !c.write(buf) {
				return
			}
			if !c.write(w) {
				return
			}
			r.cfg.Frames.Put(f)
			buf = buf[:0]
		}
		if len(buf) > 0 && !c.write(buf) {
			return
		}
	}
}

// copyLimit is the frame size from which writeLoop writes a frame
// without copying it.
const copyLimit = 64 << 10

// write writes b, or closes the connection and reports false.
func (c *conn) write(b []byte) bool {
	if _, err := c.nc.Write(b); err != nil {
		c.Close() // the reader sees it and reports the end
		return false
	}
	return true
}

// readLoop is the long-lived reader of one connection; when the
// connection ends it tells the loop.
func (c *conn) readLoop(r *Runner) {
	defer r.wg.Done()
	defer func() {
		c.Close()
		r.put(r.ctx, func() { r.d.Closed(c, c.peer) })
	}()
	for {
		f, err := readFrame(c.nc, r.cfg.MaxFrame, r.cfg.Refuse != nil, r.cfg.Frames)
		if err != nil {
			if errors.Is(err, errFrameSize) {
				r.cfg.Logger.Debug("frame refused", "peer", c.peer, "err", err)
			}
			return
		}
		if f.frame == nil {
			c.Send(r.cfg.Refuse(f.head, f.size))
			continue
		}
		if r.put(r.ctx, func() {
			r.d.Handle(service.Input{Kind: service.Frame, Peer: c.peer, Frame: f.frame})
			r.cfg.Frames.Put(f.frame) // the core kept no reference
		}) != nil {
			return
		}
	}
}

// errFrameSize: a frame's length is 0 or over the limit (and not one
// to skip).
var errFrameSize = errors.New("frame length out of range")

// frameIn is what readFrame read: a frame, or the head and size of a
// frame over the limit that it skipped.
type frameIn struct {
	frame []byte // from Frames.Get; nil: skipped
	head  []byte // a skipped frame's first bytes (up to 40)
	size  int    // a skipped frame's length
}

// readFrame reads one frame (u32 length, then that many bytes, 1 to
// maxFrame) from rd. A longer frame, up to discardLimit, is skipped when
// skip is set (its head kept for an answer); any other length is
// errFrameSize.
func readFrame(rd io.Reader, maxFrame int, skip bool, frames *Frames) (frameIn, error) {
	var head [4]byte
	if _, err := io.ReadFull(rd, head[:]); err != nil {
		return frameIn{}, err
	}
	n := binary.BigEndian.Uint32(head[:])
	if n > uint32(maxFrame) && n <= discardLimit && skip {
		first := make([]byte, min(n, 40))
		if _, err := io.ReadFull(rd, first); err != nil {
			return frameIn{}, err
		}
		if _, err := io.CopyN(io.Discard, rd, int64(n)-int64(len(first))); err != nil {
			return frameIn{}, err
		}
		return frameIn{head: first, size: int(n)}, nil
	}
	if n == 0 || n > uint32(maxFrame) {
		return frameIn{}, fmt.Errorf("%w: %d outside 1…%d", errFrameSize, n, maxFrame)
	}
	f := frames.Get(int(n))
	if _, err := io.ReadFull(rd, f); err != nil {
		frames.Put(f)
		return frameIn{}, err
	}
	return frameIn{frame: f}, nil
}
