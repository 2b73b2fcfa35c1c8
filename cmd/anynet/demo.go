package main

import (
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/demo"
	"github.com/spf13/cobra"
)

func newDemo() *cobra.Command {
	var cfg demo.Config
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a small anynet network in this process and show it working",
		Long: `demo starts a small network in one process: named nodes on an
in-memory underlay, each running a chat bot on TCP port 7. alice greets
every other node through the overlay (Noise handshake, sealed frames,
gVisor TCP) and prints each reply with the wallet that sent it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Out = cmd.OutOrStdout()
			return demo.Run(cmd.Context(), cfg)
		},
	}
	cmd.Flags().IntVar(&cfg.Nodes, "nodes", 4, "how many nodes to start (2 to 26)")
	cmd.Flags().IntVar(&cfg.Rounds, "rounds", 1, "how many rounds of greetings to send (0: until interrupted)")
	cmd.Flags().DurationVar(&cfg.Every, "every", time.Second, "pause between rounds")
	cmd.Flags().Bool("headless", true, "print what happens (the TUI lands with the CLI issue)")
	return cmd
}
