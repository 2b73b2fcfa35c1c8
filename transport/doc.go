// Package transport holds the Noise sessions of one anynet node: the
// handshakes that prove which wallet is at the other end, and the
// encryption of every packet after that.
//
// # Roles and data flow
//
// A node has an X25519 node key (its Noise static key) and a wallet
// (secp256k1). The wallet signs a Binding that delegates to the node key;
// the binding rides encrypted inside the handshake, so each side learns
// the other's wallet without a certificate authority. Sessions never
// touches a socket: package link hands Receive the bytes that arrived with
// the sender's underlay address as opaque bytes, and sends whatever Seal,
// Receive (Result.Replies) and Tick return.
//
//	outbound: Seal(peer, packet) ── ErrNoSession? ── Initiate(peer) ──► wire
//	inbound:  wire ──► Receive ──► KindData (plaintext) | KindHandshake
//	          (Replies to src; Established: flush the queue) | KindCookie
//	          | KindStale (Initiate now)
//	timers:   Tick ──► retransmissions, rekeys, keepalives
//	          (NextDeadline says when the next one is due)
//
// Nothing here reads the clock or crypto/rand when Config.Now and
// Config.Rand are set, and Tick visits peers in creation order, so a
// simulator with a seeded Rand and a virtual clock gets the same bytes on
// every run.
//
// # Bindings
//
// The wallet signs, as an EIP-191 personal message ("\x19Ethereum Signed
// Message:\n" + decimal length + text, hashed with Keccak-256), the text
//
//	anynet node binding v1
//	node: <node key, 64 lowercase hex digits>
//	wallet: <wallet, EIP-55 checksummed 0x address>
//	chain: <chain ID, decimal>
//	expires: <expiry, decimal Unix seconds>
//
// with "\n" between lines and none at the end, so that a hardware or
// browser wallet shows its user what they delegate. The signature is
// [R || S || V], V 27 or 28 (0 or 1 accepted), S in the lower half of the
// curve order. A receiver recovers the signer (ecrecover) and compares it
// with the wallet; verified bindings are cached by the BLAKE2s hash of
// their encoding. The binary encoding (BindingSize = 134 bytes) is:
//
//	offset size  field
//	0      1     version, 1
//	1      32    node key
//	33     20    wallet address
//	53     8     chain ID, big-endian
//	61     8     expiry, Unix seconds, big-endian
//	69     65    signature R || S || V
//
// A peer's binding is refused, with a distinct sentinel and counter, if it
// names another chain (ErrWrongChain), another node key than the Noise
// static key the peer proved (ErrNodeKeyMismatch), another wallet than
// the initiator asked for (ErrWrongWallet), has expired (ErrExpired), does
// not recover to its wallet (ErrBadSignature), or if Config.Check refuses
// it (ErrRefused, e.g. revoked in the DID registry).
//
// # Handshakes
//
// github.com/flynn/noise with WireGuard's suite: Noise_IK_25519_ChaChaPoly_BLAKE2s
// when the responder's node key is known, Noise_XX_25519_ChaChaPoly_BLAKE2s
// otherwise (IX is never used: it shows the initiator in clear). The
// prologue is "anynet transport v1" followed by the chain ID (8 bytes,
// big-endian), so nodes of different chains cannot complete a handshake.
//
// Every message starts with a type byte and three zero bytes. Indexes are
// random 32-bit values (from Config.Rand) that name a handshake or session
// locally, little-endian on the wire. "noise" below is the flynn/noise
// message: ephemeral keys in clear, static keys and payloads encrypted
// (each +16 bytes of tag).
//
//	1 IK initiation, 282 bytes
//	  0 type=1 | 4 sender index | 8 noise(e 32, s 48, payload 162) |
//	  250 mac1 16 | 266 mac2 16
//	  payload: TAI64N timestamp 12 || initiator binding 134
//	2 IK response, 194 bytes
//	  0 type=2 | 4 sender index | 8 receiver index |
//	  12 noise(e 32, payload 150); payload: responder binding
//	5 XX initiation, 242 bytes
//	  0 type=5 | 4 sender index | 8 noise(e 32, payload 170 zero bytes) |
//	  210 mac1 | 226 mac2
//	6 XX response, 242 bytes
//	  0 type=6 | 4 sender index | 8 receiver index |
//	  12 noise(e 32, s 48, payload 150); payload: responder binding
//	7 XX finish, 206 bytes
//	  0 type=7 | 4 receiver index | 8 noise(s 48, payload 150);
//	  payload: initiator binding
//	3 cookie reply, 64 bytes
//	  0 type=3 | 4 receiver index | 8 nonce 24 | 32 encrypted cookie 32
//	4 data, 32 + n bytes
//	  0 type=4 | 4 receiver index | 8 counter, 8 bytes LE |
//	  16 ciphertext n + tag 16
//	8 stale hint, 8 bytes
//	  0 type=8 | 4 the receiver index of a data message that named
//	  no session here
//
// The IK timestamp is TAI64N (8 bytes 2^62+10+Unix seconds, 4 bytes
// nanoseconds, big-endian) from Config.Now, strictly increasing per node;
// a responder refuses an initiation not newer than the last one it
// accepted from the same node key (ErrReplay), as WireGuard does.
//
// The IK initiator may seal as soon as the response arrives, and sends a
// keepalive at once; the IK responder seals only after the first data
// message on the new session confirms it. The XX initiator seals after
// message 2 (it sends message 3 first), the responder after message 3.
// During a rekey the previous session still opens messages in flight.
//
// # Flood defence
//
// As WireGuard's, but keyed by wallets, which both IK and XX initiators
// know: mac1 = BLAKE2s-128 keyed with BLAKE2s-256("mac1----" || receiver
// wallet), over the initiation up to mac1. mac2 = BLAKE2s-128 keyed with
// the cookie, over the initiation up to mac2, or zeros. A responder drops
// an initiation with a bad mac1 before any DH (ErrMAC). It is under load
// for one second after more than Timers.LoadThreshold initiations arrived
// in one second; then an initiation without a valid mac2 gets a cookie
// reply and no DH, and one with a valid mac2 must pass a token bucket for
// its source (Timers.SourceRate, SourceBurst; ErrRateLimited). The cookie
// is BLAKE2s-128 of the source address keyed by a secret rotated every
// 2 minutes; the reply seals it with XChaCha20-Poly1305 under
// BLAKE2s-256("cookie--" || responder wallet), with a random nonce and
// the initiation's mac1 as associated data. The initiator retries, with
// mac2, at the next Tick. Responses carry no macs: they must name the
// random index of a pending initiation.
//
// # No amplification
//
// A reply to a message this node cannot yet authenticate is never larger
// than that message, so a node never reflects more bytes toward a forged
// source address than it received from it: the XX initiation is padded
// to the size of the XX response (as QUIC pads a client's first flight),
// a cookie reply (64 bytes) is smaller than any initiation, the IK
// response (194) is smaller than the IK initiation (282), and a stale
// hint (8) is smaller than any data message (32 and up). An XX initiation
// whose padding is missing or not zero is malformed and costs no DH.
// amplification.go holds the table and a compile-time check of each
// pair; TestNoAmplification floods forged initiations below and above the
// load threshold and measures bytes out against bytes in. Sessions.Load
// reports the flood defence's state (under load, initiations this second,
// threshold) and Stats counts drops by reason and cookies sent.
//
// # Data
//
// A data message is sealed with the session's ChaCha20-Poly1305 key, the
// counter as the nonce (4 zero bytes || counter little-endian, as Noise)
// and the 16-byte header as associated data. Counters come from one
// atomic add per message; the receiver keeps an RFC 6479 window of 2048
// bits (replayWindowSize = 1984 counters behind the newest are accepted
// once). A session seals and opens for RejectAfterTime (180 s) and
// RejectAfterMessages; its initiator rekeys after RekeyAfterTime (120 s)
// when it sends, either side after RekeyAfterMessages. A node that
// received data and sent nothing for KeepaliveTimeout (10 s) sends an
// empty data message; one that sent data and heard nothing for
// KeepaliveTimeout + RekeyTimeout starts a handshake. Unanswered
// initiations are retransmitted, with a new ephemeral key, after a wait
// paced by the handshake round trip measured with that peer (250 ms, or
// the node's other peers' round trips, before any measurement), doubled
// per attempt after the first retry, kept within 250 ms and
// RekeyTimeout (5 s) and jittered (pacing.go), until HandshakeGiveUp
// (90 s).
//
// A node answers data for an index it does not know (it restarted, say)
// with a stale hint naming the index, at most 64 a second; the peer whose
// current session sends to that index handshakes again at once
// (KindStale) instead of after the dead-peer timer, at most once per
// RekeyTimeout. The hint is not authenticated, so it can only bring a
// handshake forward along the peer's own path.
//
// # Test vectors
//
// Wallet key 0x42 followed by 30 zero bytes and 0x01, node private key
// bytes 0x01, 0x02, …, 0x20, chain 31337, expiry 2026-01-02T00:00:00Z give
// the binding text
//
//	anynet node binding v1
//	node: 07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c
//	wallet: 0x8572fd50e802852cd896132AeA562A7e3fd55299
//	chain: 31337
//	expires: 1767312000
//
// and the binding encoding
//
//	0107a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c
//	8572fd50e802852cd896132aea562a7e3fd55299
//	0000000000007a69
//	0000000069570a80
//	f4fd8756395cf9b3e57698a26c250a015a2714938a8958396c79d2754ff81289
//	5067565b3e6ce3d8fc86df3f5a1da85d6e0f4690ea78887207edb90007259bee
//	1c
//
// A data message with the key 0x00, 0x01, …, 0x1f, receiver index
// 0x04030201, counter 7 and plaintext "hello" is
//
//	04000000010203040700000000000000
//	996ae8244d5327797fbb92c83cd0136ef94568f12d
//
// testdata/vectors.golden holds every message type from a deterministic
// run (fixed keys, Rand and clock); go test -update rewrites it.
//
// # Concurrency
//
// Sessions is safe for concurrent use. Seal and the data path of Receive
// take no global lock: the session index is a sync.Map, the current
// session an atomic pointer, the send counter an atomic add; only the
// replay window has a per-session mutex. Handshakes lock the peer, then
// (briefly) the Sessions; Config.Check runs with the peer locked, so it
// should be quick (cache chain lookups).
package transport
