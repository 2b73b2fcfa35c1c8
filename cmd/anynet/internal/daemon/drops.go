package daemon

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/transport"
)

// dropSummaryEvery is how often the daemon logs one line summing the
// drops of the last interval, when there were any: never a line per
// packet.
const dropSummaryEvery = time.Minute

// dropsByReason names every reason a frame is dropped, from the link's
// and the transport's counters. The link counts every message the
// transport refused once as DroppedOpen; here that count is split by the
// transport's reasons, so the values sum to the link's total.
func dropsByReason(ls link.Stats, ts transport.Stats) map[string]uint64 {
	transportDrops := ts.DroppedMalformed + ts.DroppedAuth + ts.DroppedReplay + ts.DroppedHandshakeReplay +
		ts.DroppedUnknownIndex + ts.DroppedExpired + ts.DroppedMAC + ts.DroppedRateLimited + ts.DroppedBinding
	other := uint64(0) // refused by the transport for a reason it does not count (an internal error)
	if open := ls.DroppedOpen + ls.DroppedReplay; open > transportDrops {
		other = open - transportDrops
	}
	return map[string]uint64{
		"malformed":       ls.DroppedMalformed + ts.DroppedMalformed, // unreadable frame or message
		"mac1":            ts.DroppedMAC,                             // initiation with a bad mac1 (not for this wallet, forged)
		"auth":            ts.DroppedAuth,                            // failed decryption or Noise
		"replay":          ts.DroppedReplay,                          // data seen before
		"handshakeReplay": ts.DroppedHandshakeReplay,                 // IK initiation not newer than the last
		"unknownIndex":    ts.DroppedUnknownIndex,                    // no session or handshake by that index
		"rateLimited":     ts.DroppedRateLimited,                     // initiations over a source's budget under load
		"sessionExpired":  ts.DroppedExpired,                         // data on a session past its limits
		"binding":         ts.DroppedBinding,                         // bad, expired, revoked or foreign wallet binding
		"other":           other,
		"spoofed":         ls.DroppedSpoofed, // inner source not the peer's identity
		"notIPv6":         ls.DroppedNotIPv6,
		"noPeer":          ls.DroppedNoPeer,
		"queueFull":       ls.DroppedQueueFull,
		"queueExpired":    ls.DroppedQueueExpired,
		"tooBig":          ls.DroppedTooBig,
		"hopLimit":        ls.DroppedHopLimit,
		"noRoute":         ls.DroppedNoRoute,
		"control":         ls.DroppedControl,
	}
}

// handshakeLoad is the status form of the flood defence's state.
func handshakeLoad(l transport.Load, ts transport.Stats) *control.HandshakeLoad {
	return &control.HandshakeLoad{
		UnderLoad:       l.UnderLoad,
		Initiations:     l.Initiations,
		Threshold:       l.Threshold,
		Processed:       ts.HandshakesProcessed,
		CookiesSent:     ts.CookiesSent,
		CookiesReceived: ts.CookiesReceived,
		RateLimited:     ts.DroppedRateLimited,
	}
}

// dropLogger remembers what the last summary saw.
type dropLogger struct {
	last    map[string]uint64
	cookies uint64
}

// summary logs one line with the drops by reason since the last call,
// and one when cookies were sent (the node was under load); nothing when
// nothing moved.
func (l *dropLogger) summary(log *slog.Logger, drops map[string]uint64, hs *control.HandshakeLoad, every time.Duration) {
	var attrs []any
	var total uint64
	for _, k := range slices.Sorted(maps.Keys(drops)) {
		if d := drops[k] - l.last[k]; d > 0 {
			attrs = append(attrs, k, d)
			total += d
		}
	}
	if total > 0 {
		log.Warn("dropped frames", append([]any{"total", total, "in", every}, attrs...)...)
	}
	if d := hs.CookiesSent - l.cookies; d > 0 {
		log.Warn("handshake load: answered initiations with cookies", "cookies", d, "in", every,
			"underLoad", hs.UnderLoad, "threshold", hs.Threshold, "rateLimited", hs.RateLimited)
	}
	l.last, l.cookies = drops, hs.CookiesSent
}

// dropLoop is the long-lived goroutine that logs the drop summaries.
func (d *Daemon) dropLoop(ctx context.Context, every time.Duration) {
	var l dropLogger
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			ts := d.node.TransportStats()
			l.summary(d.log, dropsByReason(d.node.LinkStats(), ts), handshakeLoad(d.node.HandshakeLoad(), ts), every)
		}
	}
}
