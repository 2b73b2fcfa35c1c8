package transport

// The replay window of RFC 6479, as in WireGuard: a ring of 32 64-bit
// blocks (2048 bits). The block the newest counter falls in is partly
// ahead of it, so the guaranteed window is 31 blocks: a counter up to
// replayWindowSize behind the newest is accepted once.
const (
	replayBlockBits  = 64
	replayRingBlocks = 2048 / replayBlockBits
	replayWindowSize = (replayRingBlocks - 1) * replayBlockBits
	replayBlockMask  = replayRingBlocks - 1
	replayBitMask    = replayBlockBits - 1
)

// replayWindow remembers which counters of a session were received. The
// zero value is ready; it is not safe for concurrent use.
type replayWindow struct {
	last uint64
	ring [replayRingBlocks]uint64
}

// check reports whether counter is new (and records it): below limit,
// not seen, and not older than the window.
func (w *replayWindow) check(counter, limit uint64) bool {
	if counter >= limit {
		return false
	}
	block := counter / replayBlockBits
	if counter > w.last {
		current := w.last / replayBlockBits
		diff := min(block-current, replayRingBlocks)
		for i := current + 1; i <= current+diff; i++ {
			w.ring[i&replayBlockMask] = 0
		}
		w.last = counter
	} else if w.last-counter > replayWindowSize {
		return false
	}
	i := block & replayBlockMask
	bit := uint64(1) << (counter & replayBitMask)
	old := w.ring[i]
	w.ring[i] = old | bit
	return old&bit == 0
}
