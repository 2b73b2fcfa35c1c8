// Package daemon runs one anynet node for `anynet up` and for each member
// of `anynet demo`: the wallet from the keystore, the chain (embedded, or
// another process's over JSON-RPC), the stack.Node, its entry in the DID
// document and its name on chain, a UDP echo responder for ping, the chat
// service, and the control API that the CLI verbs talk to.
//
// # Start, in order
//
//  1. the data directory must exist (`anynet init` makes it);
//  2. the wallet is unlocked from DIR/keystore (or given, in the demo);
//  3. the chain opens: the embedded one in DIR/chain (served on loopback
//     with ServeChain), or the RPC URL, whose contracts are discovered;
//  4. the wallet is funded from the embedded chain's dev account (on a
//     remote chain, by the publisher, step 7);
//  5. the node's routing is set (routing.go): a router with route-prefix,
//     else a host attached to `routers` (their node keys and subnets read
//     from their DID documents, or Options.Routers), at the locator its
//     node key gets in the router's subnet, punching direct paths unless
//     punch is false; then the node comes up on its UDP listen address;
//  6. the echo responder (UDP port 7), the chat service (TCP 5222), the
//     payment service (TCP 402, pay.go: over the dev deployment of the
//     payment contracts, which the first node on a test chain deploys;
//     its pebble store in DIR/pay; a node minting itself test tokens
//     when it holds none; without a faucet to fund that deployment the
//     node runs with payments off) and the control socket
//     (DIR/control.sock) start;
//  7. a publisher writes the node key, binding, underlay endpoint (and
//     locator and routers, when routed), the chat key and the payment
//     entry (AnynetPay) to the
//     wallet's DID document and claims the configured name, retrying while
//     that fails and republishing daily. On a remote chain it first tops
//     a wallet holding less than half of naming.DefaultFunding up from the
//     chain's faucet (naming.Remote.Fund, served by another anynet
//     process's embedded chain); a chain without one (naming.ErrNoFaucet)
//     leaves an empty wallet unpublished, with a hint in the log.
//  8. a router (route-prefix P) reads the network pass for exactly P
//     (routerpass.go): if its wallet holds it, it writes its published
//     underlay endpoint (publish-addr, else the listener's) as the pass's
//     router, once, retrying while the chain fails, so routers of other
//     segments find it and tunnel to it (stack/tunnel.go); if not, it
//     logs that they cannot find it and how to get the pass, and runs on.
//
// Close undoes these in reverse order. Daemon implements control.Backend
// (backend.go), control.ChatBackend (chat.go: consent, attachments,
// groups), control.CommunityBackend (community.go: communities,
// calls), control.PayBackend (pay.go: transfers, channels, invoices with
// consent, budgets, the wallet) and control.PassBackend (passes.go: network passes, each write
// checked on chain first so that a refusal names the holder, the
// overlapping pass or the parent; reverts that still happen are mapped
// from the contract's reason to control.ErrRefused). Root passes are
// minted with the key of the passes contract's admin: the embedded
// chain's dev account on a node that embeds the chain (its deployer), or
// the node's wallet if it is the admin; any other node is refused with
// control.ErrUnsupported. Minting with the dev account may race the
// chain's faucet for the dev account's nonce; a mint that lost its nonce
// is sent again (up to three times). ChainOnly is the backend of `anynet chain serve`; it holds
// the dev account too, so it shows passes and mints them for a holder
// named with --to (chainonly_passes.go).
//
// The daemon's exported surface is one method per action: the control
// API's (Status, Peers, ChatSend …), Events (events.go: a journal of
// peers met, paths turning direct or relayed, chat messages, receipts,
// posts, download progress and the node's own reports, which GET
// /v1/events streams), and lifecycle and test helpers (Start, Close,
// Wallet, Ready, Attached, RouterInfo, Announced, LinkStats). There is
// no way around it to the node or the chat service: the TUI and the
// demo's bots use the same methods, the TUI over the control socket.
//
// Peers lists the static peers, the wallets this node resolved, pinged or
// chatted with, and every wallet of the node's session table
// (stack.Node.PeerStates: up or not, bytes each way, last activity);
// sessions coming up and going down and paths changing are journaled as
// the node reports them (stack.Node.WatchPeers), with no polling. Chat names are
// resolved here (im resolves only through Node.Resolver, and the chain's
// resolver lives in Node.Names).
package daemon
