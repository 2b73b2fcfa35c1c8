package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/spf13/cobra"
)

func newChat() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "chat",
		Short: "Send and read chat messages through the running node",
	}
	cmd.AddCommand(
		chatSend(),
		chatRead(),
		verb("list", "List conversations, newest first (requests from strangers last)", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				l, err := c.ChatList(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), l)
				}
				if len(l) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "no conversations yet")
					return nil
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "PEER\tNAME\tUNREAD\tLAST")
				requests := 0
				for _, cv := range l {
					name := orDash(cv.Name)
					if cv.Request {
						name += " (request)"
						requests++
					}
					fmt.Fprintf(w, "%s\t%s\t%d\t%s\n", cv.Peer, name, cv.Unread, lastText(cv.Last))
				}
				if err := w.Flush(); err != nil {
					return err
				}
				if requests > 0 {
					// A wallet that wrote first waits for consent.
					fmt.Fprintln(cmd.OutOrStdout(), "(request): a stranger wrote first; `anynet chat allow NAME|0xWALLET` makes it a conversation (deny, block refuse it)")
				}
				return nil
			}),
		chatRequests(),
		chatConsent(control.ConsentAllow, "Allow a wallet that wrote first: its requests become a conversation"),
		chatConsent(control.ConsentDeny, "Deny a request: its messages stay hidden, the sender is not told"),
		chatConsent(control.ConsentBlock, "Block a wallet: its messages are refused from now on"),
		chatGet(),
		newChatGroup(),
		newChatCommunity(),
		chatCall(),
	)
	return cmd
}

func chatRead() *cobra.Command {
	var limit int
	var follow bool
	cmd := verb("read NAME", "Show the conversation with a name or wallet and mark it read", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			ctx := cmd.Context()
			var cursor uint64
			if follow { // before the history: nothing between is missed
				var err error
				if cursor, err = c.Cursor(ctx); err != nil {
					return err
				}
			}
			l, err := c.ChatRead(ctx, args[0], limit, false)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON && !follow {
				return printJSON(out, l)
			}
			shown := map[string]string{} // message ID → status shown
			show := func(m control.ChatMessage) {
				if shown[m.ID] == m.Status {
					return // in the history and the stream both
				}
				shown[m.ID] = m.Status
				if asJSON {
					json.NewEncoder(out).Encode(m)
					return
				}
				text := m.Text
				if a := m.Attachment; a != nil {
					text = fmt.Sprintf("file %s (%s): anynet chat get %s", a.Name, size(a.Size), m.ID)
				}
				fmt.Fprintf(out, "%s  %s → %s  %s  [%s]\n", m.Sent.Local().Format(time.TimeOnly), short(m.From), short(m.To), text, m.Status)
			}
			for _, m := range l {
				show(m)
			}
			if !follow {
				return nil
			}
			// The peer's wallet, to pick its messages out of the stream.
			r, err := c.Resolve(ctx, args[0])
			if err != nil {
				return err
			}
			for e := range c.SubscribeAfter(ctx, cursor, time.Second) {
				if m := e.Message; m != nil && m.Group == "" && (m.From == r.Wallet || m.To == r.Wallet) {
					show(*m)
					if e.Kind != control.EventReceipt && m.From == r.Wallet {
						c.ChatMarkRead(ctx, r.Wallet)
					}
				}
			}
			return nil
		})
	cmd.Flags().IntVarP(&limit, "limit", "n", 20, "newest messages to show (0: all)")
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "then show new messages and receipts as they come (GET /v1/events), until interrupted")
	return cmd
}

func short(wallet string) string {
	if len(wallet) > 10 {
		return wallet[:10]
	}
	return wallet
}
