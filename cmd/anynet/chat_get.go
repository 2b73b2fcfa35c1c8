package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/progressbar"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// chatGet is "chat get ID [--out DIR]": download an attachment.
func chatGet() *cobra.Command {
	var out string
	cmd := verb("get ID", "Download the file a message offers (its ID: `chat read NAME --json`) into --out", cobra.ExactArgs(1), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			dir, err := filepath.Abs(out)
			if err != nil {
				return err
			}
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return fmt.Errorf("--out %s is not a directory", out)
			}
			p := newTransferProgress(cmd.ErrOrStderr())
			f, err := c.ChatGet(cmd.Context(), args[0], dir, p.update)
			p.done()
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s (%s, sha256 %s)\n", f.Path, size(f.Size), f.SHA256)
			return nil
		})
	cmd.Flags().StringVarP(&out, "out", "o", ".", "directory to write the file to")
	return cmd
}

// transferProgress draws a byte transfer as the simulator's bar, on a
// terminal only.
type transferProgress struct {
	w    io.Writer
	tty  bool
	drew bool
}

func newTransferProgress(w io.Writer) *transferProgress {
	p := &transferProgress{w: w}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

func (p *transferProgress) update(have, total int64) {
	if !p.tty {
		return
	}
	p.drew = true
	fmt.Fprintf(p.w, "\r%s\x1b[K", progressbar.Transfer(have, total, 30))
}

func (p *transferProgress) done() {
	if p.drew {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
