// Package tui is the terminal interface of `anynet ui`, `anynet up` and
// `anynet demo`: a bubbletea program with views of one running node,
// which it knows only through Backend — in the CLI the node's control
// socket (cmd/anynet/internal/tuiadapter), so the TUI comes and goes
// while the node runs. The views are registered in one table (views.go):
// a service adds its view with one entry there.
//
// # Adding a view
//
// A service adds its view in one place: a constant in views.go's view
// enum (before numViews; the order is the tab order), its viewSpec in
// the views table (title, short title, and the functions that update,
// draw, give help keys and refresh it), and a file view_NAME.go with its
// state and drawing (the state a field of model). The tab bar, the digit
// key, Tab and shift+tab, key dispatch, Esc leaving its input, the help
// line's "1-N go to view" (digitsHelp) and the refresh on entry all follow
// from the entry; nothing else counts the views. Digits 1-9 jump to the
// first nine views and 0 to the tenth (viewKey); views past the tenth are
// reached with Tab (their tab shows the short title, no key).
// TestFrameSizes then draws the new view at every size
// (regenerate goldens with -update) and TestTenViews checks that ten tabs
// fit a 60-column frame.
//
//   - Network: identity (name, wallet, node key, underlay address,
//     locators, chain), traffic counters with a throughput sparkline,
//     the peers and their sessions, and the routes.
//   - Names: resolve a name, register one for this wallet, or look a
//     wallet's name up (reverse).
//   - Chat: conversations with unread counts, the selected conversation's
//     messages with delivery marks (… pending, ✓ sent to a mailbox,
//     ✓✓ delivered, ✓✓ read, ✗ failed), and a message input. Requests
//     (conversations from wallets never allowed) are marked "? name" and
//     "request" in the header. Groups follow the conversations ("# name");
//     files show as "[file name, size]" until downloaded. Slash commands
//     there: /file PATH offers a file; /call FILE [BITRATE] streams FILE
//     to the selected 1:1 conversation's peer as a real-time call (UDP
//     in the overlay, as `anynet chat call`; BITRATE in bits/s as its
//     --bitrate takes it: 64000, 0x10, 1_000_000; default and 0: 64000;
//     FILE may hold spaces, a last word that is a number is BITRATE
//     unless the whole text names a file), and /hangup ends it. /file
//     and /call expand a leading "~/" and make a relative path
//     absolute. /call is refused on the status line, before the node is
//     asked, for a group, a request, no selection, a missing file or a
//     directory, a bad BITRATE, and while a call runs (one at a time).
//     While it runs the status line says "calling bob… (FILE, 64
//     kbit/s)" whenever it has nothing else to say, and the input keeps
//     working; when it ends the status line shows the statistics, most
//     telling first since a narrow line cuts the end: "call with bob:
//     248/250 packets, 0.8% lost, jitter 1.23ms, rtt p50 812µs p99
//     2.51ms, 1 late, 0 dup, 39.1 KiB in 5.02s" (packets the callee got
//     of those sent, from its report; "N packets sent, no report" when
//     none came), or "hung up on bob", or the error.
//   - Communities: the public communities this node hosts ("★") or
//     joined, the selected one's header (name, host or member count, the
//     ID others join it by) and posts, oldest first and newest at the
//     bottom, each "#SEQ HH:MM author: text" ("#…" until the host has
//     numbered it, "(deleted)" once deleted), and an input line that
//     posts to it. Slash commands there: /create NAME, /join HOST ID
//     (HOST a name or 0x wallet, as `anynet chat community join`),
//     /leave, and /ban MEMBER and /delete POST (POST: the number shown,
//     "#3" or "3", a post ID or a unique prefix of one); "//text" posts
//     "/text". /leave is refused on a community hosted here and /ban on
//     one that is not, before the node is asked.
//   - VPN (optional VPNBackend): the node's exit (its AnynetExit advert,
//     whether it is on chain or why not, sessions, refusals, bytes each
//     way), its proxy (the loopback port, the exits in the order tried
//     with the one in use marked, failovers, bytes) and the exits
//     advertised on chain (wallet, region, price, policy; the policy
//     column goes first on a narrow terminal); ↑/↓ pick an exit. It
//     polls the counters; the chain's list is read on entry and ctrl+r.
//   - Files: this node's shares (a directory ends in "/"), the selected
//     one's link, size, access and ID; the downloads in progress, each
//     with a bar, its providers and how many were dropped (a provider
//     whose bytes fail verification, or that goes quiet); the content
//     counters (served, fetched, corrupt ranges), the cache (bytes, cap,
//     blobs, evictions), and the web proxy and live site. ↑/↓ pick a
//     share; it polls, as download progress is not pushed to the TUI.
//   - Queues (QueuesBackend, optional): this node's message queues — the
//     overlay port, the gateway, dead letters, the cluster's other
//     members, each stream with its messages, consumers, replicas (R),
//     retention and subjects, and the grants; polled, ↑/↓ scroll.
//   - Relay (RelayBackend, optional): relay incentives — the roles, the
//     epoch, the price and the Guardian's fee (shown before settlement),
//     the balance claimed; an Edge's pending credit (endpoints, bytes,
//     fee, net) and its scores with the evidence behind them (bytes
//     vouched, endpoints, probes answered, the reason, whether the root
//     recomputed from the Guardian's published evidence matches the
//     chain's, ✓ once claimed); a WatchDog's probes; a Guardian's
//     settled epochs and commits; polled, ↑/↓ scroll.
//   - Streams (StreamsBackend, optional; the eleventh tab, reached with
//     Tab, shift+tab from Network, or a click): the live streams this
//     node publishes, relays or plays, a row each — name, publisher,
//     role, access (public, N wallets, token), children, the newest
//     segment.part, ● rec while recorded — and the selected one's
//     detail: the URL players open, the upstream or the tree's relays,
//     viewers refused, whole segments or LL-HLS parts; polled, ↑/↓
//     select.
//
// VPN, Queues, Relay and Streams are snapshot views (snapshot.go): one
// answer of the control API fetched on entry, on ctrl+r and on every
// tick, drawn as a page (lines, then selectable rows with the selected
// one's detail pane below); such a view is a snapshot(...) call with a
// fetch and a page function, and its viewSpec is spec.view(title, short).
//
// # Data flow
//
// The TUI knows the node only through Backend (backend.go), which the CLI
// implements over the daemon's node. Nothing in Update or View calls the
// Backend: every call is a tea.Cmd (commands.go) that runs on its own
// goroutine under a context with Options.Timeout and returns its result,
// error included, as a message. Update folds results into the per-view
// state (networkState, namesState, chatState, commState); errors go to
// the status line, above the help line, and never end the program. Two
// calls run without Options.Timeout, until they end or the TUI exits:
// a download (download.go, progress through a channel) and a call
// (call.go), under a context of its own that /hangup cancels; the
// call's statistics arrive as one message when Backend.Call returns.
//
// Three sources feed the model:
//
//  1. a tea.Tick every Options.Refresh re-reads the status (its counters
//     make the throughput sparkline). Without an event stream (Events
//     returns nil) it also re-reads peers and routes, on the Chat view
//     the conversations and the open history; with one, those follow
//     the events instead. On the Communities view it always re-reads the
//     list, and every postsEvery (5) ticks the open community's posts (a
//     member's node asks the host for what it lacks on each read); a
//     call of a kind still in flight is not started again, so a slow
//     node does not pile requests up;
//  2. Backend.Events, read one event per command, delivers new messages
//     and receipts (EventReceipt moves a sent message's mark forward),
//     peer changes, and community posts (EventPost: a post the host
//     pushed, numbered, or a deletion; folded into the open community
//     by post ID, so a post made here loses its "#…" when the host's
//     copy arrives);
//  3. keys and mouse (keys.go): tab and shift+tab switch views, ctrl+r
//     refreshes, ctrl+c quits; on Network the digits jump to a view (1-9,
//     then 0 for the tenth), q quits and
//     ↑/↓ scroll. Names, Chat and Communities have a text input that
//     holds the keyboard when the view opens, so letters and digits
//     type; esc clears and leaves it, and then the digits jump to a view while
//     any other letter (or enter) goes back to the input. On Names ↑/↓
//     pick resolve, register or reverse and enter
//     runs it; on Chat ↑/↓ pick a conversation, enter sends ("@name text"
//     starts a new one, "/file PATH" offers a file, "/call FILE" calls,
//     "/hangup" hangs up), pgup/pgdn scroll, and while a request is
//     selected alt+a allows, alt+d denies and alt+b blocks it (the help
//     line shows them then); alt+g downloads the newest file the other
//     side offered, with a progress bar in the status line; on
//     Communities ↑/↓ pick a community, enter posts or runs a slash
//     command, pgup/pgdn scroll. With Options.Mouse a click on a tab
//     opens it and the wheel scrolls. The help line lists the view's
//     keys, then esc (or the digits: "1-5 go to view", counted from the
//     registry), tab and the quit key, which always stay:
//     a narrow terminal drops the view's keys from the end.
//
// # Layout
//
// The frame is the tab bar (tabs, then "anynet · SELF" at the right;
// on a narrow terminal the tabs shorten to "[1 Net]", then, with the
// title shortened to "anynet", to the keys alone beside the current
// view's "[1 Net]", then to the keys alone, before anything is cut; ten
// views fit 60 columns), the view, the status line and the help line. Network shrinks
// its identity and traffic sections and drops the blank lines on a short
// terminal so that peers and routes stay in view; its tables drop their
// least useful columns (endpoint, RTT, messages; a route's next hop)
// rather than cut one. Goldens at 60x20, 80x24 and 200x50 hold every
// view (sizes_test.go).
//
// Throughput is the difference of successive byte counters divided by the
// refresh period, drawn with block characters (sparkline.go).
//
// Styles come from one lipgloss renderer per model (styles.go), so tests
// render without colour and without touching lipgloss's global state.
// Below 40x8 the TUI draws one line saying the terminal is too small.
package tui
