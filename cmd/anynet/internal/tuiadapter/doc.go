// Package tuiadapter is the TUI's backend: it implements tui.Backend
// over a node's control socket (control.Client), the same typed API the
// CLI verbs use, so the TUI runs in any process of the node's user —
// `anynet ui` beside a headless `anynet up`, or `anynet up` itself on a
// terminal — and there is no second way into the daemon. It converts
// typed records only (wallets, durations, statuses); it parses no
// human-readable text. Node events come from GET /v1/events, resumed
// with the stream's cursor after a reconnect (control.Client.Subscribe);
// communities' hosts and authors are named by reverse resolution, once
// per wallet per call (community.go).
package tuiadapter
