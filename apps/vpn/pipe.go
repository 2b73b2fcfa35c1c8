package vpn

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// Copy buffers. A tunnel's half waits for bytes holding a small buffer
// and, once a read fills it (a burst: more is queued), reads into a
// large one until a read comes back with little (it caught up), when
// the large one goes back to the pool. A busy tunnel so moves 256 KiB
// per read and write — a quarter of the syscalls and netstack writes
// of 64 KiB copies on the kernel sockets of the proxy and the exit —
// while an idle one holds 16 KiB per direction. Buffers are not
// cleared: a half only ever writes the bytes it just read into one.
const (
	smallBuf = 16 << 10
	bigBuf   = 256 << 10
)

var (
	smallPool = sync.Pool{New: func() any { b := make([]byte, smallBuf); return &b }}
	bigPool   = sync.Pool{New: func() any { b := make([]byte, bigBuf); return &b }}
)

// copyBuf is one half's buffers.
type copyBuf struct{ small, big *[]byte }

func newCopyBuf() *copyBuf { return &copyBuf{small: smallPool.Get().(*[]byte)} }

// next returns the buffer to read into.
func (b *copyBuf) next() []byte {
	if b.big != nil {
		return *b.big
	}
	return *b.small
}

// adapt takes or returns the large buffer after a read of k bytes
// into next().
func (b *copyBuf) adapt(k int) {
	switch {
	case b.big == nil && k == smallBuf:
		b.big = bigPool.Get().(*[]byte)
	case b.big != nil && k < bigBuf/4:
		bigPool.Put(b.big)
		b.big = nil
	}
}

func (b *copyBuf) release() {
	if b.big != nil {
		bigPool.Put(b.big)
	}
	smallPool.Put(b.small)
}

// closeWriter is a conn that can end its sending half (TCP, overlay TCP).
type closeWriter interface{ CloseWrite() error }

// splice copies a→b and b→a until both directions end, counting the
// bytes of each in up (a→b) and down (b→a). spend, if not nil, is
// called with every chunk's direction (up: a→b) and size before the
// chunk is written on; an error from it ends the tunnel after that
// chunk. settle, if not nil, is called after every chunk is written; an
// error from it ends the tunnel. A direction that reaches EOF half-closes its destination, so
// a request/response over a half-closed stream still works. Both conns
// are closed when splice returns.
//
// Flow control is the conns' own: a write blocks while the receiver's
// window is full, so the reader of the other side stops reading and its
// own window fills in turn (doc.go, "Flow control").
func splice(a, b net.Conn, up, down *atomic.Uint64, spend func(up bool, n int) error, settle func() error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	fail := func(err error) {
		once.Do(func() {
			first = err
			a.Close()
			b.Close()
		})
	}
	half := func(dst, src net.Conn, n *atomic.Uint64, isUp bool) {
		defer wg.Done()
		bufs := newCopyBuf()
		defer bufs.release()
		for {
			buf := bufs.next()
			k, err := src.Read(buf)
			if k > 0 {
				// Spend before writing: whatever the other side does
				// in answer to these bytes, they are counted already
				// (a limit is never checked against a count that lags
				// the bytes forwarded). A chunk over the limit is
				// still forwarded, and then the tunnel ends.
				var serr error
				if spend != nil {
					serr = spend(isUp, k)
				}
				if _, werr := dst.Write(buf[:k]); werr != nil {
					fail(werr)
					return
				}
				n.Add(uint64(k))
				if serr == nil && settle != nil {
					serr = settle()
				}
				if serr != nil {
					fail(serr)
					return
				}
				bufs.adapt(k)
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					if cw, ok := dst.(closeWriter); ok {
						cw.CloseWrite()
						return
					}
				}
				fail(err)
				return
			}
		}
	}
	wg.Add(2)
	go half(b, a, up, true)
	go half(a, b, down, false)
	wg.Wait()
	a.Close()
	b.Close()
	if errors.Is(first, net.ErrClosed) {
		return nil
	}
	return first
}
