package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/anynet/anynet/apps/mq"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

func newMQ() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mq",
		Short: "Message queues: durable streams on this node, and on any wallet's node",
		Long: `Every node runs a NATS server with JetStream (apps/mq) and serves it to
verified wallets on overlay port 4222: the node's own wallet has every
right, other wallets what "anynet mq grant" gives them. Standard NATS
clients on this machine use the loopback gateway (--mq-gateway, default
127.0.0.1:4222) with its password, and name the host as the URL's user;
"anynet mq url HOST" prints the URL:

  nats --server "$(anynet mq url alice.anynet)" pub orders.new hi

"anynet mq pub/fetch --host WALLET" go through the queue core (overlay port
4223): a publish the host does not answer in time waits in this node's
outbox (kept across restarts) and is sent again, with the same id, until
the host takes it; "anynet mq status" lists the outbox.

Nodes of wallets that agree form a replicated cluster (each starts with
--mq-cluster naming the others); a stream made with --replicas 3 keeps
a copy on three members and survives the loss of one.

Streams keep messages (file storage); consumers ack, nak or term them;
messages that reach a consumer's max-deliver, or that are terminated,
are copied to the dead-letter stream DLQ (subjects dlq.<stream>.<consumer>).`,
	}
	var (
		spec    control.MQStreamSpec
		pubHost string
		pubID   string
		pubAt   string
		pubIn   time.Duration
		pubVia  string
		pubWait time.Duration
		fetch   control.MQFetch
		grant   control.MQGrant
	)
	status := verb("status", "Show this node's queues: ports, streams, dead letters, policy", cobra.NoArgs, true,
		func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
			s, err := c.MQStatus(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), s)
			}
			return printMQStatus(cmd.OutOrStdout(), s)
		})
	add := verb("add NAME SUBJECT...", "Create (or update) a stream on this node holding SUBJECTs (NATS wildcards)", cobra.MinimumNArgs(2), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			spec.Name, spec.Subjects = args[0], args[1:]
			s, err := c.MQStreamAdd(cmd.Context(), spec)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "stream %s: %s, %s retention\n", s.Name, strings.Join(s.Subjects, " "), s.Retention)
			return nil
		})
	af := add.Flags()
	af.StringVar(&spec.Retention, "retention", "limits", "limits, interest or workqueue")
	af.DurationVar(&spec.MaxAge, "max-age", 0, "drop messages older than this (0: keep)")
	af.Int64Var(&spec.MaxMsgs, "max-msgs", 0, "keep at most this many messages (0: no limit)")
	af.DurationVar(&spec.Duplicates, "dedup-window", 0, "how long message ids are remembered (default 2m)")
	af.BoolVar(&spec.Delayed, "delayed", false, "allow delayed (scheduled) messages")
	af.IntVar(&spec.Replicas, "replicas", 1, "copies kept by members of this node's cluster (--mq-cluster), at most 5")
	rm := verb("rm NAME", "Delete a stream of this node and its messages", cobra.ExactArgs(1), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			if err := c.MQStreamDelete(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "stream %s deleted\n", args[0])
			return nil
		})
	stream := &cobra.Command{Use: "stream", Short: "Streams of this node"}
	stream.AddCommand(add, rm)

	pub := verb("pub SUBJECT DATA", "Publish DATA to SUBJECT on this node's queues or --host's", cobra.ExactArgs(2), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			p := control.MQPublish{Host: pubHost, Subject: args[0], Data: args[1], ID: pubID, Via: pubVia, Wait: pubWait}
			switch {
			case pubAt != "" && pubIn != 0:
				return fmt.Errorf("%w: give --at or --in, not both", control.ErrBadRequest)
			case pubAt != "":
				t, err := time.Parse(time.RFC3339, pubAt)
				if err != nil {
					return fmt.Errorf("%w: --at %q: want RFC 3339, e.g. 2026-12-06T15:04:05Z", control.ErrBadRequest, pubAt)
				}
				p.At = t
			case pubIn != 0:
				p.At = time.Now().Add(pubIn).Truncate(time.Second).Add(time.Second)
			}
			a, err := c.MQPublish(cmd.Context(), p)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), a)
			}
			if a.Queued {
				fmt.Fprintf(cmd.OutOrStdout(), "queued (outbox #%d): %s has not answered; sent again until it takes the message\n", a.Req, pubHost)
				return nil
			}
			dup := ""
			if a.Duplicate {
				dup = " (duplicate id: not stored again)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s #%d%s\n", a.Stream, a.Seq, dup)
			return nil
		})
	pf := pub.Flags()
	pf.StringVar(&pubHost, "host", "", "whose queues: a name or 0x wallet (default: this node)")
	pf.StringVar(&pubID, "id", "", "message id: the stream drops a repeat within its dedup window")
	pf.StringVar(&pubAt, "at", "", "deliver at this time (RFC 3339); the stream must allow delayed messages")
	pf.DurationVar(&pubIn, "in", 0, "deliver after this long (rounded up to a second)")
	pf.DurationVar(&pubWait, "wait", 10*time.Second, "with --host: wait this long for the host's answer, then leave the message queued in the outbox")
	pf.StringVar(&pubVia, "via", "", "with --at/--in: the subject that holds the schedule (default mq.schedule.STREAM.SUBJECT)")

	fetchCmd := verb("fetch STREAM CONSUMER", "Take messages from STREAM with durable CONSUMER (made if missing), and ack them", cobra.ExactArgs(2), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			fetch.Stream, fetch.Consumer = args[0], args[1]
			ms, err := c.MQFetch(cmd.Context(), fetch)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), ms)
			}
			if len(ms) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no message")
				return nil
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "SEQ\tSUBJECT\tDELIVERED\tDATA")
			for _, m := range ms {
				fmt.Fprintf(w, "%d\t%s\t%d\t%s\n", m.Seq, m.Subject, m.Delivered, m.Data)
			}
			return w.Flush()
		})
	ff := fetchCmd.Flags()
	ff.StringVar(&fetch.Host, "host", "", "whose queues: a name or 0x wallet (default: this node)")
	ff.IntVarP(&fetch.Count, "count", "n", 1, "at most this many messages")
	ff.DurationVar(&fetch.Wait, "wait", 2*time.Second, "wait this long for messages")
	ff.BoolVar(&fetch.NoAck, "no-ack", false, "do not ack: the messages come again after the consumer's ack wait")

	grantCmd := verb("grant WALLET|*", "Set what a wallet (0x…, a name, or * for any) may do on this node's queues; no flags revokes", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			grant.Wallet = args[0]
			p, err := c.MQGrant(cmd.Context(), grant)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), p)
			}
			return printMQPolicy(cmd.OutOrStdout(), p)
		})
	gf := grantCmd.Flags()
	gf.StringSliceVar(&grant.Publish, "publish", nil, "subjects it may publish to (repeatable; wildcards allowed, not $… nor a bare >)")
	gf.StringSliceVar(&grant.Consume, "consume", nil, "streams it may consume from (repeatable)")

	urlCmd := verb("url [HOST]", "Print the URL (with the gateway's password) a NATS client uses for HOST's queues (default: this node's)", cobra.MaximumNArgs(1), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			s, err := c.MQStatus(cmd.Context())
			if err != nil {
				return err
			}
			if s.Gateway == "" {
				return fmt.Errorf("%w: this node runs no gateway (start it with --mq-gateway 127.0.0.1:4222)", control.ErrUnsupported)
			}
			host := ""
			if len(args) == 1 {
				host = args[0]
			}
			fmt.Fprintln(cmd.OutOrStdout(), mq.GatewayURL(s.Gateway, host, s.Password))
			return nil
		})

	cmd.AddCommand(status, stream, pub, fetchCmd, grantCmd, urlCmd)
	return cmd
}

