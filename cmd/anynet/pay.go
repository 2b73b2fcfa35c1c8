package main

import (
	"fmt"
	"io"
	"math/big"
	"text/tabwriter"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/spf13/cobra"
)

// payVerbs are the payment verbs: pay, channel, invoice, budget.
func payVerbs() []*cobra.Command {
	return []*cobra.Command{newPay(), newChannel(), newInvoice(), newBudget(), newWallet()}
}

func newWallet() *cobra.Command {
	return verb("wallet", "Show the node's wallet: balances on chain, channels, invoices waiting", cobra.NoArgs, true,
		func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
			w, err := c.PayWallet(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), w)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "wallet     %s\nether      %s\n", w.Wallet, amountText(w.Ether, ""))
			if w.Token != "" {
				fmt.Fprintf(out, "test token %s (%s)\n", orDash(w.TokenBalance), w.Token)
			}
			fmt.Fprintf(out, "channels   contract %s\ninvoices   %d waiting for your consent (anynet invoice list)\n\n", w.Contract, w.Waiting)
			return printChannels(out, w.Channels)
		})
}

const amountHelp = `AMOUNT is in base units (wei for ether), or a number with eth or gwei
(0.5eth, 20gwei). --token takes an ERC-20 0x address, or test for the
chain's test token (the dev deployment's); without it, ether.`

