package tuiadapter

import (
	"context"

	"github.com/anynet/anynet/cmd/anynet/internal/tui"
)

var _ tui.ContentBackend = (*Backend)(nil)

// ContentShares implements tui.ContentBackend.
func (b *Backend) ContentShares(ctx context.Context) ([]tui.Share, error) {
	l, err := b.C.ContentShares(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]tui.Share, 0, len(l))
	for _, s := range l {
		out = append(out, tui.Share{Name: s.Name, ID: s.ID, CID: s.CID, Link: s.Link, Size: s.Size, Dir: s.Collection, Public: s.Public})
	}
	return out, nil
}

// ContentState implements tui.ContentBackend.
func (b *Backend) ContentState(ctx context.Context) (tui.ContentState, error) {
	s, err := b.C.ContentStatus(ctx)
	if err != nil {
		return tui.ContentState{}, err
	}
	st := s.Stats
	out := tui.ContentState{Served: st.Served, Fetched: st.Fetched, Completed: st.Completed, Corrupt: st.Corrupt,
		Dropped: st.Dropped, Evicted: st.Evicted, CacheBytes: s.Cache.Bytes, CacheLimit: s.Cache.Limit,
		CacheBlobs: len(s.Cache.Blobs), Proxy: s.Proxy, Serving: s.Serving}
	for _, d := range s.Downloads {
		x := tui.Transfer{ID: d.ID, Size: d.Size, Have: d.Have, Providers: len(d.Providers)}
		for _, p := range d.Providers {
			if p.Dropped != "" {
				x.Dropped++
			}
		}
		out.Downloads = append(out.Downloads, x)
	}
	return out, nil
}
