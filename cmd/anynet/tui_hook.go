package main

import (
	"context"

	"github.com/anynet/anynet/cmd/anynet/internal/daemon"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
	"github.com/anynet/anynet/cmd/anynet/internal/tuiadapter"
)

// tuiAvailable says the TUI is built in; without it up and demo run
// headless on a terminal too.
const tuiAvailable = true

// runTUI shows d in the TUI until the user quits or ctx ends; self names
// the node in the title bar.
func runTUI(ctx context.Context, d *daemon.Daemon, self string) error {
	if self == "" {
		self = d.Wallet().Hex()[:10]
	}
	return tui.Run(ctx, &tuiadapter.Backend{D: d}, tui.Options{Self: self, AltScreen: true})
}
