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
// instance go out.
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
	q := g.queue
	g.queue = nil
	g.mu.Unlock()
	e.resend(q)
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

// failLocked marks in failed and unpins its flows; g.mu is held. It
// returns the SYNs sent to in since it was last heard from, which the
// caller sends again (to another instance).
func (g *anycastGroup) failLocked(in *instance, now time.Time) [][]byte {
	var syns [][]byte
	if aw := in.awaitSince.Load(); aw != 0 {
		for _, s := range in.syns {
			if s.at >= aw {
				syns = append(syns, s.pkt)
			}
		}
	}
	in.syns = nil
	if in.live {
		g.live--
	}
	in.live, in.failed = false, true
	in.liveFast.Store(false)
	in.probeAt, in.lastProbe = time.Time{}, now
	in.awaitSince.Store(0)
	g.sel.Fail(now, in.id)
	return syns
}

// moveAway routes again what waited for the handshake of p, a failed
// instance, and the SYNs it left unanswered (a queued SYN once).
func (e *Endpoint) moveAway(p *peer, syns [][]byte) {
	q := e.peers.takeQueue(p)
	for _, s := range syns {
		if !slices.ContainsFunc(q, func(b []byte) bool { return bytes.Equal(b, s) }) {
			q = append(q, s)
		}
	}
	e.resend(q)
}

// resend routes packets again, from the top: each picks its instance.
func (e *Endpoint) resend(q [][]byte) {
	if len(q) == 0 {
		return
	}
	b := getBatch()
	for _, plain := range q {
		buf := e.bufs.get()
		if len(plain) > plainRoom(len(*buf)) {
			e.bufs.put(buf)
			e.stats.droppedTooBig.Add(1)
			continue
		}
		n := plainOff + copy((*buf)[plainOff:], plain)
		e.sealPacket(b, buf, (*buf)[plainOff:n])
	}
	b.flush(e)
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
	var syns [][][]byte
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
			syns = append(syns, g.failLocked(in, now))
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
	for i, p := range failed {
		e.log.Debug("anycast instance failed", "wallet", fmt.Sprintf("%x", p.wallet), "node", transport.PublicKey(p.inst.id))
		e.moveAway(p, syns[i])
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
	var failed []*peer
	var syns [][][]byte
	found := false
	for _, g := range groups {
		g.mu.Lock()
		for _, p := range g.inst {
			if l := p.loc.Load(); l != nil && *l == *dst {
				// An instance that failed already is still ours: a
				// later unreachable frame for it (a SYN sent before the
				// failover) must not fail the flows that moved away.
				found = true
				if !p.inst.failed {
					syns = append(syns, g.failLocked(p.inst, now))
					failed = append(failed, p)
				}
			}
		}
		g.mu.Unlock()
	}
	for i, p := range failed {
		e.moveAway(p, syns[i])
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
