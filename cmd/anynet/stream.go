package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"text/tabwriter"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/spf13/cobra"
)

func newStream() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stream",
		Short: "Live streams: publish from an encoder, list, play through the web proxy, record",
	}
	var parts int
	var allow []string
	var token string
	publish := verb("publish NAME", "Ready stream NAME for an encoder: prints the ingest URL and an ffmpeg command", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			p, err := c.StreamPublish(cmd.Context(), control.StreamPublishRequest{Name: args[0], Parts: parts, Allow: allow, Token: token})
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), p)
			}
			hls, note := "-g 25 -hls_time 1", ""
			if parts > 1 {
				hls = "-g 5 -sc_threshold 0 -hls_time 0.2"
				note = fmt.Sprintf("(at 25 fps: a keyframe and a part every 0.2 s, %d parts a segment)\n", parts)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ingest  %s\nwatch   %s\n\nffmpeg -re -i INPUT -c:v libx264 -tune zerolatency %s -f hls -method PUT \\\n  %s\n%s",
				p.Ingest, p.Watch, hls, p.Ingest, note)
			return nil
		})
	publish.Flags().IntVar(&parts, "parts", 0, "LL-HLS: the encoder's segments are parts, this many to a segment (e.g. 5 with -hls_time 0.2)")
	publish.Flags().StringSliceVar(&allow, "allow", nil, "only these may watch: names or 0x wallets (repeatable)")
	publish.Flags().StringVar(&token, "token", "", "only holders of this token (0x contract) may watch")

	var relay int
	var run bool
	play := verb("play HOST/NAME", "Join a stream and print the URL players open through the web proxy (--ffplay runs ffplay)", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			host, name, ok := strings.Cut(args[0], "/")
			if !ok || host == "" || name == "" {
				return fmt.Errorf("%q: want HOST/NAME, e.g. alice/cam", args[0])
			}
			p, err := c.StreamPlay(cmd.Context(), control.StreamPlayRequest{Host: host, Name: name, Relay: relay})
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), p)
			}
			fmt.Fprintln(cmd.OutOrStdout(), p.URL)
			if p.Proxy == "" {
				fmt.Fprintln(cmd.ErrOrStderr(), "the web proxy is off: start the node with --web-proxy 127.0.0.1:8080 to play")
			}
			if !run {
				return nil
			}
			if p.Proxy == "" {
				return errors.New("no web proxy to play through")
			}
			ff := exec.CommandContext(cmd.Context(), "ffplay", "-http_proxy", "http://"+p.Proxy, p.URL)
			ff.Stdout, ff.Stderr = os.Stdout, os.Stderr
			return ff.Run()
		})
	play.Flags().IntVar(&relay, "relay", 0, "also relay the stream for up to this many viewers")
	play.Flags().BoolVar(&run, "ffplay", false, "play it with ffplay")

	var stop, public bool
	var share string
	var to []string
	record := verb("record NAME", "Record stream NAME published here; --stop ends it and shares the recording (a collection)", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			r, err := c.StreamRecord(cmd.Context(), control.StreamRecordRequest{Name: args[0], Stop: stop, Share: share, Public: public, To: to})
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), r)
			}
			if r.Active {
				fmt.Fprintf(cmd.OutOrStdout(), "recording %s\n", r.Name)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "recorded %s: %d segments, %.1f s, collection %s\n", r.Name, r.Segments, r.Seconds, r.ID)
			if r.Link != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "shared as %s\n", r.Link)
			}
			return nil
		})
	record.Flags().BoolVar(&stop, "stop", false, "end the recording")
	record.Flags().StringVar(&share, "share", "", "with --stop: the share's name (default the stream's)")
	record.Flags().BoolVar(&public, "public", false, "with --stop: share the recording with everyone")
	record.Flags().StringSliceVar(&to, "to", nil, "with --stop: share the recording with these names or wallets (repeatable)")

	cmd.AddCommand(publish,
		verb("list", "List the streams this node publishes, relays or watches", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				l, err := c.StreamList(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), l)
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "OWNER\tNAME\tROLE\tUPSTREAM\tCHILDREN\tLAST\tRECORDING")
				for _, s := range l {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%d\t%v\n", s.Owner, s.Name, s.Role, orNone(s.Upstream), s.Children, s.Last, s.Recording)
				}
				return w.Flush()
			}),
		play, record)
	return cmd
}
