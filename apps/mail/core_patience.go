package mail

import "time"

// Patience. An exchange waits for its answer, and an attempt that got
// none hangs up and goes again. A hang-up throws away the frame under
// way, and a part is ChunkSize bytes: on a path that moves less than a
// part in the wait, a large message never moved — every attempt sent
// the same part again and lost it at the next timeout (the simulator's
// 10 % loss moved about 20 KiB/s against a 3 s AckTimeout: large
// messages ended neither delivered, held nor bounced). So each path
// keeps its own wait: AckTimeout doubled once for every timeout in a
// row that caught something bulky on its way (slower, up to maxSlow
// doublings), halved again for every answer that came within a quarter
// of the wait (answered). The paths: a recipient's node (peer.slow),
// its mailbox for deposits (peer.boxSlow), and this node's own mailbox
// for fetches (fetchState.slow).

// maxSlow bounds the doublings: at most 16 × AckTimeout.
const maxSlow = 4

// bulkFrame is the frame size from which a timeout counts as slow (the
// frame may still have been on its way).
const bulkFrame = 64 << 10

// wait is the patience of a path that timed out slow times.
func (c *Core) wait(slow int) time.Duration { return c.cfg.AckTimeout << slow }

// slower: a wait of the path ran out with something bulky on its way.
func slower(slow *int) { *slow = min(*slow+1, maxSlow) }

// answered: an answer came at now for a wait that ran until due; a
// quick one halves the path's patience.
func (c *Core) answered(slow *int, now, due time.Time) {
	if *slow > 0 && due.Sub(now) > c.wait(*slow)*3/4 {
		*slow--
	}
}

// bulky reports whether w's attempt under way has a large frame
// unanswered: a part, or a MAIL of bulkFrame bytes or more.
func (c *Core) bulky(p *peer) bool {
	for _, id := range p.outbox[:min(p.inflight, len(p.outbox))] {
		if s := c.sending[id]; s != nil && s.sent > s.acked {
			return true
		}
		if o := c.out[id]; o != nil && o.Parts == 0 && o.Size >= bulkFrame {
			return true
		}
	}
	return false
}

// depositBulky reports whether the deposit of id has a large frame
// unanswered.
func (c *Core) depositBulky(id MessageID) bool {
	if s := c.depositing[id]; s != nil {
		return s.sent > s.acked
	}
	o := c.out[id]
	return o != nil && o.Parts == 0 && o.Size >= bulkFrame
}
