// Package mq is message queues between wallets: each node embeds a NATS
// server with JetStream (github.com/nats-io/nats-server/v2) and serves
// it to verified wallets over the overlay, so durable streams, consumer
// groups, acks and redelivery, de-duplication and replay are the
// engine's own, and the standard NATS clients (nats.go, the nats CLI)
// work unchanged.
//
// # Why an engine, not a home-made log
//
// The issue (20) asks for JetStream's semantics: at-least-once delivery
// with a de-duplication window on message ids, expected-last-sequence
// checks, AckWait, MaxDeliver, BackOff, retention by limits, interest or
// work queue, scheduled (delayed) messages, ordered replay from a
// sequence or a time. nats-server has them, embeds in a Go process
// (Options.DontListen and Server.InProcessConn) and its clients exist
// for every language; this package adds only what the overlay needs:
// who a client is, and how its bytes get there.
//
// # Ports and the DID service entry
//
// A node serves its queues on overlay TCP Port (4222, NATS's own) of its
// identity address to NATS clients, and on CorePort (4223) to other
// nodes' queue cores (see "The queue core"). Its DID document carries the service entry
// AnynetMQ = "nats:4222" (did/svc/AnynetMQ). On loopback, the node's
// Gateway (DefaultGatewayAddr, 127.0.0.1:4222) lets local standard
// clients with its password reach any wallet's queues. A cluster's
// members reach each other on ClusterPort (6222).
//
// A node may run its queues as a Lazy: the overlay port listens from the
// start and the engine starts with the first connection or the owner's
// first call (the daemon also starts it at once when HasStreams says
// its directory holds streams of the owner's, whose schedules and
// expiry run in the engine, and when the node is a cluster's member:
// routes and ClusterPort need the engine). The gateway checks its
// password before it hands a client to a Lazy, so a client without it
// starts nothing. An idle engine wakes its process about
// eleven times a second (its access-time clock, statistics and
// rate-limit timers); a node that does not use queues is spared them.
//
// # Who a client is
//
// The engine authenticates clients with a custom authenticator
// (walletAuth). On the overlay port the client is the wallet the
// overlay verified (Noise handshake bound to the wallet's DID keys):
// ServeConn passes the engine's INFO line to the client, reads the
// client's CONNECT line, removes every credential field from it
// ("user", "pass", "auth_token", "jwt", "nkey", "sig", compared
// case-folded) and appends
//
//	"user":"<0x wallet, EIP-55>","pass":"<hex HMAC-SHA256(run key, wallet's 20 bytes)>"
//
// as the object's last fields; the run key is random per server start,
// known only to this process. Everything after the CONNECT line is
// copied unchanged both ways. The authenticator accepts a user whose
// password is its MAC and gives it permissions: the owner (the node's
// wallet) every right; another wallet its Grant from the owner's Policy
// (subjects it may publish to, streams it may consume), or the policy's
// Anyone grant, else the connection is refused with the engine's
// "Authorization Violation". Each wallet other than the owner holds at
// most MaxConnsPerWallet connections; the engine caps message size
// (Config.MaxPayload, 1 MiB by default) and its own limits apply.
//
// Test vectors (connect_test.go, TestRewriteConnectVectors): the client
// line
//
//	CONNECT {"verbose":false,"pedantic":false,"user":"alice.anynet","pass":"pw","lang":"go","version":"1.56.0","protocol":1,"headers":true}
//
// for wallet 0x00…b0 with MAC "mac" becomes
//
//	CONNECT {"headers":true,"lang":"go","pedantic":false,"protocol":1,"verbose":false,"version":"1.56.0","user":"0x00000000000000000000000000000000000000b0","pass":"mac"}
//
// # The gateway: subjects scoped by wallet or name
//
// Each wallet's node holds its own subjects and streams; a client picks
// whose by naming the host as its URL's user, with the gateway's
// password: nats://alice.anynet:PASSWORD@127.0.0.1:4222 (or a 0x…
// wallet; an empty user, or the password alone as a token,
// nats://PASSWORD@127.0.0.1:4222, means this node). The password is
// random per node, kept in <node dir>/mq/gateway-password (mode 0600;
// GatewayPassword), and shown to the node's user by `anynet mq url`;
// without it a client gets the engine's "Authorization Violation", as
// any process on the machine could otherwise act as the node's wallet.
// The gateway greets the client with its own INFO line, reads its
// CONNECT, takes the host and password from "user" and "pass" (or the
// password from "auth_token", where clients put a URL user with no
// password), checks the password, dials the host's Port over the
// overlay, drops the host's INFO line, forwards the CONNECT
// (credentials removed: the host fills in this node's wallet) and then
// copies bytes.
//
// # Semantics (the engine's, and what this package adds)
//
//   - publish with ids (Nats-Msg-Id) and a de-duplication window per
//     stream (Duplicates); expected-last-sequence checks;
//   - durable streams with retention by limits, interest or work queue;
//   - consumers with ack, nak (with a delay), term, in-progress; AckWait,
//     MaxDeliver, BackOff; durable pull consumers shared by several
//     clients are consumer groups (work sharing), several consumers on
//     one stream are fan-out;
//   - delayed delivery: a stream with AllowMsgSchedules takes a message
//     with "Nats-Schedule: @at <RFC 3339>" and "Nats-Schedule-Target:
//     <subject>" and publishes it to the target at that time. The
//     schedule is itself a message of the stream: StreamSpec.Delayed
//     gives it subjects of its own, mq.schedule.<stream>.> (a grant to
//     publish to S also grants mq.schedule.*.S), so that consumers
//     filtered on the stream's other subjects see a delayed message once;
//   - replay from a sequence or a time (DeliverByStartSequence,
//     DeliverByStartTime, ordered consumers);
//   - a dead-letter stream (DeadLetterStream, "DLQ", subjects
//     "dlq.<stream>.<consumer>") that this package adds: the engine's
//     max-deliveries and termination advisories are captured by a stream
//     (AdvisoryStream) and a worker copies each advised message there,
//     once (Nats-Msg-Id "dlq:<stream>:<consumer>:<seq>"), with headers
//     Anynet-Dlq-Stream, -Consumer, -Seq, -Subject, -Deliveries and
//     -Reason ("max_deliveries" or "terminated[: reason]"). The engine
//     advises a spent MaxDeliver when it would deliver the message again,
//     that is when a pull for the consumer is waiting.
//   - ACLs by wallet: Policy.
//
// # Durability
//
// The engine writes a stream's messages to its files (Config.Dir,
// default <node dir>/mq) before it acknowledges the publish, so a
// process killed with SIGKILL loses no acknowledged message
// (TestCrashKill9); Config.SyncAlways adds an fsync per write, for power
// loss. Consumer acks are flushed in the background: after a kill, some
// acked messages come again, and consumers that skip ids they processed
// see each message once.
//
// # Clusters: replication across one wallet's nodes, or wallets that agree
//
// The nodes of the wallets that agree (each lists the others in
// Config.Cluster, ClusterConfig.Members; a node may list its own wallet,
// whose other nodes are then members) form one JetStream cluster, so a
// stream with Replicas: 3 keeps a copy on three members and survives the
// loss of one (Raft, the engine's own). Every node of a member wallet is
// a member: the nodes come from the wallet's DID document
// (stack.Node.LookupInstances), each reached at its instance address
// (package stack, "Instances"), which names one node where the wallet's
// identity address names whichever is nearest; so the nodes of ONE
// wallet cluster by themselves. Nodes found later (every
// ClusterDiscoverEvery) get a route by a reload of the engine's options;
// a node that finds no other node of its wallet at start routes to
// whichever answers first (the engine needs one route to start
// clustered). Each engine is named after its wallet and its instance
// address. nats-server dials its routes by URL and has no custom dialer
// for them, so each member's engine listens for routes on a loopback
// port only, and:
//
//   - for each other member node, a loopback forwarder (a listener on
//     127.0.0.1:0) is one of the engine's route URLs; the engine's route
//     CONNECT there must carry this node's route credentials (its wallet
//     and its route MAC, a secret of the process), which the forwarder
//     checks and removes before it dials the node's ClusterPort (6222)
//     over the overlay, at its instance address, and copies bytes;
//   - on ClusterPort, a connection from a wallet that is not a member is
//     closed before any byte; a member's route CONNECT gets the member's
//     verified wallet and the route MAC of it (HMAC-SHA256 of the run
//     key, "route\x00" and the wallet's 20 bytes) as its user and
//     password, and the engine's route authenticator
//     (CustomRouterAuthentication) accepts only a member with its MAC.
//
// Route addresses are not gossiped to clients (NoAdvertise) and each
// pair of members keeps one route (no pool). A member's wallet has the
// owner's rights on every member; each member keeps its own policy for
// other wallets. In a cluster the engine also listens for clients on a
// loopback port nobody is told of (the engine starts routing only once
// its client listener is up), where a client still needs a wallet's MAC.
// The package's own streams (the dead letters and advisories) keep
// min(3, members) copies; every member's dead-letter worker shares one
// durable consumer. TestClusterSurvivesNodeLoss (three wallets) and
// TestOneWalletCluster (three nodes of one wallet) take the node leading
// a three-replica stream off the network while a client publishes and
// consumes through another member: nothing acknowledged is lost;
// cmd/anynet's TestMQClusterKill9 does it with three `anynet up`
// processes of one wallet and SIGKILL, and restarts the killed one,
// which rejoins.
//
// # The queue core: one path for nodes and the simulator
//
// nats-server keeps the wall clock and goroutines of its own, so the
// simulator cannot run it in virtual time. The part of this package
// that has state, Core, is a service core (service.Core) over an
// interface to the engine (Engine), and both real nodes and the
// simulator run it:
//
//   - Core is the overlay layer: a client is the wallet the overlay
//     verified; the owner's Policy (the Grant that also becomes the
//     engine's permissions for NATS clients) decides what it may publish
//     and consume; a client keeps each publish in its store (the outbox)
//     until the host answers and sends it again, with the same id, after
//     a Down (DownRetry), a restart or RetryAfter; a publish without an
//     id gets one (wallet, the store's epoch, request number). A fetch
//     for a consumer the host lacks makes it (a durable pull consumer
//     of the stream's own subjects), as a NATS client does. Its frames
//     (wire.go, vectors, FuzzDecodeFrame) travel on CorePort (4223).
//   - On a node, Service runs Core in the shared runner
//     (apps/internal/runner) on CorePort over the node's engine
//     (Lazy.Engine: a NATSEngine, started on first use, whose fetches do
//     not wait). `anynet mq pub/fetch --host WALLET` go through it: a
//     publish the host does not answer within --wait is reported
//     queued and stays in the outbox (a synced Pebble, DIR/mq/policy,
//     shared with the policy) until the host takes it, across both
//     nodes' restarts; `anynet mq status` lists the outbox and counts
//     the publishes other wallets made through the core.
//     TestServiceOverNATSEngine (real stacks, Noise, the embedded
//     chain: refused then granted, ids, ack, nak, term into the
//     dead-letter stream, the outbox across a restart) and cmd/anynet's
//     TestMQOutbox (three `anynet up` processes, the host SIGKILLed, a
//     publish queued, the publisher SIGKILLed, both back: stored once).
//   - In the simulator (sim/mq.go) Core runs over MemEngine, a
//     deterministic subset of JetStream (streams by subject with a
//     de-duplication window on ids; durable pull consumers with
//     AckWait, BackOff, a start sequence, ack, nak with a delay or
//     none, term, MaxDeliver; dead letters), written through the node's
//     store so that a crash loses nothing it acknowledged.
//     TestEngineConformance runs one table of steps against MemEngine
//     and NATSEngine (ids and the window, also across a restart; ack,
//     nak with and without a delay, term; redelivery after AckWait and
//     after each BackOff step; MaxDeliver into the dead letters; replay
//     from a sequence).
//
// The workload (sim/mq.go; TestMQSmall: 60 nodes, 2,000 messages, loss,
// crashes of every queue host and consumer) checks: no id stored twice
// and one sequence per id; per-subject order; no redelivery sooner than
// AckWait; every acknowledged publish processed or dead-lettered, every
// poison one dead-lettered; the policy refuses what it does not grant.
// TestMQLostMessageCaught shows the checks fail when hosts forget.
//
// # Why the NATS path stays beside the core
//
// Standard NATS clients (nats.go, the nats CLI, on the gateway or the
// overlay Port) speak the NATS protocol, which carries headers, push
// subscriptions, the JetStream API and request/reply that Core's five
// frames do not, so they keep Server.ServeConn (the engine behind the
// same Policy); the cluster's routes are the engine's own. Core and the
// NATS path meet in the engine: a stream holds what either stored, and
// a consumer serves either. What the core does not carry, and so stays
// on the NATS path: delayed publishes (`anynet mq pub --at/--in`, which
// need the schedule headers), headers in general, push consumers, and
// the owner's own calls on its node (in process). Engine-only semantics,
// outside MemEngine and so outside the simulator: interest and
// work-queue retention, limits other than the window, delayed
// messages, replay by time, replicas (the real engine's tests cover
// them: TestBobConsumesAliceStream, TestNatsCLI, retention_test.go,
// TestClusterSurvivesNodeLoss, cmd/anynet's TestMQClusterKill9 and
// TestMQCrashKill9Node).
package mq
