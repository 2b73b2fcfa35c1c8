// Package progressbar draws the text progress bar the CLI (sim run, chat
// get) and the TUI (downloads) share: no terminal state, only strings.
package progressbar
