package tuiadapter

import (
	"context"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
)

var _ tui.StreamsBackend = (*Backend)(nil)

// Streams implements tui.StreamsBackend over /v1/stream/list.
func (b *Backend) Streams(ctx context.Context) ([]tui.Stream, error) {
	l, err := b.C.StreamList(ctx)
	if err != nil {
		return nil, err
	}
	return streamsView(l), nil
}

// streamsView is the control API's stream list as the TUI shows it.
func streamsView(l []control.StreamInfo) []tui.Stream {
	out := make([]tui.Stream, 0, len(l))
	for _, s := range l {
		out = append(out, tui.Stream{Owner: s.Owner, Name: s.Name, Role: s.Role, Upstream: s.Upstream, Access: s.Access,
			Children: s.Children, Relays: s.Relays, Last: s.Last, Parts: s.Parts, Recording: s.Recording, Denied: s.Denied})
	}
	return out
}
