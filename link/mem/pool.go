package mem

import "sync"

// framePool recycles the buffers of frames on delay lines (delay.go;
// queues copy into their own arenas, queue.go), of exactly size bytes of
// capacity. It is capped twice over: it keeps only buffers of its own
// size (a foreign buffer is left to the garbage collector), and the
// buffers out of the pool at any time are bounded by the lines that hold
// them (QueueLen per line) plus one per line waiting for a queue.
// Buffers are cleared on put, so no frame's bytes outlive its delivery.
type framePool struct {
	size int
	pool sync.Pool
}

func newFramePool(size int) *framePool {
	p := &framePool{size: size}
	p.pool.New = func() any {
		b := make([]byte, 0, size)
		return &b
	}
	return p
}

// get returns a buffer holding a copy of frame.
func (p *framePool) get(frame []byte) *[]byte {
	b := p.pool.Get().(*[]byte)
	*b = append((*b)[:0], frame...)
	return b
}

// put clears b and returns it to the pool.
func (p *framePool) put(b *[]byte) {
	if cap(*b) != p.size {
		return
	}
	clear(*b)
	*b = (*b)[:0]
	p.pool.Put(b)
}
