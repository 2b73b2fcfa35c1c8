// Package sim is anynet's deterministic simulator: thousands of real
// nodes (package stack) in one process over a simulated underlay, with a
// virtual clock and seeded randomness, so the same seed gives the same
// trace.
//
// The simulator has not landed yet; see the project's issues. The pieces
// it builds on are in place: link.Underlay is the interface its virtual
// network implements, link.Config.TickInterval < 0 lets it drive the
// transport timers, and transport.Config takes Now and Rand.
package sim
