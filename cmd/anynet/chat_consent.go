package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/spf13/cobra"
)

// chatRequests is "chat requests": conversations started by strangers.
func chatRequests() *cobra.Command {
	return verb("requests", "List messages from wallets never allowed (answer with allow, deny or block)", cobra.NoArgs, true,
		func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
			l, err := c.ChatRequests(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), l)
			}
			if len(l) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no requests")
				return nil
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "PEER\tNAME\tUNREAD\tLAST")
			for _, cv := range l {
				fmt.Fprintf(w, "%s\t%s\t%d\t%s\n", cv.Peer, orDash(cv.Name), cv.Unread, lastText(cv.Last))
			}
			return w.Flush()
		})
}

// chatConsent is "chat allow|deny|block NAME".
func chatConsent(action, short string) *cobra.Command {
	return verb(action+" NAME", short, cobra.ExactArgs(1), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			if err := c.ChatConsent(cmd.Context(), args[0], action); err != nil {
				return err
			}
			past := map[string]string{control.ConsentAllow: "allowed", control.ConsentDeny: "denied", control.ConsentBlock: "blocked"}[action]
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", past, args[0])
			return nil
		})
}

// lastText is a message's text, or its file's name.
func lastText(m control.ChatMessage) string {
	if m.Attachment != nil {
		return "[file " + m.Attachment.Name + "]"
	}
	return m.Text
}
