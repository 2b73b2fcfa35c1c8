// Package demo runs a small anynet network in one process: the job of
// `anynet demo`.
//
// One embedded chain (contracts deployed on its first start) is shared by
// every member. Two routers start first, r1 and r2: daemons in the router
// role originating the subnets 2a.1/128 and 2b.1/128, two segments. They
// are not neighbors: each router's wallet holds its subnet's network pass
// (minted by the chain's deployer, as local chains allow) and publishes
// its UDP endpoint in it. Each member is a full daemon (package daemon)
// on its own UDP loopback socket, a host attached to r1 or r2 in turn
// (alice, carol, … to r1; bob, dave, … to r2) with the locator its node
// key gets in that subnet: it publishes its node key, binding, endpoint
// and locator in its wallet's DID document and claims its name
// (alice.anynet, …). No member knows another's address: alice reaches
// bob by name, through the chain, which gives bob's locator; alice's
// frames go to r1, which has no route to 2b, finds r2 from the pass that
// holds bob's locator and tunnels them to it, and r2 forwards them to bob
// — neither router opens them (packages stack and link). alice and
// carol, both r1's, start through r1, which then has them punch a direct
// path (link, "NAT traversal"); alice and bob, whose routers share no
// route, trade their addresses end to end and punch as well. The
// narration says, per exchange, which
// routers' forwarded-frame counts grew, or that the path is direct. Every
// member but alice runs a chat bot that answers each message; alice
// pings each member and chats with it, and the demo prints what happens
// (or hands alice to the TUI).
package demo
