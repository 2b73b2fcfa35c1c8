//go:build !nochain

package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/demo"
	"github.com/spf13/cobra"
)

func newDemo() *cobra.Command {
	var cfg demo.Config
	var headless, verbose bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a small anynet network in this process and show it working",
		Long: `demo starts a small network in one process: an embedded chain and named
nodes (alice, bob, carol, dave …) on UDP loopback sockets. Each node
publishes its node key and endpoint in its wallet's DID document and
claims its name on chain; nobody is given another's address. Every node
but alice runs a chat bot that answers.

On a terminal the TUI opens as alice. With --headless (or when stdout is
not a terminal) alice pings every node by name and chats with its bot,
and the demo prints what happens, for --rounds rounds.

The chain, keys and stores live in a temporary directory unless --dir is
given; during the demo, "anynet --dir DIR/alice status" talks to alice.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Out = cmd.OutOrStdout()
			if cmd.Flags().Changed("dir") {
				cfg.Dir, _ = cmd.Flags().GetString("dir")
			}
			if verbose {
				cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
			}
			if !headless && isTerminal() && tuiAvailable {
				cfg.Out = io.Discard
				cfg.UI = func(ctx context.Context, aliceDir string) error { return runTUI(ctx, aliceDir, "alice") }
			}
			return demo.Run(cmd.Context(), cfg)
		},
	}
	cmd.Flags().IntVar(&cfg.Nodes, "nodes", 4, "how many nodes to start (2 to 26)")
	cmd.Flags().IntVar(&cfg.Rounds, "rounds", 1, "rounds of pings and chats when headless (0: until interrupted)")
	cmd.Flags().DurationVar(&cfg.Every, "every", time.Second, "pause between rounds")
	cmd.Flags().BoolVar(&headless, "headless", false, "print what happens instead of opening the TUI")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "log the nodes' messages to stderr")
	return cmd
}
