package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/spf13/cobra"
)

func newUI() *cobra.Command {
	return &cobra.Command{
		Use:   "ui",
		Short: "Open the TUI on the node running in the data directory; quitting leaves it running",
		Long: `ui opens the terminal interface on the node that runs in the data
directory (started with "anynet up --headless", or as the user service of
"anynet service install"), over its control socket. Quitting the TUI
(ctrl+c, or q on the Network view) closes only the TUI: the node keeps
running and serving. Run it as often as you like, from any terminal of
the same user.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if !tuiAvailable {
				return errors.New("this build has no TUI")
			}
			if !nodeRunning(cmd.Context(), cfg.Dir) {
				return fmt.Errorf("%w in %s (start one with `anynet up --headless`, or `anynet service install`)", control.ErrNoNode, cfg.Dir)
			}
			return runTUI(cmd.Context(), cfg.Dir, "")
		},
	}
}

// nodeRunning says whether a node answers on the control socket in dir
// (`anynet chain serve` answers too, with no wallet: not a node).
func nodeRunning(ctx context.Context, dir string) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	s, err := control.NewClient(dir).Status(ctx)
	return err == nil && s.Wallet != ""
}
