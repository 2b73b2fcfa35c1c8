// Package mem is an in-process link.Underlay: a switch (Network) that
// moves frames between the Conns attached to it, for tests and the
// simulator.
//
// # Addresses
//
// Attach hands out addresses from the shared address space 100.64.0.0/10,
// port 1 (100.64.0.1:1, 100.64.0.2:1, …); AttachAt takes any valid
// netip.AddrPort the caller chooses. A frame's source is always the
// sender's attached address, so a reply can go there.
//
// # Data flow
//
//  1. Conn.Send checks every frame against the MTU (none is sent if one is
//     too big), then looks up the destination. No Conn at the destination,
//     or a partition between the two (Network.Disconnect), drops the whole
//     batch silently and counts it as NoRoute, as UDP would.
//  2. Each frame passes the Network's filter (SetFilter; RandomLoss is
//     one) and is copied onto the receiver's bounded queue (Config.QueueLen
//     frames), in order; the caller may reuse its slices at once. A full
//     queue makes Send wait
//     for room, Config.SendWait at most (push back; past the bound the
//     rest of the batch is dropped and counted as QueueFull), and makes
//     TrySend (link.TrySender) drop and count at once.
//  3. Each Conn's one long-lived goroutine, deliver, takes everything
//     waiting on its queue at once (queue.go: one lock per batch on each
//     side, one wake-up when it slept), hands the frames to the receiver
//     one at a time, calls the batch-end function (link.BatchUnderlay),
//     so a batch is whatever arrived back to back and the link can
//     coalesce it, and only then clears the frames' bytes: they stay
//     valid until the batch end returns.
//  4. Conn.HandOff (link.HandOffer, handoff.go), with which a router
//     passes on the frames it forwards, skips the queue when it is empty
//     and the receiver idle: the receiver and its batch end run on the
//     sender's goroutine with the sender's frames, which they may change
//     in place. Otherwise it queues copies as TrySend does. One goroutine
//     at a time hands frames to a receiver, in the order they came.
//
// Close detaches the Conn (later Sends to it count as NoRoute), stops its
// goroutine and waits for it; frames still queued are dropped and
// counted. After Close returns the receiver is never called again.
//
// # Blocking and cycles
//
// A receiver that sends from inside recv (a relay forwarding, a
// handshake reply) with Send could wait on a peer doing the same while
// both queues are full; Send's bound ends such a wait, but a receiver
// should use TrySend, which never waits (link's Endpoint does: only the
// netstack's own packets go through Send). recv must not call Close on
// its own Conn (Close waits for the goroutine that is running recv), nor,
// when it was handed frames, on the Conn they came through. A Send
// waiting for room in a Conn that a hand-off runs to or from waits a
// millisecond at most: the wait could be on the goroutine handing off.
//
// # Test hooks
//
// Network.Disconnect and Connect cut and restore both directions between
// two addresses (as hashicorp/raft's in-memory transport does);
// Network.SetFilter installs a per-frame predicate that sees source,
// destination and frame and may drop it; RandomLoss builds a seeded,
// deterministic loss filter; Network.SetDelay gives a pair of
// addresses a one-way latency (delay.go: a delay line per direction,
// order kept).
package mem
