//go:build !nochain

package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/naming/chain"
)

var _ EmbeddedChain = (*naming.Embedded)(nil)

// openEmbedded opens (creating on the first start) the embedded chain in
// cfg.Dir, serving it on cfg.ServeChain if set.
func openEmbedded(ctx context.Context, cfg config.Config, log *slog.Logger) (EmbeddedChain, error) {
	emb, err := naming.OpenEmbedded(ctx, naming.EmbeddedConfig{
		DataDir:  cfg.Dir,
		HTTPAddr: cfg.ServeChain,
		Logger:   log,
	})
	switch {
	case errors.Is(err, chain.ErrAddrInUse):
		return nil, fmt.Errorf("%w: serve-chain %s is taken by another process (pick another port, or 127.0.0.1:0 for any)", ErrInUse, cfg.ServeChain)
	case errors.Is(err, chain.ErrLocked):
		return nil, fmt.Errorf("%w: the chain in %s is open in another process (is a node already running there? `anynet --dir %s status`)", ErrInUse, cfg.Dir, cfg.Dir)
	case err != nil:
		return nil, fmt.Errorf("daemon: embedded chain: %w", err)
	}
	return emb, nil
}
