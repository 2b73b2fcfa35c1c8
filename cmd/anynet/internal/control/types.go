package control

import (
	"context"
	"time"
)

// Backend is what the control API serves: the daemon's node. Methods are
// called concurrently, one per request, with the request's context.
type Backend interface {
	Status(ctx context.Context) (Status, error)
	Peers(ctx context.Context) ([]Peer, error)
	Routes(ctx context.Context) (Routes, error)
	// Resolve reads a name's (or wallet's, or DID's) document; texts are
	// text record keys to read too.
	Resolve(ctx context.Context, name string, texts ...string) (Resolved, error)
	// Register claims a label for the node's wallet; primary also makes
	// it the wallet's reverse (primary) name, which a wallet without one
	// gets anyway.
	Register(ctx context.Context, name string, primary bool) (Registered, error)
	Ping(ctx context.Context, name string, count int) (PingResult, error)
	Chain(ctx context.Context) (ChainInfo, error)
	Fund(ctx context.Context, wallet string) error
	ChatSend(ctx context.Context, to, text string) (ChatMessage, error)
	ChatList(ctx context.Context) ([]ChatConversation, error)
	// ChatRead returns the newest limit messages with peer (0: all),
	// oldest first, and marks the conversation read unless peek.
	ChatRead(ctx context.Context, peer string, limit int, peek bool) ([]ChatMessage, error)
}

// Status describes the running node.
type Status struct {
	Wallet    string `json:"wallet"`
	Name      string `json:"name,omitempty"` // verified reverse name
	NodeKey   string `json:"nodeKey"`
	Underlay  string `json:"underlay"` // UDP address the node listens on
	Published string `json:"published,omitempty"`
	// PublishError says why the DID document is not written yet.
	PublishError string    `json:"publishError,omitempty"`
	Chain        string    `json:"chain"`                 // "embedded" or the RPC URL
	ChainServed  string    `json:"chainServed,omitempty"` // URL others can use
	ChainID      uint64    `json:"chainId"`
	Started      time.Time `json:"started"`
	// Locators are the node's overlay locators, when routed.
	Locators []string `json:"locators,omitempty"`
	Chat     bool     `json:"chat"`
	Link     Counters `json:"link"`
	// Drops counts the frames dropped since start by reason (every
	// reason is listed, zeros included); their sum is Link.Dropped.
	Drops map[string]uint64 `json:"drops,omitempty"`
	// Handshake is the flood defence: load state and cookies.
	Handshake *HandshakeLoad `json:"handshake,omitempty"`
}

// HandshakeLoad is the state of the node's handshake flood defence.
type HandshakeLoad struct {
	// UnderLoad: more than Threshold initiations arrived in one second,
	// so initiations without a cookie get a cookie reply and no DH.
	UnderLoad       bool   `json:"underLoad"`
	Initiations     uint64 `json:"initiations"` // in the current second
	Threshold       uint64 `json:"threshold"`
	Processed       uint64 `json:"processed"` // initiations that cost DH work
	CookiesSent     uint64 `json:"cookiesSent"`
	CookiesReceived uint64 `json:"cookiesReceived"`
	RateLimited     uint64 `json:"rateLimited"`
}

// Counters are the overlay's main counters.
type Counters struct {
	FramesSent     uint64 `json:"framesSent"`
	FramesReceived uint64 `json:"framesReceived"`
	BytesSent      uint64 `json:"bytesSent"`
	BytesReceived  uint64 `json:"bytesReceived"`
	Handshakes     uint64 `json:"handshakes"` // completed, either role
	Dropped        uint64 `json:"dropped"`
}

// Peer is a wallet this node knows how to reach or has talked to.
type Peer struct {
	Wallet string `json:"wallet"`
	Name   string `json:"name,omitempty"`
	Addr   string `json:"addr,omitempty"` // underlay endpoint, when known
	// Source says how the node met it: "static", "router", "chain"
	// (resolved or pinged), "seen" (chatted with) or "session" (it
	// reached this node, or this node it, in no other way).
	Source string `json:"source"`
	// Up: a session with it stands and it answers.
	Up bool `json:"up"`
	// Path is how frames reach it now: "direct" (a direct UDP path),
	// "relayed" (through a router) or "" (not known).
	Path string        `json:"path,omitempty"`
	RTT  time.Duration `json:"rttNs,omitempty"` // last ping's round trip
	// Seen is the last activity: a message, a ping reply, a resolution;
	// zero if none yet.
	Seen time.Time `json:"seen,omitzero"`
	// Messages counts chat messages exchanged with it since the node
	// started, both ways.
	Messages uint64 `json:"messages"`
	// BytesIn and BytesOut count the data (IP packets) received from
	// and sent to it since the node started.
	BytesIn  uint64 `json:"bytesIn"`
	BytesOut uint64 `json:"bytesOut"`
}

// Routes is the node's routing state.
type Routes struct {
	// Available is true when the node is in a routed segment (a router,
	// or a host with routers); Note says what that means for its peers.
	Available bool         `json:"available"`
	Note      string       `json:"note"`
	Direct    []DirectPath `json:"direct"` // wallets reached directly over the underlay
	// Role is "host" or "router"; Locator this node's locator; both
	// empty without routing.
	Role    string `json:"role,omitempty"`
	Locator string `json:"locator,omitempty"`
	// Attached: a host's attachment to one of its routers stands.
	Attached bool `json:"attached,omitempty"`
	// Table is a router's route table, longest prefix first.
	Table []Route `json:"table,omitempty"`
	// Pass says whether a router's network pass names its endpoint, so
	// that routers of other segments tunnel to it.
	Pass string `json:"pass,omitempty"`
}

