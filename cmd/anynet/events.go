package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/spf13/cobra"
)

func newEvents() *cobra.Command {
	var after uint64
	var fromStart bool
	cmd := verb("events", "Follow the node's events (peers, paths, messages, receipts, transfers, services) until interrupted", cobra.NoArgs, true,
		func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
			out := cmd.OutOrStdout()
			from := !cmd.Flags().Changed("after") && !fromStart
			err := c.StreamEvents(cmd.Context(), after, from, func(e control.Event) error {
				if asJSON {
					return json.NewEncoder(out).Encode(e)
				}
				printEvent(out, e)
				return nil
			})
			if cmd.Context().Err() != nil {
				return nil
			}
			return err
		})
	cmd.Long = `events prints what happens on the node as it happens, from the stream
GET /v1/events of the control API: one line per event, or with --json the
stream's own lines (newline-delimited JSON). Each event has a number
(seq); --after N resumes after event N, so a reader that reconnects
misses nothing the node still holds (the first line, "hello", gives the
newest number).`
	cmd.Flags().Uint64Var(&after, "after", 0, "start after this event number (default: only new events)")
	cmd.Flags().BoolVar(&fromStart, "all", false, "start with every event the node still holds")
	return cmd
}

// printEvent writes one event as a line.
func printEvent(w io.Writer, e control.Event) {
	at := e.Time.Local().Format(time.TimeOnly)
	switch {
	case e.Kind == control.EventHello:
		fmt.Fprintf(w, "following events after #%d\n", e.Seq)
		return
	case e.Kind == control.EventGap:
		fmt.Fprintf(w, "#%d %s  gap: earlier events were dropped; re-read what you need\n", e.Seq, at)
		return
	}
	var what string
	switch {
	case e.Peer != nil:
		what = fmt.Sprintf("%s %s path=%s source=%s", e.Peer.Wallet, orDash(e.Peer.Name), orDash(e.Peer.Path), e.Peer.Source)
	case e.Message != nil:
		m := e.Message
		what = fmt.Sprintf("%s → %s [%s] %q", short(m.From), short(m.To), m.Status, m.Text)
	case e.Post != nil:
		what = fmt.Sprintf("community %s #%d %s: %q", e.Post.Community, e.Post.Seq, short(e.Post.From), e.Post.Text)
	case e.Transfer != nil:
		t := e.Transfer
		what = fmt.Sprintf("download %s %d/%d", t.ID, t.Have, t.Total)
		if t.Done {
			what += " done"
		}
		if t.Error != "" {
			what += " failed: " + t.Error
		}
	case e.Content != nil:
		ce := e.Content
		what = fmt.Sprintf("%s %.16s %d/%d", ce.What, ce.ID, ce.Have, ce.Size)
		if ce.Peer != "" {
			what += " " + short(ce.Peer)
		}
		if ce.Error != "" {
			what += ": " + ce.Error
		}
	case e.Service != nil:
		what = fmt.Sprintf("%s %s %s", e.Service.Service, e.Service.What, e.Service.Detail)
	case e.Group != "":
		what = "group " + e.Group
	}
	fmt.Fprintf(w, "#%d %s  %-8s %s\n", e.Seq, at, e.Kind, what)
}
