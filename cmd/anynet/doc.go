// Command anynet runs anynet nodes: `anynet demo` (a small named network in
// one process, with the TUI), `anynet init` and `anynet up` (a node of your
// own: wallet, node key, embedded chain or a JSON-RPC URL, TUI or daemon),
// `anynet ui` (the TUI on a running node), `anynet service` (the node as a
// user service), verbs that ask a running node over its control socket
// (status, peers, routes, events, resolve, register, ping, chat, chain,
// pass), and `anynet sim run` (the deterministic simulator). See the
// README for examples.
//
// Flow: main.go builds the cobra tree; each verb's file parses its flags,
// loads the configuration (internal/config: flags, ANYNET_* environment,
// config files, defaults), and either starts a node (internal/daemon) or
// talks to one over HTTP on DIR/control.sock (internal/control). The TUI
// (internal/tui) is always a client of that socket, through
// internal/tuiadapter: `anynet up` on a terminal starts the node and then
// the TUI on its socket, in one process.
package main
