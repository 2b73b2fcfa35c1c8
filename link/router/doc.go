// Package router is the router's half of anynet's overlay data path:
// forwarding frames for other nodes without opening them, the route
// table and the path-vector adverts it exchanges with neighbor routers
// (package link/route), the hosts attached to it, tunnels to the
// routers of other segments (tunnel.go), the pairing of hosts' punch
// asks (punch.go) and neighbors that moved (MoveRouter). The wire
// formats are package link's (its doc, "Routing" and "NAT traversal").
//
// A Router is a link.Forwarder: build it with New, hand it to link.New
// in link.Config.Router (with link.Routing.Role RoleRouter), and the
// endpoint starts it with its link.Port. The endpoint gives it every
// frame addressed to another locator (Forward), every opened control
// message (Control), sends on the frames it returns a next hop for,
// asks it where this node's own routed frames go
// (NextHop) and runs its timers (Tick). It imports link; link never
// imports it. Package stack builds one for a node whose
// Routing.Role is RoleRouter. It meters what it forwards, per source
// and destination locator (meter.go, Forwarded), for proof of relay
// (package apps/relay).
//
// # Buffers
//
// A frame passed to Forward, and the header and payload parsed from it,
// belong to the underlay until Forward returns: the router decrements
// the hop limit in place and returns the next hop, and the endpoint
// sends the bytes on — at once, or on a batching underlay held (not
// copied) in a batch per next hop that leaves at the end of the read
// batch (package link, host_forward.go). Frames that wait for a tunnel lookup
// are copied here, at most eight per destination (tunnel.go), and sent
// with Port.SendFrame, which does not retain them. A link.ControlMessage's Body is valid only
// while Control runs; the router copies what it keeps (locators are
// arrays, adverts are decoded). Control messages the router builds are
// its own and not retained by the Port.
//
// # Who may wait
//
// Forward and Control run on the underlay's reader goroutine, Tick on
// the endpoint's timer goroutine. None of them waits on another node's
// queue: Port.SendFrame and Port.SendControl drop and count what finds a
// full queue. Tunnel lookups, which may block on the chain, run on
// goroutines of their own, at most one per destination, and Close waits
// for them.
package router