func newPay() *cobra.Command {
	var token, memo string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "pay NAME AMOUNT",
		Short: "Pay a wallet (name or 0x) with a signed transfer through a connection; prints the mined transaction",
		Long: `Pay signs a transaction paying NAME, sends it through an anynet
connection to NAME's node (whose wallet the handshake verified), which
submits it; the receipt names the transaction once mined.

` + amountHelp + `

For many small payments open a channel (anynet channel).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := control.ParseAmount(args[1]); err != nil {
				return err
			}
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			r, err := control.NewClient(cfg.Dir).PaySend(cmd.Context(), args[0], args[1], token, memo)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), r)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "paid %s to %s: transaction %s in block %d\n", amountText(r.Amount, r.Token), who(r.Name, r.To), r.Tx, r.Block)
			return nil
		},
	}
	cmd.Flags().StringVar(&token, "token", "", "ERC-20 token: 0x address, or test (default: ether)")
	cmd.Flags().StringVar(&memo, "memo", "", "a note for the payee")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// who is "name (0x…)", or the wallet alone.
func who(name, wallet string) string {
	if name == "" {
		return wallet
	}
	return name + " (" + wallet + ")"
}

// amountText is an amount with its unit.
func amountText(amount, token string) string {
	if token != "" {
		return amount + " of token " + token
	}
	v, ok := new(big.Int).SetString(amount, 10)
	if ok && v.Cmp(big.NewInt(1e15)) >= 0 {
		f, _ := new(big.Float).Quo(new(big.Float).SetInt(v), big.NewFloat(1e18)).Float64()
		return fmt.Sprintf("%s wei (%.6g eth)", amount, f)
	}
	return amount + " wei"
}

func newChannel() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "channel",
		Short: "Payment channels: one deposit on chain, then many vouchers through the connection",
		Long: `A payment channel holds a deposit on chain (one transaction); payments
are then signed vouchers sent through the connection, each stating the
total so far, which the payee stores before acknowledging. Closing pays
the payee the last voucher and refunds the rest (one transaction).

` + amountHelp,
	}
	var token, app string
	open := verb("open NAME DEPOSIT", "Open a channel to NAME with DEPOSIT on chain", cobra.ExactArgs(2), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			if _, err := control.ParseAmount(args[1]); err != nil {
				return err
			}
			ch, err := c.PayChannelOpen(cmd.Context(), args[0], args[1], token)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "channel %s to %s: deposit %s\n", ch.ID, who(ch.Name, ch.Peer), amountText(ch.Deposit, ch.Token))
			return nil
		})
	open.Flags().StringVar(&token, "token", "", "ERC-20 token: 0x address, or test (default: ether)")
	pay := verb("pay NAME AMOUNT", "Pay NAME on an open channel (a voucher); waits for its acknowledgement", cobra.ExactArgs(2), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			if _, err := control.ParseAmount(args[1]); err != nil {
				return err
			}
			ch, err := c.PayChannelPay(cmd.Context(), args[0], args[1], token, app)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "paid %s to %s on channel %s: %s of %s in all, acknowledged\n",
				amountText(args[1], ch.Token), who(ch.Name, ch.Peer), ch.ID, ch.Paid, ch.Deposit)
			return nil
		})
	pay.Flags().StringVar(&token, "token", "", "ERC-20 token: 0x address, or test (default: ether)")
	pay.Flags().StringVar(&app, "app", "cli", "the budget the payment counts against")
	cmd.AddCommand(open, pay,
		verb("close ID", "Close a channel this node pays through: the payee gets the last voucher, the rest comes back", cobra.ExactArgs(1), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				ch, err := c.PayChannelClose(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "channel %s %s: %s paid to %s\n", ch.ID, ch.State, amountText(ch.Paid, ch.Token), who(ch.Name, ch.Peer))
				return nil
			}),
		verb("status", "List the channels this node pays or is paid through", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				list, err := c.PayChannels(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), list)
				}
				return printChannels(cmd.OutOrStdout(), list)
			}),
	)
	return cmd
}

func printChannels(out io.Writer, list []control.PayChannel) error {
	if len(list) == 0 {
		fmt.Fprintln(out, "no channels (open one with `anynet channel open NAME DEPOSIT`)")
		return nil
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tROLE\tPEER\tTOKEN\tDEPOSIT\tPAID\tACKED\tSTATE")
	for _, c := range list {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Role, who(c.Name, c.Peer), orDash(c.Token), c.Deposit, c.Paid, orDash(c.Acked), c.State)
	}
	return w.Flush()
}

func newInvoice() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "invoice",
		Short: "Invoices: ask a wallet to pay; approve or refuse what is asked of this node",
		Long: `An invoice asks a wallet to pay an amount. The asked node shows who asks
— the wallet its connection verified and that wallet's name on chain —
and pays nothing until approved: approve pays it with a voucher on a
channel to the asker (open one first), refuse tells the asker no.

` + amountHelp,
	}
	var token, memo string
	ask := verb("ask NAME AMOUNT", "Ask NAME to pay AMOUNT", cobra.ExactArgs(2), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			if _, err := control.ParseAmount(args[1]); err != nil {
				return err
			}
			inv, err := c.PayInvoiceAsk(cmd.Context(), args[0], args[1], token, memo)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "invoice %s: asked %s for %s\n", inv.ID, who(inv.Name, inv.Peer), amountText(inv.Amount, inv.Token))
			return nil
		})
	ask.Flags().StringVar(&token, "token", "", "ERC-20 token: 0x address, or test (default: ether)")
	ask.Flags().StringVar(&memo, "memo", "", "what it is for")
	var reason string
	refuse := verb("refuse ID", "Refuse invoice ID, telling who asked", cobra.ExactArgs(1), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			inv, err := c.PayInvoiceRefuse(cmd.Context(), args[0], reason)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "invoice %s from %s: %s\n", inv.ID, who(inv.Name, inv.Peer), inv.State)
			return nil
		})
	refuse.Flags().StringVar(&reason, "reason", "", "why, for the asker")
	cmd.AddCommand(ask, refuse,
		verb("list", "List invoices: asked of this node (in) and asked by it (out)", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				list, err := c.PayInvoices(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), list)
				}
				if len(list) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "no invoices")
					return nil
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tDIR\tFROM/TO\tAMOUNT\tMEMO\tSTATE")
				for _, inv := range list {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", inv.ID, inv.Direction, who(inv.Name, inv.Peer), amountText(inv.Amount, inv.Token), orDash(inv.Memo), inv.State)
				}
				return w.Flush()
			}),
		verb("approve ID", "Pay invoice ID on a channel to who asked; waits for the acknowledgement", cobra.ExactArgs(1), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				inv, err := c.PayInvoiceApprove(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "invoice %s: paid %s to %s on channel %s\n", inv.ID, amountText(inv.Amount, inv.Token), who(inv.Name, inv.Peer), inv.Channel)
				return nil
			}),
	)
	return cmd
}

func newBudget() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "budget",
		Short: "Spending budgets: caps on what this node pays a peer, or pays for an app",
	}
	var peer, app, token string
	set := verb("set LIMIT", "Set the budget of --peer NAME or of --app APP (LIMIT 0 stops payments; none removes the budget)", cobra.ExactArgs(1), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			limit := args[0]
			if limit == "none" {
				limit = ""
			} else if limit != "0" {
				if _, err := control.ParseAmount(limit); err != nil {
					return err
				}
			}
			list, err := c.PayBudget(cmd.Context(), peer, app, token, limit)
			if err != nil {
				return err
			}
			return printBudgets(cmd.OutOrStdout(), list)
		})
	set.Flags().StringVar(&peer, "peer", "", "the peer (name or 0x wallet)")
	set.Flags().StringVar(&app, "app", "", "the app (as metering names it: vpn, content, cli …)")
	set.Flags().StringVar(&token, "token", "", "ERC-20 token: 0x address, or test (default: ether)")
	cmd.AddCommand(set,
		verb("list", "List the budgets and what was spent against them", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				list, err := c.PayBudgets(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), list)
				}
				return printBudgets(cmd.OutOrStdout(), list)
			}))
	return cmd
}

func printBudgets(out io.Writer, list []control.PayBudget) error {
	if len(list) == 0 {
		fmt.Fprintln(out, "no budgets: payments are not capped")
		return nil
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "FOR\tTOKEN\tLIMIT\tSPENT")
	for _, b := range list {
		what := "app " + b.App
		if b.Peer != "" {
			what = "peer " + who(b.Name, b.Peer)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", what, orDash(b.Token), b.Limit, b.Spent)
	}
	return w.Flush()
}
