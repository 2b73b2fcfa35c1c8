// Package control is the local control API of a running anynet node, as
// tailscaled's LocalAPI: HTTP/JSON on a unix socket in the data directory
// (DIR/control.sock, mode 0600), which refuses every connection whose
// peer is another user (SO_PEERCRED). The CLI verbs other than up, demo,
// sim and init are clients of it.
//
// # Endpoints
//
// Every answer is JSON; an error is {"error": "..."} with a 4xx or 5xx
// status.
//
//	GET  /v1/status                 Status
//	GET  /v1/peers                  []Peer
//	GET  /v1/routes                 Routes
//	GET  /v1/resolve?name=N         Resolved
//	POST /v1/register   {"name"}    Registered
//	POST /v1/ping       {"name","count"}  PingResult
//	GET  /v1/chain                  ChainInfo
//	POST /v1/chain/fund {"wallet"}  {}
//	POST /v1/chat/send  {"to","text"}     ChatMessage
//	GET  /v1/chat/list              []ChatConversation
//	GET  /v1/chat/read?peer=P&limit=N     []ChatMessage
//
// The server answers through a Backend, which the daemon implements over
// its node (and daemon.ChainOnly for `anynet chain serve`, which answers
// status, chain and fund only); handlers hold no state of their own.
//
// A socket file left by a node that died is replaced by the next Listen;
// one a live node answers on is refused ("a node is already running").
// The socket is bound under a temporary name, set to 0600 and renamed into
// place, so it is never reachable with a looser mode.
package control
