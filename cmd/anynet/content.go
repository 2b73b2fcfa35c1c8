package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/progressbar"
	"github.com/spf13/cobra"
)

// contentVerbs are the content service's verbs: FTP-like sharing at the
// top level (share, get, ls), the web by name (serve, publish), and
// `anynet content` for the rest.
func contentVerbs() []*cobra.Command {
	return []*cobra.Command{contentShare(), contentGet(), contentLs(), contentServe(), contentPublish(), newContent()}
}

func contentShare() *cobra.Command {
	var public bool
	var to []string
	var name string
	cmd := verb("share PATH", "Share a file or directory: with everyone (--public) or with wallets (--to NAME…); prints its link", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			p, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			s, err := c.ContentShare(cmd.Context(), control.ContentShareRequest{Path: p, Name: name, Public: public, To: to})
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), s)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\n  %s, id %s (cid %s)\n  get it with: anynet get %s\n", s.Link, progressbar.Bytes(s.Size), s.ID, s.CID, s.Link)
			return nil
		})
	cmd.Flags().BoolVar(&public, "public", false, "share with every wallet")
	cmd.Flags().StringSliceVar(&to, "to", nil, "share with this name or 0x wallet (repeatable)")
	cmd.Flags().StringVar(&name, "name", "", "the share's name (default: the path's base name)")
	return cmd
}

func contentGet() *cobra.Command {
	var out string
	cmd := verb("get LINK", "Download a share (HOST/SHARE[/PATH] or ID@HOST), verified as it comes, into -o DIR; run again to resume", cobra.ExactArgs(1), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			dir, err := filepath.Abs(out)
			if err != nil {
				return err
			}
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return fmt.Errorf("-o %s is not a directory", out)
			}
			p := newTransferProgress(cmd.ErrOrStderr())
			f, err := c.ContentGet(cmd.Context(), args[0], dir, p.update)
			p.done()
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), f.Path)
			return nil
		})
	cmd.Flags().StringVarP(&out, "out", "o", ".", "directory to write into")
	return cmd
}

func contentLs() *cobra.Command {
	return verb("ls HOST/[PREFIX]", "List the shares a name or wallet lets this wallet read (FTP's LIST)", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			host, prefix, _ := strings.Cut(args[0], "/")
			l, err := c.ContentList(cmd.Context(), host, prefix)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), l)
			}
			return printShares(cmd, l, host+" shares nothing with this wallet")
		})
}

func printShares(cmd *cobra.Command, l []control.ContentShare, empty string) error {
	if len(l) == 0 {
		fmt.Fprintln(cmd.OutOrStdout(), empty)
		return nil
	}
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tSIZE\tKIND\tACCESS\tID")
	for _, s := range l {
		kind, access := "file", "wallets"
		if s.Collection {
			kind = "dir"
		}
		if s.Public {
			access = "public"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", s.Name, progressbar.Bytes(s.Size), kind, access, s.ID[:16])
	}
	return w.Flush()
}

func contentServe() *cobra.Command {
	return verb("serve PORT|URL|off", "Publish a local web server at this node's name (http://NAME.anynet/ through a web proxy), with the caller's wallet in X-Anynet-Wallet; kept across restarts until `serve off`", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			target := args[0]
			switch {
			case target == "off":
				target = ""
			case !strings.Contains(target, "://"):
				if _, err := strconv.ParseUint(target, 10, 16); err != nil {
					return fmt.Errorf("%w: %q: give a port, an http://127.0.0.1:PORT URL, or off", control.ErrBadRequest, target)
				}
				target = "http://127.0.0.1:" + target
			}
			s, err := c.ContentServe(cmd.Context(), target)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), s)
			}
			if s.Target == "" {
				fmt.Fprintln(cmd.OutOrStdout(), "live site stopped")
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "serving %s at %s\n", s.Target, s.URL)
			return nil
		})
}

func contentPublish() *cobra.Command {
	var name string
	cmd := verb("publish DIR", "Publish a static site: share DIR publicly and, with --name, point the name's contenthash at it", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			dir, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			p, err := c.ContentPublish(cmd.Context(), dir, name)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), p)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "published %s (%s, cid %s) at %s\n", args[0], progressbar.Bytes(p.Share.Size), p.Share.CID, p.URL)
			return nil
		})
	cmd.Flags().StringVar(&name, "name", "", "set this name's contenthash to the site (a name this wallet owns)")
	return cmd
}

func newContent() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "content",
		Short: "The content service: shares, downloads, the cache and pins",
		Long: "Files and sites by content ID (BLAKE3, what b3sum prints). Share with `anynet share`,\n" +
			"fetch with `anynet get`, list a node's shares with `anynet ls NAME/`. Browsers open\n" +
			"http://NAME.anynet/ through the node's web proxy (start it with --web-proxy 127.0.0.1:8080).",
	}
	cmd.AddCommand(
		verb("status", "Show downloads in progress, counters, the cache, the web proxy and the live site", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				s, err := c.ContentStatus(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), s)
				}
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "web proxy  %s\nlive site  %s\n", orDash(s.Proxy), orDash(s.Serving))
				st := s.Stats
				fmt.Fprintf(w, "served %s, fetched %s, %d downloads done, %d corrupt ranges, %d providers dropped, %d evicted\n",
					progressbar.Bytes(st.Served), progressbar.Bytes(st.Fetched), st.Completed, st.Corrupt, st.Dropped, st.Evicted)
				limit := "no cap"
				if s.Cache.Limit > 0 {
					limit = "cap " + progressbar.Bytes(s.Cache.Limit)
				}
				fmt.Fprintf(w, "cache %s (%s), %d blobs\n", progressbar.Bytes(s.Cache.Bytes), limit, len(s.Cache.Blobs))
				for _, d := range s.Downloads {
					fmt.Fprintf(w, "%s  %s  %d providers\n", d.ID[:16], progressbar.Transfer(d.Have, d.Size, 20), len(d.Providers))
				}
				return nil
			}),
		verb("shares", "List this node's shares", cobra.NoArgs, true,
			func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
				l, err := c.ContentShares(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), l)
				}
				return printShares(cmd, l, "nothing shared (anynet share PATH --public)")
			}),
		verb("unshare NAME", "Stop sharing NAME", cobra.ExactArgs(1), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				return c.ContentUnshare(cmd.Context(), args[0])
			}),
		verb("pin ID", "Keep a blob out of the cache's evictions", cobra.ExactArgs(1), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				return c.ContentPin(cmd.Context(), args[0], true)
			}),
		verb("unpin ID", "Let the cache evict a blob again", cobra.ExactArgs(1), false,
			func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
				return c.ContentPin(cmd.Context(), args[0], false)
			}),
	)
	return cmd
}
