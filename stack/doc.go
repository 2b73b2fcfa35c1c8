// Package stack is an anynet node: a userspace gVisor IPv6 netstack whose
// packets travel sealed between wallets, with Dial, Listen and
// ListenPacket shaped like package net.
//
// # How data flows
//
// An application dials "0x<wallet>:port" (or a name, through a Resolver).
// The node turns the wallet into its identity address (fd00::/8 followed
// by the first 15 bytes of the wallet) and opens a gVisor TCP or UDP
// endpoint to it. The netstack's packets go to the overlay link endpoint
// (package link), which seals them with a Noise session bound to the
// peer's wallet (package transport) and sends them over the underlay
// (UDP sockets by default, memory in tests). The far node opens the frame,
// checks that the inner source address belongs to the wallet the session
// authenticated, and injects the packet into its netstack.
//
// Every connection therefore knows the verified wallet at its other end:
// RemoteAddr returns an *Addr holding it, and WhoIs / PeerOf look it up
// for any address of the node's connections.
//
// # Names
//
// With Node.Names set (a naming client: naming.OpenEmbedded for the
// embedded chain, naming.Connect for any JSON-RPC endpoint), names and
// wallets without a static peer resolve on chain (name → wallet → DID
// document → node key and underlay endpoint), every peer's node key must
// be valid in its wallet's DID document, and Publish writes the node's
// own entry. See names.go for the steps. A key revoked while a session
// with it is live is cut within KeyCheckInterval (revoke.go); in the
// same round, a router link that is down follows the endpoint its
// router's DID document publishes now (routers_moved.go). A router
// with Names finds other segments' routers from the network passes
// (tunnel.go). A host attached to routers
// (Node.Routing) reaches a peer that publishes a locator through its
// router instead of at its underlay endpoint; see routing.go for the rule.
// A host with several networks has Node.NICs: one underlay and routing
// attachment per NIC, one locator each (Node.Locators), all published
// with their endpoints (Node.Endpoints); a routed peer resolving it
// picks the locator nearest its own (nics.go).
//
// # Anycast
//
// Several nodes may serve one wallet, each with its own node key: as
// several static Peers of one wallet (each with its NodeKey), or found
// in the wallet's DID document, which lists each node's key with its
// endpoint (every instance Publishes its own). The node then sends each
// flow to the nearest live instance, keeps it there and fails over when
// an instance stops answering (anycast.go; package link, "Anycast").
//
// # Instances
//
// To reach one particular node of a wallet — the replicas of one wallet
// talking to each other, where dialing the wallet would stay on the
// dialer — every node also holds an instance address (InstanceAddr:
// fc00::/8 and a hash of wallet and node key; package link, "Instance
// addresses"). LookupInstances lists a wallet's nodes (its own
// included) from the static peers, the Resolver or the DID document,
// AddInstance adds one, and Dial "[instance address]:port" reaches that
// node only, from the dialer's own instance address; Addr.Instance says
// which node each end is (instance.go).
//
// # Lifecycle
//
// A Node is configured through its exported fields (each documents its
// default; the zero value works) and started by Up, or lazily by the first
// Dial, Listen or ListenPacket. Close stops the netstack, the timers and
// the underlay and leaves no goroutine behind.
//
// # TCP
//
// See TCPConfig for the options chosen (SACK, receive-buffer moderation,
// CUBIC) and the per-connection buffer cap that a simulator lowers.
package stack
