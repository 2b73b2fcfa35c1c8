// Package sim is anynet's deterministic simulator: thousands of real
// nodes (package stack: gVisor netstack, link endpoint, Noise sessions)
// in one process over a simulated network, in virtual time, so that the
// same scenario and seed always give the same run, byte for byte.
//
// # Using it
//
//	sc, _ := sim.LoadScenario("sim/scenarios/star.yaml")
//	s, _ := sim.New(ctx, sc, sim.Options{Seed: 42})
//	defer s.Close()
//	res, err := s.Run(ctx)  // err: an *InvariantError names the seed
//	res.Summary(os.Stdout)  // ends with "trace-hash: <hex>"
//	res.WriteReport("out")  // index.html, latency.svg, throughput.svg
//
// The command is "anynet sim run FILE [--seed N] [--nodes N] [--out DIR]".
// Scenario files (scenario.go, examples in sim/scenarios) give the node
// count, the topology (a generator — star, tree, geometric,
// transit-stub — and link classes: latency, jitter, bandwidth, loss,
// MTU, queue), overlay routers per segment (routing), the workload
// (transfers, lookups, IM messages, joins and leaves), the faults (loss,
// link down, crash and restart, partition and heal), the duration and
// the seed.
//
// # How a run is deterministic
//
// One goroutine runs everything, off one event heap ordered by (virtual
// time, kind, source node, per-source sequence) — a total order that does
// not depend on the Go scheduler (event.go). Kinds at one instant: faults,
// frame deliveries, netstack timers, transport ticks, tasks.
//
//   - Time: every node incarnation has its own Clock (clock.go), a
//     tcpip.Clock whose timers are heap events; timers due at one instant
//     fire in the order they were set, and their callbacks run on the run's
//     goroutine. stack.Node.Now (bindings, transport, link) reads the same
//     virtual time. The clock, the netstack's RandSource and the manual
//     tick reach the node through internal/nodehook (in the context given
//     to Node.Up), not through its public fields. The link endpoint runs
//     with no ticker: the simulator calls Link.Tick at the time
//     transport.Sessions.NextDeadline names.
//   - Randomness: each node has seeded streams, split by purpose and
//     incarnation (rand.go): the wallet key and node key, the transport's
//     Rand (ephemeral keys, indexes), the netstack's SecureRNG and
//     RandSource, the network's loss and jitter draws, and the IM
//     workload's message IDs, seal keys and seal nonces. Nothing reads
//     crypto/rand or the wall clock; the simulator iterates no Go map.
//   - Goroutines: gVisor runs TCP work on processor goroutines. After
//     every event the touched node is settled (Sim.settle): Stack.Pause
//     returns only once each processor has emptied its queue, so all work
//     the event caused is done — and its frames booked — before virtual
//     time moves. One event touches one node, and within it one TCP
//     endpoint, so frames are booked in a fixed order.
//   - Applications: workload tasks (workload.go) use the netstack's
//     non-blocking endpoints from the run's goroutine, polled after every
//     event on their node, never goroutines or gonet.
//
// Every frame delivered or dropped goes into a SHA-256 trace hash with
// its virtual time, endpoints, drop reason and bytes (sim.go); the
// determinism test runs 200 nodes twice and compares,
// TestNamesResolveAndConnect does the same for 100 nodes with naming
// and crashes, and TestRoutedDeterminism for the routed scenarios, with
// a router crash, joins and leaves.
//
// # The network
//
// Hosts hang off segments by access links (class "access", 100 Mbps
// and 1 ms by default); segments are joined by core links ("core";
// "transit" between the transit segments of transit-stub); overlay
// routers hang off theirs by "router" links, 10 Gbps and 100 µs by
// default, because routers are data-centre nodes that carry a
// segment's traffic both ways (scenario "classes: {router: {latency:
// 100us, bandwidth: 10Gbps, mtu: 1500, queue: 4MiB}}"). A frame follows
// the lowest-latency segment path (network.go).
// Each hop has a FIFO transmitter (bandwidth, tail drop beyond its queue),
// latency plus uniform jitter, loss and an MTU. The path is chosen when
// the frame is sent; every hop after the first is an event, so queues see
// frames in arrival order. Drop reasons: loss,
// queue, mtu, link-down, partition, node-down, no-route.
//
// Without overlay routing every node reaches the others directly
// through the underlay. A task finds its destination by name on the
// chain when the scenario has naming (below), else it adds the
// destination as a static peer before it connects.
//
// # Overlay routing
//
// With "routing: {enabled: true, advert: 1s, hold: 3s}" (routing.go)
// node i of the first Topology.Segments nodes is segment i's overlay
// router: a link.RoleRouter with locator.Assign's locator in, and
// originating, the segment's subnet (segment field i+1, subnet 1, a
// 128-bit prefix), whose neighbors (link.Routing.Routers) are the
// routers of the segments its core links join; transit segments of
// transit-stub get routers too. Every other node is a host of its
// segment (round robin over the segments with hosts) attached to that
// router at locator.Assign's locator, with hole punching off ("punch:
// true" lets routers pair hosts for direct paths, link's NAT
// traversal). Workloads
// run between hosts only and reach their destinations by locator
// (link.Endpoint.AddRoutedPeer as stack.Peer{Wallet, NodeKey,
// Locator}; with naming, hosts publish their locators and a lookup makes
// the routed peer): a frame crosses the source's router, the routers of
// the path-vector route, the destination's router. Routers keep no
// naming client, so they never look tunnels up. The underlay below
// still routes between segments, so a link-down fault cuts a router
// adjacency only when no other underlay path remains; a partition cuts
// it (hold timers expire, routes are withdrawn).
//
// The routers' adverts, the hosts' attaches and the hold timers run off
// link.Endpoint.Tick, which transport.Sessions.NextDeadline does not
// cover, so every node incarnation also ticks every Advert from its
// start. A router that crashes (crash fault, "routers: true" picks only
// routers, "hosts: true" only hosts) is not heard from; after Hold its
// neighbors withdraw its routes and the withdrawal spreads, frames for
// its segment are dropped "no-route" by the routers, which send
// unreachable frames that fail the senders' connection attempts; after
// its restart it readvertises and its hosts reattach. The summary
// counts, per router and over its incarnations, frames forwarded and
// dropped for no route or a spent hop limit, and the frames hosts sent
// to any node but their own router (zero: nothing bypasses the routers).
//
// A router's adverts that its link cannot send (a send error, such as a
// table too large for its control frames) fail the run, as every send
// error does (Invariants).
//
// # Joins and leaves
//
// The workload kinds "join" and "leave" (churn.go) take Nodes hosts, or
// Rate per second over Spread, drawn from the seed among the hosts that
// neither route, keep an IM mailbox nor churn already, at Start +
// Spread·i/count. The node count includes joiners: they are built (and
// registered, with naming) like every node but are down until their
// time, then come up as a restarted node does and take part in the other
// workloads (a message offered before is refused, a transfer waits). A
// leaver goes down for good (a crash fault never restarts it); every
// transfer and IM conversation from or to it that is not finished is
// abandoned — its connection dropped, never retried — and counted
// (TransfersAbandoned, IMAbandoned: accepted messages not delivered and
// messages offered afterwards for it) rather than failing the
// expectations.
//
// # Naming
//
// With "naming: {enabled: true}" (or a "resolve" workload) the run has a
// chain: go-ethereum's ethclient/simulated with the real contracts,
// deployed by naming.Deploy from a deployer whose key, like every
// wallet's, comes from the seed (names.go). Every node's wallet is funded
// at genesis; each node registers "n<id>.anynet" (registerWithConfig:
// owner and addr record its wallet) and publishes its DID document —
// node key, binding, underlay endpoint with the node key, as
// stack.Node.Publish writes them — signing its own four transactions,
// built by the naming client (RegisterCall, PublishCalls). Naming.Batch
// nodes (default 500, 2,000 transactions) go into one block: the
// simulator waits until the pool holds them all as executable, seals,
// and fails the run if any was left out or reverted, so each node's
// writes share one block whatever the timing. Registration happens
// before virtual time starts; its wall time is Result.NamingSetup.
//
// Block time: the simulated beacon seals at the wall clock's second or
// one second after the parent, whichever is later, so the chain runs
// ahead of any wall clock: genesis is a day before 2100-01-01, each
// setup block adds a second, a block at 2100-01-01 starts the run and
// one every Naming.Block (12s) keeps block time at 2100-01-01 plus the
// virtual time (AdjustTime). DID validity is judged against block time.
// Block hashes are not reproducible (the beacon draws prevRandao from
// crypto/rand); nothing the nodes read depends on them.
//
// Every node incarnation has its own naming client (its cache on the
// virtual clock, naming.Config.Now) as stack.Node.Names: handshakes
// check the peer's binding against its DID document on both sides, and
// lookups go through stack.Node.Lookup (name → wallet → DID document →
// node key and endpoint → link peer), on the run's goroutine. A lookup
// reads the chain when asked; its answer arrives Naming.RTT × (the chain
// round trips it made: calls, headers, log queries) later, so answers
// from the cache come at once. Binding checks during a handshake take
// no virtual time.
//
// The "resolve" workload (resolve.go): per_node, transfers (a count) or
// rate (per second over spread) lookups of a random other node's name,
// each followed by a transfer of bytes (default 64): handshake, message,
// acknowledgement. A missing share of lookups ask for unregistered names
// and must be answered naming.ErrNotFound. The summary counts names
// registered, lookups resolved, not found and failed (failed ones are
// asked again), and the lookup time.
//
// # Workloads
//
// Kinds (workloadKinds in workload.go): "tcp", bulk transfers
// (transfer.go, server.go); "resolve", lookups then transfers (above);
// "im", instant messages (im.go, service.go, below); "pay", payment
// channels (pay.go, below); "relay", relay incentives (relay.go,
// below); "mq", message queues (mq.go, below); "join" and "leave", hosts that come up late or go away for
// good (above).
//
// # Payments
//
// The "pay" workload runs apps/pay's core (pay.Core) on every host on
// pay.PaymentPort through the same driver: conversations channels
// (per_node: one from every host), messages payments over them in turn,
// a share cheat of the payees cheating (their ACKs claim more than they
// hold). The chain is a ledger in pay.go: every channel is on it from
// the start and the cores' chain queries are answered from it in the
// same step. Checked: no voucher accepted twice (a payee's vouchers rise
// strictly, each by its amount); nothing acknowledged lost (no ACK above
// what the payee holds, through its crashes, nor below an earlier one);
// balances conserve (at the end an honest payee holds exactly what its
// payer signed, and what it received sums to it); every cheating payee
// caught, no honest one accused. sim/scenarios/pay-1000.yaml runs it at
// 1,000 nodes with loss, crashes and cheaters.
//
// # Relay incentives
//
// The "relay" workload runs apps/relay's core (relay.Core) on every host
// on relay.RelayPort: a tenth of the hosts are Edges (a share cheat of
// them cheating in the four ways of relay.Cheater), ten are WatchDogs
// with a probe partner each, probing every Edge probes times an epoch
// (default 2), three are Guardians, the rest endpoints sending messages
// flows through random Edges; epoch sets the epoch's length. Edges relay at the service layer (frames over the
// service connections). In a routed run (routing: {enabled: true}) the
// overlay routers with hosts are Edges too, paid by the link receipts
// their hosts' link layers sign (relaylink.go: the hosts sample their
// link meter every second as relay.Service does, a share cheat of the
// routers cheats on the link path, and the routers' own meters are the
// ground truth; an honest router must be credited at least 80 % and at
// most 101 % of what it forwarded that arrived). Checked per
// settled epoch: every Guardian commits the same root; every cheater is
// detected or credited no more than it delivered; every honest Edge is
// "ok" and credited within 1 % of what truly reached endpoints through
// it. sim/scenarios/relay-1000.yaml runs it at 1,000 nodes.
//
// # Message queues
//
// The "mq" workload runs apps/mq's overlay core (mq.Core) on every host
// on mq.CorePort, the queue hosts (the destinations of conversations)
// with mq.MemEngine, the simulator's JetStream subset, which
// apps/mq's TestEngineConformance checks against the embedded
// nats-server. Producers publish messages with ids, one at a time per
// subject; two consumers per host share a durable consumer, leave a
// tenth of deliveries unacked and never ack a share cheat (poison); the
// workload crashes every queue host twice and every consumer once.
// Checked: no id stored twice, per-subject order, no redelivery before
// AckWait, every acknowledged publish processed or dead-lettered (the
// poison ones dead-lettered), the owner's policy refusing what it does
// not grant. sim/scenarios/mq-1000.yaml runs it at 1,000 nodes.
//
// # Instant messaging
//
// The "im" workload sends messages (a count) over conversations
// (sender → recipient pairs drawn from the seed; per_node: one from
// every node), in turn, each of bytes of text (default 64), offered at
// start + spread·i/messages; block and allow give recipients' consent
// decisions, read marks what is shown read, attach sends a share as
// files (downloaded by their recipients), groups adds private groups
// with a member removed halfway. Every host runs apps/im's protocol core
// (im.Core) on im.Port (5222) as a registered Service does (custom.go)
// through service.go's driver, the simulator's counterpart of
// apps/internal/runner: it listens, dials the wallets the core sends to,
// frames, turns the core's deadlines into events, publishes the cores'
// DID entries (service.Publisher) with each recipient's mailbox, and
// keeps the core's store (service.Memory) across crashes, as pebble's
// files would be; a restarted node gets a new core over it. The glue
// (im.go) hands the cores commands and checks what they
// report to their users with a Ledger (ledger.go); nothing in sim
// speaks the protocol. On the wire (formats and test vectors in
// apps/im/doc.go):
//
//	sender → recipient   HELLO, MSG…            ← HELLO, RECEIPT(delivered)…
//	sender → mailbox     HELLO, DEPOSIT…        ← HELLO, STORED…
//	recipient → mailbox  HELLO, FETCH, DROP     ← HELLO, ITEM… END, END
//	recipient → sender   HELLO, RECEIPT…        (after a fetch)
//
// The summary counts messages accepted, delivered (a RECEIPT reached
// the sender), delivered although their sender crashed while they were
// pending, refused (sender down), duplicates a recipient was sent again
// and mailbox items fetched (the cores' Counters), deposits, files
// downloaded, connections up and downs, and gives the delivery latency
// (offer → RECEIPT) percentiles.
//
// # Invariants
//
// Checked during the run: events never go back in time; every byte a
// transfer receives is the byte sent (the server checks the pattern); a
// node about to crash, and every node at the end, saw no malformed,
// spoofed, replayed or oversized frame and no underlay error (the
// simulated network neither corrupts nor duplicates; it does reorder, so
// an initiation superseded by a newer one that jitter delivered first,
// refused as a handshake replay, does not count). An IM recipient shows
// only messages a sender accepted, from that sender, unaltered, each
// once, and never one after a later one of its conversation (or, in a
// group, of its sender); a RECEIPT names only messages the recipient
// showed; no message fails but one its recipient's block refused, never
// shown; a group member shows only posts of epochs it belonged to; a
// downloaded file is the one offered, downloaded once. At the
// end: every frame sent was delivered, dropped or is still in flight;
// with expect.all_complete, every transfer completed (and every accepted
// message was delivered); with expect.all_delivered, every accepted IM
// message was delivered, every group post shown to the members of its
// epoch and every file shown downloaded — those blocked, or abandoned
// because an end left, excepted. A violation stops the run with an
// *InvariantError carrying the seed.
package sim
