// Package demo runs a small anynet network in one process: the job of
// `anynet demo`.
//
// One embedded chain (contracts deployed on its first start) is shared by
// every member. Each member is a full daemon (package daemon) on its own
// UDP loopback socket: it publishes its node key, binding and endpoint in
// its wallet's DID document and claims its name (alice.anynet, …). No
// member knows another's address: alice reaches bob by name, through the
// chain. Every member but alice runs a chat bot that answers each message;
// alice pings each member and chats with it, and the demo prints what
// happens (or hands alice to the TUI).
package demo
