package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/spf13/cobra"
)

// verb builds a command that talks to the running node. run gets a
// client of the node in the configured data directory.
func verb(use, short string, args cobra.PositionalArgs, read bool, run func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  args,
		RunE: func(cmd *cobra.Command, a []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			return run(cmd, control.NewClient(cfg.Dir), a, asJSON)
		},
	}
	if read {
		cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	}
	return cmd
}

func printJSON(w io.Writer, v any) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(v)
}

func newStatus() *cobra.Command {
	return verb("status", "Show the running node: wallet, name, underlay, chain, counters", cobra.NoArgs, true,
		func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
			s, err := c.Status(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), s)
			}
			if s.Wallet == "" { // `anynet chain serve`: a chain, no node
				fmt.Fprintf(cmd.OutOrStdout(), "%s, chain %d at %s\n", s.Chain, s.ChainID, s.ChainServed)
				return nil
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintf(w, "wallet\t%s\n", s.Wallet)
			fmt.Fprintf(w, "name\t%s\n", orNone(s.Name))
			fmt.Fprintf(w, "node key\t%s\n", s.NodeKey)
			fmt.Fprintf(w, "underlay\tudp %s\n", s.Underlay)
			chain := s.Chain
			if s.ChainServed != "" {
				chain += ", served at " + s.ChainServed
			}
			fmt.Fprintf(w, "chain\t%s (id %d)\n", chain, s.ChainID)
			switch {
			case s.Published != "":
				fmt.Fprintf(w, "published\t%s\n", s.Published)
			case s.PublishError != "":
				fmt.Fprintf(w, "published\tnot yet: %s\n", s.PublishError)
			default:
				fmt.Fprintf(w, "published\tnot yet\n")
			}
			fmt.Fprintf(w, "up since\t%s (%s)\n", s.Started.Format(time.DateTime), time.Since(s.Started).Round(time.Second))
			fmt.Fprintf(w, "chat\t%v\n", s.Chat)
			fmt.Fprintf(w, "link\t%d frames out, %d in, %d handshakes, %d dropped\n", s.Link.FramesSent, s.Link.FramesReceived, s.Link.Handshakes, s.Link.Dropped)
			if line := dropLine(s.Drops); line != "" {
				fmt.Fprintf(w, "dropped\t%s\n", line)
			}
			if h := s.Handshake; h != nil {
				load := "normal"
				if h.UnderLoad {
					load = "UNDER LOAD (cookies before DH)"
				}
				fmt.Fprintf(w, "handshakes\t%s: %d initiations this second (threshold %d), %d processed, %d cookies sent, %d rate-limited\n",
					load, h.Initiations, h.Threshold, h.Processed, h.CookiesSent, h.RateLimited)
			}
			return w.Flush()
		})
}

func newPeers() *cobra.Command {
	return verb("peers", "List the wallets this node knows: static peers, resolved, pinged, chatted with, and every session (up or not, bytes in/out)", cobra.NoArgs, true,
		func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
			ps, err := c.Peers(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), ps)
			}
			if len(ps) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no peers yet (resolve, ping or chat with a name to meet one)")
				return nil
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "WALLET\tNAME\tUNDERLAY\tSOURCE\tPATH\tUP\tRTT\tSEEN\tMSGS\tIN\tOUT")
			for _, p := range ps {
				rtt, seen := "-", "-"
				if p.RTT > 0 {
					rtt = p.RTT.String()
				}
				if !p.Seen.IsZero() {
					seen = time.Since(p.Seen).Round(time.Second).String() + " ago"
				}
				up := "no"
				if p.Up {
					up = "yes"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\n", p.Wallet, orDash(p.Name), orDash(p.Addr), p.Source, orDash(p.Path), up, rtt, seen, p.Messages, p.BytesIn, p.BytesOut)
			}
			return w.Flush()
		})
}

func newRoutes() *cobra.Command {
	return verb("routes", "Show the node's role, locator and router, a router's table, and the peers reached directly", cobra.NoArgs, true,
		func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
			r, err := c.Routes(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), r)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintln(out, r.Note)
			for _, e := range r.Table {
				hop := e.NextHop
				if e.Self {
					hop = "self"
				}
				fmt.Fprintf(out, "  route  %s via %s metric %d\n", e.Prefix, hop, e.Metric)
			}
			if r.Pass != "" {
				fmt.Fprintln(out, "  pass  ", r.Pass)
			}
			for _, d := range r.Direct {
				fmt.Fprintf(out, "  direct %s via %s\n", d.Wallet, d.Addr)
			}
			return nil
		})
}

