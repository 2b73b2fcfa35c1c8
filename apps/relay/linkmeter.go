package relay

import (
	"cmp"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
)

// Proof of relay for routers. A router forwards frames in the link
// layer, where there is no wallet key; the hosts on either side count
// what they themselves sent and received through it (package link,
// meter.go: bytes as on the wire, per peer and router, cumulative), and
// their relay service hands those counts to its Core every
// ServiceConfig.MeterEvery (LinkCounts). The Core turns them into link
// receipts (Receipt.Link), one per direction of each session: the
// sender signs what it sent to the peer through the router
// (Session = LinkSession(self, peer)), the receiver what it received
// (Session = LinkSession(peer, self)). A receipt is signed each time a
// session's count grew by ReceiptEvery since the last one, and once
// when the epoch ends if anything is unsigned; one whose router's
// connection went down since it was sent is signed again (linkDown).
// The receipts of one sample for one router and epoch go in one frame
// (frameLinkReceipts, linkwire.go); its Edge core collects them like
// any other. Compute credits a session the lower of its two ends'
// counts, so neither the router nor one colluding end can raise it.
//
// What that costs: nothing for a session that moved nothing in an
// epoch, four receipts of 89 bytes per router for one that moved
// anything (two directions, two ends), and one more per ReceiptEvery
// of its traffic (BenchmarkLinkReceiptOverhead). A host tells a peer
// its routers (frameRouters) when the session moved and the peer has
// not heard these routers from it since its connection last went down;
// the peer keeps them in its store. Nothing is told or signed again
// for a session that stays idle, so a tell, which is itself traffic
// on the session, never keeps one growing.
//
// Epochs: a count is the epoch's from the last sample before it to its
// own last sample; what moved between the last sample of an epoch and
// the first of the next is the next epoch's, at both ends alike, within
// one MeterEvery. The service hands the core its first sample as it
// starts, even an empty one (Service.sampleLinks): what the meter held
// then is not vouched for, every pair that appears later counts from
// zero.

// LinkCount is what this host exchanged with Peer through the router
// Router since its link started (link.RoutedTraffic).
type LinkCount struct {
	Router, Peer          common.Address
	SentBytes, SentFrames uint64
	RecvBytes, RecvFrames uint64
	// PeerLocator is the source locator of Peer's last frame that came
	// through Router (link.RoutedTraffic.PeerLocator); zero before one.
	PeerLocator [32]byte
}

// LinkCounts is a command: the host's link meter, sampled. Its result
// is a LinkLookup.
type LinkCounts struct {
	Counts []LinkCount
	// RouterLocators are the locators that routers named by peers
	// publish in their DID documents, as the service last read them (the
	// routers of the LinkLookup before). A router a peer names gets this
	// host's receipts only while one of them is in the subnet the peer's
	// frames come from (onPath).
	RouterLocators map[common.Address][][32]byte
}

// LinkLookup is the result of LinkCounts: the routers peers name, whose
// published locators the next LinkCounts should carry.
type LinkLookup struct{ Routers []common.Address }

// CountsOf is the command for a sample of a node's link meter
// (stack.Node.RoutedTraffic).
func CountsOf(rt []link.RoutedTraffic) LinkCounts {
	var lc LinkCounts
	for _, n := range rt {
		lc.Counts = append(lc.Counts, LinkCount{Router: n.Router, Peer: n.Peer, PeerLocator: n.PeerLocator,
			SentBytes: n.SentBytes, SentFrames: n.SentFrames, RecvBytes: n.RecvBytes, RecvFrames: n.RecvFrames})
	}
	return lc
}

type linkMeterKey struct {
	router  common.Address
	session uint64
}

// linkMeter is one direction of one session through one router.
type linkMeter struct {
	epoch                 uint64
	baseBytes, baseFrames uint64 // the cumulative counts when the epoch began
	lastBytes, lastFrames uint64 // at the last sample
	signedAt              uint64 // bytes (this epoch) in the last receipt
	// prev: the cumulative counts when the epoch before began, if this
	// meter counted it (hasPrev): where a peer's router heard of only
	// after that epoch ended starts (linkSample).
	hasPrev               bool
	prevBytes, prevFrames uint64
}

