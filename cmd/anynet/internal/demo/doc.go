// Package demo runs a small anynet network in one process: the job of
// `anynet demo`.
//
// One embedded chain (contracts deployed on its first start) is shared by
// every member. A router, r1, starts first: a daemon in the router role
// originating the subnet 2a.1/128. Each member is a full daemon (package
// daemon) on its own UDP loopback socket, a host attached to r1 with the
// locator its node key gets in r1's subnet: it publishes its node key,
// binding, endpoint and locator in its wallet's DID document and claims
// its name (alice.anynet, …). No member knows another's address: alice
// reaches bob by name, through the chain, which gives bob's locator; as
// both are attached hosts, alice's frames go to r1, which forwards them
// to bob without opening them (package stack, routing.go). The narration
// says, per exchange, whether r1's forwarded-frame count grew. Every member but alice runs a chat bot that answers each message;
// alice pings each member and chats with it, and the demo prints what
// happens (or hands alice to the TUI).
package demo
