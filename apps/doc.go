// Package apps holds the services that run on an anynet node (instant
// messaging, mail, CDN, file transfer, VPN exit, message queues,
// payments), one sub-package each. Each service listens on a well-known
// port of the node's identity address, keeps its store in the node's data
// directory, and is reached by wallet or name through package stack.
//
// Services so far:
//
//   - apps/im: instant messaging between wallets on TCP port 5222 — 1:1
//     with delivery and read receipts, edits and reactions, consent
//     (requests, allow, deny, block), per-sender rate limits, offline
//     delivery sealed through mailbox nodes, private groups with a key
//     rotated on every membership change, public communities, chunked
//     resumable attachments; calls on UDP port 5223; history in pebble.
//   - apps/pay: payments over a connection on TCP port 402 — signed
//     transfers (ether, ERC-20) the payee submits, with receipts;
//     unidirectional payment channels (naming/contracts/PaymentChannels)
//     with EIP-712 cumulative vouchers in-band, acknowledged after a synced
//     store; paid requests; an x402 adapter for HTTP settled by vouchers.
//     No DID service entry yet.
//
// The other services are tracked in the project's issues.
package apps
