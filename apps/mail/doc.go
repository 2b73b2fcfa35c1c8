// Package mail is anynet's mail between wallets: long-form RFC 5322
// messages, with attachments, folders and flags, stored and forwarded to
// the recipient's node (or, while it is offline, to the mailbox node it
// names), and read and written by the mail clients people already use
// through a local SMTP submission gateway and an IMAP gateway.
//
// Files: core.go (Core, its config, store layout, dispatch),
// entry.go (the DID entry and a mailbox's terms),
// core_send.go (the sender's pipeline), core_recv.go (the recipient's:
// folders, notices), core_box.go (mailbox custody and fetching),
// checks.go (what a sender remembers of refusals, for its SMTP codes),
// core_sync.go, core_syncbody.go and sync_wire.go (the folders kept
// alike between the nodes of one wallet), sync_nodes.go (naming those
// nodes apart),
// core_blob.go and core_stream.go (large messages kept in chunks and
// sent in parts), core_boxstream.go (large messages through a mailbox),
// core_patience.go (how long each path waits for an answer),
// wire.go (frames), seal.go (end-to-end sealing), address.go,
// service.go (Service: the core under apps/internal/runner on a node),
// smtp.go and imap.go (the gateways), tls.go (their certificate), host.go.
//
// # Addresses
//
// An anynet address is "<name>@anynet" or "<0x wallet>@anynet": the
// local part is a name the chain resolves ("bob", "bob.anynet",
// "alice.eth", through the node's Lookup) or a 20-byte wallet in hex;
// the domain is the pseudo-domain "anynet" (Domain). Every client
// accepts the form in To:. ParseAddress reads it; WalletAddress writes
// a wallet's.
//
// # Delivery and custody
//
// The core (a service.Core with no I/O; see core.go for the numbered
// pipeline) runs on Port (tcp 25 of the node's identity address). The
// sender's node reads the recipient's DID document: its mail key
// (service entry AnynetMail, an Entry) and its mailbox (mail-at), and
// the mailbox node's document: the terms it keeps mail on. It seals the message to the key and writes it to the
// recipient's node; the recipient stores it (synced) and answers
// RECEIPT in the same step, and only that makes the message Delivered.
// After MailboxAfter failed attempts the sealed message is also
// DEPOSITed at the mailbox node, which keeps it (Retention, default 5
// days; MailboxQuota bytes per recipient, default 256 MiB; both
// published in its DID entry) and answers
// HELD: the message is Held. The recipient FETCHes at start (and every
// FetchInterval), stores the items, sends each sender its RECEIPT and
// DROPs them at the mailbox. Not Delivered after DelayAfter (default
// 4 h; key mail.delay-notice): a "delayed" delivery status notification (RFC 3464,
// multipart/report) lands in the sender's INBOX. Refused for good, or
// never held and not delivered within Retention, or expired at the
// mailbox: Failed, with a "failed" notification (a bounce) that returns
// the message (message/rfc822; only its header, text/rfc822-headers,
// when it is larger than ChunkSize). Delivered
// and Failed are final and exclusive at the sender.
//
// A message accepted (SubmitCmd returned, the SMTP gateway's 250) is in
// the sender's synced store; a mailbox answers HELD and a recipient
// RECEIPT only after their synced writes. A recipient stores a message
// once per (sender wallet, message ID) whatever the path and however
// often it comes.
//
// # The DID entry
//
// did/svc/AnynetMail's value is the wallet's seal key and, on a node
// that keeps mail for others (CoreConfig.Mailbox; keys mail.quota and
// mail.retention), its terms: the bytes it keeps per recipient and for
// how many seconds (Entry, ParseEntryValue; entry_test.go):
//
//	seal:ab00000000000000000000000000000000000000000000000000000000000001
//	seal:ab00000000000000000000000000000000000000000000000000000000000001;quota=268435456;retention=432000
//
// A sender shows a Held message's mailbox and the end of its published
// retention (Outgoing.HeldBy, Until). A mailbox refuses a deposit that
// would pass the quota: REFUSE 3 (temporary, the message waits with the
// reason in Outgoing.Reason, named in the delay notice and, after the
// retention, in the bounce), or REFUSE 6 when the message alone is over
// it (Failed at once, with the mailbox's reason in the bounce, unless a
// direct attempt is still under way). InfoCmd (Service.Info, `anynet
// mail status`, /v1/mail/status) reports both ends' terms and holdings.
//
// # Consent and limits
//
// Mail from a wallet the user allowed (AllowCmd, moving a message from
// Requests to INBOX) or wrote to lands in INBOX, from anyone else in
// Requests; from a wallet the user refused (DenyCmd), or from anyone
// not allowed with KnownOnly, the answer is REFUSE 7 (a bounce). Each
// sender has a token bucket (RateLimit per second, RateBurst); over it
// the answer is REFUSE rate-limited and the sender tries later.
// Messages over MaxSize (default 36 MiB: a 25 MB attachment in base64)
// are refused (too large: a bounce; a MAIL or DEPOSIT frame longer than
// the node reads is answered REFUSE 1 too); the SMTP gateway answers
// them 552 before anything is stored. The sender's node remembers what
// a recipient's node refused (checks.go) and its SMTP gateway answers
// the next submission to it at once (CheckCmd): 450 4.2.1 for a rate
// limit (for a minute after the refusal), 552 5.2.3 for a size at or
// over one refused (at RCPT when MAIL gave SIZE=, else after DATA),
// 550 5.7.1 for consent (both for ten minutes, consent until a message
// is taken). It keeps them in its store with their times, so a restart
// keeps them until they expire. The first refusal it cannot know
// synchronously: that message was taken with a 250 and bounces (or
// waits, for a rate).
//
// # Gateways
//
// SMTPServer (github.com/emersion/go-smtp) takes submissions from the
// local user, AUTH PLAIN with the node's gateway password (Password:
// Dir/password, 0600; any user name), for anynet recipients only (550
// 5.1.2 for another domain, 550 5.1.1 for a name the chain does not
// know, 451 if the store fails). IMAPServer (github.com/emersion/go-imap
// v1, IMAP4rev1 with IDLE, MOVE, UNSELECT) serves the folders INBOX,
// Sent, Drafts, Trash and Requests (fixed) to the same user; new mail
// reaches a client in IDLE at once, and every client of a folder (every
// device) hears the flags and expunges another makes: each login is a
// user of its own and gets its own update. Both are meant for loopback. Both
// offer STARTTLS (and ServeSMTPTLS, ServeIMAPTLS serve TLS from the
// first byte) with the gateway certificate (tls.go: self-signed for
// localhost, 127.0.0.1 and ::1, kept in Dir/gateway.crt and
// Dir/gateway.key); Config.RequireTLS (key mail.tls-only) refuses a
// password before TLS.
//
// # Sealing
//
// Every message travels sealed to the recipient's key, directly or
// through a mailbox, with the layout apps/im uses:
//
//	blob  = nacl.SealAnonymous(inner, recipientKey)
//	inner = from[20] | senderKey[32] | nonce[24] | nacl.box(message, nonce, recipientKey, senderPriv)
//
// A direct MAIL is taken only if from is the wallet the overlay verified
// for the connection; a mailbox item only if senderKey is the key from's
// DID document publishes. The mailbox sees the recipient, the
// depositor, the size and the time, never the message.
//
// # Wire format
//
// Frames travel as service frames (u32 length | frame, apps/service).
// Integers are big-endian; IDs are 16 random bytes drawn by the sender
// (the SMTP gateway draws them from a digest of the bytes and the
// recipient, so a client's retry is not a second message).
//
//	MAIL     0x01  id[16] | blob                      answered by RECEIPT or REFUSE
//	RECEIPT  0x02  id[16]                             the recipient stored id (synced)
//	REFUSE   0x03  id[16] | code u8 | reason (UTF-8, ≤ 512 bytes)
//	               codes: 1 too large, 2 rate limited (temporary),
//	               3 mailbox full (temporary), 4 bad seal, 5 not a mailbox,
//	               6 over the mailbox's whole quota, 7 refused by the recipient (consent)
//	DEPOSIT  0x10  to[20] | id[16] | blob             answered by HELD or REFUSE
//	HELD     0x11  id[16]                             the mailbox keeps it (synced)
//	FETCH    0x12  (empty)                            answered by ITEM… END
//	ITEM     0x13  seq u64 | by[20] | id[16] | blob   oldest first, ≤ 8 MiB a batch
//	END      0x14  more u8 (0 or 1)
//	DROP     0x15  upto u64                           deletes the caller's items ≤ upto
//	EXPIRED  0x16  id[16]                             mailbox → depositor: let go unfetched
//	MAILX    0x07  id[16] | parts u32 | blob           a message in parts (parts ≥ 2); answered by GOT
//	PART     0x08  id[16] | index u32 | data           one part of a MAILX, in order
//	GOT      0x09  id[16] | next u32                   parts < next are stored (synced)
//	DEPOSITX 0x17  to[20] | id[16] | parts u32 | size u64 | head   a message in parts, to a mailbox; answered by GOT… HELD
//	DPART    0x18  id[16] | index u32 | data          one part of a DEPOSITX, in order
//	ITEMX    0x19  seq u64 | by[20] | id[16] | parts u32 | size u64 | head   a kept message in parts (the last item of its batch)
//	PULL     0x1a  seq u64 | index u32                 recipient → mailbox: send part index of item seq
//	IPART    0x1b  seq u64 | index u32 | data          the part, as the depositor sealed it
//
// Test vectors (hex, without the length; wire_test.go), with id
// 101112…1f:
//
//	MAIL "ab"            01 101112131415161718191a1b1c1d1e1f 6162
//	RECEIPT              02 101112131415161718191a1b1c1d1e1f
//	REFUSE 1 "big"       03 101112131415161718191a1b1c1d1e1f 01 626967
//	DEPOSIT to …b0, cd   10 00000000000000000000000000000000000000b0 101112131415161718191a1b1c1d1e1f cd
//	HELD                 11 101112131415161718191a1b1c1d1e1f
//	FETCH                12
//	ITEM 7 by …a0, cd    13 0000000000000007 00000000000000000000000000000000000000a0 101112131415161718191a1b1c1d1e1f cd
//	END more             14 01
//	DROP 7               15 0000000000000007
//	EXPIRED              16 101112131415161718191a1b1c1d1e1f
//	MAILX 2 parts "ab"   07 101112131415161718191a1b1c1d1e1f 00000002 6162
//	PART 1 cd            08 101112131415161718191a1b1c1d1e1f 00000001 cd
//	GOT 2                09 101112131415161718191a1b1c1d1e1f 00000002
//	DEPOSITX to …b0, 2 parts, 300000 bytes, "ab"
//	                     17 00000000000000000000000000000000000000b0 101112131415161718191a1b1c1d1e1f 00000002 00000000000493e0 6162
//	DPART 1 cd           18 101112131415161718191a1b1c1d1e1f 00000001 cd
//	ITEMX 7 by …a0, 2 parts, 300000 bytes, "ab"
//	                     19 0000000000000007 00000000000000000000000000000000000000a0 101112131415161718191a1b1c1d1e1f 00000002 00000000000493e0 6162
//	PULL 7 1             1a 0000000000000007 00000001
//	IPART 7 1 cd         1b 0000000000000007 00000001 cd
//
// # Large messages
//
// A message over ChunkSize (256 KiB) is never held whole by the nodes
// or the gateways: it is kept in chunks of ChunkSize (core_blob.go),
// and travels to the recipient in parts (core_stream.go):
//
//	MAILX blob = seal(key[32] | size u64)           (the layout above: the sender's wallet and seal key inside)
//	PART  data = secretbox(chunk index, nonce = id[16] | index u32 | 0[4], key)
//
// The key is drawn per attempt; the recipient checks that the parts add
// up to size (parts = ⌈size / ChunkSize⌉, each part but the last
// ChunkSize bytes), writes each chunk to its store as it comes, answers
// GOT with the next part it wants, and files the message and answers
// RECEIPT after the last. The sender keeps at most 4 parts beyond the
// last GOT in flight, and every GOT counts as an answer (AckTimeout).
// The recipient keeps its progress, so an attempt after a lost
// connection, or a restart of either end, goes on from the next part
// (under the new attempt's key); the sender starts an attempt's parts
// from the last GOT it heard, and the GOT answering MAILX corrects it.
//
// A timeout hangs up, which loses the part under way: on a path that
// moves less than a part (256 KiB) in AckTimeout, a large message would
// never move. So each path (to a recipient's node, to its mailbox, to
// one's own mailbox for fetches) doubles its wait after a timeout that
// caught a part or another frame of 64 KiB or more on its way, up to
// 16 × AckTimeout, and halves it again for every such frame answered
// within a quarter of the wait (core_patience.go; TestCoreLargeSlowPath,
// and TestSimMail, whose 10 % loss moves about 20 KiB/s against a 3 s
// AckTimeout). The SMTP gateway spools DATA to the
// store chunk by chunk (SpoolCmd) and submits it by reference; the IMAP
// gateway serves FETCH BODY[] (and RFC822) from the store chunk by
// chunk; other sections are cut by go-imap's backendutil from a chunked
// reader. TestLargeMailBoundedHeap sends 30 MB from net/smtp to a raw
// IMAP FETCH and checks the live heap.
//
// Through a mailbox (core_boxstream.go) it goes in parts both ways:
//
//	DEPOSITX head = seal(key[32] | size u64), as MAILX's, to the recipient's key
//	DPART    data = secretbox(chunk index, nonce = id[16] | index u32 | 0[4], key)
//	key = HMAC-SHA256(the depositor's private seal key, "anynet mail deposit key" | to[20] | id[16])
//
// The key is the same in every attempt, so the mailbox keeps the
// sealed parts as they come (it cannot open them; it sees the size, as
// it does a DEPOSIT's) with its progress, answers GOT with the next
// part it wants and HELD after the last: a deposit cut off, or a
// mailbox restarted, goes on from the next part. The mailbox counts
// the size against the recipient's quota from DEPOSITX on, and lets a
// deposit that never finishes go after its retention. A FETCH batch
// ends with a large item's ITEMX (the head as deposited); the
// recipient PULLs its parts, streamWindow ahead, opens each IPART with
// the key from the head, writes it to its store with the progress the
// direct path keeps (the two paths share it: a message coming both
// ways is stored once), and after the last files the message, answers
// its sender RECEIPT and DROPs it at the mailbox. A fetch cut off, or a
// recipient restarted, pulls from the next part.
// TestCoreLargeThroughMailbox cuts and restarts both;
// TestLargeMailBoundedHeapMailbox moves 30 MB through three nodes in
// one process and checks the live heap.
//
// # Several nodes of one wallet
//
// A wallet may run several nodes (a laptop and a phone), each with its
// own node key in the wallet's DID document and its own instance
// address (stack.Node.InstanceAddr). A sender's node reaches whichever
// anycast picks; the nodes keep their folders alike between them
// (core_sync.go), so mail delivered to one shows on all, and a move, a
// flag (\Seen, \Deleted, \Flagged, …), an expunge, or a message a
// client writes to Sent or Drafts on one is made on the others.
// "Delivered" is unchanged: the RECEIPT comes from the first node that
// stored the message (synced); another node that gets it again, from
// the sender or the mailbox, answers RECEIPT and files nothing.
//
// The state kept alike is one object per message, named by G (16
// bytes: SHA-256("anynet mail object v1" | from[20] | id[16]) for a
// received message, so that the same message taken by two nodes is one
// object; 16 random bytes for anything else, and for a copy). Its
// folder and each flag are last-writer-wins registers, stamped with a
// Lamport time and the writing store's replica id (the tie-break);
// Gone (expunged) is set for good and wins over every register. A
// merge takes the later stamp per register and ORs Gone, so it is
// commutative, associative and idempotent: nodes that merged the same
// objects show the same folders, in whatever order, however often and
// through whichever node the objects came. IMAP UIDs stay each node's
// own.
//
// Each node keeps a change feed (every object it changes, by a command
// or by a merge that changed it, gets the next seq and loses its older
// entry) and, per other replica, a cursor into that replica's feed. It
// pulls: PULL since → CHANGES from to, the objects changed in
// (from, to] with the bytes of those it holds (one frame, at most
// 4 MiB of bytes or 512 objects; more says another batch follows). The
// cursor moves to to only when from is at or before it, so a lost,
// repeated or late batch loses nothing. A node pulls the others at
// start and when it learns of them, again after each local change
// (NOTE), every SyncInterval (default 1 minute), and after a pull
// without an answer (AckTimeout) with a backoff; a node that comes back
// pulls and is pulled. Only the wallet's own nodes sync: the runner
// names a connection whose verified wallet is this node's own, from a
// node's instance address, NodePeer(instance address) (sync_nodes.go),
// and the core answers and merges sync frames only from the instance
// addresses of the node keys in its wallet's document (read again when
// an unknown one calls). Each node has its own seal key (published in
// its AnynetMail entry); PULL and CHANGES carry the sender's key pair,
// so every node opens mail sealed to any of them (a MAIL that no known
// key opens, while another node's key is not known yet, is left
// unanswered: the sender tries again). The private half travels only
// until the receiver says it holds it: each PULL and CHANGES also
// carries known, the receiver's public key as the sender holds it, and
// a sender whose own key comes back as known sends zeros in place of
// its private key (again after a restart, or when known stops
// matching).
//
//	PULL     0x30  replica[16] | since u64 | pair[64] | known[32]   the cursor counts in replica's feed (else from 0)
//	CHANGES  0x31  replica[16] | from u64 | to u64 | more u8 | pair[64] | known[32] | n u32 | n × (len u32 | object JSON | blen u32 | bytes)
//	               blen 0xffffffff: no bytes (an expunged object, or bytes this node does not hold)
//	NOTE     0x32  replica[16] | seq u64                    the sender's feed reached seq
//	GET      0x33  g[16] | index u32                        send chunk index of g's bytes
//	BODY     0x34  g[16] | index u32 | parts u32 | chunk    parts 0: not held here
//
// The bytes of a message over ChunkSize do not come in CHANGES: the
// node without them GETs them chunk by chunk, one at a time, from the
// node that sent the object (another after AckTimeout without an
// answer), copying its blob's chunks as they are, with its progress
// kept ("Yw"), and files the message after the last (core_syncbody.go).
//
// pair is the sender's seal key pair (private | public; private zero
// once the receiver holds it), known the receiver's public seal key as
// the sender holds it (zero: none). Vectors (sync_wire_test.go), with
// {keys} the 96 zero bytes of pair and known:
//
//	PULL since 7         30 101112131415161718191a1b1c1d1e1f 0000000000000007 {keys}
//	NOTE 9               32 101112131415161718191a1b1c1d1e1f 0000000000000009
//	GET 1                33 101112131415161718191a1b1c1d1e1f 00000001
//	BODY 1 of 3, cd      34 101112131415161718191a1b1c1d1e1f 00000001 00000003 cd
//	CHANGES 7..9, an object in INBOX flagged \Seen with "ab", an expunged one:
//	                     31 101112131415161718191a1b1c1d1e1f 0000000000000007 0000000000000009 00 {keys}
//	                        00000002 0000013a {object} 00000002 6162 000000c2 {gone} ffffffff
//	object = {"g":"01000000000000000000000000000000","from":"0x00000000000000000000000000000000000000a0","id":"101112131415161718191a1b1c1d1e1f","date":"2027-01-15T08:00:00Z","size":2,"folder":{"v":"INBOX","t":3,"r":"101112131415161718191a1b1c1d1e1f"},"flags":{"\\Seen":{"v":true,"t":4,"r":"101112131415161718191a1b1c1d1e1f"}}}
//	gone   = {"g":"02000000000000000000000000000000","id":"00000000000000000000000000000000","date":"0001-01-01T00:00:00Z","size":0,"folder":{"v":"","t":0,"r":"00000000000000000000000000000000"},"gone":true}
//
// Not kept alike: the outgoing queue and its statuses (each message is
// the submitting node's to deliver) and the senders allowed or
// refused. A node key that stays in the document after its node went
// (a node restarted with a new key) is pulled, and fails, once per
// RetryMax; while it is listed, a MAIL no known key opens is left
// unanswered rather than refused.
//
// # Limits of this version
//
// IMAP APPEND reads its literal whole: go-imap v1's parser
// (imap.Reader.ReadLiteral) allocates and reads every literal before
// the command runs, so the backend gets a buffer, never a stream; the
// gateway sets MaxLiteralSize to MaxSize so that no larger one is read.
// There are no signed counters for paid relaying yet. A message
// written in an attempt whose receipt is lost, to a recipient that
// then stays away past the retention, bounces though it may be stored
// there (a bounce waits for the attempt under way to end, and frames
// waiting for a dial go with it, which narrows this to a lost receipt).
package mail
