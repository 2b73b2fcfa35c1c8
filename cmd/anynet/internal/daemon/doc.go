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
//     node key gets in the router's subnet; then the node comes up on its
//     UDP listen address;
//  6. the echo responder (UDP port 7), the chat service (TCP 5222) and the
//     control socket (DIR/control.sock) start;
//  7. a publisher writes the node key, binding, underlay endpoint (and
//     locator and routers, when routed) to the
//     wallet's DID document and claims the configured name, retrying while
//     that fails and republishing daily. On a remote chain it first tops
//     a wallet holding less than half of naming.DefaultFunding up from the
//     chain's faucet (naming.Remote.Fund, served by another anynet
//     process's embedded chain); a chain without one (naming.ErrNoFaucet)
//     leaves an empty wallet unpublished, with a hint in the log.
//
// Close undoes these in reverse order. Daemon implements control.Backend
// (backend.go), control.ChatBackend (chat.go: consent, attachments,
// groups) and control.CommunityBackend (community.go: communities,
// calls); ChainOnly is the backend of `anynet chain serve`.
//
// The stack exposes no session table, so Peers lists the static peers and
// the wallets this node resolved, pinged or chatted with. Chat names are
// resolved here (im resolves only through Node.Resolver, and the chain's
// resolver lives in Node.Names).
package daemon
