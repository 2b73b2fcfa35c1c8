package transport

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// nextDeadlineScan is NextDeadline as a scan of every peer: what the
// heap in deadline.go must always agree with.
func (s *Sessions) nextDeadlineScan() time.Time {
	t := &s.timers
	now := s.now()
	var d time.Time
	consider := func(at time.Time) {
		if d.IsZero() || at.Before(d) {
			d = at
		}
	}
	s.mu.Lock()
	peers := slices.Clone(s.order)
	if len(s.xxPending) > 0 {
		consider(s.xxPending[0].created.Add(t.RekeyTimeout))
	}
	s.mu.Unlock()
	expire := 3 * t.RejectAfterTime
	for _, p := range peers {
		p.mu.Lock()
		if hs := p.hs; hs != nil {
			if hs.retryNow {
				consider(now)
			} else {
				consider(hs.retryAt)
			}
		}
		if p.rekeyFor.Load() != nil {
			consider(now)
		}
		if m := p.sentPending.Load(); m != 0 {
			consider(s.fromMono(m).Add(t.KeepaliveTimeout + t.RekeyTimeout))
		}
		if m := p.recvPending.Load(); m != 0 {
			consider(s.fromMono(m).Add(t.KeepaliveTimeout))
		}
		for _, ses := range []*session{p.current.Load(), p.next.Load(), p.previous} {
			if ses != nil {
				consider(ses.created.Add(expire))
			}
		}
		p.mu.Unlock()
	}
	return d
}

// TestNextDeadlineMatchesScan drives six nodes through random
// handshakes (IK and XX, some under load so that cookies come back),
// data both ways, losses, reordering, ticks, resets, removals and clock
// steps, and checks after every step that each node's NextDeadline
// equals a scan of all its peers. Short timers make rekeys, keepalives,
// retransmissions, give-ups and expiries happen within the run.
func TestNextDeadlineMatchesScan(t *testing.T) {
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 99))
		clock := newClock()
		timers := Timers{RekeyAfterTime: 12 * time.Second, RejectAfterTime: 18 * time.Second,
			RekeyTimeout: time.Second, KeepaliveTimeout: 2 * time.Second, HandshakeGiveUp: 9 * time.Second,
			RekeyAfterMessages: 40}
		var nodes []*testNode
		for i := range 6 {
			nodes = append(nodes, newNode(t, clock, byte(10+i), func(c *Config) {
				c.Timers = timers
				if i%3 == 2 {
					c.Timers.LoadThreshold = 1 // under load at once: cookie replies
				}
			}))
		}
		peer := func(a, b *testNode) *Peer {
			if rng.IntN(3) == 0 {
				return a.peerXX(b)
			}
			return a.peerIK(b)
		}
		var net []flight
		push := func(from, to *testNode, msg []byte) {
			if rng.IntN(8) != 0 { // one in eight is lost
				net = append(net, flight{from, to, msg})
			}
		}
		byPeer := func(a *testNode, p *Peer) *testNode {
			for _, n := range nodes {
				if n.signer.Address() == p.Wallet() {
					return n
				}
			}
			t.Fatalf("no node for %s", p.Wallet())
			return nil
		}
		checked := 0
		kinds := map[Kind]int{}
		for step := range 3000 {
			a, b := nodes[rng.IntN(len(nodes))], nodes[rng.IntN(len(nodes))]
			switch op := rng.IntN(100); {
			case a == b:
			case op < 3:
				if msg, err := a.s.Initiate(peer(a, b)); err == nil {
					push(a, b, msg)
				}
			case op < 40:
				p := a.peerIK(b)
				var data []byte
				if op%4 != 0 { // else an empty (keepalive) message
					data = []byte("data")
				}
				msg, err := a.s.Seal(nil, p, data)
				if err == nil {
					push(a, b, msg)
				} else if p.mu.Lock(); p.hs == nil {
					p.mu.Unlock()
					if msg, err := a.s.Initiate(p); err == nil { // as link does
						push(a, b, msg)
					}
				} else {
					p.mu.Unlock()
				}
			case op < 80:
				for k := rng.IntN(6); k >= 0 && len(net) > 0; k-- {
					i := rng.IntN(min(len(net), 2)) // mostly in order
					f := net[i]
					net = slices.Delete(net, i, i+1)
					res, err := f.to.s.Receive(nil, f.msg, f.from.addr)
					if err == nil {
						kinds[res.Kind]++
						for _, r := range res.Replies {
							push(f.to, f.from, r)
						}
					}
				}
			case op < 88:
				d := time.Duration(rng.IntN(400)) * time.Millisecond
				if rng.IntN(8) == 0 {
					d = time.Duration(rng.IntN(10)) * time.Second
				}
				clock.Advance(d)
			case op < 98:
				for _, o := range a.s.Tick() {
					push(a, byPeer(a, o.Peer), o.Msg)
				}
			case op < 99:
				a.s.Reset(a.peerIK(b))
			default:
				a.s.Remove(peer(a, b))
			}
			for _, n := range nodes {
				got, want := n.s.NextDeadline(), n.s.nextDeadlineScan()
				if !got.Equal(want) {
					t.Fatalf("seed %d step %d node %d: NextDeadline %v, a scan says %v", seed, step, n.seed,
						got.Sub(epoch), want.Sub(epoch))
				}
				if !want.IsZero() {
					checked++
				}
			}
		}
		if checked < 1000 || kinds[KindData] < 300 || kinds[KindHandshake] < 50 || kinds[KindCookie] == 0 {
			t.Fatalf("seed %d: only %d nonzero deadlines compared, %v received", seed, checked, kinds)
		}
		t.Logf("seed %d: %d nonzero deadlines compared, %v received", seed, checked, kinds)
	}
}
