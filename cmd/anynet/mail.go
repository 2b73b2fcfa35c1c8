package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"
)

func newMail() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mail",
		Short: "Send and read mail through the running node (or use any mail client on its gateways)",
		Long: "Mail between wallets. Addresses are name@anynet or 0x<wallet>@anynet.\n" +
			"Mail clients (Thunderbird, mutt, curl, …) use the node's loopback gateways:\n" +
			"start it with --mail-smtp 127.0.0.1:2525 --mail-imap 127.0.0.1:1143 and\n" +
			"`anynet mail gateways` shows the user and password they take.",
	}
	cmd.AddCommand(mailSend(), mailList(), mailRead(), mailOutbox(), mailStatus(),
		verb("allow NAME", "Let a name's or wallet's mail into INBOX (not Requests) from now on", cobra.ExactArgs(1), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				if err := c.MailAllow(cmd.Context(), args[0]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "mail from %s now lands in INBOX\n", args[0])
				return nil
			}),
		verb("gateways", "Show the SMTP and IMAP gateways, the user and the password mail clients use", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				g, err := c.MailGateways(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), g)
				}
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "address   %s\nsmtp      %s\nimap      %s\nuser      %s\npassword  %s\n",
					g.Address, orOff(g.SMTP), orOff(g.IMAP), g.User, g.Password)
				if g.SMTPS != "" || g.IMAPS != "" {
					fmt.Fprintf(w, "smtps     %s (TLS from the first byte)\nimaps     %s (TLS from the first byte)\n", orNone(g.SMTPS), orNone(g.IMAPS))
				}
				tls := "STARTTLS offered; passwords also taken in the clear on loopback (mail.tls-only makes TLS required)"
				if g.TLSOnly {
					tls = "STARTTLS required before the password"
				}
				fmt.Fprintf(w, "tls       %s\ncert      %s\nsha256    %s\n", tls, g.Certificate, g.Fingerprint)
				return nil
			}),
	)
	return cmd
}

func orOff(s string) string {
	if s == "" {
		return "off (start the node with --mail-smtp / --mail-imap, or keys mail.smtp / mail.imap)"
	}
	return s
}

func mailSend() *cobra.Command {
	var subject string
	var attach []string
	cmd := verb("send TO TEXT", "Send mail to name@anynet, 0x…@anynet, a name or a wallet", cobra.ExactArgs(2), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			for i, p := range attach {
				abs, err := filepath.Abs(p)
				if err != nil {
					return err
				}
				attach[i] = abs
			}
			o, err := c.MailSend(cmd.Context(), control.MailSendRequest{To: args[0], Subject: subject, Text: args[1], Attach: attach})
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), o)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s to %s: %s (follow it with `anynet mail outbox`)\n", o.ID, o.To, o.Status)
			return nil
		})
	cmd.Flags().StringVarP(&subject, "subject", "s", "", "the subject")
	cmd.Flags().StringSliceVarP(&attach, "attach", "a", nil, "a file to attach (repeatable)")
	return cmd
}

func mailList() *cobra.Command {
	var folder string
	cmd := verb("list", "List a folder (INBOX, Sent, Drafts, Trash, Requests)", cobra.NoArgs, true,
		func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
			l, err := c.MailList(cmd.Context(), folder)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), l)
			}
			if len(l) == 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "%s is empty\n", folder)
				return nil
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "UID\tDATE\tFROM\tSUBJECT\tFLAGS")
			for _, m := range l {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", m.UID, m.Date.Local().Format("2006-01-02 15:04"), orDash(m.From), orDash(m.Subject), strings.Join(m.Flags, " "))
			}
			return w.Flush()
		})
	cmd.Flags().StringVarP(&folder, "folder", "f", "INBOX", "the folder")
	return cmd
}

func mailRead() *cobra.Command {
	var folder string
	cmd := verb("read UID", "Show a message of a folder (and mark it seen)", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			uid, err := strconv.ParseUint(args[0], 10, 32)
			if err != nil {
				return fmt.Errorf("%w: %q is not a message number (see `anynet mail list`)", control.ErrBadRequest, args[0])
			}
			m, err := c.MailRead(cmd.Context(), folder, uint32(uid))
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), m)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "From:    %s\n", orDash(m.From))
			if m.Sender != "" {
				fmt.Fprintf(w, "Sender:  %s (verified)\n", m.Sender)
			}
			fmt.Fprintf(w, "Date:    %s\nSubject: %s\n", m.Date.Local().Format("2006-01-02 15:04:05"), m.Subject)
			for _, a := range m.Attachments {
				fmt.Fprintf(w, "Attached: %s\n", a)
			}
			fmt.Fprintf(w, "\n%s\n", strings.TrimRight(m.Body, "\r\n"))
			return nil
		})
	cmd.Flags().StringVarP(&folder, "folder", "f", "INBOX", "the folder")
	return cmd
}

func mailOutbox() *cobra.Command {
	return verb("outbox", "Show the mail sent from here and how far each got (queued, held, delivered, failed)", cobra.NoArgs, true,
		func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
			l, err := c.MailOutbox(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), l)
			}
			if len(l) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "nothing sent yet")
				return nil
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tTO\tSTATUS\tSUBMITTED\tSIZE")
			for _, o := range l {
				st := o.Status
				if o.Delayed && o.Status != "delivered" && o.Status != "failed" {
					st += " (delayed)"
				}
				if o.Reason != "" {
					st += ": " + o.Reason
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\n", o.ID, o.To, st, o.Submitted.Local().Format("2006-01-02 15:04"), o.Size)
			}
			return w.Flush()
		})
}

func mailStatus() *cobra.Command {
	return verb("status", "Show the mailbox terms: what this node keeps for others, which node keeps your mail and on what terms", cobra.NoArgs, true,
		func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
			s, err := c.MailStatus(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), s)
			}
			terms := func(t *control.MailTerms) string {
				if t == nil {
					return "none published"
				}
				return fmt.Sprintf("keeps %s per recipient for %s", humanize.IBytes(uint64(t.Quota)), t.Retention)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "address       %s\n", s.Address)
			if s.MailAt != "" {
				fmt.Fprintf(w, "mail-at       %s (%s)\n", s.MailAt, terms(s.MailAtTerms))
			} else {
				fmt.Fprintln(w, "mail-at       none (mail to you waits at its senders while you are offline)")
			}
			if s.Mailbox != nil {
				fmt.Fprintf(w, "mailbox       this node %s\n", terms(s.Mailbox))
				for _, h := range s.Held {
					fmt.Fprintf(w, "  holds       %d messages, %s of %s for %s\n", h.Messages, humanize.IBytes(uint64(h.Bytes)), humanize.IBytes(uint64(s.Mailbox.Quota)), h.To)
				}
			} else {
				fmt.Fprintln(w, "mailbox       off (this node keeps no mail for others; --mailbox)")
			}
			fmt.Fprintf(w, "delay notice  after %s (mail.delay-notice)\nmax size      %s\n", s.DelayNotice, humanize.IBytes(uint64(s.MaxSize)))
			return nil
		})
}
