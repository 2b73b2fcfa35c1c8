package main

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/spf13/cobra"
)

// errNoExit: `anynet exit status` on a node that is not an exit.
var errNoExit = errors.New("this node is no exit (start it with `anynet up --exit`)")

// errNoProxy: `anynet proxy status` on a node that serves no proxy.
var errNoProxy = errors.New("this node serves no proxy (start it with `anynet up --proxy 127.0.0.1:1080 --proxy-exits auto`)")

func newExit() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exit",
		Short: "VPN exits: this node's exit role, and the exits advertised on chain",
	}
	cmd.AddCommand(
		verb("status", "Show this node's exit: its advert, sessions, refusals and bytes", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				s, err := c.VPNStatus(cmd.Context())
				if err != nil {
					return err
				}
				if s.Exit == nil {
					return errNoExit
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), s.Exit)
				}
				e := s.Exit
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				pub := "yes"
				if !e.Published {
					pub = "not yet"
					if e.PublishError != "" {
						pub += " (" + e.PublishError + ")"
					}
				}
				fmt.Fprintf(w, "advert\t%s\npublished\t%s\nsessions\t%d\nrefused\t%d\nbytes up\t%d\nbytes down\t%d\n",
					e.Advert, pub, e.Sessions, e.Refused, e.Up, e.Down)
				return w.Flush()
			}),
		verb("find", "List the exits advertised on chain: wallet, region, price, policy", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				l, err := c.VPNExits(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), l)
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "WALLET\tREGION\tPRICE\tPOLICY")
				for _, e := range l {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", e.Wallet, orNone(e.Region), orNone(e.Price), e.Policy)
				}
				return w.Flush()
			}),
	)
	return cmd
}

func newProxy() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "proxy",
		Short: "The local SOCKS5 and HTTP proxy through VPN exits",
	}
	cmd.AddCommand(
		verb("status", "Show the proxy: its address, its exits, the one in use, sessions, failovers, bytes", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				s, err := c.VPNStatus(cmd.Context())
				if err != nil {
					return err
				}
				if s.Proxy == nil {
					return errNoProxy
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), s.Proxy)
				}
				p := s.Proxy
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintf(w, "address\t%s (SOCKS5 and HTTP)\nexits\t%v\nin use\t%s\nsessions\t%d\nfailovers\t%d\nbytes up\t%d\nbytes down\t%d\n",
					p.Addr, p.Exits, orNone(p.InUse), p.Sessions, p.Failovers, p.Up, p.Down)
				return w.Flush()
			}),
	)
	return cmd
}
