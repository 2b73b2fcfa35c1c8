//go:build nochain

package daemon

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/naming"
)

// openEmbedded refuses: this build has no embedded chain.
func openEmbedded(context.Context, config.Config, *slog.Logger) (EmbeddedChain, error) {
	return nil, fmt.Errorf("daemon: embedded chain: %w", naming.ErrNoEmbeddedChain)
}
