// Package pay makes an anynet connection a payment endpoint: the wallet at
// the other end is already verified by the handshake (stack.Node.PeerOf),
// so a payer can send it a signed transfer, or stream vouchers of a
// payment channel, through the same socket.
//
// # The node's service (the core)
//
// On a node, payments run as a Service: the protocol is Core, a sans-I/O
// state machine (apps/service.Core) driven by the shared runner on
// PaymentPort, and by the simulator's "pay" workload with the same code.
// The chain stays outside the core: it asks with ChainQuery and
// SubmitTransfer events, and the Service answers from the chain with
// ChainAnswer and Mined commands. The core keeps, in its Store:
//
//   - as payer, every channel it pays through, written before a voucher
//     leaves (a restart resumes at the same total; it never signs two
//     different vouchers for one total). After a lost connection or a
//     restart, and when a voucher waits unacknowledged for Retry, it
//     sends OPEN; the payee's ACK says what it holds and the newest
//     voucher follows (BOLT 2's channel_reestablish). An ACK above what
//     was signed, or below an earlier ACK, is a cheating payee (Cheated):
//     the channel is paid through no more.
//   - as payee, each voucher, written before its ACK leaves; a copy of
//     the voucher held is acknowledged again.
//   - invoices: the payee asks (INVOICE); the payer's core keeps it and
//     emits InvoiceAsked, naming the wallet the connection verified; it
//     pays (PAID: the invoice ID and a voucher for exactly its amount)
//     only on Approve, or declines (DECLINE) on Refuse. A wallet may
//     leave at most 16 invoices waiting.
//   - budgets: a payment counts against the budget of its peer and of
//     its app (Pay.App: "vpn", "content", "invoice" …); one that would
//     exceed either is refused (ErrOverBudget) before anything is
//     signed.
//
// Meter and Tally are the metering hook other services use to charge
// per unit (bytes, requests, seconds): the consumer's Meter pays in
// batched vouchers as units are used (MeterConn counts bytes read); the
// provider's Tally counts units served per wallet against the Received
// events and tells it to stop serving one that exceeds its credit
// (ErrUnpaid).
//
// A wallet's DID document carries the service's entry:
//
//	did/svc/AnynetPay = "eip155:<chain id>:<0x PaymentChannels address>"
//
// the contract whose vouchers its node takes (DomainOf reads it). The
// dev deployment (DevDeployment) puts the contracts at addresses every
// node of a test chain can compute; EnsureDevDeployment deploys them.
//
// # Roles over a connection the caller holds
//
// A Client pays from one wallet. Client.Send (SendToken for an ERC-20)
// signs an ordinary transaction paying the connection's peer, sends it in
// a TRANSFER, and returns the RECEIPT once the payee has submitted it and
// it is mined (the payer checks the receipt on chain). Client.OpenChannel
// deposits into the PaymentChannels contract (one transaction), announces
// the channel (OPEN), and then Channel.Pay and Channel.Request stream
// vouchers; Channel.Close settles cooperatively (one transaction).
//
// A Payee serves connections (Payee.ServeConn), typically on PaymentPort.
// It checks a transfer and submits it; it checks each voucher, stores the
// best one (Store, synced) and only then acknowledges it (ACK), so a
// voucher acknowledged is never lost, whatever happens to the payee
// process. Payee.Redeem closes a channel with its best voucher;
// Payee.Defend answers a payer's unilateral close that states less than
// the best voucher held (the newer voucher wins on chain).
//
// # Contracts
//
// naming/contracts/PaymentChannels.sol holds any number of unidirectional
// channels, in ether or an ERC-20 token. A channel's id is
// keccak256(abi.encode(payer, payee, token, salt)) and is used once. The
// common lifetime is two transactions: open, then close (by the payee
// with the latest voucher) or cooperativeClose (by the payer with the
// payee's signed agreement). A payer whose payee went away calls
// startClose(id, owed); the payee has the challenge period to close with
// a newer voucher; then anyone may finishClose. A token channel needs an
// approve first (Client.OpenChannel sends it: three transactions).
// naming/contracts/TestToken.sol is a plain ERC-20 for the embedded chain.
// Deploy puts both on a chain.
//
// # Vouchers (EIP-712)
//
// Domain: name "anynet pay", version "1", the chain id and the
// PaymentChannels address. Types:
//
//	Voucher(bytes32 channel,uint256 cumulative)   signed by the payer
//	Close(bytes32 channel,uint256 cumulative)     signed by the payee
//
// Signatures are 65 bytes R‖S‖V with V 27 or 28 and S at most N/2. A
// voucher states the total paid on the channel so far; the payee accepts
// it only if it is above the best held (else ErrReplayed), raises it by
// exactly the amount the message states and, for a paid request, by the
// price (else ErrWrongAmount), stays within the deposit (ErrOverDeposit),
// is for a channel of this connection's wallet to this payee, not settled
// (ErrUnknownChannel) nor closing (ErrExpired), and is signed by the
// channel's payer under this chain's and contract's domain
// (ErrForeignSigner).
//
// # Transfers
//
// A TRANSFER carries a signed EIP-1559 transaction (its binary encoding)
// plus what it claims to pay. The payee refuses it if ValidBefore has
// passed (ErrExpired), if it names another chain (ErrWrongChain), if its
// signer is not the connection's verified wallet (ErrForeignSigner), if it
// does not pay this payee (ErrWrongPayee) exactly Amount of Token
// (ErrWrongAmount: ether in the value, or an ERC-20 transfer(payee,
// amount) call), or if its hash was submitted before or its nonce is used
// on chain (ErrReplayed). It stores the hash, submits, waits for the
// receipt and answers with a RECEIPT (or an ERROR).
//
// # Wire format
//
// Messages travel on the connection as frames:
//
//	magic 0x50 ('P') | version 0x01 | type u8 | length u32 | body
//
// Integers are big-endian; an amount is a u256 (32 bytes); an address 20
// bytes; a hash or channel id 32 bytes; a signature 65 bytes; str16 is a
// u16 length and that many bytes (at most MaxMemo, 1024); blob32 a u32
// length and that many bytes. A body is at most MaxBody (64 KiB) and must
// be consumed exactly. Bodies by type:
//
//	0x01 INVOICE   id[16] token[20] amount[32] valid_before u64 memo str16
//	0x02 TRANSFER  invoice[16] token[20] amount[32] valid_before u64 memo str16 tx blob32
//	0x03 RECEIPT   tx_hash[32] block u64 status u8
//	0x04 OPEN      channel[32]
//	0x05 VOUCHER   channel[32] cumulative[32] amount[32] sig[65]
//	0x06 ACK       channel[32] cumulative[32]
//	0x07 CLOSE     channel[32] cumulative[32]
//	0x08 CLOSE_OK  channel[32] cumulative[32] sig[65]
//	0x09 REQUEST   id u64 has_voucher u8 [VOUCHER body] payload blob32
//	0x0a RESPONSE  id u64 payload blob32
//	0x0b PAID      invoice[16] [VOUCHER body]
//	0x0c DECLINE   invoice[16] reason str16
//	0x0f ERROR     code u16 message str16
//
// valid_before is unix seconds (0: none); a zero token is ether. The
// exchanges: TRANSFER → RECEIPT | ERROR; OPEN → ACK | ERROR; VOUCHER →
// (later) ACK of the best voucher held, or ERROR; CLOSE → CLOSE_OK |
// ERROR; REQUEST → [ACK] RESPONSE | ERROR; INVOICE → (once the payer
// consents) PAID → ACK, or DECLINE. ACKs are grouped: a payee
// reading a burst of vouchers stores and acknowledges the last of it.
// ERROR codes: 1 refused, 2 malformed, 3 wrong amount, 4 expired,
// 5 replayed, 6 foreign signer, 7 wrong chain, 8 wrong payee, 9 unknown
// channel, 10 over deposit, 11 transaction failed; a *PeerError carrying
// one unwraps to its sentinel. On a node's Service each message is
// also framed by the runner (u32 length); a Service acknowledges each
// voucher on its own.
//
// Test vectors (hex, body split after the header):
//
//	ACK channel=0x11…11 cumulative=1000:
//	  50 01 06 00000040
//	  1111111111111111111111111111111111111111111111111111111111111111
//	  00000000000000000000000000000000000000000000000000000000000003e8
//	ERROR code=3 message="no":
//	  50 01 0f 00000006  0003 0002 6e6f
//	RESPONSE id=7 payload="hi":
//	  50 01 0a 0000000e  0000000000000007 00000002 6869
//	DECLINE invoice=0x22…22 reason="no":
//	  50 01 0c 00000014  22222222222222222222222222222222 0002 6e6f
//
// # Limits and what is missing
//
// One Channel owns the reading side of its connection until Close or
// Detach. Client, Channel and Payee (connection API, used by the x402
// adapter) do not persist the payer's side; the Service does. The
// Service's core handles cooperative closes; unilateral closes and their
// defence (StartClose, Defend) are still Client and Payee calls. Top-ups
// are read from the chain when a voucher exceeds the deposit held. An
// ERROR that answers a voucher while a transfer to the same peer is
// pending is taken as the transfer's refusal.
//
// # Paid HTTP (x402)
//
// Payee.X402 wraps an http.Handler served over the overlay (with
// ConnContext, so the requester's wallet is verified): a request without
// payment gets 402 and PAYMENT-REQUIRED (base64 JSON, x402 version 2,
// scheme "anynet-channel", network "eip155:<chain id>", amount, asset,
// payTo, extra.contract); a retry with PAYMENT-SIGNATURE (base64 JSON
// whose payload is a voucher: channel, cumulative, amount, signature) is
// checked as a VOUCHER is, stored, and served with PAYMENT-RESPONSE.
// X402Transport is the paying client: it opens one channel per payee on
// chain (OpenChannelTo) and then pays every request with the next
// voucher; the payee learns the channel from the chain. The scheme is
// this package's own. x402's standard "exact" scheme is there too:
// Payee.X402Exact takes an EIP-3009 TransferWithAuthorization of an
// ERC-20 that implements it (TestToken does), checks it (payee, amount,
// validity window, signed by the connection's wallet, nonce unused) and
// submits it, one transaction per request; ExactTransport is its
// paying client.
package pay

// PaymentPort is the overlay TCP port a node's payee listens on.
const PaymentPort = 402
