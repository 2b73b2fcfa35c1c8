package relay

import (
	"context"
	"maps"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/link/locator"
)

// The published locators of the routers peers name (linkmeter.go,
// onPath), read from their DID documents by the service's sampling
// goroutine and handed to the core with each sample. A router's entry
// is read again every routerLocsFresh, and after a failed read every
// routerLocsRetry; one read takes routerLocsTimeout at most.
const (
	routerLocsFresh   = time.Minute
	routerLocsRetry   = 5 * time.Second
	routerLocsTimeout = 5 * time.Second
	maxRouterLocs     = 256 // routers whose locators are kept, at most
)

type routerLocs struct {
	locs [][32]byte
	next time.Time // when to read them again
}

// routerLocators returns what is known of the routers' locators, for a
// LinkCounts.
func (s *Service) routerLocators() map[common.Address][][32]byte {
	if len(s.routerLocs) == 0 {
		return nil
	}
	out := make(map[common.Address][][32]byte, len(s.routerLocs))
	for r, l := range s.routerLocs {
		if len(l.locs) > 0 {
			out[r] = l.locs
		}
	}
	return out
}

// lookupRouters reads the locators of the routers of a LinkLookup that
// are not known or are due, and forgets those no peer names any more.
func (s *Service) lookupRouters(ctx context.Context, want []common.Address) {
	now := time.Now()
	if s.routerLocs == nil {
		s.routerLocs = map[common.Address]*routerLocs{}
	}
	maps.DeleteFunc(s.routerLocs, func(r common.Address, _ *routerLocs) bool {
		for _, w := range want {
			if w == r {
				return false
			}
		}
		return true
	})
	for _, r := range want {
		l := s.routerLocs[r]
		if l != nil && now.Before(l.next) {
			continue
		}
		if l == nil {
			if len(s.routerLocs) >= maxRouterLocs {
				continue
			}
			l = &routerLocs{}
			s.routerLocs[r] = l
		}
		lctx, cancel := context.WithTimeout(ctx, routerLocsTimeout)
		doc, err := s.cfg.Host.Document(lctx, r)
		cancel()
		if err != nil {
			l.next = now.Add(routerLocsRetry)
			s.log.Debug("relay: a named router's locators", "router", r, "err", err)
			continue
		}
		l.locs, l.next = l.locs[:0], now.Add(routerLocsFresh)
		for _, txt := range doc.Locators {
			if loc, err := locator.Parse(txt); err == nil {
				l.locs = append(l.locs, loc)
			}
		}
	}
}
