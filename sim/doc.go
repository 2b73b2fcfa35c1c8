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
// MTU, queue), the workload, the faults (loss, link down, crash and
// restart, partition and heal), the duration and the seed.
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
//     virtual time. The link endpoint runs with no ticker
//     (TickInterval < 0): the simulator calls Link.Tick at the time
//     transport.Sessions.NextDeadline names.
//   - Randomness: each node has seeded streams, split by purpose and
//     incarnation (rand.go): the wallet key and node key, the transport's
//     Rand (ephemeral keys, indexes), the netstack's SecureRNG and
//     RandSource, and the network's loss and jitter draws. Nothing reads
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
// determinism test runs 200 nodes twice and compares.
//
// # The network
//
// Hosts hang off segments by access links; segments are joined by core
// links; a frame follows the lowest-latency segment path (network.go).
// Each hop has a FIFO transmitter (bandwidth, tail drop beyond its queue),
// latency plus uniform jitter, loss and an MTU. The path is chosen when
// the frame is sent; every hop after the first is an event, so queues see
// frames in arrival order. Drop reasons: loss,
// queue, mtu, link-down, partition, node-down, no-route.
//
// There is no multi-hop overlay routing yet: every node reaches the
// others directly through the underlay, and a task adds its destination
// as a static peer before it connects (the stand-in for resolution).
//
// # Invariants
//
// Checked during the run: events never go back in time; every byte a
// transfer receives is the byte sent (the server checks the pattern); a
// node about to crash, and every node at the end, saw no malformed,
// spoofed, replayed or oversized frame and no underlay error (the
// simulated network neither corrupts nor duplicates). At the end: every
// frame sent was delivered, dropped or is still in flight; with
// expect.all_complete, every transfer completed. A violation stops the run
// with an *InvariantError carrying the seed.
package sim
