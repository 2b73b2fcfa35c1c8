package main

import (
	"context"

	"github.com/anynet/anynet/cmd/anynet/internal/tui"
	"github.com/anynet/anynet/cmd/anynet/internal/tuiadapter"
)

// tuiAvailable says the TUI is built in; without it up and demo run
// headless on a terminal too.
const tuiAvailable = true

// runTUI shows the node whose control socket is in dir in the TUI, until
// the user quits or ctx ends; self names the node in the title bar.
// Quitting leaves the node running: the TUI is only a client.
func runTUI(ctx context.Context, dir, self string) error {
	b := tuiadapter.New(dir)
	if self == "" {
		st, err := b.C.Status(ctx)
		if err != nil {
			return err
		}
		self = st.Name
		if self == "" && len(st.Wallet) >= 10 {
			self = st.Wallet[:10]
		}
	}
	return tui.Run(ctx, b, tui.Options{Self: self, AltScreen: true})
}