// Route is one entry of a router's table.
type Route struct {
	Prefix string `json:"prefix"` // locator prefix, text form
	// NextHop is the next hop's wallet, or its node key ("key:…") when
	// not one of the configured routers; empty with Self.
	NextHop string `json:"nextHop,omitempty"`
	Self    bool   `json:"self,omitempty"` // the router's own prefix
	Metric  uint32 `json:"metric"`
}

// DirectPath is a wallet reached straight over the underlay.
type DirectPath struct {
	Wallet string `json:"wallet"`
	Name   string `json:"name,omitempty"`
	Addr   string `json:"addr"` // its underlay endpoint
}

// Resolved is what the chain says of a name: the whole DID document
// anynet reads, and the text records asked for.
type Resolved struct {
	// Name is the normalized name (ENSIP-15), or the verified reverse
	// name of a wallet asked for.
	Name   string `json:"name"`
	Wallet string `json:"wallet"`
	// DID is the wallet's chain-qualified did:ethr DID.
	DID string `json:"did,omitempty"`
	// NodeKeys are the valid node keys (hex); Keys says more of each.
	NodeKeys []string      `json:"nodeKeys,omitempty"`
	Keys     []ResolvedKey `json:"keys,omitempty"`
	// Underlay are the endpoints (ip:port); Endpoints pairs each with the
	// node key it serves, when said.
	Underlay  []string           `json:"underlay,omitempty"`
	Endpoints []ResolvedEndpoint `json:"endpoints,omitempty"`
	Locators  []string           `json:"locators,omitempty"`
	Routers   []string           `json:"routers,omitempty"`
	// Services are every did/svc service of the document (anynet's and
	// others').
	Services []ResolvedService `json:"services,omitempty"`
	Mailbox  string            `json:"mailbox,omitempty"`
	// Texts are the text records asked for (key → value; absent: none).
	Texts map[string]string `json:"texts,omitempty"`
}

// ResolvedKey is a node key and its validity.
type ResolvedKey struct {
	Key        string    `json:"key"`
	Status     string    `json:"status"` // valid, revoked, expired
	ValidUntil time.Time `json:"validUntil,omitzero"`
}

// ResolvedEndpoint is an underlay endpoint and the node key there.
type ResolvedEndpoint struct {
	Addr    string `json:"addr"`
	NodeKey string `json:"nodeKey,omitempty"`
}

// ResolvedService is one did/svc service.
type ResolvedService struct {
	Type     string `json:"type"`
	Endpoint string `json:"endpoint"`
}

// Registered is the result of a registration.
type Registered struct {
	Name   string `json:"name"`
	Wallet string `json:"wallet"`
	// Primary: the registration made Name the wallet's primary (reverse)
	// name; PrimaryName is the wallet's primary name afterwards.
	Primary     bool   `json:"primary"`
	PrimaryName string `json:"primaryName,omitempty"`
}

// PingResult gives the round trip times of a ping through the overlay.
type PingResult struct {
	Name   string          `json:"name"`
	Wallet string          `json:"wallet"`
	Method string          `json:"method"` // how the RTT was measured
	RTTs   []time.Duration `json:"rttsNs"` // one per reply
	Sent   int             `json:"sent"`
	Lost   int             `json:"lost"`
	// Min, Avg and Max summarise RTTs; zero without replies.
	Min time.Duration `json:"minNs,omitempty"`
	Avg time.Duration `json:"avgNs,omitempty"`
	Max time.Duration `json:"maxNs,omitempty"`
}

// ChainInfo describes the chain the node uses.
type ChainInfo struct {
	Mode     string `json:"mode"` // "embedded" or "remote"
	URL      string `json:"url,omitempty"`
	ChainID  uint64 `json:"chainId"`
	Registry string `json:"registry,omitempty"`
	DID      string `json:"didRegistry,omitempty"`
	TLD      string `json:"tld,omitempty"`
	// The other contracts; empty when not configured.
	Resolver         string `json:"resolver,omitempty"`
	Registrar        string `json:"registrar,omitempty"`
	ReverseRegistrar string `json:"reverseRegistrar,omitempty"`
	Passes           string `json:"passes,omitempty"`
}

// Message statuses (ChatMessage.Status), in the order a message moves.
const (
	StatusPending   = "pending"   // stored here, not handed over yet
	StatusQueued    = "queued"    // (a send's answer) not delivered yet and no mailbox took it: tried again; Error says why
	StatusSent      = "sent"      // a mailbox holds it
	StatusDelivered = "delivered" // the recipient's node stored it
	StatusRead      = "read"      // the recipient read it
	StatusFailed    = "failed"    // nobody took it; Error says why
)

// ChatMessage is one chat message.
type ChatMessage struct {
	ID     string    `json:"id"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Text   string    `json:"text"`
	Sent   time.Time `json:"sent"`
	Status string    `json:"status"` // a Status… constant
	Error  string    `json:"error,omitempty"`
	// Group is the group's ID, for a group message.
	Group string `json:"group,omitempty"`
	// Attachment is the file the message offers, if any.
	Attachment *ChatAttachment `json:"attachment,omitempty"`
}

// ChatConversation summarises a conversation.
type ChatConversation struct {
	Peer    string      `json:"peer"`
	Name    string      `json:"name,omitempty"`
	Unread  int         `json:"unread"`
	Request bool        `json:"request,omitempty"` // from a wallet never allowed
	Last    ChatMessage `json:"last"`
}
