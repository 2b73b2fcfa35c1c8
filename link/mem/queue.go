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
//
// One goroutine at a time hands frames to the receiver: the deliver
// goroutine with what it took, or a sender handing off (Conn.HandOff,
// handoff.go) while the queue is empty; busy marks either, and take
// waits while a hand-off runs.
type inbox struct {
	mu       sync.Mutex
	q        []entry       // waiting, in order; at most limit
	arena    []byte        // the bytes of q's frames
	limit    int           // Config.QueueLen
	sleeping bool          // deliver waits on wake: the next offer or the end of a hand-off signals it
	room     chan struct{} // closed by the next take, for senders waiting on a full queue; nil if none wait
	closed   bool          // set by shut: offers take nothing
	busy     bool          // the receiver is being handed frames: a batch deliver took, or a hand-off
	handing  bool          // busy with a hand-off (not deliver's batch)
	idle     chan struct{} // closed when a hand-off ends, for shut waiting on it; nil if none waits

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

// handingOff reports whether a hand-off to the receiver runs.
func (in *inbox) handingOff() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.handing
}

// beginHandOff makes the caller the one handing frames to the receiver,
// if it is idle, nothing waits on the queue, and the inbox is open.
func (in *inbox) beginHandOff() bool {
	in.mu.Lock()
	ok := !in.closed && !in.busy && len(in.q) == 0
	if ok {
		in.busy, in.handing = true, true
	}
	in.mu.Unlock()
	return ok
}

// endHandOff gives the receiver back: deliver is woken for what was
// queued meanwhile, and shut for its wait.
func (in *inbox) endHandOff() {
	in.mu.Lock()
	in.busy, in.handing = false, false
	wake := in.sleeping && len(in.q) > 0
	if wake {
		in.sleeping = false
	}
	if in.idle != nil {
		close(in.idle)
		in.idle = nil
	}
	in.mu.Unlock()
	if wake {
		select {
		case in.wake <- struct{}{}:
		default:
		}
	}
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
// the queue's, sleeping until something arrives and no hand-off runs;
// the receiver is then deliver's (busy) until the next take or release.
// It reports false once done closes.
func (in *inbox) take(b *batch, done <-chan struct{}) bool {
	for {
		in.mu.Lock()
		if !in.handing {
			in.busy = false // the batch before this one was delivered
			if len(in.q) > 0 {
				in.busy = true
				b.q, in.q = in.q, b.q
				b.arena, in.arena = in.arena, b.arena
				if in.room != nil {
					close(in.room)
					in.room = nil
				}
				in.mu.Unlock()
				return true
			}
		}
		in.sleeping = true
		in.mu.Unlock()
		select {
		case <-done:
			in.release()
			return false
		case <-in.wake:
		}
	}
}

// release gives up the receiver when deliver returns.
func (in *inbox) release() {
	in.mu.Lock()
	if !in.handing {
		in.busy = false
	}
	in.mu.Unlock()
}

// shut makes later offers and hand-offs take nothing, waits for a
// hand-off that runs, and returns how many frames were left waiting,
// which it clears.
func (in *inbox) shut() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.closed = true
	for in.handing {
		if in.idle == nil {
			in.idle = make(chan struct{})
		}
		idle := in.idle
		in.mu.Unlock()
		<-idle
		in.mu.Lock()
	}
	left := len(in.q)
	clear(in.arena)
	in.q, in.arena = nil, nil
	if in.room != nil {
		close(in.room)
		in.room = nil
	}
	return left
}
