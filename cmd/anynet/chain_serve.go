//go:build !nochain

package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/daemon"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/naming/chain"
	"github.com/spf13/cobra"
)

// embeddedVerbs are the top-level verbs that run an embedded chain in
// this process: left out of a `-tags nochain` build (nochain.go).
func embeddedVerbs() []*cobra.Command { return []*cobra.Command{newDemo(), newSim()} }

// embeddedChainVerbs are the "chain" verbs that run an embedded chain.
func embeddedChainVerbs() []*cobra.Command { return []*cobra.Command{newChainServe()} }

func newChainServe() *cobra.Command {
	return &cobra.Command{
		Use:   "serve [ADDR]",
		Short: "Run only the embedded chain of the data directory, serving JSON-RPC on loopback ADDR (default 127.0.0.1:8545)",
		Long: `chain serve opens the embedded chain in DIR/chain (creating it, with the
contracts, on the first start) and serves its JSON-RPC on a loopback
address until interrupted, for nodes started with --chain URL; its
control socket answers "chain info" and "chain fund WALLET". A node
that runs its own embedded chain serves it with "anynet up --serve-chain
ADDR" instead: one chain directory is used by one process at a time.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			addr := "127.0.0.1:8545"
			if len(args) == 1 {
				addr = args[0]
			}
			if !config.IsLoopback(addr) {
				return fmt.Errorf("chain serve %s: want a loopback host:port such as 127.0.0.1:8545 (the dev chain is never served to a network)", addr)
			}
			if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
				return err
			}
			ctx := cmd.Context()
			emb, err := naming.OpenEmbedded(ctx, naming.EmbeddedConfig{DataDir: cfg.Dir, HTTPAddr: addr, Logger: newLogger(cfg, os.Stderr)})
			switch {
			case errors.Is(err, chain.ErrAddrInUse):
				return fmt.Errorf("%s is taken by another process (pick another port, or 127.0.0.1:0 for any)", addr)
			case errors.Is(err, chain.ErrLocked):
				return fmt.Errorf("the chain in %s is open in another process; a running node serves it with `anynet up --serve-chain ADDR`", cfg.Dir)
			case err != nil:
				return err
			}
			defer emb.Close()
			ctl, err := control.Listen(cfg.Dir, &daemon.ChainOnly{Emb: emb, Started: time.Now()}, nil)
			if err != nil {
				return err
			}
			defer ctl.Close()
			fmt.Fprintf(cmd.OutOrStdout(), "serving chain %d at %s (nodes join with --chain %s and fund their wallets from its faucet)\n",
				emb.Chain.ChainID(), emb.Chain.RPCURL(), emb.Chain.RPCURL())
			<-ctx.Done()
			return nil
		},
	}
}
