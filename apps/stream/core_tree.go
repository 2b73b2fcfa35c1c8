package stream

import (
	"slices"
	"time"

	"github.com/anynet/anynet/apps/content"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// The relay tree, as one node sees it:
//
//  1. A joiner (viewer or relay) sends Sub to the origin, from the
//     sequence number after the newest segment it holds.
//  2. The origin accepts while it has fewer than Fanout children;
//     otherwise it answers Redirect with the relays that have room,
//     shallowest and least loaded first (never one below the joiner).
//     A relay with room accepts; a full one redirects back to nothing,
//     and the joiner tries its next candidate, then the origin.
//  3. Accept, then the segments from the asked sequence number and the
//     playlist; from then on every new playlist with the segments the
//     child lacks.
//  4. Relays tell the origin their capacity, children, depth and
//     upstream (Load) on every change of children and every LoadEvery.
//  5. Every node sends its children the playlist at least once a
//     target duration (a heartbeat while it waits itself). An upstream
//     that goes Down, or sends no playlist for StallTimeout, is replaced by the next candidate of the last
//     Redirect, without a round trip to the origin; the Sub asks for
//     what the node lacks, so nothing is skipped.

// badFor is how long an upstream that failed a node is not tried again.
const badFor = 30 * time.Second

func (c *Core) frame(now time.Time, from common.Address, m msg, out *service.Effects) {
	s := c.streams[m.key]
	switch m.typ {
	case msgSub:
		c.sub(now, s, from, m, out)
	case msgDenied:
		if s != nil && from == s.up && !s.publishing {
			// Refused by the stream's access rule: every node applies the
			// same signed rule, so no other relay would admit this one.
			s.denied, s.up, s.joined = m.reason, common.Address{}, false
			s.retryAt = now.Add(badFor)
			if m.reason != deniedList { // a balance may change: ask when the server's read of it is old
				s.retryAt = now.Add(min(badFor, c.cfg.HolderMaxAge))
			}
			out.Emit(Event{Kind: EventDenied, Key: s.key, Peer: from, Reason: deniedText(m.reason)})
		}
	case msgLeave:
		if s != nil {
			c.dropChild(now, s, from, out)
		}
	case msgLoad:
		if s != nil && s.publishing && from != c.cfg.Self {
			s.relays[from] = &relayInfo{capacity: m.capacity, children: m.children, depth: m.depth, up: m.up, seen: now}
		}
	case msgAccept:
		if s != nil && from == s.up {
			s.joined, s.depth, s.heard, s.denied = true, m.depth+1, now, 0
			c.sendLoad(now, s, out)
		}
	case msgRedirect:
		if s != nil && from == s.up && !s.joined {
			s.alternates = slices.DeleteFunc(slices.Clone(m.wallets), func(w common.Address) bool {
				return w == c.cfg.Self || now.Before(s.bad[w])
			})
			if from == s.origin && len(m.wallets) > 0 && len(s.alternates) == 0 {
				c.joinAs(now, s, s.origin, roleDirect, out) // every relay named has failed this node
				return
			}
			c.next(now, s, from, out)
		}
	case msgSeg:
		if s == nil || from != s.up {
			return
		}
		if content.Sum(m.data) != m.id {
			c.stats.Corrupt++
			s.bad[from] = now.Add(badFor)
			out.Hangup = append(out.Hangup, from)
			c.failover(now, s, out)
			return
		}
		if _, ok := s.pending[m.id]; !ok {
			s.pending[m.id] = slices.Clone(m.data)
			s.pendingQ = append(s.pendingQ, m.id)
			if len(s.pendingQ) > 2*c.cfg.Window {
				delete(s.pending, s.pendingQ[0])
				s.pendingQ = s.pendingQ[1:]
			}
		}
	case msgPlaylist:
		if s != nil && from == s.up {
			c.playlist(now, s, m.playlist, out)
		}
	}
}

// playlist takes a new playlist from the upstream.
func (c *Core) playlist(now time.Time, s *stream, signed []byte, out *service.Effects) {
	pl, err := c.cfg.Verified.decode(signed)
	if err != nil || pl.Key != s.key {
		c.stats.BadPlaylist++
		return
	}
	s.heard = now
	if s.pl != nil && pl.Last() <= s.pl.Last() && !(pl.Ended && !s.pl.Ended) {
		return // old news (a new upstream resending)
	}
	for _, seg := range pl.Segments {
		if _, ok := s.segs[seg.Seq]; ok {
			continue
		}
		if data, ok := s.find(seg.ID); ok {
			s.segs[seg.Seq] = data
			if s.first == 0 || seg.Seq < s.first {
				s.first = seg.Seq
			}
			c.stats.SegmentsIn++
			out.Emit(Event{Kind: EventSegment, Key: s.key, Seq: seg.Seq, Captured: seg.Captured, Size: int(seg.Size), Data: data, Duration: seg.Duration})
		}
	}
	c.setPlaylist(s, pl, encPlaylist(s.key, signed))
	c.forward(now, s, out)
	c.repair(now, s, out)
}

// repair asks the upstream again, from the first segment missing since
// the first one this node held (one lost while its upstream changed),
// at most once per target duration.
func (c *Core) repair(now time.Time, s *stream, out *service.Effects) {
	if s.first == 0 || now.Before(s.repairAt) {
		return
	}
	for _, seg := range s.pl.Segments {
		if _, ok := s.segs[seg.Seq]; !ok && seg.Seq > s.first {
			s.repairAt = now.Add(s.pl.PartTarget())
			out.To(s.up, encSub(s.key, c.role(s), s.relayCap, seg.Seq))
			return
		}
	}
}

// sub answers a joiner.
func (c *Core) sub(now time.Time, s *stream, from common.Address, m msg, out *service.Effects) {
	if s == nil || !(s.publishing || s.relayCap > 0 && s.joined) || from == s.up {
		out.To(from, encRedirect(m.key, nil))
		return
	}
	ch, ok := s.children[from]
	if !ok {
		room := s.relayCap
		if s.publishing {
			room = c.cfg.Fanout
			if cands := c.candidates(now, s, from); len(s.children) >= room && len(cands) > 0 && m.role&roleDirect == 0 {
				s.relays[cands[0]].children++ // counted until its next Load
				out.To(from, encRedirect(s.key, cands))
				return
			}
			room = max(room, 2*c.cfg.Fanout) // no relay has room: the origin stretches
		}
		if len(s.children) >= room {
			out.To(from, encRedirect(s.key, nil))
			return
		}
		// The node that serves checks the stream's access rule (a
		// redirect gives nothing of the stream away).
		switch r := c.admit(now, s, from, m, out); {
		case r < 0:
			return // a token check first
		case r > 0:
			c.stats.Denied++
			out.To(from, encDenied(s.key, byte(r)))
			return
		}
		ch = &child{}
		s.children[from] = ch
		c.stats.MaxChildren = max(c.stats.MaxChildren, len(s.children))
	}
	ch.relay = m.role&^roleDirect == roleRelay
	ch.sent = 0
	switch {
	case m.from > 0:
		ch.sent = m.from - 1
	case s.pl != nil:
		ch.sent = startAt(s.pl) - 1 // a newcomer starts near the live edge
	}
	out.To(from, encAccept(s.key, s.depth))
	c.sendTo(s, from, ch, out)
	c.sendLoad(now, s, out)
}

// candidates are the relays with room for joiner, shallowest and least
// loaded first, none in joiner's own subtree.
func (c *Core) candidates(now time.Time, s *stream, joiner common.Address) []common.Address {
	var cs []common.Address
	for _, w := range sortedKeys(s.relays) {
		r := s.relays[w]
		if w == joiner || r.children >= r.capacity || now.Sub(r.seen) > 3*c.cfg.LoadEvery || c.below(s, w, joiner) {
			continue
		}
		cs = append(cs, w)
	}
	slices.SortStableFunc(cs, func(a, b common.Address) int {
		ra, rb := s.relays[a], s.relays[b]
		if ra.depth != rb.depth {
			return ra.depth - rb.depth
		}
		return ra.children - rb.children
	})
	return cs[:min(len(cs), maxRedirect)]
}

// below reports whether relay w is joiner or in joiner's subtree.
func (c *Core) below(s *stream, w, joiner common.Address) bool {
	for range 64 {
		if w == joiner {
			return true
		}
		r, ok := s.relays[w]
		if !ok || r.up == c.cfg.Self || r.up == (common.Address{}) {
			return false
		}
		w = r.up
	}
	return true // a loop: keep away
}

func (c *Core) dropChild(now time.Time, s *stream, w common.Address, out *service.Effects) {
	if _, ok := s.children[w]; ok {
		delete(s.children, w)
		c.sendLoad(now, s, out)
	}
}

// sendLoad tells the origin this relay's load.
func (c *Core) sendLoad(now time.Time, s *stream, out *service.Effects) {
	if s.publishing || s.relayCap == 0 || !s.joined {
		return
	}
	s.loadAt = now
	out.To(s.origin, encLoad(s.key, s.relayCap, len(s.children), s.depth, s.up))
}

// join sends a Sub to w.
func (c *Core) join(now time.Time, s *stream, w common.Address, out *service.Effects) {
	c.joinAs(now, s, w, 0, out)
}

// joinAs sends a Sub to w with flags or-ed into the role.
func (c *Core) joinAs(now time.Time, s *stream, w common.Address, flags byte, out *service.Effects) {
	s.up, s.joined, s.heard = w, false, now
	if w == s.origin {
		s.asked++
		if s.asked > 1 {
			c.stats.Rejoins++
		}
	}
	from := uint64(0)
	if s.pl != nil {
		from = s.pl.Last() + 1
	}
	out.To(w, encSub(s.key, c.role(s)|flags, s.relayCap, from))
}

func (c *Core) role(s *stream) byte {
	if s.relayCap > 0 {
		return roleRelay
	}
	return roleViewer
}

// next tries the next candidate after failed, then the origin; after a
// refusal by the origin itself it waits a second.
func (c *Core) next(now time.Time, s *stream, failed common.Address, out *service.Effects) {
	for len(s.alternates) > 0 {
		w := s.alternates[0]
		s.alternates = s.alternates[1:]
		if w != failed {
			c.join(now, s, w, out)
			return
		}
	}
	if failed == s.origin {
		s.up, s.joined = common.Address{}, false
		s.retryAt = now.Add(time.Second)
		return
	}
	c.join(now, s, s.origin, out)
}

// failover replaces the upstream.
func (c *Core) failover(now time.Time, s *stream, out *service.Effects) {
	bad := s.up
	if bad != s.origin {
		s.bad[bad] = now.Add(badFor)
	}
	if s.joined {
		c.stats.Failovers++
		out.Emit(Event{Kind: EventFailover, Key: s.key, Peer: bad})
	}
	c.next(now, s, bad, out)
}

func (c *Core) down(now time.Time, w common.Address, out *service.Effects) {
	for _, k := range c.streamKeys() {
		s := c.streams[k]
		if _, ok := s.children[w]; ok {
			c.dropChild(now, s, w, out)
		}
		if s.publishing {
			delete(s.relays, w)
		}
		if !s.publishing && s.up == w && w != (common.Address{}) {
			c.failover(now, s, out)
		}
	}
}

func (c *Core) stallTimeout(s *stream) time.Duration {
	if c.cfg.StallTimeout > 0 {
		return c.cfg.StallTimeout
	}
	if s.pl != nil && s.pl.Parts > 1 {
		// A playlist comes with every part: four parts missed is a
		// failure, well before a player's part hold-back runs dry.
		return max(time.Second, 4*s.pl.PartTarget())
	}
	d := 1500 * time.Millisecond
	if s.pl != nil {
		d = max(d, s.pl.Target*3/2)
	}
	return d
}

// startAt is the first entry a newcomer is sent: liveEdge segments
// before the newest, or with parts the first part of the segment
// before the newest one's, so a player has a whole segment at once.
func startAt(pl *Playlist) uint64 {
	last := pl.Last()
	if pl.Parts > 1 {
		msn, _ := pl.MSN(last)
		if msn == 0 {
			return 1
		}
		return (msn-1)*uint64(pl.Parts) + 1
	}
	if last > liveEdge {
		return last - liveEdge + 1
	}
	return 1
}

// tick runs what is due.
func (c *Core) tick(now time.Time, out *service.Effects) {
	for _, k := range c.streamKeys() {
		s := c.streams[k]
		if len(s.children) > 0 && s.pl != nil && now.Sub(s.beat) >= s.pl.PartTarget() {
			// A heartbeat: the children keep this node while it waits
			// for its own upstream, or for the encoder.
			c.forward(now, s, out)
		}
		c.recheck(now, s, out)
		if s.publishing {
			for _, w := range sortedKeys(s.relays) {
				if now.Sub(s.relays[w].seen) > 3*c.cfg.LoadEvery {
					delete(s.relays, w)
				}
			}
			continue
		}
		switch {
		case s.up == (common.Address{}):
			if !now.Before(s.retryAt) {
				c.join(now, s, s.origin, out)
			}
		case now.Sub(s.heard) >= c.stallTimeout(s):
			out.Hangup = append(out.Hangup, s.up)
			c.failover(now, s, out)
		case s.relayCap > 0 && s.joined && now.Sub(s.loadAt) >= c.cfg.LoadEvery:
			c.sendLoad(now, s, out)
		}
	}
}

// wake asks for the next timer.
func (c *Core) wake(now time.Time, out *service.Effects) {
	for _, s := range c.streams {
		if len(s.children) > 0 && s.pl != nil {
			out.Wake(s.beat.Add(s.pl.PartTarget()))
		}
		c.recheckAt(s, out)
		switch {
		case s.publishing:
			if len(s.relays) > 0 {
				out.Wake(now.Add(c.cfg.LoadEvery))
			}
		case s.up == (common.Address{}):
			out.Wake(s.retryAt)
		default:
			out.Wake(s.heard.Add(c.stallTimeout(s)))
			if s.relayCap > 0 && s.joined {
				out.Wake(s.loadAt.Add(c.cfg.LoadEvery))
			}
		}
	}
}

// find returns the verified bytes of id: received and not yet listed,
// or held under another sequence number (equal segments are one blob).
func (s *stream) find(id content.ID) ([]byte, bool) {
	if data, ok := s.pending[id]; ok {
		return data, true
	}
	if s.pl != nil {
		for _, seg := range s.pl.Segments {
			if data, ok := s.segs[seg.Seq]; ok && seg.ID == id {
				return data, true
			}
		}
	}
	return nil, false
}
