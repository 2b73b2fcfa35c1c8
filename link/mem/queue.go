package mem

import (
	"net/netip"
	"sync"
)

// inbox is a Conn's receive queue. Senders copy frames into it under a
// mutex, back to back in one buffer (the arena); the Conn's deliver
// goroutine takes everything waiting at once, swapping in the queue and
// arena it used last time, and sleeps on wake when nothing is left. A
// batch of frames costs one lock on each side, one copy per frame and at
// most one wake-up, instead of a channel operation and a pooled buffer
// per frame.
type inbox struct {
	mu       sync.Mutex
	q        []entry       // waiting, in order; at most limit
	arena    []byte        // the bytes of q's frames
	limit    int           // Config.QueueLen
	sleeping bool          // deliver waits on wake: the next offer signals it
	room     chan struct{} // closed by the next take, for senders waiting on a full queue; nil if none wait
	closed   bool          // set by shut: offers take nothing

	// wake carries one signal from an offer to a sleeping deliver.
	wake chan struct{}
}

// entry is a queued frame: where it lies in the arena, and its source.
type entry struct {
	off, n int
	src    netip.AddrPort
}

// arenaKeep is the largest arena deliver keeps for reuse; a larger one
// (a burst of big frames) is left to the garbage collector.
const arenaKeep = 512 << 10

func newInbox(limit int) inbox {
	return inbox{limit: limit, wake: make(chan struct{}, 1)}
}

// offer copies as many of frames as fit onto the queue, in order, and
// reports how many it took. When it took none it also returns a channel
// that closes once deliver takes what waits (there may be room then), or
// nil when the inbox is shut.
func (in *inbox) offer(frames [][]byte, src netip.AddrPort) (int, <-chan struct{}) {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return 0, nil
	}
	n := min(len(frames), in.limit-len(in.q))
	if n == 0 {
		if in.room == nil {
			in.room = make(chan struct{})
		}
		room := in.room
		in.mu.Unlock()
		return 0, room
	}
	for _, f := range frames[:n] {
		in.q = append(in.q, entry{off: len(in.arena), n: len(f), src: src})
		in.arena = append(in.arena, f...)
	}
	wake := in.sleeping
	in.sleeping = false
	in.mu.Unlock()
	if wake {
		select {
		case in.wake <- struct{}{}:
		default:
		}
	}
	return n, nil
}

// batch is what deliver took from an inbox: frames and their bytes.
type batch struct {
	q     []entry
	arena []byte
}

// frame returns the bytes of b.q[i], capped so that appending to them
// cannot reach the next frame.
func (b *batch) frame(i int) []byte {
	e := b.q[i]
	return b.arena[e.off : e.off+e.n : e.off+e.n]
}

// reset clears b's bytes (no frame outlives its delivery) and empties it
// for reuse.
func (b *batch) reset() {
	clear(b.arena)
	clear(b.q)
	b.q = b.q[:0]
	if cap(b.arena) > arenaKeep {
		b.arena = nil
	} else {
		b.arena = b.arena[:0]
	}
}

// take swaps everything waiting into b, whose storage, empty, becomes
// the queue's, sleeping until something arrives. It reports false once
// done closes.
func (in *inbox) take(b *batch, done <-chan struct{}) bool {
	for {
		in.mu.Lock()
		if len(in.q) > 0 {
			b.q, in.q = in.q, b.q
			b.arena, in.arena = in.arena, b.arena
			if in.room != nil {
				close(in.room)
				in.room = nil
			}
			in.mu.Unlock()
			return true
		}
		in.sleeping = true
		in.mu.Unlock()
		select {
		case <-done:
			return false
		case <-in.wake:
		}
	}
}

// shut makes later offers take nothing and returns how many frames were
// left waiting, which it clears.
func (in *inbox) shut() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.closed = true
	left := len(in.q)
	clear(in.arena)
	in.q, in.arena = nil, nil
	if in.room != nil {
		close(in.room)
		in.room = nil
	}
	return left
}
