// Package tuiadapter shows a running daemon in the TUI: it implements
// tui.Backend over a *daemon.Daemon in the same process (anynet up, and
// alice in anynet demo).
package tuiadapter
