// Package natsquiet stops nats-server's once-a-second CPU sampler in a
// process that links nats-server but has not started it.
//
// nats-server's package pse (Linux) starts, in its package init, a timer
// that reads /proc/PID/stat every second to keep a CPU percentage for
// the server's monitoring (varz, statsz). It runs in any process that
// links the server, whether or not a server runs: in anynet's daemon,
// whose queue engine starts on first use, it was one of the wakers of
// an idle node. The sampler ends itself when the read fails, and reads
// the path from a package variable; Quiet points that variable at a
// path that cannot be opened (the same length, so a concurrent read
// sees one string or the other), and Resume restores it and starts the
// sampler again, for when the engine starts.
//
// The variable and function are reached by go:linkname, so a
// nats-server that renames them fails to link rather than failing
// quietly; Supported reports whether this build does it (Linux, not
// under the race detector, whose report the deliberate unsynchronised
// write would be).
package natsquiet
