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
// The link never decrypts what it forwards for others (routing lands in a
// later change) and never holds keys: package transport does.
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
package link
