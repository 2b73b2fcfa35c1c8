package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/spf13/cobra"
)

func newPass() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pass",
		Short: "Network passes: the locator prefixes this wallet holds on chain, and their routers",
		Long: `A network pass is an ERC-721 token on chain that holds a prefix of the
locator space (2a/64, 2a.1/128 …). Its holder subdivides it into longer
prefixes, transfers it, and publishes the underlay endpoints (ip:port) of
the routers serving it: a router with no route to a locator tunnels the
frame to the first endpoint of the deepest pass holding it. A router
started with --route-prefix P whose wallet holds the pass for exactly P
publishes its own endpoint there on start.

Root passes are minted by the passes contract's admin only: on a local
chain, the node that embeds it.`,
	}
	cmd.AddCommand(
		verb("show ID|PREFIX|LOCATOR", "Show a pass: by ID, or the deepest pass holding a prefix (2a.1/128) or a locator", cobra.ExactArgs(1), true,
			func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
				if _, err := control.PassRefKind(args[0]); err != nil {
					return err
				}
				p, err := c.PassShow(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), p)
				}
				return printPass(cmd.OutOrStdout(), p)
			}),
		verb("list", "List the passes this node's wallet holds (walks every pass on chain)", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				ps, err := c.PassList(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), ps)
				}
				if len(ps) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "this wallet holds no network pass")
					return nil
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tPREFIX\tPARENT\tROUTERS\tCHILDREN")
				for _, p := range ps {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\n", p.ID, p.Prefix, orDash(p.Parent), orDash(strings.Join(p.Routers, " ")), len(p.Children))
				}
				return w.Flush()
			}),
		newPassMint(),
		verb("subdivide ID PREFIX", "Create a pass for a longer PREFIX inside pass ID, held by this wallet", cobra.ExactArgs(2), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				if _, err := control.ParsePassID(args[0]); err != nil {
					return err
				}
				if _, err := control.ParsePassPrefix(args[1]); err != nil {
					return err
				}
				p, err := c.PassSubdivide(cmd.Context(), args[0], args[1])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "pass %s: %s, inside pass %s\n", p.ID, p.Prefix, p.Parent)
				return nil
			}),
		verb("transfer ID WALLET", "Give pass ID to a wallet (0x… or a name); its routers and offer are cleared", cobra.ExactArgs(2), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				if _, err := control.ParsePassID(args[0]); err != nil {
					return err
				}
				p, err := c.PassTransfer(cmd.Context(), args[0], args[1])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "pass %s (%s) now held by %s\n", p.ID, p.Prefix, p.Owner)
				return nil
			}),
		newPassRouters(),
	)
	return cmd
}

func newPassMint() *cobra.Command {
	var to string
	cmd := verb("mint PREFIX", "Mint a root pass (only on the node embedding a local chain: its dev account is the passes' admin)", cobra.ExactArgs(1), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			if _, err := control.ParsePassPrefix(args[0]); err != nil {
				return err
			}
			p, err := c.PassMint(cmd.Context(), args[0], to)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "pass %s: %s, held by %s\n", p.ID, p.Prefix, p.Owner)
			return nil
		})
	cmd.Flags().StringVar(&to, "to", "", "holder of the new pass, 0x wallet or name (default: this node's wallet)")
	return cmd
}

func newPassRouters() *cobra.Command {
	var clear bool
	cmd := verb("routers ID ENDPOINT...", "Publish the underlay endpoints (ip:port) of the routers serving pass ID; --clear removes them", cobra.MinimumNArgs(1), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			if _, err := control.ParsePassID(args[0]); err != nil {
				return err
			}
			eps := args[1:]
			switch {
			case clear && len(eps) > 0:
				return fmt.Errorf("--clear takes no endpoints")
			case !clear && len(eps) == 0:
				return fmt.Errorf("give the routers' endpoints (ip:port), or --clear to remove them")
			}
			for _, e := range eps {
				if _, err := control.ParseEndpoint(e); err != nil {
					return err
				}
			}
			p, err := c.PassRouters(cmd.Context(), args[0], eps)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "pass %s (%s) routers: %s\n", p.ID, p.Prefix, orNone(strings.Join(p.Routers, " ")))
			return nil
		})
	cmd.Flags().BoolVar(&clear, "clear", false, "remove every router endpoint of the pass")
	return cmd
}

func printPass(out io.Writer, p control.Pass) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "pass\t%s\n", p.ID)
	fmt.Fprintf(w, "prefix\t%s\n", p.Prefix)
	fmt.Fprintf(w, "parent\t%s\n", orNone(p.Parent))
	owner := p.Owner
	if p.Mine {
		owner += " (this node's wallet)"
	}
	fmt.Fprintf(w, "holder\t%s\n", owner)
	if p.Price != "0" && p.Price != "" {
		fmt.Fprintf(w, "price\t%s wei (for sale)\n", p.Price)
	} else {
		fmt.Fprintf(w, "price\tnot for sale\n")
	}
	fmt.Fprintf(w, "routers\t%s\n", orNone(strings.Join(p.Routers, " ")))
	var kids []string
	for _, k := range p.Children {
		kids = append(kids, k.ID+" ("+k.Prefix+")")
	}
	fmt.Fprintf(w, "children\t%s\n", orNone(strings.Join(kids, ", ")))
	return w.Flush()
}
