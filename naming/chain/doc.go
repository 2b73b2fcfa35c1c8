// Package chain runs the embedded Ethereum chain that an anynet node uses by
// default: a go-ethereum dev node inside the process, built as geth --dev
// builds it (node.New, eth.New, catalyst.NewSimulatedBeacon), but persisted
// in the node's data directory and optionally served on loopback so that
// other local processes share one chain. Any JSON-RPC endpoint can replace it
// by configuration; this package is only the local default.
//
// ethclient/simulated is not used: it resets to genesis on every start,
// which suits tests and the simulator, not a user's node.
//
// # Lifecycle
//
// Start, in order:
//
//  1. checks the Config (a non-loopback HTTPAddr is ErrNotLoopback);
//  2. creates the go-ethereum node on DataDir/chain, which takes the
//     directory's lock (held by another Chain, in this process or another:
//     ErrLocked);
//  3. reads the dev key and the genesis, or on the first start generates the
//     key and writes a dev genesis (geth's core.DeveloperGenesisBlock with the
//     chain ID, the dev account and Config.Funded);
//  4. binds the JSON-RPC listener if HTTPAddr is set (busy: ErrAddrInUse),
//     before anything that would have to be unwound;
//  5. creates the eth service and starts the node (no P2P: no listener, no
//     discovery, no peers) and the simulated beacon and its sealer;
//  6. funds Funded accounts added since the first start that hold nothing;
//  7. on the first start, calls Config.Deploy with a transactor of the dev
//     account and stores its result, which Deployment returns on every later
//     start (a failed Deploy fails Start and is retried on the next one).
//
// Close stops serving, stops the sealer, stops the node (which writes its
// last state) and releases the lock. It is idempotent. A Chain cannot be
// restarted; Start again on the same DataDir to get the same chain back:
// same chain ID, dev account, blocks, contracts and storage.
//
// # Data directory
//
//	DataDir/chain/devkey           dev account key, hex, mode 0600
//	DataDir/chain/genesis.json     genesis spec (geth's JSON), written once
//	DataDir/chain/deployment.json  what Config.Deploy returned, written once
//	DataDir/chain/geth/LOCK        go-ethereum's instance lock
//	DataDir/chain/geth/chaindata   pebble database (and its ancient store)
//	DataDir/chain/geth/nodes       go-ethereum's P2P node database (unused)
//	DataDir/chain/keystore         created empty by go-ethereum
//
// The stored genesis, not the Config, defines a chain once created: a
// different non-zero Config.ChainID is ErrChainIDMismatch. Deleting
// DataDir/chain starts a new chain (and a new dev account).
//
// # Blocks
//
// With Config.Period 0 (the default) a block is sealed as soon as a
// transaction enters the pool, and the chain replaces eth_sendRawTransaction
// (in process and over HTTP) with a version that returns only once the
// transaction is in a block on disk with its lookup entry, or is queued
// behind a nonce gap (10 s at most: a dropped transaction waits that long). So bind.WaitMined, whose first receipt query happens at
// once but whose next one waits a second, returns on its first query.
// Chain.WaitMined waits on the chain's own events in either mode. With a
// Period of a second or more, a block (possibly empty) is sealed every
// Period and sending does not wait.
//
// Commit seals a block at once. AdjustTime seals an empty block dated that
// much after the head, for tests of expiry; later blocks date from there.
//
// # Durability
//
// State is stored with the hash scheme in archive mode: every block's state
// trie is written with the block (geth's default path scheme keeps recent
// state in memory until shutdown, so a killed process would come back at an
// older head, possibly genesis). go-ethereum writes to pebble without sync;
// after each sealing round the chain syncs the write-ahead log, and both
// eth_sendRawTransaction (on demand) and Chain.WaitMined return only once the
// transaction's block is synced. What a caller saw mined survives kill -9.
//
// # Sharing the chain with other processes
//
// With HTTPAddr set (for example "127.0.0.1:8545", or "127.0.0.1:0" for any
// free port), RPCURL returns the HTTP URL and WSURL the WebSocket URL, on the
// same port. Another process, another anynet node for example, joins by
// configuring that URL as its chain endpoint and dialing it with
// ethclient.Dial; it must not Start on the same DataDir (ErrLocked). The
// served namespaces are eth (including filters and subscriptions over
// WebSocket), net, web3 and anynet (the faucet, below); admin, debug,
// miner, txpool and dev are not. The
// server answers only requests whose Host header names a loopback address or
// localhost (DNS-rebinding defence, as geth's virtual-host check) and
// WebSocket upgrades without an Origin or from localhost.
//
// The dev account holds almost 2^256 wei and its key sits in the data
// directory: the chain is for one machine. Faucet moves ether from it;
// DeployerAuth signs with it.
//
// # Faucet
//
// A served chain also answers anynet_fund, so a process that joins by URL
// funds its own wallet as geth --dev users get prefunded accounts (the
// namespace exists on the served endpoint only: not on the in-process
// client, and no other chain has it, so a client can tell an anynet dev
// chain from any other endpoint by -32601, method not found):
//
//	→ {"jsonrpc":"2.0","id":1,"method":"anynet_fund","params":["0x<wallet>"]}
//	← {"jsonrpc":"2.0","id":1,"result":"0x<transfer hash>"}
//
// It sends the dev account's ether so that the wallet holds
// Config.FaucetTarget (default DefaultFaucetTarget, 10 ether; the naming
// package sets naming.DefaultFunding) and answers once the transfer is in
// a block synced to disk. It refuses, with a JSON-RPC error whose message
// says why and when to retry:
//
//	-32010 CodeFaucetFunded   the wallet already holds the target (ErrFaucetFunded)
//	-32005 CodeFaucetLimited  the wallet was topped up in the last FaucetWindow
//	                          (a minute), or FaucetGlobalLimit (30) wallets were
//	                          (ErrFaucetLimited)
//	-32602 invalid params     not an address, the zero address, or a caller
//	                          that is not on loopback
//
// The limits are counted in memory from the chain's start; they keep a
// loop from turning the dev account into a block factory, not a local
// user, who holds its key anyway, from taking ether.
//
// # Resources
//
// Caches are small (16 MiB pebble cache, 16 MiB trie cache, no snapshot, no
// transaction journal, blob pool in memory) and there is no log index:
// go-ethereum's filter-map indexer took half the CPU of a busy dev chain,
// while a local chain has few blocks (one per transaction burst), so
// eth_getLogs scans block blooms instead; log subscriptions do not need the
// index. Measured by BenchmarkStart and friends on the shared 2-core
// development machine (other jobs running): start to ready 100-170 ms,
// new directory or existing; about 7-11 MiB of Go heap and 70 goroutines
// per running chain (the whole test binary's RSS is about 70-80 MiB); 170-235
// value transfers/s and 120-200 contract calls/s sent one at a time through
// the in-process client (each waits for its own sealed and synced block), and
// about 3,700 transfers/s added to the pool in batches of 100.
//
// Closing leaves no goroutine behind except go-ethereum's process-wide
// transaction sender cache (core.SenderCacher, one worker per CPU, started
// by the first chain). goleveldb's memory-pool drainer of the P2P node
// database lingers up to a second after Close.
package chain
