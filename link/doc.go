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
// while a handshake runs; packets written while the queue waits or is
// being sent go behind it, so none overtakes it. An anycast group's queue
// (see Anycast: packets waiting for a first live instance, or routed
// again from a failed one) keeps the same order: while it waits or is
// being sent, a packet for the group goes behind it, and each picks its
// instance, which pins its flow, only as it leaves, one flush per group
// at a time (anycast_pick.go).
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
// the frames of a batch are opened one behind the other into shared
// 64 KiB chunks, and a flow's consecutive TCP segments merge as they land
// (their payload moved down over their headers), so the netstack sees
// one packet per run of segments (gro.go). Both are
// on by default (Config.DisableGSO, Config.DisableGRO); neither changes
// what goes on the wire, which is always MTU-sized packets in the frame
// format below.
//
// The link never decrypts what it forwards for others (see Routing)
// and never holds keys: package transport does.
//
// # Buffers, and who may wait
//
// Outbound, the endpoint owns its frame buffers (a pool, send.go): a
// packet is copied once from the netstack's PacketBuffer into a buffer,
// at plainOff, behind room for the largest frame header (both locators)
// and the transport header; it is sealed in place and its header, 4 or
// 68 bytes, is written just in front, so a routed frame costs no more
// copies than a direct one. The buffer goes back to the pool once
// Underlay.Send returned: an underlay retains no slice it was given.
// Inbound, the frame is the underlay's until the receiver returns (on a
// BatchUnderlay, until the batch end returns): data is opened into a
// gVisor view the netstack then owns (on a BatchUnderlay, a chunk the
// batch's packets share, each holding a reference, with its headers
// copied into a small view of its own), and a router's Forwarder (package
// link/router) decrements the hop limit in place and names the next hop;
// the endpoint sends the underlay's bytes on before returning, or, on a
// BatchUnderlay, holds them in a batch per next hop that leaves when the
// read batch ends (host_forward.go), without copying them (with several
// NICs, copied once). The Forwarder copies only what it holds (frames
// waiting for a tunnel lookup). A ControlMessage's body is valid only while Forwarder.Control runs.
// What a Forwarder hands its Port to send is not retained
// (forwarder.go). Nudges (nudge.go) hold a reference to the
// netstack's last TCP segment per peer, never its bytes.
//
// Only the netstack's own packets (WritePackets) may wait for room in
// the underlay, which is TCP's backpressure, and Underlay.Send waits a
// bounded time at most. Everything else the endpoint sends runs on the
// underlay's reader goroutine or the timer's (forwarding, handshake
// replies, control messages, the flush of a handshake's queue, nudges)
// and never waits for another node's queue: it goes through
// TrySender.TrySend where the underlay has it, and what finds a full
// queue is dropped and counted (Stats.DroppedSendFull), as a router's
// full output queue drops. Two routers that forward into each other's
// full queues therefore keep moving.
//
// # Recovery
//
// nudge.go makes TCP follow the path: when a peer is heard again after a
// silence during which a TCP segment to it went unanswered (a partition
// healed, a handshake completed again, a stale hint was answered, a
// punched path opened), the last segment is sent again at once, so the
// peer's acknowledgement restarts the flow instead of an RTO that backed
// off during the outage; and an opening SYN or SYN-ACK that the peer has
// not acknowledged is sent again after two measured handshake round
// trips, instead of after gVisor's fixed 1 s SYN timer. Package transport paces its handshake retransmissions by the
// measured round trip, and package stack caps TCP's RTO for the overlay
// (stack/tcp.go).
//
// # Underlays
//
// An Underlay (underlay.go) moves frames between netip.AddrPort
// addresses: link/udp over real sockets, link/mem inside one process, and
// the simulator's own.
//
// # Anycast
//
// Several nodes may serve one wallet, each with its own node key and
// binding (AddInstances; package stack adds them from several static
// peers of one wallet or from the node keys and endpoints of the
// wallet's DID document). The wallet's identity address then names a
// group, not a session (anycast.go): each instance is a peer of its own
// with its own Noise session, underlay address or locator, and queue.
//
// Outbound, each packet's flow (flow.go: source and destination
// address, next header, and the ports for TCP and UDP; ICMPv6 and
// others by addresses alone) picks its instance through a
// route.Selector: a new flow goes to the preferred instance and stays
// pinned to it; pins idle for AnycastConfig.PinIdle are forgotten. The
// preferred instance is the one with the lowest smoothed handshake
// round trip, then the longest locator prefix shared with this node,
// then the lowest node key, and it changes only on failure or on a
// clear, lasting gain (route.Hysteresis: a minimum gain in ms and in
// percent, held for a while, and a minimum time between switches).
// Only new flows move.
//
// At the first packet for the wallet no instance is live yet: packets
// wait in the group's queue and every instance gets a handshake at once;
// the first to answer, normally the nearest, becomes live with a
// measured RTT and takes the queue, the others are measured as they
// answer. While the group is in use (flows pinned or packets waiting)
// a live instance is measured again every AnycastConfig.RefreshAfter
// and one added later is measured at once; an idle group sends nothing.
// Adding the instances of a wallet again (a name resolved anew) keeps
// the state and pins of those that remain. A group that replaces the
// wallet's peer (AddInstances), or a peer that replaces its group
// (AddPeer, whose instances are then dropped as if they failed), takes
// what waited, ahead of what is written after, and nothing else: the
// group's pins meant nothing to one peer, and the peer had none.
//
// Failure: an instance that was sent packets and has sent nothing
// authenticated back for ProbeAfter gets a handshake as a probe; silent
// for FailAfter, or with a probe unanswered that long, it has failed,
// and so has one whose locator a router reports unreachable. Its flows
// are unpinned (their next packets go to the new preferred instance,
// whose netstack resets what it does not know), what waited for its
// handshake, even a packet whose flow picked it just before, is routed
// again, and the TCP SYNs sent to it since it was last heard are sent
// again at once, so a connection being opened reaches another instance
// FailAfter after the first went silent (3 s by default) instead of at
// TCP's next SYN retransmission. A failed instance is probed every
// RetryAfter and is live again when it answers.
//
// Inbound, an authenticated packet from any instance is the wallet's
// (its binding was verified by the transport as for any peer; a node key
// of the wallet not among the instances joins them), and pins the
// reverse flow to that instance, so a flow the instance opened is
// answered by it.
//
// # Instance addresses
//
// The identity address names a wallet, whichever of its nodes answers.
// To reach one node in particular (replicas of one wallet that talk to
// each other, or a client that must reach the node holding its state),
// every node key has an instance address (instance.go): InstancePrefix
// 0xfc and the first 15 bytes of SHA-256("anynet instance address v1" ||
// wallet || node key). AddInstancePeer makes one node reachable at it:
// packets to an instance address go to that node key's session only,
// with no anycast choice and no failover, even when the wallet is this
// endpoint's own. Inbound, a packet may come from the session's wallet
// identity address or from the instance address of the session's node
// key, nothing else; the first packet from an instance address pins a
// peer there, so the answers go back to the node that sent it. The
// stack gives each node its own instance address next to its identity
// address, and binds to it when it dials an instance address.
//
// # Several NICs
//
// A host may have more than one underlay, each its own network: a NIC
// (nic.go). NIC 0 is Config.Underlay with Config.Routing; Config.NICs
// adds NIC 1 onwards, each an Underlay with the host's locator on it and
// the routers it attaches to there. The host gets one locator per NIC,
// locator.Assign(subnet, node key, i) in the subnet of that NIC's
// routers, so its NIC field is the NIC's index (New refuses another),
// and attaches to each router with the locator of the router's NIC. It
// opens every frame whose destination locator is any of its own.
//
// Every NIC's underlay delivers to the same endpoint; inside it an
// underlay address names its NIC: NIC 0's as the underlay gives it, NIC
// n's as IPv6 (IPv4 mapped) with the zone "nic<n>" (OnNIC, NICOf), as a
// scoped IPv6 address names its interface. A peer learned on a NIC keeps
// that address, so its frames and the replies to it leave on the NIC
// they came in on, even when two networks number their nodes alike; a
// static peer goes through the NIC its address names. A routed peer is
// reached through the routers of the NIC its frames came to (their
// destination locator), or, for AddRoutedPeer and anycast instances,
// the NIC whose locator shares the longest prefix with the peer's (NIC 0
// on a tie), with that NIC's locator as source. With no NICs the
// endpoint is the single-NIC one: no address carries a zone, and the
// data path only checks that the list is empty.
//
// Hosts only: a router with NICs is refused (ErrRouting), and a router
// wallet may be on one NIC. A host with several NICs punches on each:
// its asks for a routed peer go to the default router of the NIC the
// peer is reached through, and the addresses it learns for the peer
// (punch, candidate) are taken as on that NIC.
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
// (host_routing.go). This package is the host's half: frames, sealing,
// underlays, anycast choice, the attachment to routers and the host's
// half of punching (files host_*.go). The router's half — forwarding,
// the route table and its adverts, tunnels, the pairing of punch asks,
// moved neighbors — is package link/router, which implements the
// Forwarder interface this package defines (forwarder.go) and is given
// to a router's endpoint in Config.Router; link/router imports link,
// never the reverse. A host reaches a peer added with AddRoutedPeer
// through its attachment router (its default route): the peer's frames
// carry both locators, destination and source, and go to the router. A
// router forwards every frame whose destination locator is not its own
// without opening it (link/router): to an attached host whose locator matches
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
// Between segments, routers need not be neighbors. A router whose table
// has no route for a frame's destination asks its router.Config.Tunnels (in a
// node, the network pass on chain that holds the locator; package
// stack) for the router of that segment and sends the frame straight to
// its underlay address — a UDP tunnel across today's internet — which
// forwards it as any frame for its own prefix (link/router's tunnel.go).
// The answer is cached per prefix (router.Router.Tunnels lists them) and,
// while in use, asked for again in the background every
// router.Config.TunnelRefresh (30 s by default),
// so a segment whose router moves is followed; an answer that cannot be
// had keeps the old one for at most five minutes. Frames that arrive
// during the first lookup wait, up to eight per destination; a failed
// lookup answers unreachable at once and is remembered for ten seconds.
//
// These control messages travel in routing control frames (type 1)
// between direct neighbors only: no locators, hop limit 1, and as
// payload one transport data message (type 4, package transport) of the
// session between the two nodes, so the control plane is authenticated
// and encrypted by the same Noise session as data, and spends no port
// or IPv6 header. The plaintext inside is
//
//	offset size field
//	0      1    kind: 1 advert, 2 attach, 3 attach acknowledged,
//	            4 punch ask, 5 punch, 6 relayed punch ask, 7 relayed
//	            punch, 8 punch yourself (see NAT traversal)
//	1      …    kind 1: an advert message (link/route wire format: one
//	            part of the sender's table; a table larger than a
//	            frame goes in several, each ≤ the netstack MTU);
//	            kinds 2 and 3: the host's 32-byte locator;
//	            kind 4: a peer host's 32-byte locator;
//	            kind 5: a peer host's 32-byte locator, then the
//	            underlay address its router sees it at: 16 bytes of
//	            IPv6 (IPv4 mapped, ::ffff:a.b.c.d) and a 2-byte port;
//	            kind 8: as kind 5, but the address is the receiving
//	            host's own;
//	            kinds 6 and 7: a 1-byte hop limit, the 32-byte locator
//	            of the host the message is for, then a kind 5 body
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
//
// # NAT traversal
//
// A host behind a NAT reaches its router, on a public address, first:
// the router answers to the address the host's frames come from, after
// the NAT, and sends the frames it forwards to the host there too (an
// attached host is a peer that roams like any other). The host's
// attach, every Routing.AdvertInterval (1 s), and its acknowledgement
// keep that NAT mapping alive (Linux forgets an unanswered UDP mapping
// after 30 s, an answered one after 120 s). So a host behind NAT is
// reachable through its router without any configuration: the router
// relays for it.
//
// Two hosts that talk through routers then try to talk directly, by
// UDP hole punching that their routers coordinate (host_punch.go, link/router punch.go).
// With both attached to router R:
//
//	A ── punch ask(B's locator) ──► R          A talks to B through R
//	                                R ── punch ask(A's locator) ──► B
//	                                R ◄── punch ask(A's locator) ── B  B consents
//	A ◄── punch(B, B's address) ─── R ─── punch(A, A's address) ──► B
//	A ═══ probes ══► B's address    A's address ◄══ probes ═══ B
//
// A host asks for a peer it exchanged frames with through routers in
// the last punch retry interval (10 advert intervals), at most once per
// interval. The router remembers the ask, with the asker's observed
// address, for a hold time; when the other host asks for the first
// within it, the router sends each the other's observed address, else
// it asks the other on the first's behalf. A host answers such an ask
// with its own, which is its consent; a host with Routing.DisablePunch
// never asks, never answers and never probes, so its peers stay
// relayed. Told an address, a host sends the peer probes there (empty
// data messages of their session, as a transport keepalive, which only
// the peer can open) every Tick for a hold time. Each side's probes
// open its own NAT towards the other, so the later ones get through.
//
// The first authenticated frame from the peer that arrives without
// locators moves the peer to the direct path, as roaming does: its
// frames now go straight to the address that frame came from, with a
// 4-byte routing header instead of 68. Frames still in flight through
// the router do not move it back while a direct frame came within the
// hold time. The connections above do not notice: TCP names its ends by
// identity address, not by locator or underlay address, and the
// session is the same. A direct peer gets a probe every advert interval,
// which keeps both NAT mappings open; if no direct frame came for the
// hold time, the peer falls back to its routed path, which the routers
// kept all along, and punching starts over after the retry interval.
// Stats counts asks, probes, switches and fallbacks (PunchAsks,
// PunchProbes, PathsDirect, PathsFallback) and a router's pairings
// (PunchesCoordinated); Endpoint.DirectPath reports a peer's direct
// address.
//
// Hosts attached to different routers punch the same way: a router
// that is asked for a host attached elsewhere, and holds no matching
// ask, remembers the ask and passes it, with the asker's address, on to
// the next hop of the longest-prefix match (kind 6), router by router,
// until the router of the host asked for, which asks that host. When
// both hosts ask at once, the first router that sees both settles.
// The router that settles a pair hands each host its punch, directly or
// the same way towards the host's router (kind 7), which delivers it as
// a kind 5. Relayed messages lose a hop at each router and die at one,
// as frames do. Routers take kinds 6 and 7 only from their neighbor
// routers, and a host takes kinds 4 and 5 only from its routers, inside
// their sessions; the probes a punch triggers are session data that only
// the peer can open, sent for one hold time per punch.
//
// Hosts in segments joined only by a tunnel (see Routing) have no chain
// of neighbor routers for asks to travel. A router that finds no route
// for an ask answers its host with a kind 8: the address it sees that
// host at. The host sends the address to the peer inside their own
// session, along the routed path, as a candidate message (host_punch_peer.go;
// a data message whose plaintext starts with 01, not an IPv6 packet's
// 6_, then the address as in kind 5: 19 bytes); the peer probes it and,
// unless it asked within the hold time, asks its own router and sends
// back its address the same way. Candidates count in PunchCandidates; a
// peer's candidate is taken at most once per hold time.
//
// Test vectors: a punch ask for locator 01 02 … 20,
//
//	04 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20
//
// a punch for the host at that locator, seen at 198.51.100.7:41641,
//
//	05 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20
//	   00000000000000000000ffffc6336407 a2a9
//
// and the ask of the host at 21 22 … 40, seen at 198.51.100.7:41641,
// for the host at 01 02 … 20, relayed with hop limit 32:
//
//	06 20 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20
//	      2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40
//	      00000000000000000000ffffc6336407 a2a9
//
// A candidate message for 198.51.100.7:41641:
//
//	01 00000000000000000000ffffc6336407 a2a9
package link
