package content

import (
	"errors"
	"time"

	"github.com/anynet/anynet/apps/service"
)

// Which providers a download asks, beyond rank and window
// (core_fetch.go):
//
//   - The origin is shielded: a download that asked its first provider
//     (the publisher) for holders does not send it Gets while a holder
//     it named is live. Holders have the whole blob (they announced it
//     with Have after a verified download), so with thousands of
//     downloaders the publisher's uplink serves only those with no
//     holder left, not a share of everyone's queue.
//   - A cache on the path the download named (FetchCmd.Caches) shields
//     the origin too while it is live, full or still filling: it
//     fetches each range from the origin once for every download that
//     names it (core_partial.go), so the origin's uplink carries the
//     caches' fills, not the same ranges again for each downloader
//     behind them. A cache dropped (lateness, refusal, gone) lifts the
//     shield until it is back.
//   - A provider dropped only for lateness (ErrTimeout: busy, not
//     lying) comes back after a back-off that starts at half the
//     request timeout and doubles with each such drop, up to four
//     request timeouts. A download whose providers are all backing off
//     waits for the first to return instead of failing. After
//     maxStrikes such drops with no answer between them the provider
//     stays dropped (the download fails if it was the last).
//   - A download that asks for holders asks again every whoEvery while
//     it has fewer than wantHolders live ones: holders that finished
//     after its first Who join it.

const (
	whoEvery    = 5 * time.Second
	wantHolders = 4
	maxStrikes  = 5
)

// isOrigin says whether p is f's origin, asked for holders or behind a
// cache: its first provider, or an instance of the first provider's
// wallet (instances.go).
func (f *fetch) isOrigin(p *prov) bool {
	return len(f.provs) > 0 && p.owner == f.provs[0].owner && !p.cache
}

// shielded says whether f's origin gets no Gets now: a holder it named
// or a cache on the path is live.
func (f *fetch) shielded() bool {
	for _, p := range f.provs {
		if !f.isOrigin(p) && (p.holder && f.who || p.cache) && p.dropped == nil {
			return true
		}
	}
	return false
}

// liveHolders counts f's live holders.
func (f *fetch) liveHolders() int {
	n := 0
	for _, p := range f.provs {
		if p.holder && p.dropped == nil {
			n++
		}
	}
	return n
}

// backOff sets when p, dropped for lateness, comes back.
func (c *Core) backOff(now time.Time, p *prov) {
	if p.strikes++; p.strikes > maxStrikes {
		p.retry = time.Time{}
		return
	}
	p.backoff = min(max(2*p.backoff, c.cfg.RequestTimeout/2), 4*c.cfg.RequestTimeout)
	p.retry = now.Add(p.backoff)
}

// readmit brings back f's providers whose back-off is over; it says
// whether one is still backing off.
func (c *Core) readmit(now time.Time, f *fetch) (waiting bool) {
	for _, p := range f.provs {
		if p.retry.IsZero() || !errors.Is(p.dropped, ErrTimeout) {
			continue
		}
		if now.Before(p.retry) {
			waiting = true
			continue
		}
		p.dropped, p.retry = nil, time.Time{}
		c.stats.Readmitted++
	}
	return waiting
}

// askWho asks f's origin for its holders again when f has too few live
// ones and whoEvery has passed since the last ask.
func (c *Core) askWho(now time.Time, f *fetch, out *service.Effects) {
	if !f.who || len(f.provs) == 0 || now.Before(f.whoAt) || f.liveHolders() >= wantHolders {
		return
	}
	o := f.originPeer()
	if o.dropped != nil && !errors.Is(o.dropped, ErrTimeout) {
		return
	}
	f.whoAt = now.Add(whoEvery)
	n := c.req()
	c.asks[n] = ask{peer: o.w, fetch: f.id}
	out.To(o.w, encWho(n, f.id))
}

// wakeFetch asks for the next moment f's providers change: a back-off
// ends, or another Who is due.
func (c *Core) wakeFetch(now time.Time, f *fetch, out *service.Effects) {
	if f.failed {
		return
	}
	for _, p := range f.provs {
		if !p.retry.IsZero() && p.dropped != nil {
			out.Wake(p.retry)
		}
	}
	if f.who && f.liveHolders() < wantHolders && f.whoAt.After(now) {
		out.Wake(f.whoAt)
	}
}
