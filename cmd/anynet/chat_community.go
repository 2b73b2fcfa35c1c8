package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/spf13/cobra"
)

// newChatCommunity is "chat community …": public communities. COMMUNITY
// is an ID or the name of one this node hosts or joined.
func newChatCommunity() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "community",
		Short: "Public communities: create, join, post, read, list, leave, ban, delete (COMMUNITY: ID or name)",
	}
	printCommunity := func(cmd *cobra.Command, c control.ChatCommunity) {
		fmt.Fprintf(cmd.OutOrStdout(), "community %s %s, hosted by %s\n", c.Name, c.ID, c.Host)
	}
	var limit int
	read := verb("read COMMUNITY", "Show a community's posts (a member first fetches what the host has)", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			l, err := c.CommunityRead(cmd.Context(), args[0], limit)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), l)
			}
			for _, p := range l {
				text := p.Text
				if p.Deleted {
					text = "(deleted)"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%4d  %s  %s  %s\n", p.Seq, p.Sent.Local().Format(time.TimeOnly), short(p.From), text)
			}
			return nil
		})
	read.Flags().IntVarP(&limit, "limit", "n", 20, "newest posts to show (0: all)")
	cmd.AddCommand(
		verb("create NAME", "Create a community hosted by this node", cobra.ExactArgs(1), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				cm, err := c.CommunityCreate(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				printCommunity(cmd, cm)
				return nil
			}),
		verb("join HOST ID", "Join community ID hosted by HOST (a name or wallet) and fetch its history", cobra.ExactArgs(2), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				cm, err := c.CommunityJoin(cmd.Context(), args[0], args[1])
				if err != nil {
					return err
				}
				printCommunity(cmd, cm)
				return nil
			}),
		verb("post COMMUNITY TEXT…", "Post to a community", cobra.MinimumNArgs(2), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				p, err := c.CommunityPost(cmd.Context(), args[0], strings.Join(args[1:], " "))
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "posted %s to %s\n", p.ID, args[0])
				return nil
			}),
		read,
		verb("list", "List the communities this node hosts or joined", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				l, err := c.CommunityList(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), l)
				}
				if len(l) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "no communities yet")
					return nil
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tNAME\tHOST\tMEMBERS")
				for _, cm := range l {
					host, members := short(cm.Host), "-"
					if cm.Hosted {
						host, members = "this node", fmt.Sprint(cm.Members)
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", cm.ID, cm.Name, host, members)
				}
				return w.Flush()
			}),
		verb("leave COMMUNITY", "Leave a joined community (its history stays here)", cobra.ExactArgs(1), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				if err := c.CommunityLeave(cmd.Context(), args[0]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "left %s\n", args[0])
				return nil
			}),
		verb("ban COMMUNITY MEMBER", "Bar a name or wallet from a community this node hosts", cobra.ExactArgs(2), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				if err := c.CommunityBan(cmd.Context(), args[0], args[1]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "banned %s from %s\n", args[1], args[0])
				return nil
			}),
		verb("delete COMMUNITY POST", "Delete a post (its author or the owner)", cobra.ExactArgs(2), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				if err := c.CommunityDelete(cmd.Context(), args[0], args[1]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "deleted %s\n", args[1])
				return nil
			}),
	)
	return cmd
}

// chatCall is "chat call NAME --file F": stream a file as a call and
// report loss, jitter and round trips.
func chatCall() *cobra.Command {
	var (
		file    string
		bitrate int
	)
	cmd := verb("call NAME --file F", "Stream a file to a name or wallet as a call (UDP, paced) and report loss and jitter", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			if file == "" {
				return fmt.Errorf("call needs --file F: the media to stream (codecs are out of scope)")
			}
			abs, err := filepath.Abs(file)
			if err != nil {
				return err
			}
			r, err := c.Call(cmd.Context(), args[0], abs, bitrate)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), r)
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintf(w, "peer\t%s\n", r.Peer)
			fmt.Fprintf(w, "packets\t%d sent, %d received, %d lost (%.1f%%), %d late, %d duplicates\n", r.Sent, r.Received, r.Lost, 100*r.LossRate, r.Late, r.Duplicates)
			fmt.Fprintf(w, "jitter\t%s\n", r.Jitter)
			if r.RTTP50 != 0 {
				fmt.Fprintf(w, "rtt\tp50 %s, p99 %s\n", r.RTTP50, r.RTTP99)
			}
			fmt.Fprintf(w, "sent\t%s in %s\n", size(r.Bytes), r.Duration)
			if !r.Reported {
				fmt.Fprintf(w, "note\tthe callee sent no report: receive-side numbers are missing\n")
			}
			return w.Flush()
		})
	cmd.Flags().StringVarP(&file, "file", "f", "", "file to stream")
	cmd.Flags().IntVar(&bitrate, "bitrate", 64000, "bits per second")
	return cmd
}
