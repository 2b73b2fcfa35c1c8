// Command anynet runs anynet nodes. See the README for the commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := newRoot().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "anynet:", err)
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "anynet",
		Short:         "A decentralized TCP/IP stack: wallets as addresses, names on chain, sockets without root",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newDemo())
	return root
}
