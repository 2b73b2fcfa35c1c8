package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/spf13/cobra"
)

func newChain() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "chain",
		Short: "The chain: show it, fund a wallet from the embedded one, serve it alone",
	}
	cmd.AddCommand(
		verb("info", "Show the chain the running node uses: mode, URL, chain id, contracts", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				i, err := c.Chain(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), i)
				}
				out := cmd.OutOrStdout()
				fmt.Fprintf(out, "%s chain, id %d", i.Mode, i.ChainID)
				if i.URL != "" {
					fmt.Fprintf(out, ", JSON-RPC %s", i.URL)
				}
				fmt.Fprintf(out, "\nTLD .%s\n", i.TLD)
				w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
				for _, k := range []struct{ role, addr string }{
					{"registry", i.Registry}, {"resolver", i.Resolver}, {"registrar", i.Registrar},
					{"reverse registrar", i.ReverseRegistrar}, {"DID registry", i.DID}, {"passes", i.Passes},
				} {
					fmt.Fprintf(w, "%s\t%s\n", k.role, orNone(k.addr))
				}
				return w.Flush()
			}),
		verb("fund WALLET", "Give a wallet ether from the running node's embedded chain (for nodes that share it)", cobra.ExactArgs(1), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				if err := c.Fund(cmd.Context(), args[0]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "funded %s\n", args[0])
				return nil
			}),
	)
	cmd.AddCommand(embeddedChainVerbs()...) // chain_serve.go; none with -tags nochain
	return cmd
}
