// Package im is anynet's instant messaging service: wallet-to-wallet
// messages with delivery and read receipts, edits and reactions, a
// requests box for strangers (consent), offline delivery through
// mailbox nodes, private groups whose key rotates on every membership
// change, public communities hosted by a node, attachments (chunked,
// resumable, hash-checked) and calls (a paced RTP stream through a
// jitter buffer, with RTCP loss, jitter and round-trip statistics).
//
// Files: core*.go hold the whole protocol as a state machine with no
// I/O (Core, a service.Core; core.go numbers the send pipeline):
// core_send.go and core_recv.go (1:1 messages, receipts, mailboxes),
// core_group.go, core_community.go, core_attach.go (attachments'
// control flow), core_query.go. service.go is Service: the shared
// runtime (apps/internal/runner) driving Core on Port, which also reads
// and writes attachments' bytes; service_api.go is its Go API. Calls
// (call*.go) are a separate runtime piece: a paced RTP stream whose
// only protocol state is the jitter buffer. The simulator's "im"
// workload (sim/im.go) runs the same Core in virtual time.
//
// # How data flows
//
// A Service runs on a stack.Node and listens on Port (5222) of the
// node's identity address. Send resolves the recipient (a "0x…" wallet,
// or a name through stack.Node.Lookup), and the core stores the message
// as Pending and writes one MSG frame on the TCP connection the runtime
// keeps with the recipient's node (dialed through the overlay, which
// re-resolves a peer that moved). The recipient applies consent and
// limits, stores the message and answers with a RECEIPT (Delivered) or
// an ERROR. The sender of every frame is the wallet the overlay
// authenticated for the connection (stack.PeerOf), never a field of the
// frame.
//
// If the recipient cannot be reached (DialTimeout, AckTimeout), the
// frame is sealed to the recipient's seal key and deposited at its
// mailbox node, named in its DID document (Config.Directory); the
// recipient fetches and acknowledges it later. Without a mailbox the message is queued:
// Send returns it Pending with Err saying why, and it is tried again
// (RetryInterval, and at once when the recipient's connection comes up
// or the user sends to it again). SendID with the same ID does not send
// a message twice.
//
// # Consent and limits
//
// A wallet the user never allowed lands in Requests (EventRequest)
// until Allow (a group invitation from one, until AcceptGroup); Deny keeps its messages out of sight; Block refuses them
// with ErrBlocked at the sender. Sending to a wallet allows it. Every
// sender has a token bucket (Config.RateLimit, RateBurst); over it, the
// answer is ERROR RateLimited. Texts over Config.MaxText and frames over
// Config.MaxFrame are refused with ERROR TooLarge, which names the limit;
// the connection stays usable (frames up to 16 MiB are skipped, longer
// ones close it). The sender's Send returns an error satisfying
// errors.Is(err, ErrTooLarge), ErrBlocked, … and the message is stored
// as Failed with the reason; RateLimited is queued and tried again.
//
// # DID service entry
//
// A wallet publishes its seal key as the did:ethr service entry
// AnynetIMKey (ServiceSealKey) with the key in hex as value
// (DocumentEntry); Core reads it, and the wallet's Mailbox, from the
// document it asks its host for.
//
// # Keys
//
// The overlay authenticates nodes; the contents of 1:1 frames travel
// inside its Noise sessions, end to end between the two nodes. For
// mailboxes each wallet has an X25519 seal key (created on first Open,
// kept in the store, published through Service.SealKey). Peers learn it
// from the HELLO frame of every connection, authenticated by the
// session; senders that never met the recipient read it from its DID
// document (Config.Directory). A sealed blob is
//
//	blob  = nacl.SealAnonymous(inner, recipientKey)
//	inner = from[20] | senderKey[32] | nonce[24] | nacl.box(frame, nonce, recipientKey, senderPriv)
//
// The mailbox learns the recipient, the size and the depositing wallet
// (its connection's), never the text; the blob itself names its sender
// only inside the anonymous seal. The recipient accepts the blob only if
// senderKey is the seal key it knows for from.
// There is no forward secrecy for mailbox blobs (static keys).
//
// Group messages are sealed with the group's epoch key (XChaCha20-
// Poly1305; additional data: group, epoch, message ID, sender wallet),
// so a member cannot relabel another's message and a removed member,
// which never receives the next epoch's key, cannot open what follows.
//
// # Wire format
//
// A connection carries frames in both directions; each side first sends
// HELLO. Integers are big-endian; IDs are 16 random bytes; text is
// UTF-8 and runs to the end of the frame.
//
//	frame    = length u32 | type u8 | body        length counts type and body, ≥ 1
//	HELLO    0x01  version u8 (1) | sealKey[32]
//	MSG      0x02  id[16] | sent i64 (unix µs) | kind u8 | ref[16] | text
//	               kind 1 text (ref zero, text ≥ 1 byte), 2 edit (ref = edited
//	               message), 3 reaction (ref = message, empty text removes),
//	               4 leave (groups only; no ref, no text)
//	RECEIPT  0x03  status u8 (2 delivered, 3 read) | count u16 (1…1024) | id[16]×count
//	ERROR    0x04  id[16] | code u8 | reason
//	               codes: 1 too large, 2 rate limited, 3 blocked, 4 malformed,
//	               5 refused, 6 not a mailbox, 7 mailbox full
//	DEPOSIT  0x10  to[20] | id[16] | blob          answered by STORED or ERROR
//	STORED   0x11  id[16]
//	FETCH    0x12  (empty)                          answered by ITEM… END
//	ITEM     0x13  seq u64 | blob                   oldest first, ≤ 256 per FETCH
//	END      0x14  (empty)
//	DROP     0x15  upto u64                         deletes the caller's items ≤ upto; answered by END
//	GROUP    0x20  group[16] | epoch u32 | id[16] | nonce[24] | sealed
//	               sealed = XChaCha20-Poly1305(key[epoch], nonce, MSG type+body,
//	               ad = group | epoch | id | sender wallet)
//	GROUPKEY 0x21  id[16] | group[16] | epoch u32 | key[32] | n u16 |
//	               (wallet[20] | role u8)×n | name
//	               roles: 1 member, 2 admin, 3 owner; a zero key with the
//	               receiver absent from the roster notifies a removal
//
//	CMOD     0x30  community[16] | id[16] | op u8 | target[20] | post[16]
//	               op 1 join, 2 leave, 4 delete post (author or owner);
//	               3 (ban) is refused on the wire: the owner bans on its node
//	CPOST    0x31  community[16] | id[16] | sent i64 | text
//	CFETCH   0x32  community[16] | after u64        answered by CITEM… END
//	CITEM    0x33  community[16] | seq u64 | id[16] | from[20] | sent i64 |
//	               flags u8 (1 deleted) | text      seq 0 is the header: text = name
//	CHUNKREQ 0x40  id[16] | sha256[32] | offset u64 | length u32 (1…32768)
//	CHUNK    0x41  id[16] | offset u64 | data       fewer bytes than asked: end of file
//
// An attachment is offered by a MSG of kind 5 whose text is binary:
// size u64 | sha256[32] | type u8 (1 file, 2 voice, 3 video) | name
// (UTF-8, 1…255 bytes). Only the wallet it was offered to may CHUNKREQ
// it from the sender.
//
// MSG, GROUP, GROUPKEY, CMOD and CPOST are answered by RECEIPT
// (delivered, the ID) or by ERROR (the ID). RECEIPT read frames are sent without an answer.
// Inside a mailbox blob, frame is the type and body of a MSG, RECEIPT,
// GROUP or GROUPKEY without the length prefix.
//
// Test vectors (hex; spaces separate fields), as in wire_test.go:
//
//	HELLO v1, key 00..1f   00000022 01 01 000102…1e1f
//	MSG text "hi"          0000002c 02 101112131415161718191a1b1c1d1e1f 00060a24181e4000 01
//	                       00000000000000000000000000000000 6869
//	                       (id 10..1f, sent 1700000000000000 µs)
//	RECEIPT read           00000014 03 03 0001 101112131415161718191a1b1c1d1e1f
//	ERROR too large "big"  00000015 04 101112131415161718191a1b1c1d1e1f 01 626967
//	DROP upto 7            00000009 15 0000000000000007
//	CITEM seq 1 "hi"       00000048 33 01010101010101010101010101010101 0000000000000001
//	                       101112131415161718191a1b1c1d1e1f 00000000000000000000000000000000000000b0
//	                       0000000000000002 00 6869
//
// Calls speak RTP and RTCP (RFC 3550) on CallPort (5223), one port for
// both (RFC 5761: a second byte of 192–223 is RTCP):
//
//	MEDIA   RTP v2, payload type 96 (no codec), SSRC = the call, sequence
//	        from 0, timestamp at 48 kHz from the start, payload ≤ 1000 bytes
//	SR      caller → callee after every fourth MEDIA; with BYE at the end,
//	        repeated until the final report
//	RR      callee → caller, answering each SR: one block on the call, lost
//	        = the SR's packet count − distinct packets received; LSR/DLSR
//	        give the caller round trips
//	final   answer to SR+BYE: RR, APP "CALL" (late u32 | duplicates u32), BYE;
//	        given again to a BYE that comes after the call ended (a repeat, or
//	        a call the callee ended idle) for 10 s, the last 16 ended calls
//
//	MEDIA seq 1, timestamp 2, SSRC 7, "ab"
//	                       80600001 00000002 00000007 6162
//
// # Ordering and duplicates
//
// History is ordered by the sender's clock (Sent, unique and increasing
// per sender), so a conversation reads in the order each side wrote it
// whichever path each message took. Receivers keep an index of message
// IDs and apply a message once; a retry, a mailbox re-delivery after a
// crash, or a message that arrived both directly and by mailbox is
// acknowledged again and not stored twice.
//
// # Known limits
//
//   - An invitation to a group from a wallet never allowed is kept as a
//     request (Group.Request, EventRequest) until AcceptGroup; its keys
//     are held meanwhile, so declining means leaving.
//   - Two admins changing a roster at once both pick the next epoch; the
//     members keep whichever arrived first (no total order as in MLS).
//   - A mailbox keeps sealed messages for any wallet, bounded by the
//     depositor's rate limit, MailboxPerSender and MailboxLimit; many
//     wallets together can still fill a recipient's quota.
//   - Seal keys do not rotate and mailbox blobs have no forward secrecy.
//   - A community lives on one host node; posts are pushed only to the
//     members connected at the moment, the others catch up by CFETCH.
//   - Queued messages are retried until delivered; refusals stay Failed
//     (Resend tries one again).
//   - Messages a mailbox keeps and messages sent directly after it may
//     reach a recipient that just came up in either order; history is
//     ordered by Sent all the same.
package im
