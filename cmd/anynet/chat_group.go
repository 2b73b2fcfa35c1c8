package main

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/spf13/cobra"
)

// newChatGroup is "chat group …": private groups. GROUP is a group's ID
// or its name, if no other group of this wallet has it.
func newChatGroup() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "group",
		Short: "Private groups: create, invite, remove, accept, leave, send, list, read (GROUP: ID or name)",
	}
	printGroup := func(cmd *cobra.Command, g control.ChatGroup) {
		fmt.Fprintf(cmd.OutOrStdout(), "group %s %s, epoch %d, %d members\n", g.Name, g.ID, g.Epoch, len(g.Members))
	}
	var limit int
	read := verb("read GROUP", "Show a group's messages", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			l, err := c.GroupRead(cmd.Context(), args[0], limit)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), l)
			}
			for _, m := range l {
				fmt.Fprintf(cmd.OutOrStdout(), "%s  %s  %s  [%s]\n", m.Sent.Local().Format(time.TimeOnly), short(m.From), m.Text, m.Status)
			}
			return nil
		})
	read.Flags().IntVarP(&limit, "limit", "n", 20, "newest messages to show (0: all)")
	cmd.AddCommand(
		verb("create NAME MEMBER…", "Create a group owned by this wallet and invite names or wallets", cobra.MinimumNArgs(1), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				g, err := c.GroupCreate(cmd.Context(), args[0], args[1:])
				if g.ID != "" {
					printGroup(cmd, g)
				}
				return err
			}),
		verb("invite GROUP MEMBER", "Add a name or wallet to a group (admins and the owner)", cobra.ExactArgs(2), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				g, err := c.GroupInvite(cmd.Context(), args[0], args[1])
				if err != nil {
					return err
				}
				printGroup(cmd, g)
				return nil
			}),
		verb("remove GROUP MEMBER", "Take a member out of a group; it reads nothing sent afterwards", cobra.ExactArgs(2), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				g, err := c.GroupRemove(cmd.Context(), args[0], args[1])
				if err != nil {
					return err
				}
				printGroup(cmd, g)
				return nil
			}),
		verb("leave GROUP", "Leave a group (the owner cannot)", cobra.ExactArgs(1), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				if err := c.GroupLeave(cmd.Context(), args[0]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "left %s\n", args[0])
				return nil
			}),
		verb("accept GROUP", "Accept an invitation from a wallet never allowed (listed as a request)", cobra.ExactArgs(1), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				if err := c.GroupAccept(cmd.Context(), args[0]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "accepted %s\n", args[0])
				return nil
			}),
		verb("send GROUP TEXT…", "Post a message to a group", cobra.MinimumNArgs(2), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				m, err := c.GroupSend(cmd.Context(), args[0], strings.Join(args[1:], " "))
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s → %s: %s [%s]\n", short(m.From), args[0], m.Text, m.Status)
				return nil
			}),
		verb("list", "List the groups this wallet knows", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				l, err := c.GroupList(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), l)
				}
				if len(l) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "no groups yet")
					return nil
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tNAME\tROLE\tMEMBERS")
				for _, g := range l {
					role := orDash(g.Me)
					if g.Request {
						role += " (request)"
					}
					ms := make([]string, 0, len(g.Members))
					for m := range g.Members {
						ms = append(ms, short(m))
					}
					sort.Strings(ms)
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", g.ID, g.Name, role, strings.Join(ms, " "))
				}
				return w.Flush()
			}),
		read,
	)
	return cmd
}
