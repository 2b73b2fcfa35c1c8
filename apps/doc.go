// Package apps holds the services that run on an anynet node (instant
// messaging, mail, CDN, file transfer, VPN exit, message queues,
// payments), one sub-package each. Every service has one shape
// (apps/service): a protocol core with no I/O that takes inputs and
// returns effects, a store it writes through (pebble on nodes, memory in
// tests and the simulator), the host interface it takes instead of
// *stack.Node, and the shared runtime that drives a core on a node
// (apps/internal/runner); the simulator (sim) drives the same core.
//
// # Services, ports and DID service entries
//
// Each service listens on a well-known port of the node's identity
// address and is found through a did:ethr service entry
// (did/svc/<type>) of the wallet's DID document. Keep this table current
// when a service is added.
//
//	service   package   ports                      DID service entries (type = value)
//	im        apps/im   tcp 5222 (messages),       AnynetIMKey = "<64 hex: X25519 seal key>"
//	                    udp 5223 (calls)           AnynetMailbox = "<0x wallet or name of the mailbox node>"
//	mail      apps/mail tcp 25 (node to node),     AnynetMail = "seal:<64 hex: X25519 mail key>"
//	                    SMTP, IMAP gateways on     (its mailbox is the wallet's AnynetMailbox, as for im)
//	                    loopback (mail.smtp, .imap)
//	pay       apps/pay  tcp 402                    AnynetPay = "eip155:<chain id>:<0x PaymentChannels address>"
//	content   apps/content tcp 4100 (blobs),       AnynetContent = "port:4100"
//	                    tcp 80 (live sites)
//	vpn       apps/vpn  tcp 1080 (tunnels: TCP      AnynetExit = "v=1 region=<text> price=<text> policy=<summary>"
//	                    and UDP as datagrams)
//	mq        apps/mq   tcp 4222 (NATS, JetStream) AnynetMQ = "nats:4222"
//	                    tcp 4223 (queue cores: mq.Core)
//	                    tcp 6222 (cluster routes, members only)
//	                    loopback 127.0.0.1:4222 (gateway for NATS clients)
//	relay     apps/relay tcp 4300 (flows,          AnynetRelay = "<role> eip155:<chain id>:<0x RelayCredits>[ fee=<bps>]"
//	                    receipts, probes),         (one entry per role the node takes)
//	                    tcp 4301 (a Guardian's
//	                    published evidence)
//	stream    apps/stream tcp 4200 (relay tree), AnynetStream = "port:4200"
//	                    tcp 4201 (WebRTC media down the tree),
//	                    HLS-PUT and WHIP ingest on loopback,
//	                    /live/ (HLS, WHEP) on the HTTP gateway
//
// apps/im: instant messaging between wallets — 1:1 with delivery and
// read receipts, edits and reactions, consent (requests, allow, deny,
// block), per-sender rate limits, offline delivery sealed through
// mailbox nodes, private groups with a key rotated on every membership
// change, public communities, chunked resumable attachments; calls; its
// 1:1 protocol is also a sans-I/O core (im.Core).
//
// apps/mail: mail between wallets — RFC 5322 messages sealed to the
// recipient's key, stored and forwarded to its node or held by its
// mailbox node while it is offline; Delivered only on the recipient
// node's receipt, delay notices and RFC 3464 bounces; folders, flags,
// consent (Requests), per-sender limits; a sans-I/O core (mail.Core)
// that the simulator runs; SMTP submission and IMAP (with IDLE)
// gateways for standard clients.
//
// apps/pay: payments over a connection — signed transfers (ether,
// ERC-20) the payee submits, with receipts; unidirectional payment
// channels (naming/contracts/PaymentChannels) with EIP-712 cumulative
// vouchers in-band, acknowledged after a synced store; invoices paid only
// with the payer's consent; budgets per peer and per app; a metering
// hook (Meter, Tally) for services that charge per byte or request; an
// x402 adapter for HTTP settled by vouchers. Its protocol is a sans-I/O
// core (pay.Core) run by pay.Service on nodes and by the simulator's
// "pay" workload.
//
// apps/content: verified blobs (BLAKE3 IDs, Bao slices in 16 KiB
// groups, CIDv1 form), FTP-like shares listed and fetched by wallet,
// downloads from several providers at once that drop a provider caught
// serving bad bytes, resume across restarts, mirrors announced to the
// publisher, and the web by name (an HTTP proxy for NAME.anynet and
// ServeSite with the caller's verified wallet in a header); a sans-I/O
// core on the shared runner.
// apps/vpn: exits — nodes that dial the destinations their clients ask
// for with ordinary sockets (TCP, UDP, names resolved at the exit),
// under a policy safe by default (no loopback, private, link-local,
// metadata or own networks), with per-wallet rate and byte limits; a
// client that fails over between exits and serves SOCKS5 and an HTTP
// proxy on one loopback port; per-session byte counters for payments.
// Its admission (gate.go) is sans-I/O but not a service.Core: tunnels
// are bulk bytes copied by the runtime.
//
// apps/mq: message queues between wallets — an embedded nats-server
// with JetStream served to verified wallets over the overlay (wallets
// are the engine's users, the owner's grants their permissions): durable
// streams, consumer groups, acks, nak, term, backoff, de-duplication,
// delayed messages, replay; a dead-letter stream; a loopback gateway
// (with a password) through which standard NATS clients reach any
// wallet's queues; replicated clusters of wallets that agree. The
// engine has its own goroutines and clock, so the overlay layer is a
// sans-I/O core (mq.Core: policy, outbox, resends) over an engine
// interface: nodes run it in the shared runner over the embedded engine
// (mq.Service; `anynet mq pub/fetch --host` use it), the simulator over
// mq.MemEngine, a deterministic JetStream subset that
// TestEngineConformance checks against the real engine. Standard NATS
// clients keep the NATS protocol to the engine.
//
// apps/relay: relay incentives — endpoints sign cumulative receipts for
// the bytes Edges deliver to them, WatchDogs probe Edges with
// ordinary-looking echoed flows and sign the results, Guardians score
// each epoch with a public formula (integer arithmetic, order-free: it
// recomputes bit for bit) and post one Merkle commitment of credits to
// naming/contracts/RelayCredits, where each Edge claims with a proof; a
// sans-I/O core that the simulator's "relay" workload runs and that
// relay.Service runs on a node (roles from relay.role; anynet relay
// status, score EPOCH, claim EPOCH; the TUI's Relay view).
//
// apps/stream: live streams — ffmpeg pushes HLS over HTTP PUT to a
// loopback ingest; segments are BLAKE3 blobs listed by a playlist the
// publisher's wallet signs; relays form a fan-out tree (capacity
// reported to the origin, failed relays replaced without a round trip to
// the origin, bad bytes caught by the hash); players watch
// http://NAME.anynet/live/<stream>/index.m3u8 through the gateway (LL-HLS
// when published in parts); streams gated to wallets or a token's
// holders; recordings as content collections; a sans-I/O core the
// simulator runs at thousands of viewers. WebRTC encoders publish by
// WHIP and players watch by WHEP (/live/<stream>/whep), the RTP carried
// down the same tree.
//
// The other services are tracked in the project's issues.
package apps
