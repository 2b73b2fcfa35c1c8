// Package link is anynet's overlay data plane: the gVisor link endpoint
// that carries a node's IPv6 packets, sealed, between wallets over an
// underlay.
//
// # Data flow
//
// Outbound (send.go): the netstack writes an IPv6 packet; its destination
// identity address (fd00::/8 followed by the first 15 bytes of a wallet,
// see IdentityAddr) names a peer; the peer's transport session seals the
// packet in place; the frame goes to the peer's underlay address in a
// batch. With no session yet the packet waits in a bounded per-peer queue
// while a handshake runs.
//
// Inbound (receive.go): the underlay hands over a frame; its header is
// parsed; the transport opens it or processes the handshake message; an
// opened packet whose IPv6 source is the authenticated peer's identity
// address is injected into the netstack. Anything else is dropped and
// counted in Stats, never injected.
//
// # Offloads
//
// As Tailscale does for its netstack, the endpoint reports host GSO to
// gVisor: TCP hands it packets of up to 64 KiB, which it cuts into
// MTU-sized IPv6/TCP segments itself (gso.go) and sends as one underlay
// batch (one sendmmsg with UDP GSO on link/udp). On an underlay that
// marks where its read batches end (BatchUnderlay: link/udp, link/mem),
// opened packets pass through gVisor's GRO engine, which merges a flow's
// consecutive segments before the netstack sees them (gro.go). Both are
// on by default (Config.DisableGSO, Config.DisableGRO); neither changes
// what goes on the wire, which is always MTU-sized packets in the frame
// format below.
//
// The link never decrypts what it forwards for others (see Routing)
// and never holds keys: package transport does.
//
// # Underlays
//
// An Underlay (underlay.go) moves frames between netip.AddrPort
// addresses: link/udp over real sockets, link/mem inside one process, and
// the simulator's own.
//
// # Frame format, version 1
//
// Every frame starts with a routing header; all integers are big-endian.
//
//	offset size field
//	0      1    version (high 4 bits, = 1) | type (low 4 bits)
//	1      1    hop limit, decremented by each router
//	2      1    flags: bit 0 destination locator present,
//	                   bit 1 source locator present; others zero
//	3      1    reserved, zero
//	4      32   destination locator (if flag bit 0)
//	…      32   source locator (if flag bit 1)
//	…      …    payload
//
// Types: 0 transport message (handshake, cookie or sealed data; see
// package transport), 1 routing control, 2 unreachable. Locators are 256
// bits: segment, subnet, host, NIC (64+64+96+32). Between direct
// neighbors neither locator is sent, so a data frame costs 4 bytes of
// routing header plus the transport's 32 (16 header, 16 tag): 36 bytes,
// 2.8 % of a 1280-byte packet; with both locators 100 bytes, 7.8 %.
//
// Test vector (FrameTransport, hop limit 32, no locators, payload 04):
//
//	10 20 00 00 04
//
// With a destination locator 01 02 … 20 and no source locator, payload
// empty:
//
//	10 20 01 00 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20
//
// # Routing
//
// Config.Routing gives a node a role, host (the default) or router, a
// locator (package link/locator) and the routers it talks to directly
// (router.go). A host reaches a peer added with AddRoutedPeer through
// its attachment router (its default route): the peer's frames carry
// both locators, destination and source, and go to the router. A router
// forwards every frame whose destination locator is not its own without
// opening it (forward.go): to an attached host whose locator matches
// exactly, else to the neighbor router that the longest-prefix match in
// its route table (package link/route) names, decrementing the hop
// limit. Sessions stay end to end: only the destination holds the keys.
// The destination opens the frame as any other and, only once it has
// opened, takes its source locator as the peer's return path, as
// WireGuard roams to the source address of an authenticated packet (the
// routing header is not covered by the AEAD; a forged locator on a
// replayed frame is refused with the replay).
//
// Routers of one segment exchange their tables with the path-vector
// protocol of package link/route: each sends its adverts to every
// neighbor when its table changes and every Routing.AdvertInterval, and
// a neighbor not heard from for Routing.HoldTime is down, every route
// through it withdrawn. A host attaches to its routers the same way,
// every interval: the router accepts a locator only inside one of its
// prefixes and with the host field that locator.Assign derives from the
// host's node key, so no host takes another's locator.
//
// These control messages travel in routing control frames (type 1)
// between direct neighbors only: no locators, hop limit 1, and as
// payload one transport data message (type 4, package transport) of the
// session between the two nodes, so the control plane is authenticated
// and encrypted by the same Noise session as data, and spends no port
// or IPv6 header. The plaintext inside is
//
//	offset size field
//	0      1    kind: 1 advert, 2 attach, 3 attach acknowledged
//	1      …    kind 1: an advert message (link/route wire format);
//	            kinds 2 and 3: the host's 32-byte locator
//
// A router that cannot forward a transport frame (no route, or its hop
// limit would reach zero) counts the drop by reason (Stats) and, at most
// 64 times per advert interval, sends an unreachable frame (type 2) to
// the frame's source locator, with its own locator as source. Its
// payload is
//
//	offset size field
//	0      1    reason: 1 no route, 2 hop limit exhausted
//	1      32   the destination locator that could not be reached
//	33     0–16 the first bytes of the dropped frame's payload (the
//	            transport message header: type, index, counter)
//
// The source turns it into a fast failure: for each TCP SYN it sent to
// that locator in the last seconds, and each packet still waiting for a
// handshake with a peer there, it injects an ICMPv6 destination
// unreachable (code 0) into its netstack, which fails a connecting TCP
// endpoint at once (gVisor: "network is unreachable"); Unreachable
// reports the signal, and package stack wraps it into the dial's error
// (errors.Is ErrUnreachable). Unreachable frames are not authenticated,
// as ICMP is not; they only fail connections that are still being set up.
//
// A frame never exceeds the underlay MTU: New refuses a netstack MTU
// that leaves less than MaxFrameHeader + TransportOverhead of room.
//
// Test vectors: an attach for locator 01 02 … 20,
//
//	02 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20
//
// and the body of an unreachable frame, no route to 01 02 … 20, quoting
// the four bytes 04 00 00 00:
//
//	01 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20 04000000
package link
