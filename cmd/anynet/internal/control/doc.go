// Package control is the local control API of a running anynet node, as
// tailscaled's LocalAPI: HTTP/JSON on a unix socket in the data directory
// (DIR/control.sock, mode 0600), which refuses every connection whose
// peer is another user (SO_PEERCRED). The CLI verbs other than up, demo,
// sim and init are clients of it.
//
// # Conventions
//
// Every answer is a JSON object or array of the Go type named beside its
// endpoint below, with the json tags of its fields; the types are the
// specification. Fields are typed: counts and sizes are numbers,
// times RFC 3339 strings, durations integer nanoseconds in fields whose
// names end in "Ns" (rttNs, rttsNs, jitterNs, durationNs), wallets 0x
// hex, routes and paths records (Route, DirectPath), message statuses
// and event kinds the constants Status… and Event…. Clients never parse
// prose: Note, Detail and error messages are for people.
//
// A request body is one JSON object; a field the endpoint does not take,
// a value of the wrong type or a second value is refused (400).
// A query parameter the endpoint does not take, or one given twice, is
// refused too; numbers and booleans in the query are checked.
//
// An error is ErrorBody, {"error": "…", "code": "…"}, with the status of
// its code: bad_request 400, forbidden 403, not_found 404, refused 409,
// internal 500, unsupported 501, timeout 504. The client turns the code
// back into the sentinel (ErrBadRequest, ErrNotFound …) for errors.Is.
//
// A ping of more than 100 probes and a chat text over the chat
// service's limit are refused with 400 too; a body is at most 1 MiB.
//
// Status carries, beside the counters, "drops": the frames dropped since
// start by reason (malformed, mac1, auth, replay, handshakeReplay,
// unknownIndex, rateLimited, sessionExpired, binding, spoofed, notIPv6,
// noPeer, queueFull, queueExpired, tooBig, hopLimit, noRoute, control,
// other; they sum to link.dropped), and "handshake": the flood defence
// (underLoad, initiations this second, threshold, processed, cookiesSent,
// cookiesReceived, rateLimited).
//
// # Endpoints
//
//	GET  /v1/status                 Status
//	GET  /v1/peers                  []Peer
//	GET  /v1/routes                 Routes
//	GET  /v1/resolve?name=N[&text=K…] Resolved (N: name, 0x wallet or did:ethr DID; text records K)
//	POST /v1/register   {"name","primary"} Registered (primary: also the reverse name)
//	POST /v1/ping       {"name","count"}  PingResult
//	GET  /v1/chain                  ChainInfo
//	POST /v1/chain/fund {"wallet"}  {}
//	POST /v1/chat/send  {"to","text"}     ChatMessage
//	GET  /v1/chat/list              []ChatConversation
//	GET  /v1/chat/read?peer=P&limit=N[&peek=true]  []ChatMessage (marked read unless peek)
//	GET  /v1/events[?after=SEQ]     stream of Event (below)
//
// Beyond those, a Backend that implements ChatBackend serves (others
// answer these ErrUnsupported):
//
//	GET  /v1/chat/requests          []ChatConversation
//	POST /v1/chat/markread  {"peer"}           {}
//	POST /v1/chat/consent   {"peer","action"}  {}    action: allow, deny, block
//	POST /v1/chat/sendfile  {"to","path"}      ChatMessage (path absolute)
//	POST /v1/chat/get       {"id","dir"}       stream of Progress (below; dir "": the file stays in the node's store)
//	POST /v1/chat/group/create {"name","members"}  ChatGroup
//	POST /v1/chat/group/invite {"group","member"}  ChatGroup
//	POST /v1/chat/group/remove {"group","member"}  ChatGroup
//	POST /v1/chat/group/leave  {"group"}           {}
//	POST /v1/chat/group/accept {"group"}           {}
//	POST /v1/chat/group/send   {"group","text"}    ChatMessage
//	GET  /v1/chat/group/list                       []ChatGroup
//	GET  /v1/chat/group/read?group=G&limit=N       []ChatMessage
//
//	POST /v1/chat/community/create {"name"}             ChatCommunity
//	POST /v1/chat/community/join   {"host","id"}        ChatCommunity
//	POST /v1/chat/community/post   {"community","text"} ChatPost
//	GET  /v1/chat/community/read?community=C&limit=N    []ChatPost
//	GET  /v1/chat/community/list                        []ChatCommunity
//	POST /v1/chat/community/leave  {"community"}        {}
//	POST /v1/chat/community/ban    {"community","member"} {}
//	POST /v1/chat/community/delete {"community","post"}   {}
//	POST /v1/chat/call  {"to","path","bitrate"}         CallResult
//
// A Backend implementing PassBackend serves network passes (the daemon
// all of them; ChainOnly, `anynet chain serve`, which holds the embedded
// chain's dev account but no wallet, show and mint with a holder named);
// others answer ErrUnsupported. IDs are decimal, prefixes and
// locators in locator text form; a change the chain refuses (not the
// holder, overlap, outside the parent) is ErrRefused, 409:
//
//	GET  /v1/pass?ref=R                      Pass (R: ID, prefix or locator; the deepest pass holding it)
//	GET  /v1/pass/list                       []Pass held by the node's wallet
//	POST /v1/pass/mint      {"prefix","to"}  Pass (to: 0x wallet or name; "": the node's)
//	POST /v1/pass/subdivide {"id","prefix"}  Pass (the new one)
//	POST /v1/pass/transfer  {"id","to"}      Pass
//	POST /v1/pass/routers   {"id","endpoints"}  Pass (endpoints "ip:port"; [] clears)
//	POST /v1/mail/send      {"to","subject","text","attach"}  MailOutgoing (to: name@anynet, 0x…@anynet, a name or wallet;
//	                                         attach: absolute paths); stored, then delivered or bounced
//	GET  /v1/mail/list?folder=F              []MailMessage (F: INBOX, Sent, Drafts, Trash, Requests; default INBOX)
//	GET  /v1/mail/read?folder=F&uid=N        MailMessage with its text and attachment names (marks it \Seen)
//	GET  /v1/mail/outbox                     []MailOutgoing: queued, held, delivered, failed (delayed: told it is late)
//	POST /v1/mail/allow     {"peer"}         {} (peer's mail lands in INBOX, not Requests)
//	GET  /v1/mail/gateways                   MailGateways (SMTP and IMAP addresses, user, password)
//	GET  /v1/mail/status                     MailStatus (mailbox terms and holdings, mail-at and its terms, delay notice)
//
// A Backend implementing ContentBackend serves content (apps/content):
// IDs are a blob's BLAKE3 hash in hex, a link HOST/SHARE[/PATH] (HOST a
// name or 0x wallet) or ID@HOST, paths absolute on the node's machine.
// Events of kind "content" report downloads and evictions:
//
//	POST /v1/content/share   {"path","name","public","to"}  ContentShare (to: names or 0x wallets)
//	POST /v1/content/unshare {"name"}                       {}
//	GET  /v1/content/shares                                 []ContentShare
//	GET  /v1/content/ls?host=H[&prefix=P]                   []ContentShare H lets this wallet read
//	POST /v1/content/get     {"link","dir"}                 stream of ContentProgress (then the file's path)
//	GET  /v1/content/status                                 ContentStatus (downloads, counters, cache, proxy, live site)
//	POST /v1/content/pin     {"id","pin"}                   {}
//	POST /v1/content/serve   {"target"}                     ContentSite (target http://127.0.0.1:PORT, served again after a restart; "": stop)
//	POST /v1/content/publish {"dir","name"}                 ContentPublished (name: its contenthash is set)
//
// A Backend implementing StreamBackend serves live streams
// (apps/stream): an encoder pushes HLS over HTTP PUT to the ingest URL
// publish returns; players open the URL play returns through the web
// proxy; a refused viewer's proxy answers 403 with the reason:
//
//	POST /v1/stream/publish {"name","parts","allow","token"}    StreamPublished (ingest URL, HOST/NAME)
//	GET  /v1/stream/list                                        []StreamInfo
//	POST /v1/stream/play    {"host","name","relay"}             StreamPlaying (URL, web proxy)
//	POST /v1/stream/record  {"name","stop","share","public","to"} StreamRecording (stopped: a shared collection)
//
// A Backend implementing PayBackend serves payments (apps/pay): amounts
// are decimal strings of base units (wei for ether; ParseAmount also
// takes "0.5eth" and "20gwei"), a token an ERC-20 0x address ("" is
// ether), a peer a name or a 0x wallet. An invoice asked of this node
// names who asks: the wallet the connection verified and its name on
// chain; it is paid only on approve. A payment over a budget, or on no
// channel with room, is ErrRefused (409):
//
//	POST /v1/pay/send            {"to","amount","token","memo"}  PayReceipt (a transfer, once mined)
//	POST /v1/pay/channel/open    {"to","deposit","token"}        PayChannel
//	POST /v1/pay/channel/pay     {"to","amount","token","app"}   PayChannel (once acknowledged)
//	POST /v1/pay/channel/close   {"id"}                          PayChannel (settled)
//	GET  /v1/pay/channels                                        []PayChannel
//	POST /v1/pay/invoice/ask     {"to","amount","token","memo"}  PayInvoice
//	GET  /v1/pay/invoices                                        []PayInvoice
//	POST /v1/pay/invoice/approve {"id"}                          PayInvoice
//	POST /v1/pay/invoice/refuse  {"id","reason"}                 PayInvoice
//	POST /v1/pay/budget          {"peer","app","token","limit"}  []PayBudget (limit "": removed)
//	GET  /v1/pay/budgets                                         []PayBudget
//	GET  /v1/pay/wallet                                          PayWallet
//
// A Backend implementing VPNBackend (the daemon) serves VPN exits
// (apps/vpn); others answer ErrUnsupported:
//
//	GET  /v1/vpn/status                      VPNStatus (the node's exit and proxy, each if running)
//	GET  /v1/vpn/exits                       []VPNExit advertised on chain
//
// A Backend implementing RelayBackend (the daemon) serves relay
// incentives (apps/relay); others answer ErrUnsupported:
//
//	GET  /v1/relay/status                    RelayStatus (roles, epoch, pending credit and fee, scores, probes, commits)
//	GET  /v1/relay/score?epoch=N[&guardian=HOST]  RelayScore (recomputed from published evidence; match with the chain)
//	POST /v1/relay/claim  {"epoch","withdraw"}    RelayClaim
//	GET  /v1/relay/stake                     RelayStake (staked, unstaking and when it unlocks, what it backs)
//	POST /v1/relay/stake  {"action","amount"}     RelayStake after "stake" AMOUNT, "unstake" AMOUNT or "withdraw"
//
// GROUP and COMMUNITY are an ID (32 hex digits) or a name, if unique
// among this wallet's groups or communities. The group and community
// endpoints are served by a Backend implementing CommunityBackend (the
// last nine) or ChatBackend (the rest).
//
// The mail endpoints are served by a Backend implementing MailBackend.
//
// /v1/chat/get streams newline-delimited JSON (application/x-ndjson):
// progress lines, at most one per percent, then one final line with the
// file or the error and the status it would have had:
//
//	{"have":32768,"total":100000}
//	{"have":100000,"total":100000}
//	{"file":{"path":"/home/u/photo.bin","name":"photo.bin","size":100000,"sha256":"…"}}
//	or {"error":"control: not found: …","code":"not_found"}
//
// # Events
//
// GET /v1/events streams newline-delimited JSON, one Event per line, for
// as long as the client stays. The node numbers its events from 1 (Seq)
// and keeps the newest DefaultJournalSize (Journal). The first line is
// {"seq":N,"kind":"hello"}, N the newest number. Without ?after the
// stream goes on with the events after N; with ?after=SEQ it first
// replays those after SEQ, so a client that reconnects with the Seq of
// the last event it handled gets every event exactly once. If some were
// dropped meanwhile (or SEQ is from an earlier run of the node) a "gap"
// event comes first, and the client re-reads what it shows.
//
//	{"seq":41,"kind":"hello"}
//	{"seq":42,"time":"…","kind":"peer","peer":{"wallet":"0x…","source":"seen","messages":0}}
//	{"seq":43,"time":"…","kind":"path","peer":{"wallet":"0x…","path":"direct","addr":"192.0.2.7:4747",…}}
//	{"seq":44,"time":"…","kind":"peer-up","peer":{"wallet":"0x…","up":true,"bytesIn":0,…}}
//	{"seq":45,"time":"…","kind":"message","message":{"id":"…","from":"0x…","to":"0x…","text":"hi","status":"delivered",…}}
//	{"seq":46,"time":"…","kind":"receipt","message":{"id":"…","status":"read",…}}
//	{"seq":47,"time":"…","kind":"transfer","transfer":{"id":"…","have":32768,"total":100000}}
//	{"seq":48,"time":"…","kind":"service","service":{"service":"naming","what":"name","detail":"bob.anynet"}}
//
// Kinds: peer (a wallet met), peer-up and peer-down (a session with it
// came up; it ended: reset, expired, or the peer stopped answering),
// path (direct ⇄ relayed), message (received
// or sent here), request (from a wallet never allowed), receipt, group
// (roster changed; group is its ID), post (community), transfer
// (download progress, at most one per percent, then done or error),
// service (node up, DID document published or failing, name
// registered, call ended), payment (PayEvent: a voucher received, an
// invoice asked of this node or settled, a transfer received), mail (a
// message stored in a folder, "mail"; or a sent one's status,
// "mail_out": held, delivered, failed, delayed), content
// (ContentEvent: a download's progress, at most one per 5 %, done,
// failed, a provider dropped, a cached blob evicted), gap. Clients ignore
// kinds they do not know.
//
// The server answers through a Backend, which the daemon implements over
// its node (and daemon.ChainOnly for `anynet chain serve`, which answers
// status, chain and fund only); handlers hold no state of their own.
// Close ends the event streams too.
//
// A socket file left by a node that died is replaced by the next Listen;
// one a live node answers on is refused ("a node is already running").
// The socket is bound under a temporary name, set to 0600 and renamed into
// place, so it is never reachable with a looser mode.
package control
