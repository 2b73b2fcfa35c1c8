// Package service is the contract every anynet service is built on
// (../../shared/APPS.md in the project's notes): what a service takes
// from its node (Host), the shape of its protocol core (Core: inputs in,
// effects out, no I/O) and the store the core writes through (Store,
// with a memory and a pebble implementation).
//
// A core never blocks, starts goroutines, reads the clock or draws
// randomness of its own: the caller hands it the time with every Input,
// and its constructor takes an io.Reader for randomness. The same core
// therefore runs under the shared runtime on a real node
// (apps/internal/runner), under a test's fake network, and in the
// deterministic simulator (sim), which registers services from Go.
//
// # Effects
//
// Handle returns, in order: store writes, frames to send to wallets,
// DID documents wanted, user events, the next deadline and, for a
// Command, its result. A driver (Driver, whatever does its I/O) applies
// the writes durably (Store.Apply) before any frame of the same Handle
// leaves, so an acknowledgement is never sent for state that a crash
// could lose. Slices in Effects are owned by the driver once returned.
//
// # Frames
//
// A frame is the bytes of one protocol message; drivers carry it between
// two wallets' cores in order per connection, as a TCP stream of
//
//	u32 length (big-endian, ≥ 1) | frame
//
// on the service's port. Peers are named by the wallet the overlay
// verified for the connection, never by anything inside a frame.
package service
