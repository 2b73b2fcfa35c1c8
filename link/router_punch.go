package link

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/anynet/anynet/link/locator"
)

// This file is the router's side of NAT traversal (doc.go, "NAT
// traversal"; host_punch.go is the host's). A host behind NAT needs nothing
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
//     B's router (controlPunchRelayAsk), router by router along the
//     route table; if B asks at the same time, its ask meets A's at a
//     router on the way.
//  2. A punch for a host attached elsewhere goes on towards its router
//     the same way (controlPunchRelay), which hands it to the host.
//  3. When the host asked for lies beyond the route table (in a segment
//     reached by a tunnel, whose router is no neighbor), no router can
//     pair the asks. The router then tells the asker the address it sees
//     it at (controlPunchSelf), and the two hosts exchange their
//     addresses end to end, inside their own session (host_punch_peer.go).
//
// Relayed messages carry a hop limit, as frames do.

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
func (e *Endpoint) coordinatePunchLocked(from *peer, to Locator, now time.Time) ([]controlOut, error) {
	tp := from.transportPeer()
	for loc, a := range e.rt.attached {
		if a.p.transportPeer() == tp {
			if loc == to {
				return nil, fmt.Errorf("%w: punch ask for the asker itself", ErrMalformedFrame)
			}
			out, err := e.punchAskLocked(loc, from.endpoint(), to, DefaultHopLimit, now)
			if errors.Is(err, ErrUnreachable) {
				// No router on the way to pair it with (the host asked
				// for is across a tunnel): the asker tells it itself.
				msg := appendPunch(appendControl(nil, controlPunchSelf, nil), &to, from.endpoint())
				return []controlOut{{&routerLink{p: from, lastInit: now}, msg}}, nil
			}
			return out, err
		}
	}
	return nil, fmt.Errorf("%w: punch ask from a host not attached here", ErrMalformedFrame)
}

// receivePunchRelayLocked acts on a relayed ask or punch from a
// neighbor router, with the router's lock held.
func (e *Endpoint) receivePunchRelayLocked(kind controlKind, body []byte, now time.Time) ([]controlOut, error) {
	hops, to, loc, addr, err := parsePunchRelay(body)
	if err != nil {
		return nil, err
	}
	if kind == controlPunchRelayAsk {
		return e.punchAskLocked(*loc, addr, *to, hops, now)
	}
	return e.punchToLocked(*to, *loc, addr, hops, now)
}

// punchAskLocked handles the ask of the host at from, seen at addr, for
// a direct path to the host at to (step 1 above).
func (e *Endpoint) punchAskLocked(from Locator, addr netip.AddrPort, to Locator, hops uint8, now time.Time) ([]controlOut, error) {
	rt := e.rt
	pt := &rt.punch
	pt.mu.Lock()
	defer pt.mu.Unlock()
	for k, w := range pt.wants {
		if now.Sub(w.at) > rt.hold {
			delete(pt.wants, k)
		}
	}
	if w, ok := pt.wants[[2]Locator{to, from}]; ok {
		delete(pt.wants, [2]Locator{to, from})
		delete(pt.wants, [2]Locator{from, to})
		e.stats.punchesCoordinated.Add(1)
		toFrom, err1 := e.punchToLocked(from, to, w.addr, DefaultHopLimit, now)
		toTo, err2 := e.punchToLocked(to, from, addr, DefaultHopLimit, now)
		return append(toFrom, toTo...), errors.Join(err1, err2)
	}
	if b := rt.attached[to]; b != nil {
		pt.wants[[2]Locator{from, to}] = punchWant{now, addr}
		return []controlOut{{&routerLink{p: b.p, lastInit: now}, appendControl(nil, controlPunchAsk, from[:])}}, nil
	}
	l, err := rt.relayLinkLocked(to, hops)
	if err != nil {
		return nil, err
	}
	// Remembered here too: when the two hosts ask at once, each ask
	// passes the other's on the way, and the first router to see both
	// settles the pair.
	pt.wants[[2]Locator{from, to}] = punchWant{now, addr}
	return []controlOut{{l, appendPunchRelay(appendControl(nil, controlPunchRelayAsk, nil), hops-1, &to, &from, addr)}}, nil
}

// punchToLocked tells the host at to that the host at peer is seen at
// addr: straight if it is attached here, else towards its router.
func (e *Endpoint) punchToLocked(to, peer Locator, addr netip.AddrPort, hops uint8, now time.Time) ([]controlOut, error) {
	rt := e.rt
	if a := rt.attached[to]; a != nil {
		return []controlOut{{&routerLink{p: a.p, lastInit: now}, appendPunch(appendControl(nil, controlPunch, nil), &peer, addr)}}, nil
	}
	l, err := rt.relayLinkLocked(to, hops)
	if err != nil {
		return nil, err
	}
	return []controlOut{{l, appendPunchRelay(appendControl(nil, controlPunchRelay, nil), hops-1, &to, &peer, addr)}}, nil
}

// relayLinkLocked returns the neighbor router that a relayed punch
// message for dst goes to: the next hop of the longest-prefix match.
func (rt *router) relayLinkLocked(dst Locator, hops uint8) (*routerLink, error) {
	if hops <= 1 {
		return nil, fmt.Errorf("%w: relayed punch out of hops", ErrUnreachable)
	}
	r, ok := rt.speaker.Lookup(locator.Locator(dst))
	if !ok || r.NextHop == rt.self {
		return nil, fmt.Errorf("%w: no route to relay a punch to %x…", ErrUnreachable, dst[:8])
	}
	l := rt.byKey[r.NextHop]
	if l == nil {
		return nil, fmt.Errorf("%w: no router link to relay a punch to %x…", ErrUnreachable, dst[:8])
	}
	return l, nil
}
