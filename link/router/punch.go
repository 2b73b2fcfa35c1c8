package router

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
)

// This file is the router's side of NAT traversal (package link's doc,
// "NAT traversal"; link's host_punch.go is the host's). A host behind NAT needs nothing
// more from its router to be reached: the router sends an attached
// host's frames to the address its attaches come from, after any NAT
// (peers.learn), and the attaches, every advert interval, keep that NAT
// mapping open. To punch, routers pair the asks of two hosts:
//
//  1. An ask from the host at A, seen at address a, for the host at B
//     (punchAskLocked): if B asked for A here within the hold time, the
//     pair is settled, each told the other's address (punchToLocked).
//     Else the ask is remembered with a, and if B is attached here, B is
//     asked on A's behalf; B's answer is an ask of its own, which then
//     settles the pair. If B is not, the ask, with a, goes on towards
//     B's router (ControlPunchRelayAsk), router by router along the
//     route table; if B asks at the same time, its ask meets A's at a
//     router on the way.
//  2. A punch for a host attached elsewhere goes on towards its router
//     the same way (ControlPunchRelay), which hands it to the host.
//  3. When the host asked for lies beyond the route table (in a segment
//     reached by a tunnel, whose router is no neighbor), no router can
//     pair the asks. The router then tells the asker the address it sees
//     it at (ControlPunchSelf), and the two hosts exchange their
//     addresses end to end, inside their own session (host_punch_peer.go).
//
// Relayed messages carry a hop limit, as frames do.

// punchTable is the asks a router remembers: from, to → when, where.
type punchTable struct {
	mu    sync.Mutex // taken after Router.mu, never before
	wants map[[2]link.Locator]punchWant
}

func (pt *punchTable) init() { pt.wants = make(map[[2]link.Locator]punchWant) }

// punchWant is an ask a router remembers: when it came, and where the
// asking host is seen.
type punchWant struct {
	at   time.Time
	addr netip.AddrPort
}

// coordinatePunchLocked acts on a punch ask from the attached host from
// for the host at to, with the router's lock held, and returns the
// control messages to send. An ask from a host that is not attached here
// is an error.
func (r *Router) coordinatePunchLocked(from link.PeerRef, to link.Locator, now time.Time) ([]controlOut, error) {
	tp := from.Session()
	for loc, a := range r.attached {
		if a.p.Session() == tp {
			if loc == to {
				return nil, fmt.Errorf("%w: punch ask for the asker itself", link.ErrMalformedFrame)
			}
			out, err := r.punchAskLocked(loc, from.Addr(), to, link.DefaultHopLimit, now)
			if errors.Is(err, link.ErrUnreachable) {
				// No router on the way to pair it with (the host asked
				// for is across a tunnel): the asker tells it itself.
				msg := link.AppendPunch(link.AppendControl(nil, link.ControlPunchSelf, nil), &to, from.Addr())
				return []controlOut{{p: from, msg: msg}}, nil
			}
			return out, err
		}
	}
	return nil, fmt.Errorf("%w: punch ask from a host not attached here", link.ErrMalformedFrame)
}

// receivePunchRelayLocked acts on a relayed ask or punch from a
// neighbor router, with the router's lock held.
func (r *Router) receivePunchRelayLocked(kind link.ControlKind, body []byte, now time.Time) ([]controlOut, error) {
	hops, to, loc, addr, err := link.ParsePunchRelay(body)
	if err != nil {
		return nil, err
	}
	if kind == link.ControlPunchRelayAsk {
		return r.punchAskLocked(*loc, addr, *to, hops, now)
	}
	return r.punchToLocked(*to, *loc, addr, hops, now)
}

// punchAskLocked handles the ask of the host at from, seen at addr, for
// a direct path to the host at to (step 1 above).
func (r *Router) punchAskLocked(from link.Locator, addr netip.AddrPort, to link.Locator, hops uint8, now time.Time) ([]controlOut, error) {
	pt := &r.punch
	pt.mu.Lock()
	defer pt.mu.Unlock()
	for k, w := range pt.wants {
		if now.Sub(w.at) > r.hold {
			delete(pt.wants, k)
		}
	}
	if w, ok := pt.wants[[2]link.Locator{to, from}]; ok {
		delete(pt.wants, [2]link.Locator{to, from})
		delete(pt.wants, [2]link.Locator{from, to})
		r.port.Count(link.CountPunchesCoordinated, 1)
		toFrom, err1 := r.punchToLocked(from, to, w.addr, link.DefaultHopLimit, now)
		toTo, err2 := r.punchToLocked(to, from, addr, link.DefaultHopLimit, now)
		return append(toFrom, toTo...), errors.Join(err1, err2)
	}
	if b := r.attached[to]; b != nil {
		pt.wants[[2]link.Locator{from, to}] = punchWant{now, addr}
		return []controlOut{{p: b.p, msg: link.AppendControl(nil, link.ControlPunchAsk, from[:])}}, nil
	}
	n, err := r.relayLinkLocked(to, hops)
	if err != nil {
		return nil, err
	}
	// Remembered here too: when the two hosts ask at once, each ask
	// passes the other's on the way, and the first router to see both
	// settles the pair.
	pt.wants[[2]link.Locator{from, to}] = punchWant{now, addr}
	return []controlOut{{n: n, p: n.p, msg: link.AppendPunchRelay(link.AppendControl(nil, link.ControlPunchRelayAsk, nil), hops-1, &to, &from, addr)}}, nil
}

// punchToLocked tells the host at to that the host at peer is seen at
// addr: straight if it is attached here, else towards its router.
func (r *Router) punchToLocked(to, peer link.Locator, addr netip.AddrPort, hops uint8, now time.Time) ([]controlOut, error) {
	if a := r.attached[to]; a != nil {
		return []controlOut{{p: a.p, msg: link.AppendPunch(link.AppendControl(nil, link.ControlPunch, nil), &peer, addr)}}, nil
	}
	n, err := r.relayLinkLocked(to, hops)
	if err != nil {
		return nil, err
	}
	return []controlOut{{n: n, p: n.p, msg: link.AppendPunchRelay(link.AppendControl(nil, link.ControlPunchRelay, nil), hops-1, &to, &peer, addr)}}, nil
}

// relayLinkLocked returns the neighbor router that a relayed punch
// message for dst goes to: the next hop of the longest-prefix match.
func (r *Router) relayLinkLocked(dst link.Locator, hops uint8) (*neighbor, error) {
	if hops <= 1 {
		return nil, fmt.Errorf("%w: relayed punch out of hops", link.ErrUnreachable)
	}
	rt, ok := r.speaker.Lookup(locator.Locator(dst))
	if !ok || rt.NextHop == r.self {
		return nil, fmt.Errorf("%w: no route to relay a punch to %x…", link.ErrUnreachable, dst[:8])
	}
	n := r.byKey[rt.NextHop]
	if n == nil {
		return nil, fmt.Errorf("%w: no router link to relay a punch to %x…", link.ErrUnreachable, dst[:8])
	}
	return n, nil
}