func printMQStatus(out io.Writer, s control.MQStatus) error {
	fmt.Fprintf(out, "wallet\t%s\noverlay\ttcp %d\n", s.Wallet, s.Port)
	gw := orDash(s.Gateway)
	if s.GatewayOff != "" {
		gw = "- (" + s.GatewayOff + ")"
	} else if s.Gateway != "" {
		gw += " (password: anynet mq url)"
	}
	fmt.Fprintf(out, "gateway\t%s\ndead letters\t%d\noutbox\t%d waiting\ncore\t%d stored from other wallets\n", gw, s.DeadLetters, len(s.Outbox), s.CoreStored)
	if len(s.Cluster) > 0 {
		fmt.Fprintf(out, "cluster\t%s\n", strings.Join(s.Cluster, " "))
	}
	fmt.Fprintln(out)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "STREAM\tSUBJECTS\tRETENTION\tMESSAGES\tBYTES\tCONSUMERS\tREPLICAS")
	sort.Slice(s.Streams, func(i, j int) bool { return s.Streams[i].Name < s.Streams[j].Name })
	for _, st := range s.Streams {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%d\t%d\n", st.Name, strings.Join(st.Subjects, " "), st.Retention, st.Messages, st.Bytes, st.Consumers, max(1, st.Replicas))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out)
	return printMQPolicy(out, s.Policy)
}

func printMQPolicy(out io.Writer, p control.MQPolicy) error {
	if len(p.Grants) == 0 {
		fmt.Fprintln(out, "no grants: only this node's wallet uses its queues")
		return nil
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "WALLET\tPUBLISH\tCONSUME")
	for _, g := range p.Grants {
		fmt.Fprintf(w, "%s\t%s\t%s\n", g.Wallet, orDash(strings.Join(g.Publish, " ")), orDash(strings.Join(g.Consume, " ")))
	}
	return w.Flush()
}
