package chain

import (
	"context"
	"log/slog"
)

// minLevel passes on only records at or above min. The chain gives go-ethereum's
// node a minLevel over its logger at slog.LevelError, so the node's routine
// messages (a P2P server "useless" without peers, endpoints it does not open)
// stay out of the user's log while its failures reach it.
type minLevel struct {
	h   slog.Handler
	min slog.Level
}

var _ slog.Handler = minLevel{}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.h.Enabled(ctx, l)
}

func (m minLevel) Handle(ctx context.Context, r slog.Record) error { return m.h.Handle(ctx, r) }

func (m minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h: m.h.WithAttrs(as), min: m.min}
}

func (m minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h: m.h.WithGroup(name), min: m.min}
}
