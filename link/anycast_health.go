package link

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/anynet/anynet/link/route"
	"github.com/anynet/anynet/transport"
)

// Anycast, liveness: what an instance was heard saying, probes of
// silent instances, failing them over and retrying them, and Instances
// (anycast.go has the groups).

// heard records that p, if it is an anycast instance, sent something
// authenticated; handshake says it completed a handshake, which answers
// a probe and measures the RTT. The packets that waited for a first live
// instance go out (flushGroup).
func (e *Endpoint) heard(p *peer, handshake bool) {
	in := p.inst
	if in == nil {
		return
	}
	in.awaitSince.Store(0)
	if !handshake && in.liveFast.Load() {
		return
	}
	g := in.g
	g.owner.verified.Store(true)
	now := e.now()
	g.mu.Lock()
	changed := false
	if handshake && !in.probeAt.IsZero() {
		if s := now.Sub(in.probeAt); s < anycastAmbiguousAfter {
			s = max(s, anycastMinRTTSample)
			if in.rtt == 0 {
				in.rtt = s
			} else {
				in.rtt = (3*in.rtt + s) / 4
			}
			changed = true
		}
		in.probeAt = time.Time{}
	}
	if !in.live {
		in.live, in.failed = true, false
		in.liveFast.Store(true)
		g.live++
		changed = true
	}
	if changed {
		g.updateLocked(now)
	}
	g.mu.Unlock()
	e.flushGroup(g, now)
}

// updateLocked feeds the selector the live instances; g.mu is held.
func (g *anycastGroup) updateLocked(now time.Time) {
	list := make([]route.Instance, 0, len(g.inst))
	for _, p := range g.inst {
		if in := p.inst; in.live {
			list = append(list, route.Instance{ID: in.id, Locator: in.loc, RTT: in.rtt})
		}
	}
	g.sel.Update(now, list)
}

// failLocked marks p's instance failed and unpins its flows; g.mu is
// held. What waited for p's handshake, and the TCP SYNs sent to it since
// it was last heard from (a queued SYN once), go in front of the group's
// queue: the caller's flushGroup routes them again, to other instances,
// before any packet written from now on.
func (g *anycastGroup) failLocked(t *peerTable, p *peer, now time.Time) {
	in := p.inst
	in.liveFast.Store(false) // before the queue is taken: a packet queued after sees it (Endpoint.moved)
	q := t.takeQueue(p)
	if aw := in.awaitSince.Load(); aw != 0 {
		for _, s := range in.syns {
			if s.at >= aw && !slices.ContainsFunc(q, func(b []byte) bool { return bytes.Equal(b, s.pkt) }) {
				q = append(q, s.pkt)
			}
		}
	}
	in.syns = nil
	if in.live {
		g.live--
	}
	in.live, in.failed = false, true
	in.probeAt, in.lastProbe = time.Time{}, now
	in.awaitSince.Store(0)
	g.sel.Fail(now, in.id)
	g.queueFrontLocked(q, now)
}

// pinInbound pins the answers to plain, a packet that p, an anycast
// instance, sent, to p: a flow the instance opened stays with it.
func (e *Endpoint) pinInbound(p *peer, plain []byte) {
	in := p.inst
	if in == nil {
		return
	}
	f, ok := parseFlow(plain)
	if !ok {
		return
	}
	f = f.reverse()
	now := e.now()
	g := in.g
	g.mu.Lock()
	if g.sel.PinTo(f, in.id) {
		g.lastUse[f] = now
	}
	g.mu.Unlock()
}

// tickAnycast runs the anycast timers: probes, failures, retries, RTT
// refreshes, idle pins and the wait for a first live instance.
// hasAnycast reports whether any wallet is served by several nodes.
func (e *Endpoint) hasAnycast() bool {
	e.any.mu.Lock()
	defer e.any.mu.Unlock()
	return len(e.any.groups) > 0
}

func (e *Endpoint) tickAnycast() {
	e.any.mu.Lock()
	if len(e.any.groups) == 0 {
		e.any.mu.Unlock()
		return
	}
	groups := make([]*anycastGroup, 0, len(e.any.groups))
	for _, g := range e.any.groups {
		if g.owner.grp.Load() == g {
			groups = append(groups, g)
		}
	}
	e.any.groups = append(e.any.groups[:0], groups...)
	e.any.mu.Unlock()
	now := e.now()
	for _, g := range groups {
		e.tickGroup(g, now)
	}
}

