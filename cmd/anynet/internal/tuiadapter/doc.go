// Package tuiadapter shows a running daemon in the TUI: it implements
// tui.Backend over a *daemon.Daemon in the same process (anynet up, and
// alice in anynet demo). Communities go through the daemon's community
// API (the one `anynet chat community` uses), with the hosts' and
// authors' names looked up on chain once per call (community.go), and
// calls through its call API (the one `anynet chat call` uses), their
// statistics' duration strings parsed (call.go); the chat service's
// events become tui.Events, a community post (im.EventPost) a
// tui.EventPost.
package tuiadapter
