// Command anynet runs anynet nodes: `anynet demo` (a small named network in
// one process, with the TUI), `anynet init` and `anynet up` (a node of your
// own: wallet, node key, embedded chain or a JSON-RPC URL, TUI or daemon),
// verbs that ask a running node over its control socket (status, peers,
// routes, resolve, register, ping, chat, chain, pass), and `anynet sim run`
// (the deterministic simulator). See the README for examples.
//
// Flow: main.go builds the cobra tree; each verb's file parses its flags,
// loads the configuration (internal/config: flags, ANYNET_* environment,
// config files, defaults), and either starts a node (internal/daemon, with
// the TUI from internal/tui through internal/tuiadapter) or talks to one
// over HTTP on DIR/control.sock (internal/control).
package main
