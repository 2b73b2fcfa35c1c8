// Package naming is anynet's access to the chain: ENS-style names, did:ethr
// (ERC-1056) DID documents and network passes (ERC-721 locator prefixes).
// It knows nothing of packets; stack and transport ask it who a name is,
// which node keys a wallet vouches for, and which routers serve a locator.
//
// # Contracts
//
// The Solidity sources are in contracts/, compiled with the pinned solc npm
// package (contracts/compile.js, standard JSON, evmVersion cancun,
// optimizer 200 runs, no metadata hash); build/*.abi and build/*.bin and
// the abigen v2 bindings in contracts/bindings are committed, so a build
// never needs a compiler. `task contracts` regenerates all three; tests
// check that the bindings match the ABI and, with node and node_modules
// present, that recompiling gives the committed bytecode.
//
//   - ENSRegistry: EIP-137 registry (owner, resolver, ttl, setSubnodeOwner,
//     setRecord, setSubnodeRecord, operators, recordExists, events).
//   - PublicResolver: addr (EIP-137), addr with coin type (ENSIP-9), text
//     (ENSIP-5), contenthash (ENSIP-7), name (EIP-181), ERC-165, and
//     ENSIP-10 resolve(bytes,bytes): records written on "*.parent" answer
//     for every name below parent that has no records of its own (the
//     nearest wildcard wins, at any depth).
//   - FIFSRegistrar: first come, first served labels under one TLD node it
//     owns; register, or registerWithConfig (resolver + addr in one
//     transaction).
//   - ReverseRegistrar: owns addr.reverse; claim, setName for msg.sender.
//   - DIDRegistry: ERC-1056 with the exact ABI of mainnet's
//     0xdca7ef03e98e0dc2b855be647c39abe984fcf21b (signed variants hash
//     0x19 0x00 registry nonce identity verb args, packed).
//   - NetworkPasses: ERC-721 (with ERC-165, safeTransferFrom, approvals,
//     metadata); see "Network passes".
//
// Deploy puts them on a chain and wires them: the registrar owns the TLD,
// "anynet" by default (WithTLD("eth") on a local chain makes names read like
// ENS's); the reverse registrar owns addr.reverse; both nodes point at the
// public resolver; the deployer keeps the root and is the passes' admin.
// MainnetConfig points the same client at mainnet's ENS and did:ethr
// registries (no registrar: .eth is not first come, first served there).
//
// # Names
//
// A name is normalized with ENSIP-15 (package naming/ensip15, tables
// generated from the pinned reference @adraffy/ens-normalize and tested
// against it on every code point): what ethers and the ENS app hash is what
// anynet hashes. Every entry point (the CLI, the control API, every Client
// method taking a name) normalizes once and returns or prints the
// normalized name. Refused: what ENSIP-15 refuses (disallowed characters,
// script mixtures, whole-script confusables, "--" in positions 3-4 such as
// "xn--", underscores past the start, misplaced fenced characters and
// combining marks), and also the empty name, labels over 255 bytes and
// invalid UTF-8: ErrInvalidName with the reason. "*" is allowed as the
// leftmost label only.
//
// namehash (EIP-137): namehash("") = 32 zero bytes; namehash(label.rest) =
// keccak256(namehash(rest) ‖ keccak256(label)). Vectors:
//
//	namehash("eth")          = 0x93cdeb708b7545dc668eb9280176169d1c33cfd8ed6f04690a0bcc88a93fc4ae
//	namehash("foo.eth")      = 0xde9b09fd7c5f901e23a3f19fecc54828e9c848539801e86591bd9801b019f84f
//	namehash("addr.reverse") = 0x91d1777781884d03a6757a803996e38de2a42967fb37eeaca72729271025a9e2
//
// DNS encoding (ENSIP-10): each label as a length byte and its bytes, then
// a zero byte: "foo.eth" = 03 'foo' 03 'eth' 00.
//
// Resolution (ENSIP-10): the registry's resolver of the name, else of the
// nearest ancestor. If that resolver supports interface 0x9061b923, it is
// called as resolve(dnsName, call) with call the ABI-encoded record read
// (addr(namehash(name)), text(...)); else a resolver found on the name
// itself is called directly, and one found on an ancestor answers nothing
// (ErrNotFound). Off-chain (CCIP-read, EIP-3668) answers are not followed.
// Reverse(wallet) reads name(namehash("<hex>.addr.reverse")) and accepts the
// name only if it resolves forward to wallet (else ErrReverseMismatch).
//
// # DID documents
//
// DIDDocument(wallet) starts at changed(wallet) and reads, with FilterLogs
// limited to exactly that block, the DIDOwnerChanged, DIDDelegateChanged
// and DIDAttributeChanged events of wallet; the smallest previousChange
// below the block names the next block to read, until 0. The events are
// replayed oldest first; an attribute (name, value) or delegate (type,
// address) is kept if its last validTo is after the latest block's time;
// validTo 0 is a revocation. Attribute names are bytes32, printable ASCII,
// zero-padded (did:ethr conventions). Every value anynet writes is one a
// standard did:ethr resolver (ethr-did-resolver) lists: keys as raw bytes,
// services as UTF-8 text:
//
//	did/pub/X25519/enc/hex   32-byte Noise static key       → NodeKeys (keyAgreement)
//	did/svc/AnynetBinding    base64 of the signed binding   → Bindings (decoded)
//	did/svc/AnynetLocator    locator, text                  → Locators
//	did/svc/AnynetMailbox    mailbox node name, text        → Mailbox (latest)
//	did/svc/AnynetRouter     router underlay endpoint, text → Routers
//	did/svc/AnynetUnderlay   "<addr:port>[ <node key hex>]" → Underlays (where a node receives frames)
//	did/svc/<Type>           endpoint, text                 → Services
//
// Node keys are read under every ERC-1056 name of an X25519 keyAgreement
// key: did/pub/X25519/enc, …/enc/hex, …/enc/base64 and …/enc/base58 all
// hold the 32 raw bytes (the suffix only says how a DID document shows
// them). The binding's text is standard base64 with padding (RFC 4648
// section 4); callers pass and get its bytes (ChainValue encodes):
//
//	binding 00 01 02 ff  →  value "AAEC/w=="  (bytes 41 41 45 43 2f 77 3d 3d)
//
// The DID of a wallet names its chain (FormatDID, ParseDID): no network
// part on mainnet, which is what did:ethr means without one; a known
// network name (sepolia, polygon, ...) or the chain id in hex elsewhere:
//
//	chain 1     did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a
//	chain 1337  did:ethr:0x539:0xb9c5714089478a327f09197987f16f9e5d936e8a
//
// Input accepts both forms and a bare address.
//
// Text values are UTF-8 without control characters; no value is empty or
// over 4096 bytes; others are skipped (ParseAttribute, fuzzed). KeyStatus
// tells a valid, revoked (last change a revocation), expired or unknown
// node key. Publish writes a node's attributes, RevokeNodeKey revokes one.
//
// # Network passes
//
// A pass is an ERC-721 token holding a prefix of the 256-bit locator space:
// (bytes32 prefix, uint8 length in bits, 0..255), canonical (bits past the
// length are zero). Ids count from 1. The admin mints non-overlapping root
// passes; a holder subdivides a pass into longer prefixes inside it that
// overlap none of its other children, owned by the holder; offer(id,price)
// and buy(id) sell one at a fixed price; a transfer clears offer and
// routers. setRouters(id, endpoints) publishes the underlay endpoints of
// the routers serving the prefix. passFor(locator) is answered by the
// contract: it walks the roots, then children, and returns the deepest
// pass holding the locator (0 if none). PassAdmin reads the admin;
// PassesOf(wallet) walks the tree from roots() through childrenOf and
// returns the passes wallet owns, stopping once it found balanceOf(wallet)
// of them (one ownerOf per pass visited: linear in the passes on chain).
// A refused write is ErrReverted and its text carries the contract's
// reason ("passes: not holder", "passes: overlaps", "passes: outside
// parent", "passes: not longer than parent", "passes: not admin").
//
// # Embedded chain and other processes
//
// OpenEmbedded starts the embedded chain (package naming/chain) in a data
// directory with DeployFunc as its deploy step: on the first start the
// contracts are deployed and their Config stored as the chain's deployment
// (JSON, DataDir/chain/deployment.json); every start returns a Client of
// that deployment, with Watch running until Close. Fund tops a wallet up
// from the chain's dev account; ClaimName registers a label for a wallet
// and sets its reverse record, skipping what is already done.
//
// With EmbeddedConfig.HTTPAddr set, the chain is served on loopback, and
// another process joins it with Connect(ctx, url, Config{}) knowing only
// the URL: Discover finds the deployment on the chain itself. Deploy sends
// its six creations from one account with consecutive nonces, so the
// first contract creation in the first blocks (block 1 on the embedded
// chain) names the deployer and nonce, crypto.CreateAddress gives the six
// addresses, and the registry must confirm them (the TLD owned by the
// registrar and pointing at the resolver, addr.reverse owned by the
// reverse registrar). A Config with addresses (mainnet's, or a stored
// deployment) skips discovery. Remote.Fund asks the served chain's
// faucet (anynet_fund, see naming/chain) to top the joining process's
// wallet up to DefaultFunding; any other endpoint lacks the method and
// gives ErrNoFaucet.
//
// # Transactions
//
// Writes take a *bind.TransactOpts, are serialized per Client, and wait for
// their receipt; a revert is ErrReverted. eth_estimateGas underestimates
// consecutive ERC-1056 writes (changed[identity] = block.number costs more
// once the slot moved), so every gas limit is max(estimate×1.5,
// estimate+30000). Keystore makes, imports and unlocks go-ethereum scrypt
// key files.
//
// RegisterCall and PublishCalls return the same writes Register and
// Publish send (Call: contract, calldata), unsigned, for a caller that
// seals its own blocks with many transactions each: the simulator
// registers thousands of nodes that way (package sim).
//
// # Cache
//
// Resolve, Text, Contenthash, Reverse and DIDDocument answers (and
// not-found answers) are cached for Config.CacheTTL (DID documents no
// longer than their earliest validity). Watch polls FilterLogs on the
// registry, the resolvers met and the DID registry, and drops every entry
// whose name, ancestor, wildcard or identity an event names. When the chain
// cannot be reached an answer at most Config.StaleTTL old is served, else
// ErrChainUnavailable. The cache's clock is Config.Now (time.Now when
// nil); the simulator gives it virtual time.
//
// # Errors
//
// ErrInvalidName, ErrNotFound and ErrChainUnavailable are distinct: a name
// that cannot be, a name (or record, pass, reverse record) that is not, and
// a chain that did not answer. ErrNoCode is a configured address with no
// contract code (CheckContracts names the role and address). ErrReverted,
// ErrReverseMismatch, ErrNoContract, ErrBadAttribute, ErrBadDID and
// ErrNoWallet complete the set.
package naming