func newResolve() *cobra.Command {
	var texts []string
	cmd := verb("resolve NAME", "Resolve a name (or 0x wallet, or did:ethr DID) on chain: its whole DID document as anynet reads it", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			r, err := c.Resolve(cmd.Context(), args[0], texts...)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), r)
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintf(w, "name\t%s\n", orNone(r.Name))
			fmt.Fprintf(w, "wallet\t%s\n", r.Wallet)
			fmt.Fprintf(w, "DID\t%s\n", r.DID)
			if len(r.Keys) == 0 {
				fmt.Fprintf(w, "node keys\t(none)\n")
			}
			for _, k := range r.Keys {
				until := ""
				if !k.ValidUntil.IsZero() {
					until = " until " + k.ValidUntil.Format(time.RFC3339)
				}
				fmt.Fprintf(w, "node key\t%s (%s%s)\n", k.Key, k.Status, until)
			}
			if len(r.Endpoints) == 0 {
				fmt.Fprintf(w, "underlay\t(none)\n")
			}
			for _, e := range r.Endpoints {
				fmt.Fprintf(w, "underlay\t%s%s\n", e.Addr, orEmpty(" key ", e.NodeKey))
			}
			for _, l := range r.Locators {
				fmt.Fprintf(w, "locator\t%s\n", l)
			}
			for _, rt := range r.Routers {
				fmt.Fprintf(w, "router\t%s\n", rt)
			}
			if r.Mailbox != "" {
				fmt.Fprintf(w, "mailbox\t%s\n", r.Mailbox)
			}
			for _, s := range r.Services {
				fmt.Fprintf(w, "service\t%s %s\n", s.Type, s.Endpoint)
			}
			for _, k := range texts {
				v, ok := r.Texts[k]
				if !ok {
					v = "(none)"
				}
				fmt.Fprintf(w, "text %s\t%s\n", k, v)
			}
			return w.Flush()
		})
	cmd.Flags().StringSliceVar(&texts, "text", nil, "also read this text record of the name (repeatable), e.g. --text url")
	return cmd
}

func newRegister() *cobra.Command {
	var primary bool
	cmd := verb("register LABEL", "Register LABEL.<TLD> on chain for this node's wallet; --primary also makes it the wallet's primary (reverse) name", cobra.ExactArgs(1), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			r, err := c.Register(cmd.Context(), args[0], primary)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "%s → %s\n", r.Name, r.Wallet)
			switch {
			case r.Primary:
				fmt.Fprintf(out, "%s is now the primary name of %s (its reverse record)\n", r.Name, r.Wallet)
			default:
				fmt.Fprintf(out, "primary name unchanged: %s (register with --primary to make %s the primary name)\n", r.PrimaryName, r.Name)
			}
			return nil
		})
	cmd.Flags().BoolVar(&primary, "primary", false, "make the name the wallet's primary (reverse) name too (a wallet without one gets it anyway)")
	return cmd
}

func orEmpty(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

func newPing() *cobra.Command {
	var count int
	cmd := verb("ping NAME", "Measure the round trip to a name through the overlay (UDP echo, port 7)", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			if count < 1 || count > 100 {
				return fmt.Errorf("--count %d: want 1 to 100", count)
			}
			r, err := c.Ping(cmd.Context(), args[0], count)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), r)
			}
			out := cmd.OutOrStdout()
			for i, rtt := range r.RTTs {
				fmt.Fprintf(out, "reply from %s (%s): seq=%d rtt=%s\n", r.Name, r.Wallet, i+1, rtt)
			}
			fmt.Fprintf(out, "%d sent, %d lost", r.Sent, r.Lost)
			if r.Avg != 0 {
				fmt.Fprintf(out, ", rtt min/avg/max %s/%s/%s", r.Min, r.Avg, r.Max)
			}
			fmt.Fprintln(out)
			if len(r.RTTs) == 0 {
				return fmt.Errorf("no reply from %s", args[0])
			}
			return nil
		})
	cmd.Flags().IntVarP(&count, "count", "c", 3, "probes to send")
	return cmd
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// dropLine lists the nonzero drop reasons, largest first.
func dropLine(drops map[string]uint64) string {
	keys := slices.Collect(maps.Keys(drops))
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(drops[b], drops[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	var parts []string
	for _, k := range keys {
		if drops[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, drops[k]))
		}
	}
	return strings.Join(parts, ", ")
}
