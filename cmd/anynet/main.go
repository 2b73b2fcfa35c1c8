package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/anynet/anynet/cmd/anynet/internal/keyproc"
	"github.com/spf13/cobra"
)

func main() {
	if keyproc.IsChild(os.Args) { // `anynet up` opening its key file (package keyproc)
		os.Exit(keyproc.Main(os.Stdin, os.Stdout))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRoot().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "anynet:", err)
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "anynet",
		Short: "A decentralized TCP/IP stack: wallets as addresses, names on chain, sockets without root",
		Long: `anynet runs nodes of a decentralized TCP/IP stack: wallets as addresses,
names on chain, Go sockets over a userspace netstack, nothing needs root.

Start with "anynet demo". To run your own node: "anynet init", then
"anynet up"; the other verbs talk to the running node over its control
socket (DIR/control.sock).

Settings come from flags, then ANYNET_* environment variables, then the
config file ($XDG_CONFIG_HOME/anynet/config.yaml or --config), then
DIR/config.yaml (written by init), then defaults.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().String("dir", "", "data directory: keystore, node key, chain, control socket (default $XDG_DATA_HOME/anynet)")
	root.PersistentFlags().String("config", "", "config file (default $XDG_CONFIG_HOME/anynet/config.yaml)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see `%s --help`)", err, c.CommandPath())
	})
	root.AddCommand(newInit(), newUp(), newUI(),
		newStatus(), newPeers(), newRoutes(), newEvents(), newResolve(), newRegister(), newPing(),
		newChain(), newChat(), newMail(), newPass(), newExit(), newProxy(), newMQ(), newRelay(), newStream())
	root.AddCommand(newService())
	root.AddCommand(embeddedVerbs()...) // chain_serve.go; none with -tags nochain
	root.AddCommand(payVerbs()...)
	root.AddCommand(contentVerbs()...)
	return root
}