// linkCounts turns a sample of the link meter into receipts: for the
// routers this host reaches each peer through, and for those the peer
// said it reaches this host through (frameRouters), so that on a path
// through two routers each gets receipts from both ends. It tells a
// peer its own routers while their session moves, if it has not told
// it these since the peer's connection last went down.
func (c *Core) linkCounts(now time.Time, lc LinkCounts, out *service.Effects) {
	cur := c.epochOf(now)
	var lookup []common.Address
	counts := slices.Clone(lc.Counts)
	slices.SortFunc(counts, func(a, b LinkCount) int { return cmp.Or(a.Peer.Cmp(b.Peer), a.Router.Cmp(b.Router)) })
	// Traffic with a router itself (receipts handed to it, for one) is
	// not relaying: no receipts for it.
	routers := map[common.Address]bool{}
	for _, n := range counts {
		routers[n.Router] = true
	}
	for _, rs := range c.peerRouters {
		for _, r := range rs {
			routers[r] = true
		}
	}
	// After the first sample, a pair the meter did not hold before
	// started since: all of its count is new (see linkSample).
	fresh := c.linkSampled
	c.linkSampled = true
	for i := 0; i < len(counts); {
		peer := counts[i].Peer
		j := i
		for j < len(counts) && counts[j].Peer == peer {
			j++
		}
		own := counts[i:j]
		i = j
		if peer == c.self || routers[peer] {
			continue
		}
		var mine []common.Address
		moved := false
		for _, n := range own {
			if n.Router == c.self {
				continue
			}
			mine = append(mine, n.Router)
			// Moved since the last sample (a pair new since the first
			// sample moved if it counts anything; at the first, what the
			// meter held is old).
			if ms, mr := c.linkMeters[linkMeterKey{n.Router, LinkSession(c.self, peer)}], c.linkMeters[linkMeterKey{n.Router, LinkSession(peer, c.self)}]; ms == nil || mr == nil {
				moved = moved || fresh && n.SentBytes+n.RecvBytes > 0
			} else {
				moved = moved || ms.lastBytes != n.SentBytes || mr.lastBytes != n.RecvBytes
			}
			c.linkSample(now, cur, linkMeterKey{n.Router, LinkSession(c.self, peer)}, fresh, nil, n.SentBytes, n.SentFrames, out)
			c.linkSample(now, cur, linkMeterKey{n.Router, LinkSession(peer, c.self)}, fresh, nil, n.RecvBytes, n.RecvFrames, out)
		}
		if len(mine) == 0 {
			continue
		}
		// The peer's routers: what went through this host's routers went
		// through them too (one path), counted the same — for those the
		// path really takes (onPath); a peer's router first heard of
		// starts where this host's own count of the session's epoch
		// started, so that it is credited for the same bytes.
		var sent, sentF, recv, recvF uint64
		var sentBase, recvBase linkMeter
		var seen [][32]byte // where the peer's frames came from
		for _, n := range own {
			sent, sentF, recv, recvF = sent+n.SentBytes, sentF+n.SentFrames, recv+n.RecvBytes, recvF+n.RecvFrames
			if n.PeerLocator != ([32]byte{}) && !slices.Contains(seen, n.PeerLocator) {
				seen = append(seen, n.PeerLocator)
			}
			if m := c.linkMeters[linkMeterKey{n.Router, LinkSession(c.self, peer)}]; m != nil && n.Router != c.self {
				sentBase.add(m, cur)
			}
			if m := c.linkMeters[linkMeterKey{n.Router, LinkSession(peer, c.self)}]; m != nil && n.Router != c.self {
				recvBase.add(m, cur)
			}
		}
		for _, r := range c.peerRouters[peer] {
			if slices.Contains(mine, r) || r == c.self || r == peer {
				continue
			}
			if !slices.Contains(lookup, r) {
				lookup = append(lookup, r)
			}
			if !onPath(seen, lc.RouterLocators[r]) {
				continue
			}
			c.linkSample(now, cur, linkMeterKey{r, LinkSession(c.self, peer)}, false, &sentBase, sent, sentF, out)
			c.linkSample(now, cur, linkMeterKey{r, LinkSession(peer, c.self)}, false, &recvBase, recv, recvF, out)
		}
		if len(mine) > maxPathRouters {
			mine = mine[:maxPathRouters]
		}
		var key []byte
		for _, r := range mine {
			key = append(key, r[:]...)
		}
		if moved && c.told[peer] != string(key) {
			c.told[peer] = string(key)
			out.To(peer, append([]byte{frameRouters, byte(len(mine))}, key...))
		}
	}
	c.flushLinkReceipts(out)
	slices.SortFunc(lookup, func(a, b common.Address) int { return a.Cmp(b) })
	out.Result = LinkLookup{Routers: lookup}
}

