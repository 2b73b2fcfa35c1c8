// Package content is anynet's content service: verified blobs,
// FTP-like sharing between wallets, downloads that take one blob from
// several providers at once (publisher, mirrors, caches, the nodes of
// an anycast wallet), and the web by name (a local HTTP proxy for
// http://NAME.anynet/ and ServeSite, which publishes a local web server
// with the caller's wallet in a header).
//
// # Blobs and IDs
//
// A blob is named by its ID, the BLAKE3 hash of its bytes (what b3sum
// prints); ID.CID is the same hash as a CIDv1 (raw codec 0x55, BLAKE3
// multihash 0x1e), "bafkr4i…", as IPFS tools print it. Every blob is
// kept with its Bao outboard (lukechampine.com/blake3/bao, chunk groups
// of GroupSize = 16 KiB), so any range travels as a Bao slice and every
// 16 KiB group is checked against the ID before a byte of it is
// written. A collection is a directory tree as a blob (collection.go);
// equal files are one blob.
//
// Test vector: "abc" has ID
// 6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85 and
// CID bafkr4ideg6z2yocgkez77nr3outtvdnvjdcvqrs5phnqh7jvtrwnlpm5qu.
//
// # Port, DID entry, frames
//
// The service listens on TCP Port (4100) of the node's identity; its
// did:ethr service entry is DocumentEntryType ("AnynetContent") =
// "port:4100". Frames travel as the shared runtime carries them (u32
// length, then the frame; apps/service), at most a MaxRange slice plus
// its parents. The first byte is the type; integers are big-endian:
//
//	1 Get        u32 req | 32 id | u64 off | u32 n      (n = 0: the last group, proving the size)
//	2 Data       u32 req | Bao slice (u64 LE size | parents and groups in pre-order)
//	3 Fail       u32 req | u8 code (1 not found, 2 denied, 3 busy; 4 cancel, below)
//	4 List       u32 req | u16 len | prefix
//	5 Listing    u32 req | u16 count | count × (u16 len | name | 32 id | u64 size | u8 flags: 1 collection, 2 public)
//	6 Have       32 id | u64 size                       (a mirror tells the publisher it serves id)
//	7 Who        u32 req | 32 id                        (who else serves id?)
//	8 Providers  u32 req | u16 count | count × 20-byte wallet
//	9 Want       32 id | 20-byte publisher              (a host asks a cache on its path to fetch id)
//	10 Mirrors   u32 req | signed mirror list           (the publisher's answer to Who, when it signs)
//
// A Fail with code 4 (cancel) goes the other way, from the asker to the
// provider: the asker dropped the provider (it was late) and withdraws
// its Get req, so a cache still fetching the range forgets the Get
// instead of answering it to no one (core_partial.go). A node that does
// not know the code takes it for the answer to no Get of its own and
// ignores it.
//
// Vectors: Get(req 1, ID("abc"), off 16384, n 262144) is
// 01 00000001 6437b3ac…9d85 0000000000004000 00040000; Want(ID("abc"),
// 0x00…07) is 09 6437b3ac…9d85 0000000000000000000000000000000000000007
// (wire_test.go).
//
// # The core
//
// Core (service.Core) holds the protocol: access (a share is public or
// for listed wallets, checked against the wallet the overlay verified;
// a collection's files inherit its grants), listings, the holders a
// publisher keeps (at most 64 per blob, from Have after a verified
// download, answered to Who: announcements go to the one publisher, not
// to a global table), and downloads (core_fetch.go): ranges of
// RangeSize from every provider at once, fastest first, Window in
// flight each, endgame duplicates, a provider whose range fails
// verification dropped and counted (Stats.Corrupt), progress stored so
// a restarted node resumes. Bytes live in Blobs (files, or memory for
// tests and the simulator), state in a service.Store (pebble on nodes).
//
// # Signed mirror lists
//
// A publisher whose core has CoreConfig.Sign (a daemon signs with its
// wallet) answers Who with a MirrorList its wallet signed, valid 10
// minutes; a downloader adds the mirrors only once Verify accepted it
// for the publisher it asked and the blob it fetches, and counts a list
// that fails (Stats.Forged, EventDropped with ErrForged). The list is
//
//	32 id | 20 publisher | u64 expires (Unix s) | u16 count | count × 20-byte wallet | 65 signature
//
// the signature [R || S || V] (V 27 or 28) of the EIP-191 personal
// message "anynet content mirrors v1\n" followed by the bytes before
// it. Vector (mirrors_test.go): ID("abc"), publisher
// 0x2c7536e3605d9c16a7a3d7b1898e529396a65c23 (key 4c0883a6…2318),
// expires 2000000000, one mirror 0x00…07 encode to
// 6437b3ac…9d85 2c7536e3…5c23 0000000077359400 0001 00…07 and sign to
// 4d9f5896…cd31b. A publisher without Sign answers with the unsigned
// Providers, trusted only as what that publisher said over its own
// authenticated connection.
//
// # Caches on the path
//
// A node with CoreConfig.Serve is a cache (a daemon that routes is one
// by default). A download with FetchCmd.Caches (a host passes the
// routers it attaches to) sends each cache a Want naming the publisher
// and asks it for ranges too. A cache that does not hold the blob
// fetches it from that publisher (at most maxFills at once; public
// blobs only, as Get there is refused otherwise) and, once verified,
// serves it and announces itself with Have. While it fills it answers
// Gets for the ranges it has verified and holds the others, fetching
// their ranges first (core_partial.go). While a cache it named is
// live, a download sends the publisher no Gets (core_providers.go): so
// the first download of a segment fills its router's cache, each range
// crosses the publisher's link once for the segment, and downloads
// there are served by the cache (and any holders the publisher
// names); a cache dropped (gone, refusing or late) lets the publisher
// be asked again until it is back.
//
// # The instances of an anycast wallet
//
// A wallet served by several nodes (anycast: each node publishes its
// own node key and endpoint into the wallet's DID document) is one
// address to the overlay, which sends each connection to whichever node
// is nearest. A download takes it apart: Service.Fetch looks up the
// instances of every provider (stack.Node.LookupInstances, leaving out
// those the link's anycast probes found failed) and gives the core
// those of a wallet with two or more (FetchCmd.Instances). Each is then
// a provider of its own at its instance address (fc00::/8, one node
// key's; package stack, "Instances"): ranked by its own throughput,
// every range it sends verified, dropped alone when it lies or fails
// (EventDropped names the wallet and the instance, Provider.Instance
// in Status). The core knows an instance by InstancePeer(address): the
// 16 bytes of the address, then "inst" (0x696e7374) — fc12:…:bcde is
// 0xfC12…bcdE696e7374 (TestInstancePeer). A download asks such a wallet
// only at its instances (its Who and Have go to one of them too): a
// node's runner keeps one connection per wallet that dialed it, so a
// downloader's connection to a node's instance address and one to the
// wallet's address that reached the same node would close each other.
// Progress records name the wallet; a download resumed after a restart
// asks the instances again when Fetch gives them again. Holders and
// mirrors a publisher names are asked at their wallets' addresses.
//
// # Many downloaders
//
// A download that asked the publisher for holders sends the publisher
// no Gets while a holder is live, and asks again for holders while it
// has few; a provider dropped only for lateness (busy, not lying) comes
// back after a back-off (core_providers.go); the download withdraws
// the Gets it had out there (a cancel), so a filling cache does not
// spend its link on answers no one awaits. TestSimCDN (-cdn.nodes
// 2000) and TestSimCDNRouted (-cdn.routed) fail unless every download
// completes; their nodes' MemBlobs share one BlobPool, so the process
// keeps one copy of the popular blob. At 2,000 routed nodes every one
// of 1,979 downloads completes, 99 % of the bytes come from the
// routers' caches and the p95 time to first byte is 14.2 ms (the run,
// its command and its figures are in TestSimCDNRouted's comment).
//
// # Cache and pins
//
// Blobs added here (Share, AddFile, AddDir) are the node's own; blobs it
// downloaded are cached (cache.go). With CoreConfig.CacheBytes set, a
// finished download that takes the cache past it evicts the least
// recently used cached blobs (a use: a finished download, a Fetch of a
// complete blob, a range served), never a pinned one (PinCmd,
// Service.Pin) nor one a share names; each eviction is an EventEvicted
// and counted in Stats.Evicted. Use times are stored (c/<id>) so the
// order survives a restart.
//
// # Benchmarks
//
// On real nodes (gVisor, Noise, each on its own UDP socket on loopback),
// baselines in the same run: BenchmarkThreeProviders (one blob from
// three upload-limited providers against one; -three.mib 1024 for
// 1 GiB), BenchmarkFetchVsStream (a verified download against a plain
// TCP stream over the same overlay path, in pairs: the medians of the
// pairs' wall-clock and CPU ratios),
// BenchmarkCacheTTFB (time to first byte when the cache on the path
// hits against when it misses); without the network,
// BenchmarkVerifyStore (the CPU a received range costs: verified in its
// frame and written from there). Their doc comments give the commands.
//
// # Limits
//
// A Get asks for at most MaxRange (1 MiB); a listing holds at most 4096
// entries; a collection path is at most 1 KiB, relative and clean.
package content