func (e *Endpoint) tickGroup(g *anycastGroup, now time.Time) {
	cfg := &e.any.cfg
	var probe, failed []*peer
	g.mu.Lock()
	// A group in use (flows pinned, packets waiting) keeps measuring and
	// retrying its instances; an idle one only notices silence.
	active := len(g.lastUse) > 0 || len(g.queue) > 0
	for _, p := range g.inst {
		in := p.inst
		var silent time.Duration
		if aw := in.awaitSince.Load(); aw != 0 {
			silent = time.Duration(now.UnixNano() - aw)
		}
		switch {
		case !in.probeAt.IsZero() && now.Sub(in.probeAt) >= cfg.FailAfter,
			in.live && silent >= cfg.FailAfter:
			g.failLocked(&e.peers, p, now)
			failed = append(failed, p)
		case !in.probeAt.IsZero():
			// a probe is out
		case in.live && silent >= cfg.ProbeAfter,
			active && !in.live && !in.failed, // added while others were live
			active && in.failed && now.Sub(in.lastProbe) >= cfg.RetryAfter,
			active && in.live && now.Sub(in.lastProbe) >= cfg.RefreshAfter:
			in.probeAt, in.lastProbe = now, now
			probe = append(probe, p)
		}
	}
	if now.Sub(g.lastSweep) >= anycastSweepInterval {
		g.lastSweep = now
		for f, at := range g.lastUse {
			if now.Sub(at) > cfg.PinIdle {
				delete(g.lastUse, f)
				g.sel.Release(f)
			}
		}
	}
	var expired int
	if len(g.queue) > 0 && now.Sub(g.queuedAt) > queueTTL {
		expired = len(g.queue)
		g.queue = nil
	}
	g.mu.Unlock()
	e.stats.droppedQueueExpired.Add(uint64(expired))
	for _, p := range failed {
		e.log.Debug("anycast instance failed", "wallet", fmt.Sprintf("%x", p.wallet), "node", transport.PublicKey(p.inst.id))
	}
	if len(failed) > 0 {
		e.flushGroup(g, now)
	}
	for _, p := range probe {
		e.startHandshake(p)
	}
}

// failInstancesAt fails the anycast instances reached at dst, for which
// a router sent an unreachable frame, and reports whether dst is an
// instance's locator at all: their flows move to other instances instead
// of failing.
func (e *Endpoint) failInstancesAt(dst *Locator) bool {
	e.any.mu.Lock()
	groups := append([]*anycastGroup(nil), e.any.groups...)
	e.any.mu.Unlock()
	now := e.now()
	found := false
	for _, g := range groups {
		failed := false
		g.mu.Lock()
		for _, p := range g.inst {
			if l := p.loc.Load(); l != nil && *l == *dst {
				// An instance that failed already is still ours: a
				// later unreachable frame for it (a SYN sent before the
				// failover) must not fail the flows that moved away.
				found = true
				if !p.inst.failed {
					g.failLocked(&e.peers, p, now)
					failed = true
				}
			}
		}
		g.mu.Unlock()
		if failed {
			e.flushGroup(g, now)
		}
	}
	return found
}

// Instances reports the anycast instances of wallet as the sender sees
// them, in the order they were added; nil for a wallet that is not
// anycast.
func (e *Endpoint) Instances(wallet [20]byte) []InstanceStatus {
	owner := e.peers.byIdent(IdentityAddr(wallet))
	if owner == nil {
		return nil
	}
	g := owner.grp.Load()
	if g == nil {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	pref, hasPref := g.sel.Preferred()
	out := make([]InstanceStatus, 0, len(g.inst))
	for _, p := range g.inst {
		in := p.inst
		out = append(out, InstanceStatus{
			NodeKey:   transport.PublicKey(in.id),
			Addr:      p.endpoint(),
			Live:      in.live,
			Failed:    in.failed,
			RTT:       in.rtt,
			Preferred: hasPref && in.live && pref.ID == in.id,
		})
	}
	return out
}
