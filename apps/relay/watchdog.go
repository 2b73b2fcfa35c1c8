package relay

// A WatchDog's side of the core: planning its probes at random times in
// each epoch and timing them out.

import (
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
)

// watch plans, sends and times out a WatchDog's probes, and hands in the
// results of ended epochs.
func (c *Core) watch(now time.Time, cur uint64, out *service.Effects) {
	if !c.planned[cur] && (c.cfg.ProbeFor == nil || cur == c.cfg.ProbeEpoch) {
		c.planned[cur] = true
		start := time.Unix(0, int64(cur)*int64(c.cfg.Epoch))
		if now.After(start) {
			start = now
		}
		window := c.epochEnd(cur).Add(-c.cfg.ProbeTimeout).Sub(start)
		for _, edge := range c.cfg.Edges {
			for range c.cfg.ProbesPerEpoch {
				if window <= 0 {
					break
				}
				c.seq++
				c.probes = append(c.probes, &probeRun{edge: edge, epoch: cur, seq: c.seq,
					due: start.Add(time.Duration(c.randU64() % uint64(window)))})
			}
		}
		slices.SortStableFunc(c.probes, func(a, b *probeRun) int { return a.due.Compare(b.due) })
	}
	for _, p := range slices.Clone(c.probes) {
		deadline := p.sentAt.Add(c.cfg.ProbeTimeout)
		switch {
		case p.sentAt.IsZero() && !now.Before(p.due):
			p.sentAt, p.size = now, c.flowSize()
			c.probeSend(now, p, out)
			out.Wake(now.Add(c.cfg.ProbeTimeout))
		case p.sentAt.IsZero():
			out.Wake(p.due)
		case !now.Before(deadline):
			c.probeDone(now, p, false, out)
		case p.resend && !now.Before(p.resendAt):
			c.probeSend(now, p, out)
			out.Wake(deadline)
		case p.resend:
			out.Wake(p.resendAt)
		default:
			out.Wake(deadline)
		}
	}
	for _, e := range sortedKeys(c.results) {
		due := c.handIn(e)
		if now.Before(due) {
			out.Wake(due)
			continue
		}
		var items [][]byte
		for _, p := range c.results[e] {
			b, _ := p.MarshalBinary()
			items = append(items, b)
		}
		c.post(now, frameProbes, e, items, out)
		delete(c.results, e)
		if len(c.wallets[e]) > 0 {
			l := ProbeWallets{Epoch: e}
			for w := range c.wallets[e] {
				l.Wallets = append(l.Wallets, w)
			}
			if l.Sign(c.cfg.Wallet) == nil {
				b, _ := l.MarshalBinary()
				c.post(now, frameWallets, e, [][]byte{b}, out)
			}
			delete(c.wallets, e)
		}
	}
}

// probeSend sends one more flow of probe p: the same size as the
// first, a fresh flow id.
func (c *Core) probeSend(now time.Time, p *probeRun, out *service.Effects) {
	t := probeTry{flow: c.randU64(), at: now}
	p.tries, p.resend = append(p.tries, t), false
	c.sendFlow(p.edge, c.cfg.ProbePartner, t.flow, flagEcho, p.size, out)
}

// probeDone signs p's result and drops it from the pending probes.
func (c *Core) probeDone(now time.Time, p *probeRun, answered bool, out *service.Effects) {
	pr := Probe{Epoch: p.epoch, Edge: p.edge, Seq: p.seq, Answered: answered, Bytes: uint32(p.size)}
	if answered {
		pr.RTTMicro = uint32(now.Sub(p.sentAt).Microseconds())
	}
	signer := c.cfg.Wallet
	if c.cfg.ProbeFor != nil {
		signer = c.cfg.ProbeFor
	}
	if pr.Sign(signer) != nil {
		return
	}
	if c.cfg.ProbeFor == nil {
		c.results[p.epoch] = append(c.results[p.epoch], pr)
	}
	out.Emit(Probed{Probe: pr, From: c.self})
	c.probes = slices.DeleteFunc(c.probes, func(q *probeRun) bool { return q == p })
}
