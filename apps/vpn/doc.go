// Package vpn is anynet's exit service: nodes that share their IP
// with wallets they allow, and a client that reaches the Internet
// through them without root — a SOCKS5 and HTTP proxy on one loopback
// port.
//
// Files: exit.go and exit_udp.go (the exit: Exit, one tunnel per
// overlay stream), policy.go (what an exit serves; safe by default),
// gate.go (per-wallet session rate and byte allowance, sans I/O: it
// takes the time from its caller), client.go and client_udp.go (Client:
// choosing exits, failover, per-domain rules), proxy.go, proxy_http.go,
// proxy_udp.go and socks.go (the local gateway), advert.go (the DID
// entry, Find), meter.go (Usage, Meter), record.go (signed usage
// records), exit_usage.go (charging, records on request), client_pay.go
// (paying exits), client_record.go (the client's own records), rank.go
// ("auto": ranking exits by round trip and throughput), core.go
// (the control plane as a sans-I/O core, for the simulator), wire.go
// (the tunnel protocol).
//
// # Exits
//
// An exit listens on overlay TCP Port (1080) of its identity address.
// The wallet behind a stream is the one the overlay verified
// (Host.PeerOf), never anything the client says. Each stream opens one
// tunnel: a TCP connection or a UDP association. The exit resolves
// destination names itself (DNS goes through the exit, the client's
// resolver never sees them), checks every address against its policy
// and dials the address it checked — never the name again, so a
// second, rebinding answer cannot reach a refused range — with the
// machine's ordinary sockets.
//
// Policy's zero value is safe: it serves every wallet on every port but
// 25, and refuses loopback, private (RFC 1918, unique local), shared
// (100.64/10, which holds some clouds' metadata), link-local (which
// holds 169.254.169.254), multicast, reserved and unspecified
// addresses, the IPv6 metadata address, and the networks of the
// machine's own interfaces — unless Policy.Allow names them. A wallet
// list, allowed ports, a session rate (20/s, burst 50 by default) and a
// byte allowance per window are Policy's other knobs. Every refusal is
// a Reply with a code and a sentence, which the client returns as a
// *RefusedError (errors.Is: ErrDestination, ErrPort, ErrWallet, ErrRate,
// ErrBytes, ErrResolve, ErrConnect), the SOCKS5 gateway as reply 2 (not
// allowed), 4 or 5, and the HTTP gateway as 403, 429 or 502 with the
// sentence in the body and in X-Anynet-Error.
//
// # Flow control through a userspace exit
//
// The exit terminates TCP: the client's stream ends at the exit's
// gVisor stack and a second, separate TCP connection runs from the
// exit's kernel to the destination. Neither end's congestion control
// sees the whole path, and nothing is acknowledged end to end: an
// acknowledgement from the exit only means the exit has the bytes. What
// keeps the two halves in step is backpressure through the copy: one
// goroutine per direction reads from one connection and blocks writing
// to the other (splice in pipe.go), so when the destination reads
// slowly, the exit's kernel send buffer fills, the copy stops reading
// the overlay stream, its receive window closes and the client's
// sender stops. The exit buffers at most one copy buffer per direction
// (256 KiB while bytes stream, 16 KiB while the tunnel waits) plus the
// two sockets' buffers, never a queue that grows. A half-close (FIN)
// is carried as a half-close (CloseWrite), and an RST or error on one
// side closes both. Loss on one side is repaired on
// that side only, so a lossy overlay path does not slow the
// destination's connection and the other way round — the reason a
// split connection can beat an end-to-end one over a lossy hop — but
// the bytes the exit acknowledged are lost if it dies, as with any
// proxy: clients see a reset, not corrupted data. Round-trip-sensitive
// applications see two RTTs added at connect time (overlay dial and the
// request/reply), none per segment.
//
// # Wire format
//
// All integers are big-endian. A stream starts with a Request and its
// Reply:
//
//	Request  = version=1 (u8) | kind (u8: 1 tcp, 2 udp, 3 probe, 4 usage) | port (u16)
//	           | hostlen (u8) | host (printable ASCII, no spaces; empty for udp, probe;
//	           for usage the session, 32 hex digits)
//	Reply    = version=1 (u8) | code (u8: 0 ok, 1 destination, 2 port, 3 wallet,
//	           4 rate, 5 bytes, 6 resolve, 7 connect, 8 bad request, 9 unpaid,
//	           10 no record) | msglen (u16, ≤ 1024) | msg (UTF-8)
//
// An OK reply to tcp or udp names the session in msg (32 hex digits;
// empty from exits before usage records), an OK reply to usage carries
// the session's Record in hex. After an OK reply a tcp stream carries
// the connection's bytes. A udp stream carries Datagrams both ways:
//
//	Datagram = len (u16: the rest's length) | hostlen (u8, ≥ 1) | host | port (u16) | payload
//
// From the exit, host is the source's IP address; host "!" is a
// refusal of an earlier datagram: port is its code, payload its text.
// Test vectors (wire_test.go):
//
//	Request{tcp, "example.com", 443}   01 01 01bb 0b 6578616d706c652e636f6d
//	Reply{port, "port 25"}             01 02 0007 706f7274203235
//	Datagram{"1.2.3.4", 53, ab}        000b 07 312e322e332e34 0035 ab
//
// # Advertisement
//
// An exit advertises itself with the did:ethr service entry (type =
// value)
//
//	AnynetExit = "v=1 region=<text> price=<price> [credit=<units> [token=<0x…>]] policy=<Policy.Summary()>"
//	price      = "free" | <amount>/<unit>   (decimal integers: amount of the token's
//	                                         smallest unit, wei for ether, per unit bytes)
//
// A priced exit names its credit: the units a client may owe before it
// pays (Rate.Credit); token is absent for ether. Text fields have their
// spaces replaced by "_", "-" stands for empty, unknown keys are
// skipped, and a price, credit or token that does not parse makes the
// whole entry ErrMalformed (a client cannot pay by it). Vectors
// (advert_test.go):
//
//	v=1 region=eu_west price=free policy=open;ports=80,443
//	v=1 region=lab price=1000/1048576 credit=4 policy=open;ports=all-but-25
//	v=1 region=- price=3/1024 credit=512 token=0x00000000000000000000000000000000000000AA policy=list
//
// Find lists the wallets whose DID registry events set it and whose
// current document still has it.
//
// # The client and its proxy
//
// Client dials through the first of its Exits not marked down; an exit
// that does not answer within AttemptTimeout (1 s) is marked down for
// RetryAfter (30 s) and the next one is tried, so new connections fail
// over within about a second (TestFailover). A refusal about the
// destination is returned at once (the next exit would refuse it too);
// a refusal about the wallet or its limits tries the next exit. Rules
// send some domains through a given exit or Direct. Rank probes the
// exits (kind 3) and orders them (RankExits, rank.go) by the time to
// fetch RankBytes (1 MiB) through each: its round trip plus RankBytes
// at the throughput the client observed through it — an EWMA (weight
// ThroughputWeight, 0.3, on the newest) of bytes per second from first
// to last byte of its finished sessions of MinSampleBytes (64 KiB) or
// more. An exit not measured yet is assumed as fast as the fastest
// measured one, so it is tried; with none measured the order is by
// round trip; exits whose probe failed come last. That is the "auto"
// choice; the daemon's proxy ranks again every five minutes.
//
// Proxy serves, on one loopback port, SOCKS5 (RFC 1928: no
// authentication, CONNECT and UDP ASSOCIATE, domain names passed to
// the exit unresolved, as curl --socks5-hostname sends them) and an
// HTTP proxy (CONNECT, and absolute-URI requests forwarded one after
// another). The first byte of a connection tells them apart.
//
// Failover covers new connections only: a TCP tunnel through an exit
// that dies ends with the exit (its bytes were terminated there, see
// "Flow control"), and so does a UDP association — the SOCKS5 client
// must send a new UDP ASSOCIATE, which goes through the next exit.
// Moving a live association would change the datagrams' source
// address, which the destination sees as a new peer anyway.
//
// # In the simulator
//
// Core (core.go) is the control plane as a sans-I/O service.Core:
// an exit's admission (the same checker and gate as Exit) and a
// client's ranking of exits by probed round trip and its failover,
// with the tunnel protocol's Request and Reply as frames. TestSimExits
// runs it on 200 simulated nodes with loss and crashes. The byte
// stream of a tunnel is not in it: it is spliced with a socket of the
// machine, under TCP's own flow control on both sides, which a core
// could only carry by writing TCP again (core.go says more).
//
// # Usage records
//
// Both ends count each session's bytes (Usage) and hand the counters to
// their Meter when it ends; the exit also keeps each wallet's totals in
// its store (Exit.Totals). Usage.Digest is what a wallet signs to
// vouch for the counters:
//
//	keccak256("anynet-vpn-usage-v1" | session[16] | client[20] | exit[20]
//	          | up u64 | down u64 | start unix-ns i64 | end unix-ns i64)
//
// An exit with a Signer (its wallet key) signs every session's Usage
// when the session ends and keeps the Record in its store. The client
// asks for it with a usage request naming the session (SessionOf,
// Client.Usage); the exit answers only the session's own wallet, after
// the session ended. The client checks it (Record.Verify): the
// signature over the digest must recover to the exit's wallet the
// overlay verified; any altered field or another key is ErrForged.
//
// A client with a Signer (its wallet key) signs its own count of every
// session the same way when the session ends, in the same Record
// format — the digest names both ends, the signature says which one
// vouches — and keeps it (Client.Records; Client.Record returns it).
// Record.Verify(wallet) accepts a record naming wallet as either end
// and signed by it: Verify(exit) for the exit's, Verify(client) for
// the client's. The two records of one session agree (Usage.Agrees)
// when session, wallets and both byte counts are equal; start and end
// are each end's clock. A settlement holds both. A Record is 173
// bytes:
//
//	Record = session[16] | client[20] | exit[20] | up u64 | down u64
//	         | start unix-ns i64 | end unix-ns i64 | sig[65] (R‖S‖V, V 0 or 1)
//
// Test vector (record_test.go): session 01 00…, client 0x02 00…, the
// exit the wallet of secp256k1 key 1 (0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf),
// up 4, down 5, start 6 s, end 7 s:
//
//	01000000000000000000000000000000 0200000000000000000000000000000000000000
//	7e5f4552091a69125d5dfcb7b8c2659029395bdf 0000000000000004 0000000000000005
//	0000000165a0bc00 00000001a13b8600
//	ea1a20fa056cab5c74b977cf2b8ba182fd3dce28954ed8cbd503253c81ad4f4c
//	02d741dae7f80979ef45860261d4137b5c1211650712e3d6c708972bd16bd381 01
//
// # Paying for an exit
//
// An exit charges when ExitConfig.Charge is set: its advertised Rate's
// apps/pay Tally (Rate.Tally: price per unit of bytes, credit in units)
// fed by the node's payment service's Received events. Every chunk it
// forwards, either way, is counted against the client's wallet before
// it is written; once the wallet owes more than its credit, the copy
// waits after forwarding that chunk (PayWait, 5 s) for a voucher —
// backpressure, not loss — and then ends the session with ErrUnpaid;
// new sessions of a wallet over its credit are refused with code 9 and
// the debt in the message (SOCKS5 reply 2, HTTP 402). A UDP datagram
// is counted and waited for before it is sent.
//
// A client with Client.Pay reads each exit's Rate from its DID
// document (cached for RateTTL) before it opens a tunnel. An exit whose
// rate is more per byte than Payment.Max, or in another token, is not
// used: ErrPrice (SOCKS5 reply 2, HTTP 402), and the next exit is
// tried; the zero Max pays nothing. Otherwise one apps/pay Meter per
// exit wallet counts both directions and sends a voucher on the
// payment channel every half the exit's credit, against the "vpn"
// budget; a payment refused (budget, empty channel) fails the
// tunnel's read or write with pay's error. The client counts bytes
// when it writes or reads them, the exit before it writes them, and
// the exit waits only after writing: when it waits, the client holds
// every byte it counted, so a paying client owes at most half the
// credit and a unit, and an exit over a credit of two units or more
// always has a voucher coming. TestPaidExit drives it all over real
// payment channels and a real DID document.
package vpn
