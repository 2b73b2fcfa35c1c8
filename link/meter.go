package link

import (
	"net/netip"
	"sync"
	"sync/atomic"
)

// The host's traffic meter, for proof of relay (package apps/relay): a
// host counts the frames of its own sessions that go through a router,
// per (peer wallet, router), in bytes as on the wire (routing header
// included) and frames, each way: sent when a data frame for a routed
// peer is sealed and handed to the router (send.go), received when a
// data frame that came through a router opens (receive.go). Keepalives
// (data messages without a payload, which the transport's timers send
// past the sealing path) count at neither end. So a host
// vouches only for what it itself sent or received, and a router that
// forwards every frame counts the same bytes (link/router meter.go).
// Counts are cumulative from the endpoint's start; the relay service
// takes differences per epoch. Each pair also keeps the source locator
// of the peer's last authenticated frame through that router: where
// the routers actually delivered the peer from, which the relay service
// checks the routers a peer names against (apps/relay linkmeter.go).
// A packet or a burst of segments sent, or a run of frames received in
// one batch of a BatchUnderlay, costs two atomic adds and a look at the
// counter its peer used last (peer.metered, no lock: a peer's frames go
// through one router at a time), no allocation; a peer that changed
// routers costs a map read under a read lock; a new (peer, router) pair
// allocates its counter once, and past maxMetered pairs new ones are
// not metered.

// maxMetered bounds the (peer, router) pairs a host meters.
const maxMetered = 1 << 12

type meterKey struct {
	wallet [20]byte
	via    netip.AddrPort // the router's underlay address
}

type meterCount struct {
	via                   netip.AddrPort // its key's router, which peer.metered is checked against
	sentBytes, sentFrames atomic.Uint64
	recvBytes, recvFrames atomic.Uint64
	src                   atomic.Pointer[Locator] // the source locator of the last frame received, nil before one
}

type meter struct {
	mu    sync.RWMutex // guards pairs (the map; counters are atomic)
	pairs map[meterKey]*meterCount
}

// get returns the counter of (p's wallet, via), nil when the meter is
// full.
func (m *meter) get(p *peer, via netip.AddrPort) *meterCount {
	if c := p.metered.Load(); c != nil && c.via == via {
		return c
	}
	k := meterKey{p.wallet, via}
	m.mu.RLock()
	c := m.pairs[k]
	m.mu.RUnlock()
	if c == nil {
		c = m.add(k)
	}
	if c != nil {
		p.metered.Store(c)
	}
	return c
}

// add returns the counter of k, adding it if the meter has room.
func (m *meter) add(k meterKey) *meterCount {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c := m.pairs[k]; c != nil {
		return c
	}
	if m.pairs == nil {
		m.pairs = map[meterKey]*meterCount{}
	}
	if len(m.pairs) >= maxMetered {
		return nil
	}
	c := &meterCount{via: k.via}
	m.pairs[k] = c
	return c
}

// meterSent counts frames of size bytes in all, sealed for p and handed
// to r's next hop, a router when r names a routed peer: once per
// packet or burst of segments.
func (e *Endpoint) meterSent(p *peer, r *outRoute, frames, size uint64) {
	if r.h.Dst == nil || e.rt == nil || e.fwd != nil || frames == 0 {
		return
	}
	if c := e.meter.get(p, r.next); c != nil {
		c.sentBytes.Add(size)
		c.sentFrames.Add(frames)
	}
}

// meterReceived counts a data frame of n bytes from p that opened and
// came from the router at via: at once, or on one BatchUnderlay
// (rxSerial) in a run of one pair's frames that goes on the meter when
// the pair changes or the batch ends.
func (e *Endpoint) meterReceived(p *peer, h *Header, via netip.AddrPort, n int) {
	if h.Src == nil || e.rt == nil || e.fwd != nil {
		return
	}
	if c := e.meter.get(p, via); c != nil {
		if e.rxSerial {
			if r := &e.rxRun; r.c != c {
				r.flush()
				r.c = c
			}
			e.rxRun.bytes += uint64(n)
			e.rxRun.frames++
		} else {
			c.recvBytes.Add(uint64(n))
			c.recvFrames.Add(1)
		}
		if l := c.src.Load(); l == nil || *l != *h.Src { // allocates only when the peer's locator changes
			src := *h.Src
			c.src.Store(&src)
		}
	}
}

// meterRun is a run of received frames of one (peer, router) pair not
// yet added to its counter.
type meterRun struct {
	c             *meterCount
	bytes, frames uint64
}

// flush adds the run to its counter and empties it.
func (r *meterRun) flush() {
	if r.frames > 0 {
		r.c.recvBytes.Add(r.bytes)
		r.c.recvFrames.Add(r.frames)
	}
	*r = meterRun{}
}

// RoutedTraffic is what a host exchanged with one peer through one of
// its routers since it started: data frames, in bytes as on the wire.
type RoutedTraffic struct {
	Router, Peer          [20]byte // wallets
	SentBytes, SentFrames uint64
	RecvBytes, RecvFrames uint64
	// PeerLocator is the source locator of the last frame received from
	// Peer through Router (authenticated as Peer's; the header itself is
	// not covered by the AEAD, see learnPath); zero before one.
	PeerLocator Locator
}

// RoutedTraffic returns the host's meter of frames exchanged with peers
// through its routers (Routing.Routers), one entry per (peer, router),
// in no particular order; nil on a router or a node without routing.
func (e *Endpoint) RoutedTraffic() []RoutedTraffic {
	if e.rt == nil || e.fwd != nil {
		return nil
	}
	e.rt.mu.RLock()
	routers := make(map[netip.AddrPort][20]byte, len(e.rt.links))
	for _, l := range e.rt.links {
		routers[l.p.endpoint()] = l.cfg.Wallet
	}
	e.rt.mu.RUnlock()
	e.meter.mu.RLock()
	defer e.meter.mu.RUnlock()
	out := make([]RoutedTraffic, 0, len(e.meter.pairs))
	for k, c := range e.meter.pairs {
		w, ok := routers[k.via]
		if !ok {
			continue
		}
		rt := RoutedTraffic{Router: w, Peer: k.wallet,
			SentBytes: c.sentBytes.Load(), SentFrames: c.sentFrames.Load(),
			RecvBytes: c.recvBytes.Load(), RecvFrames: c.recvFrames.Load()}
		if l := c.src.Load(); l != nil {
			rt.PeerLocator = *l
		}
		out = append(out, rt)
	}
	return out
}
