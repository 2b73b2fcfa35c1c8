// Package relay pays the nodes that carry other people's traffic: proof
// of relay, proof of availability, and credits settled on chain once per
// epoch.
//
// # Roles and data flow
//
// An Edge is any node that forwards for others (a router, or a relay of
// punched paths). A WatchDog probes Edges. A Guardian scores an epoch and
// posts its credits on chain. Each role is advertised by a DID service
// entry of the wallet (see Roles).
//
//	endpoint ──frames──▶ Edge ──frames──▶ endpoint
//	    │  Meter: a signed, cumulative Receipt every 64 KiB and at the
//	    │  end of the epoch, sent back to the Edge
//	    ▼
//	  Edge: Collector keeps the latest receipt per session
//	    │  Submitted receipts, at the end of the epoch
//	    ▼
//	Guardian ◀── signed Probe results ── WatchDogs (random, ordinary-looking
//	    │                                 relayed flows to their own hosts)
//	    │  Compute(Evidence, Params) → Scores   (public: anyone recomputes)
//	    │  Commit(Scores) → Commitment          (Merkle root, total, proofs)
//	    ▼
//	RelayCredits (naming/contracts): commit(epoch, root, total) funded with
//	the total; each Edge claim(epoch, edge, amount, proof), or claimMany
//	for a batch; withdraw(). Any wallet stake()s ether there, unstake()s
//	it (it stops counting at once) and withdrawStake()s it after the
//	contract's delay; stakeAt(wallet, block) reads the past.
//
// # Why an Edge cannot inflate its credit
//
// A receipt counts bytes the endpoint received through the Edge, signed
// with the endpoint's wallet key (the key its node is bound to), so an
// Edge cannot raise a count, move a receipt to another epoch or take
// another Edge's receipt: any of these fails the signature or the
// receipt's own fields, and Compute marks the Edge that submitted it
// fraudulent for the epoch (it earns nothing). Traffic an Edge drops was
// never received, so it is never in a receipt. A wallet colluding with
// an Edge can sign what it likes, and wallets are free, so what
// colluders can make up is bounded by the ether they stake (see
// "Stake"). An Edge that answers probes but not real
// traffic earns only what real endpoints vouch for; one that is offline
// or drops traffic fails probes: when its probes show its availability
// below 96 % its credit is scaled (warned), below 60 % it earns nothing
// (suspended), and with fewer than MinProbes results it is not credited
// (availability is measured, never assumed).
//
// # Why a lossy network does not warn an honest Edge
//
// A probe is a sample: an honest Edge on a network that loses packets
// still misses one now and then (a connection stuck in retransmission
// past the probe's timeout), and a share of 18 in 20 says little about
// whether the Edge is available 96 % of the time. So the thresholds
// judge the upper end of the Wilson score interval of the share answered
// (AvailabilityBound), at BoundZ standard deviations (3 by default): an
// Edge is warned only when its probes show, with that confidence, that
// its availability is below 96 %. With 40 probes an epoch an Edge is ok
// down to 35 answered; an Edge missing 1 % of its probes at random is
// warned about three times in 10^6 epochs (2 %: once in 7,000), one that
// is offline a tenth of the time in one epoch of five, an offline Edge
// (0 of 40, bound 18.4 %) always suspended, and one losing half of what
// it relays warned in all but one epoch in 10^6 (a bound near 71 %). WatchDogs resend a probe that the connection to its Edge lost
// (the driver's Down) within the probe's timeout, as an auditor retries
// a failed connection; a probe the Edge itself lost is not resent.
//
// # Score formula
//
// For an epoch, per Edge:
//
//	probe bytes = Σ of backed(w, e) + free(w, e) (below) over endpoints w
//	            that exactly one WatchDog's valid ProbeWallets of the epoch
//	            names (shown as Score.ProbeBytes, not judged)
//	flows     = for each (endpoint, session): the highest Bytes of its valid receipts;
//	            for link receipts (version 2), per session s and each pair
//	            of endpoints (f, t) with s = LinkSession(f, t):
//	            min(f's highest Bytes, t's highest Bytes), as t's flow
//	            (a link receipt without its counterpart counts nothing:
//	            Score.Unmatched shows it)
//	vouched(w, e) = Σ of endpoint w's flows through Edge e
//	stake(w)  = w's stake in Evidence.Stakes (0 if not listed), wei
//	backs(w)  = stake(w) * BytesPerEther / 10^18          (bytes, rounded down)
//	V(w)      = Σ over Edges e of vouched(w, e)
//	backed(w, e) = vouched(w, e) if V(w) <= backs(w),
//	               else vouched(w, e) * backs(w) / V(w)   (rounded down)
//	free(w, e) = min(CapPerEndpoint, vouched(w, e) - backed(w, e))
//	ceiling(e) = backs(e)    (the Edge's own stake; no ceiling when
//	                         BytesPerEther is 0, which consults no stake)
//	delivered = Σ over endpoints w of backed(w, e)
//	            + min(ceiling(e), Σ over endpoints w of free(w, e))
//	            (shown as Score.Delivered, .Backed, .Ceiling, .Stake)
//	n, k      = probes, answered   (probes from Params.WatchDogs, one per
//	            (WatchDog, seq); a probe reported twice counts as
//	            unanswered if either says so)
//	avail     = k * 10^6 / n                         (shown, not judged)
//	Z         = BoundZ                               (hundredths of σ)
//	r         = isqrt(10^12 * (4*10^4 * k*(n-k)*n + Z^2 * n^2))
//	bound     = min(10^6, (10^6 * n * (2*10^4*k + Z^2) + Z*r)
//	                      / (2*n * (10^4*n + Z^2)))   (Wilson upper bound, ppm)
//	strikes   = prior + 1 if fraudulent or bound < WarnPPM; prior if
//	            unmeasured; else 0   (prior: the Edge's Standing in
//	            Evidence.Prior, the previous settled epoch's Standings)
//	scale     = 0 if fraudulent, unmeasured (n < MinProbes),
//	            bound < SuspendPPM, or bound < WarnPPM with strikes >=
//	            SuspendAfter (> 0); bound if bound < WarnPPM; else 10^6
//	gross     = delivered * PricePerGiB * scale / (2^30 * 10^6)   (rounded down)
//	fee       = gross * FeeBps / 10^4                              (rounded down)
//	net       = gross - fee                                        (the claim)
//
// All arithmetic is on integers (isqrt rounds down, every division
// rounds down), and Compute ignores the order of the evidence, so the
// result is the same bit for bit wherever it runs.
//
// # Stake
//
// Receipts are signed by endpoint wallets, and a wallet costs nothing,
// so a per-wallet cap alone bounds nothing: colluders make as many
// wallets as they like, each vouching for CapPerEndpoint. What bounds
// them is ether staked in RelayCredits, the contract the credits are
// paid from. An endpoint's stake backs BytesPerEther bytes an epoch per
// ether, over all the Edges it vouches for (shared in proportion when it
// vouches for more), beyond the per-endpoint cap; bytes no stake backs
// (an unstaked endpoint's, up to CapPerEndpoint per Edge: its free
// allowance) are credited to an Edge up to its own stake's worth, its
// ceiling. So an Edge serving ordinary, unstaked users stakes for the
// traffic it expects, and a user who wants more than an Edge's ceiling
// (or a WatchDog's probe partner) stakes for itself.
//
// The bound. Take any set of colluding Edges and endpoint wallets
// holding S wei staked in all. Their extra credit in an epoch (bytes
// credited beyond what honest endpoints truly received through those
// Edges) is at most Σ backs(w) over the colluding endpoints plus Σ
// ceiling(e) over the colluding Edges, which is at most S *
// BytesPerEther / 10^18 bytes for wallets that play one role, and twice
// that if the same wallets are both Edges and endpoints; however many
// wallets they make (TestStakeBound). Under DefaultParams — 16 GiB an
// epoch per ether, 0.001 ether per GiB — that is at most 0.016 ether of
// gross credit per staked ether per epoch (0.032 with both roles), the
// same as the stake lets an honest Edge earn for real traffic: stake
// prices the right to be credited, whatever the bytes. An Edge relaying
// 100 GiB an epoch for unstaked users stakes 6.25 ether. A Guardian
// tunes BytesPerEther between what honest Edges must lock and what
// colluders can make.
//
// Flashing. Stake counts at the block of the snapshot a Guardian takes
// when it settles an epoch (Evidence.Stakes: the chain's latest block
// then, and every wallet's stake in the evidence, published with it; two
// Guardians settling one epoch may read different blocks and so differ,
// and the contract keeps the first root committed), and unstaked ether
// is locked for the contract's delay (DefaultUnstakeDelay, a day, 24
// epochs of the default hour; stake() then unstake() around a snapshot
// keeps the ether locked that long), so the same ether cannot back more
// epochs than it stays locked for. The contract keeps a checkpoint per
// change (stakeAt), so anyone checks a published snapshot on any node,
// without archive state: Recompute reports it (Verification.
// StakesMatch), and `anynet relay score` shows it.
//
// What is not here: slashing. Collusion between an Edge and an endpoint
// leaves nothing a contract could check (both signatures are valid), and
// the frauds that can be shown (a receipt with a bad signature) already
// earn nothing and are not signed by the Edge that submitted them; so
// stake is locked, never lost, and the bound above is a rate per epoch,
// not a loss colluders risk. A Guardian off chain (no RelayCredits:
// nothing staked, nothing paid) scores with BytesPerEther 0.
//
// Gas on the embedded chain (TestStakeOnChain, every fork on, EIP-8037
// state gas included, which prices a new storage slot several times
// today's mainnet): stake 243,812 the first time (148,404 after),
// unstake 260,168, withdrawStake 35,651.
//
// # Wire formats
//
// All integers big-endian. A Receipt is 138 bytes:
//
//	version   1   = 1
//	epoch     8
//	edge     20   the Edge's wallet
//	endpoint 20   the signer's wallet
//	session   8
//	bytes     8   cumulative, this epoch
//	frames    8   cumulative
//	sig      65   secp256k1 [R || S || V], V ∈ {0, 1}, over
//	              keccak256("\x19anynet relay receipt\n" || the 73 bytes above)
//
// A link receipt (Receipt.Link) has the same layout with version 2: an
// endpoint's count of what it itself sent (or received) through a
// router, as its link layer saw it (package link, meter.go), and session
// LinkSession(sender, receiver) = the first 8 bytes, big-endian, of
// keccak256("\x19anynet relay link session\n" || sender || receiver).
// Both ends of a session sign one for each direction, so a router's
// credit for a session is vouched for twice (see "Proof of relay in the
// link layer"). Vector: LinkSession(0x…a1, 0x…b2) = 0xe1e6a22807a5e2bb.
//
// A host hands its router link receipts in frame 9 on RelayPort (after
// the runner's u32 length), all of one epoch; the version (2), epoch,
// Edge (the router) and endpoint (the wallet of the connection) of each
// are implied, and the router rebuilds each Receipt and checks its
// signature:
//
//	kind      1   = 9
//	epoch     8
//	receipts  89 each, 1 to 1,024:
//	  session 8
//	  bytes   8
//	  frames  8
//	  sig    65   as in the receipt
//
// Vector (linkwire_test.go): the receipt vector below as a link receipt
// (version 2), signed by the vector wallet, travels as
//
//	09 000000000000002a 0000000000000007 0000000040000000 00000000000bb3ee
//	3171b2a65ec1d7228cbdd1a2e4e41f2fa36d6648ae3bb5570aac88d864c0c497
//	6d0aa44e39b29d02b4b71f2518ab033097211f7fea2752ae13ce394421cf4fea 00
//
// A host tells a routed peer the routers it reaches it through in frame
// 8: kind (1) = 8, a count n (1) of at most 4, then n router wallets
// (20 each).
//
// A Probe result is 131 bytes:
//
//	version   1   = 1
//	epoch     8
//	watchdog 20   the signer's wallet
//	edge     20
//	seq       8   the WatchDog's probe counter
//	answered  1   0 or 1
//	rtt       4   microseconds
//	bytes     4   size of the probe flow
//	sig      65   over keccak256("\x19anynet relay probe\n" || the 66 bytes above)
//
// A credit leaf is keccak256(keccak256(abi.encode(uint64 epoch, address
// edge, uint256 amount))); inner nodes hash their children in ascending
// order (OpenZeppelin's MerkleProof convention), and a last odd node moves
// up a level unchanged.
//
// A WatchDog's list of its probe wallets of an epoch (ProbeWallets), at
// most 1,024, sorted ascending, no repeats:
//
//	version   1   = 1
//	epoch     8
//	watchdog 20   the signer's wallet
//	count     2
//	wallets  20 each
//	sig      65   over keccak256("\x19anynet relay probe wallets\n" || all of the above)
//
// It travels to Guardians as frame 7 (epoch, then the list) beside the
// probe results. Vector (probewallets_test.go): the vector wallet's list
// of 0x…f2, 0x…f1 (and 0x…f2 again) in epoch 42 signs as
//
//	01000000000000002a 167dd06b3f29b72eb83e68b2ba90b52dc75471c2 0002
//	00000000000000000000000000000000000000f1
//	00000000000000000000000000000000000000f2
//	be14aa67ae96bbc608fba5af2a77241e6301d595e774df8014c1afd917fb1877
//	09a06a3cad1d09258f40b65036354b9d13c6423278cd3eedae623f77a20aebd3 00
//
// Test vectors (wire_test.go), signed by the wallet of
// keccak256("anynet relay test vector"), 0x167dd06B3f29b72eB83e68b2BA90B52DC75471c2:
//
//	Receipt{epoch 42, edge 0x…e1, session 7, bytes 2^30, frames 766958}
//	01000000000000002a 00000000000000000000000000000000000000e1
//	167dd06b3f29b72eb83e68b2ba90b52dc75471c2 0000000000000007
//	0000000040000000 00000000000bb3ee
//	1ae1ba94a03ef47d1002349e145d9e8d5fc0a3628f59fd40c001dcaf9bf24ec3
//	37cad79b1bbbd8fc90baa509fa8024a8df0360d163ee85160a0058307f09512a 00
//
//	Probe{epoch 42, edge 0x…e1, seq 3, answered, rtt 1500 µs, 4096 bytes}
//	01000000000000002a 167dd06b3f29b72eb83e68b2ba90b52dc75471c2
//	00000000000000000000000000000000000000e1 0000000000000003 01
//	000005dc 00001000
//	3c0317c1482853f8f82d5096b4b16eb5163c9badc5cb0bfc4cbcc511fec743ea
//	0f9e77bbda1134baf577ae04be960639f8f72cbca68d69e1d20263fbecd403cd 00
//
//	Leaf(42, 0x…e1, 10^15) = 0x0500ee8387a2675f884da12bb713260d24394e262d33833fbd8576f2528f411c
//
// # Published evidence
//
// A Guardian publishes every epoch it settles, on its node's
// EvidencePort (4301): a request is the version byte and the epoch (8
// bytes); the answer is 0, a u32 length and the encoding below, or 1 if
// it holds none. The encoding (at most MaxPublished bytes):
//
//	version     1   = 3
//	epoch       8
//	guardian   20
//	price      32   Params.PricePerGiB, uint256
//	fee bps     8   then CapPerEndpoint, MinProbes, WarnPPM, SuspendPPM,
//	                BoundZ, SuspendAfter, BytesPerEther, 8 each
//	watchdogs   2 + 20 each
//	receipts    4 + (20 submitting Edge || 138 receipt) each
//	prior       4 + (20 Edge || 8 strikes) each (Evidence.Prior)
//	wallets     4 + (2 length || a ProbeWallets) each (Evidence.Wallets)
//	stakes      8 block + 4 + (20 wallet || 32 stake, uint256 wei) each
//	            (Evidence.Stakes)
//	probes      4 + 131 each, to the end
//
// Test vector (published_test.go): the receipt, probe and probe wallet
// list above, scored by 0x…e2 under DefaultParams with the vector
// wallet as only WatchDog, the Edge carrying one strike and holding 1
// ether of stake at block 100, encode to 682 bytes with keccak256
// 0x2e9ead4319c2d607cd8bf309788aec8a8b1511027ec067a4c407414d64d519dc;
// the parameters read
//
//	00000000000000c8 0000001000000000 000000000000000a 00000000000ea600
//	00000000000927c0 000000000000012c 0000000000000003 0000000400000000
//
// (2 %, 64 GiB, 10, 96 %, 60 %, 3.00 σ, 3, 16 GiB per ether) and the
// stakes
//
//	0000000000000064 00000001 00000000000000000000000000000000000000e1
//	0000000000000000000000000000000000000000000000000de0b6b3a7640000
//
// Recompute runs Compute and Commit on it and compares the root and
// total with RelayCredits' epochs(epoch): `anynet relay score EPOCH`.
//
// # On a node
//
// Service drives the Core with the shared runner (apps/internal/runner)
// over a service.Store (pebble on a node). A Guardian's published
// evidence is written in the same batch as the core's "settled" mark,
// then committed on chain (Contract.Post): a commit that fails is tried
// again while the node runs, after ServiceConfig.CommitRetry, doubling
// up to CommitRetryMax, and at the next start if the node stopped in
// between. ServiceConfig.Refresh reads the contract and the fee again
// at the start of every epoch (the daemon: from the first Guardian's
// DID entry), so an Edge follows a Guardian that moves to another
// deployment or changes its fee without a restart. An Edge's Claim fetches the evidence,
// recomputes it, refuses a root that is not the chain's (ErrMismatch)
// and claims with its own proof. Status shows, before settlement, what
// an Edge's receipts so far would earn and the fee, a WatchDog's probe
// tallies and a Guardian's commitments.
//
// Each role is advertised by a DID service entry:
//
//	AnynetRelay = "<edge|watchdog|guardian> eip155:<chain id>:<0x RelayCredits>[ fee=<bps>]"
//	e.g.          "guardian eip155:1337:0x5FbDB2315678afecb367f032d93F642f64180aa3 fee=200"
//
// (the fee, a Guardian's only, is what Edges show before settlement)
//
// # Standing across epochs
//
// A Guardian carries each Edge's strikes (Standing) from one settled
// epoch to the next, in its store, and publishes them with the next
// epoch's evidence (Evidence.Prior): an Edge warned SuspendAfter epochs
// in a row (3 by default) is suspended until an epoch it is ok, as
// Storj suspends a node whose score stays low.
//
// # Proof of relay in the link layer
//
// A router forwards frames without a wallet key and without opening
// them (package link/router), so its proof comes from the hosts on
// either side. Each host's link layer counts, per (peer, router), the
// data frames it sealed for a routed peer and handed to the router, and
// those from a routed peer that opened after coming through the router,
// in bytes as on the wire (package link, meter.go: atomic counters, no
// allocation per frame); the router counts the same frames as they
// leave it, per (source, destination) locator (Router.Forwarded), for
// its operator to compare. A host's Service samples its meter every
// MeterEvery (ServiceConfig.LinkMeter) and its Core signs link receipts
// from it (linkmeter.go): one per direction of each session, by the
// sender for what it sent and by the receiver for what it received,
// each time a count grew by ReceiptEvery and once when the epoch ends
// if anything moved since the last; a sample's receipts for one router
// go to it in one frame (frame 9 on RelayPort), and its Edge core
// submits them. A session that moved nothing in an epoch costs nothing;
// one that moved costs four receipts of 89 bytes per router (two
// directions, two ends) and one more per ReceiptEvery of its traffic,
// and each host one frame per router and epoch (about 150 bytes of
// headers on the wire, and the router's acknowledgement back). On the
// wire, both ways, as a share of what the routers relayed
// (BenchmarkLinkReceiptOverhead, two routers, 4-second epochs): a bulk
// flow 0.008 %, small request/response flows 0.76 %, a chat of 100
// messages a session and epoch 1.8 %, one 8 KiB exchange a session and
// epoch 2.5 % (before these rules 0.013, 2.2, 10.7 and 11.2 %). What a
// session moves per epoch decides it: the receipts are signed one per
// session, direction and router, so a session moving less than about
// 100 KB an epoch through two routers costs more than 1 %; below that,
// the next step is one signature per endpoint, router and epoch over
// all its sessions' counts (a change of the evidence and of Compute).
// When the connection to a router goes down (the driver's Down), the
// last receipts of the latest ended epoch go to it again, and those of
// the epoch under way are signed again. Compute credits each
// direction the lower of its two counts: the router cannot raise either
// (it would need the endpoint's signature), and one end colluding with
// it cannot either (the other end's count bounds it).
//
// Loss. The lower count is the receiver's whenever frames are lost on
// the way, and it is what the router delivered: a router under load
// drops what finds its next hop's queue full (link: DroppedSendFull),
// and its own meter counts only what left it (link.ForwardMeter), so
// an honest router's credit matches its meter (TestLinkReceipts: the
// sender signed 1,305,516 bytes, 76 frames were dropped at the router,
// which metered 1,204,764 leaving it, and the receiver signed
// 1,205,234, the credit). What this does not pay for: frames lost
// after the router, on the wire to the next hop or in the receiver's
// socket buffer, and, on a path through two routers, frames the second
// router dropped, which the first did forward. Crediting the first by
// its own or the sender's count instead would pay a router that drops
// what it is given (a cheater the receiver's count exists to catch),
// since nothing the router says is signed by anyone else; so an honest
// router is under-credited by the loss past it on the path (none in
// TestLinkReceipts on the in-memory underlay, where every frame lost
// was dropped at the router's own full output queue, 6 % of them in
// the run above, and none past it).
//
// On a path through two routers (A → R1 → R2 → B) each host knows only
// its own router, so each host tells the other, inside the relay
// service (frame 8 on RelayPort: a count byte and up to four router
// wallets), the routers it reaches it through: when their session
// moves and the peer has not heard these routers from it since the
// peer's connection last went down. The peer keeps them in its store,
// so nothing is told again while the routers stay the same: a tell is
// itself traffic on the session, and one repeated every epoch would
// keep every session that ever carried a frame growing and signed
// forever (the code before this rule re-told every peer once an epoch
// and signed again what stopped growing: BenchmarkLinkReceiptOverhead's
// idle sessions cost 16 KB each an epoch in receipts and tells, and
// under 100 bytes now, the transport's keepalives with the far router). The peer then also signs its receipts of
// that session for the teller's routers (its own count: one path
// carries the same frames) and sends each router its own. So R1 and R2 each hold both ends'
// receipts for both directions and are credited as a single router
// would be. A peer's router is counted from where this host's own count
// of the session began in the epoch before the peer's frame arrived, so
// a peer that tells its routers only as an epoch ends costs them
// nothing: the far router's receipt for that epoch goes out at once,
// within the Grace the Edge still collects it.
//
// Samples and epochs. A host's Service hands its Core a sample as it
// starts, empty or not, then one every MeterEvery (skipping empty ones):
// what the meter held at the first sample came before the service and
// is not vouched for; a session that appears later counts from zero. (A
// core that took its first traffic-bearing sample as its start lost the
// first second of every host's first session: 16 % of a router's credit
// in TestRelayLinks' first epoch.) An epoch's count runs from the last
// sample before it to its own last sample, at both ends alike; hosts'
// clocks agree to well within a MeterEvery, so what an epoch's receipts
// cannot show is what was in flight between the two ends at a cut: the
// sender counts it in one epoch, the receiver in the next, and each
// epoch credits the lower count. That is at most a path's bandwidth
// times its latency per session and cut, under 0.1 % of an honest
// router's credit with 10-second epochs in sim.TestRelayLinks, and
// nothing to speak of with hours-long ones. Keepalives (data messages
// without a payload, which the transport's timers send) count at
// neither end.
//
// A router the peer names is checked against the path, not trusted
// (onPath in linkmeter.go): the host's link layer keeps, per (peer,
// router), the source locator of the peer's last authenticated frame
// (link.RoutedTraffic.PeerLocator), and its Service reads the published
// locators (DID document) of every router peers name, again each
// minute. The host signs for a named router only while one of its
// locators lies in the subnet (the first 128 bits, segment and subnet)
// of a locator the peer's frames came from. Routers forward by longest
// prefix, so a frame to the peer's locator ends at the router of the
// peer's subnet: the router the peer attached to is on every path to
// it. A router elsewhere gets no receipt from this host, so one end
// naming it earns it nothing: its receipts then have one end only
// (TestLinkReceiptsOffPathRouter). What the check does not catch, and
// why it is bounded: a colluding router that publishes a locator in the
// peer's subnet (a host field is a hash of the subnet and a node key,
// so any key can make one) passes; that claim is public and permanent
// on chain, where the subnet's network pass names its real routers
// (naming.Pass.Routers), which a Guardian or anyone can compare it
// with; and it still earns at most the honest end's count of the
// session, under the per-wallet caps. A router on a transit hop between
// the two routers of the ends' subnets (A → R1 → Rx → R2 → B) is in
// neither subnet and is not credited by link receipts (a false
// negative, never a false credit). The peer's source locator is in the
// frame header, outside the AEAD (as WireGuard's source address): a
// router on the path could rewrite it, which only the honest end's own
// router can do, and then only toward a subnet whose router also lies.
//
// # Probe wallets
//
// A WatchDog that probed from its own wallet would be known to every
// Edge it probes. With ServiceConfig.ProbeNode it probes from a fresh
// wallet each epoch instead (probenode.go): a random key, a node of its
// own (its own node key and underlay socket) that never publishes, never
// holds funds and never sends a transaction, running a probe core
// (CoreConfig.ProbeFor) for that epoch only. Its handshake carries the
// binding every node sends — the probe wallet's EIP-191 signature of
// its node key, chain and expiry — and nothing of the WatchDog's. An
// Edge admits it because it runs with stack.Node.AdmitUnpublished: a
// wallet that never wrote to the DID registry is admitted on its
// binding alone (DESIGN.md: "the binding rides in the handshake … then
// checks the DID document for revocation"; such a wallet has nothing to
// revoke until its first write, after which its document governs). What
// that changes: any wallet that never wrote, a WatchDog's or a phone's,
// may open a session with such a node without paying gas, so an Edge
// sees probes as it sees every stranger — a wallet with no name, no DID
// document and no history, which services must treat as unknown (they
// grant by wallet, so it holds no grant). The results are signed by the
// WatchDog's wallet as before, and after the epoch the WatchDog hands
// in, with them, its signed list of the epoch's probe wallets
// (ProbeWallets); the Guardian publishes it, and Score.ProbeBytes shows
// how much of an Edge's credit the probes vouched for. Left: the probe
// partner (ProbePartner) is still one long-lived published wallet, the
// probe node shares the WatchDog's IP address, and the anonymity set
// is the Edge's unpublished clients: an Edge serving none would see
// every unpublished wallet as a probe.
//
// # What is not here yet
//
// Core (core.go) runs the four roles over the service shape: endpoints
// meter flows that Edges relay at the service layer (frames on
// RelayPort), and the simulator's "relay" workload runs it at 1,000
// nodes (service-layer relaying; its WatchDogs probe from their own
// wallets). In a routed simulation the overlay routers are Edges paid by
// link receipts, signed by the hosts' cores from their real link meters
// (sim/relaylink.go, TestRelayLinks at 200 nodes), credited within 1 %
// of what they forwarded and delivered. Settlement on chain (Contract)
// is complete and tested on the embedded chain.
//
// A Guardian does not check a credited router against the network pass
// of the endpoints' subnet (naming.Pass.Routers): a pass names its
// routers by underlay endpoint, not wallet, and a link receipt carries
// no locator, so the check needs chain state (the endpoints' and the
// router's DID documents, the pass) at a block the evidence does not
// pin; Compute stays a function of the published evidence alone. The
// endpoints' own path check (onPath) stands in for it.
package relay