// flushLinkReceipts sends the receipts of this sample: one frame per
// router and epoch (linkwire.go), routers in order.
func (c *Core) flushLinkReceipts(out *service.Effects) {
	routers := make([]common.Address, 0, len(c.linkOut))
	for r := range c.linkOut {
		routers = append(routers, r)
	}
	slices.SortFunc(routers, func(a, b common.Address) int { return a.Cmp(b) })
	for _, r := range routers {
		rs := c.linkOut[r]
		slices.SortStableFunc(rs, func(a, b Receipt) int { return cmp.Compare(a.Epoch, b.Epoch) })
		for len(rs) > 0 {
			n := 1
			for n < len(rs) && n < maxLinkBatch && rs[n].Epoch == rs[0].Epoch {
				n++
			}
			out.To(r, encodeLinkReceipts(rs[0].Epoch, rs[:n]))
			rs = rs[n:]
		}
	}
	clear(c.linkOut)
}

// linkDown: peer's connection went down, and what was sent to it since
// it last came up may be lost. If it is a router, the last receipts of
// the latest ended epoch go again with the next sample, and those of
// the epoch under way are signed again (at once for a session
// ReceiptEvery along, else as the epoch ends); if it is a routed peer,
// it is told this host's routers again when their session next moves.
func (c *Core) linkDown(peer common.Address) {
	delete(c.told, peer)
	if f := c.finals[peer]; len(f) > 0 {
		if c.linkOut == nil {
			c.linkOut = map[common.Address][]Receipt{}
		}
		c.linkOut[peer] = append(c.linkOut[peer], f...)
	}
	for k, m := range c.linkMeters {
		if k.router == peer {
			m.signedAt = 0
		}
	}
}

// onPath reports whether a router a peer names is on the path its
// frames take: one of the router's published locators is in the subnet
// (the first locator.SubnetPrefixBits) of a locator the peer's frames
// came from. Routers forward by longest prefix, so a frame for the
// peer's locator reaches the routers of its subnet; a router elsewhere
// is not on the path, however the peer names it.
func onPath(peerLocs, routerLocs [][32]byte) bool {
	const n = locator.SubnetPrefixBits / 8
	for _, p := range peerLocs {
		for _, r := range routerLocs {
			if [n]byte(p[:n]) == [n]byte(r[:n]) {
				return true
			}
		}
	}
	return false
}

// routersOf keeps the routers a peer says it reaches this host through,
// in memory and in the store (the peer tells them once: they must
// outlive a restart of this core).
func (c *Core) routersOf(peer common.Address, b []byte, out *service.Effects) {
	rs, ok := parseRouters(b)
	if !ok {
		return
	}
	if slices.Equal(c.peerRouters[peer], rs) {
		return
	}
	c.peerRouters[peer] = rs
	out.Put(append([]byte("p"), peer[:]...), slices.Clone(b))
}

// parseRouters reads a frameRouters.
func parseRouters(b []byte) ([]common.Address, bool) {
	if len(b) < 2 || b[0] != frameRouters || int(b[1]) > maxPathRouters || len(b) != 2+20*int(b[1]) {
		return nil, false
	}
	rs := []common.Address{}
	for at := 2; at < len(b); at += 20 {
		rs = append(rs, common.BytesToAddress(b[at:at+20]))
	}
	return rs, true
}

// loadPeerRouters reads the routers peers named from the store (start).
func (c *Core) loadPeerRouters() {
	_ = c.cfg.Store.Scan([]byte("p"), func(k, v []byte) bool {
		if rs, ok := parseRouters(v); ok && len(k) == 1+20 {
			c.peerRouters[common.BytesToAddress(k[1:])] = rs
		}
		return true
	})
}

// add sums m's epoch start, and that of the epoch before, into b
// (several routers to one peer). A meter that began this epoch counted
// nothing the epoch before: it adds its start to both.
func (b *linkMeter) add(m *linkMeter, cur uint64) {
	b.baseBytes, b.baseFrames = b.baseBytes+m.baseBytes, b.baseFrames+m.baseFrames
	b.hasPrev = true
	if m.epoch == cur && m.hasPrev {
		b.prevBytes, b.prevFrames = b.prevBytes+m.prevBytes, b.prevFrames+m.prevFrames
	} else {
		b.prevBytes, b.prevFrames = b.prevBytes+m.baseBytes, b.prevFrames+m.baseFrames
	}
}

// linkSample takes one sample of a session's count through a router.
// A count not seen before starts at zero when fresh (the pair is new to
// the meter since the core's first sample, so all of it is this
// epoch's), at from's start of the epoch before when from is set (a
// peer's router: the same bytes as this host's own count, the epoch
// before included, whose receipt goes out at once, so that a peer who
// tells its routers only as an epoch ends costs them nothing), and
// otherwise here: what came before the core's first sample is not this
// service's to vouch for (it started later).
func (c *Core) linkSample(now time.Time, cur uint64, k linkMeterKey, fresh bool, from *linkMeter, bytes, frames uint64, out *service.Effects) {
	m := c.linkMeters[k]
	if m == nil {
		m = &linkMeter{epoch: cur, baseBytes: bytes, baseFrames: frames, lastBytes: bytes, lastFrames: frames}
		switch {
		case fresh:
			m.baseBytes, m.baseFrames, m.lastBytes, m.lastFrames = 0, 0, 0, 0
		case from != nil && from.baseBytes <= bytes && from.baseFrames <= frames:
			m.baseBytes, m.baseFrames, m.lastBytes, m.lastFrames = from.baseBytes, from.baseFrames, from.baseBytes, from.baseFrames
			if from.hasPrev && cur > 0 && from.prevBytes <= from.baseBytes && from.prevFrames <= from.baseFrames {
				m.epoch, m.baseBytes, m.baseFrames = cur-1, from.prevBytes, from.prevFrames
			}
		}
		c.linkMeters[k] = m
		if m.lastBytes == bytes && m.epoch == cur {
			return
		}
	}
	if bytes < m.lastBytes || frames < m.lastFrames { // the link restarted
		m.baseBytes, m.baseFrames, m.lastBytes, m.lastFrames, m.signedAt, m.hasPrev = 0, 0, 0, 0, 0, false
	}
	if m.epoch < cur { // the epoch ended: its last receipt, then a new one
		c.linkReceipt(k, m, true, out)
		m.hasPrev, m.prevBytes, m.prevFrames = m.epoch+1 == cur, m.baseBytes, m.baseFrames
		m.epoch, m.baseBytes, m.baseFrames, m.signedAt = cur, m.lastBytes, m.lastFrames, 0
	}
	m.lastBytes, m.lastFrames = bytes, frames
	every := c.cfg.ReceiptEvery
	if every == 0 {
		every = DefaultReceiptEvery
	}
	if got := m.lastBytes - m.baseBytes; got >= m.signedAt+every {
		c.linkReceipt(k, m, false, out)
	}
}

// linkReceipt signs m's receipt, if it counts anything not signed yet,
// for the sample's frame to its router (flushLinkReceipts). The last
// receipts of the latest ended epoch (final) are kept per router, to be
// sent again if its connection goes down (linkDown).
func (c *Core) linkReceipt(k linkMeterKey, m *linkMeter, final bool, out *service.Effects) {
	got := m.lastBytes - m.baseBytes
	if got <= m.signedAt {
		return
	}
	r := Receipt{Epoch: m.epoch, Edge: k.router, Session: k.session, Bytes: got, Frames: m.lastFrames - m.baseFrames, Link: true}
	if err := r.Sign(c.cfg.Wallet); err != nil {
		return
	}
	m.signedAt = got
	if c.linkOut == nil {
		c.linkOut = map[common.Address][]Receipt{}
	}
	c.linkOut[k.router] = append(c.linkOut[k.router], r)
	if final {
		if c.finals == nil {
			c.finals = map[common.Address][]Receipt{}
		}
		f := c.finals[k.router]
		if len(f) > 0 && f[0].Epoch < r.Epoch {
			f = f[:0]
		}
		c.finals[k.router] = append(f, r)
	}
	out.Emit(LinkReceipt{Receipt: r})
}

// LinkReceipt: this endpoint signed a link receipt and sent it to its
// router.
type LinkReceipt struct{ Receipt Receipt }
