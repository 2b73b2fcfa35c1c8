package tui

import (
	"context"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Backend is what the TUI shows and drives: the running node, seen through
// the daemon (or the control API). The TUI calls every method from a
// tea.Cmd goroutine with a context that carries a timeout, so methods may
// block on the network; they must be safe for concurrent use. Returned
// slices and structs belong to the caller.
type Backend interface {
	// Status returns the node's identity and overlay counters.
	Status(ctx context.Context) (Status, error)
	// Peers returns the peers the node knows, with their session state.
	Peers(ctx context.Context) ([]Peer, error)
	// Routes returns the routing table; it may be empty.
	Routes(ctx context.Context) ([]Route, error)
	// Resolve looks a name up on chain.
	Resolve(ctx context.Context, name string) (Resolution, error)
	// Reverse returns the verified name of a wallet, "" if it has none.
	Reverse(ctx context.Context, wallet common.Address) (string, error)
	// Register registers name for this node's wallet.
	Register(ctx context.Context, name string) error
	// Conversations lists the chat conversations, newest first, then
	// the groups (Conversation.Group set).
	Conversations(ctx context.Context) ([]Conversation, error)
	// History returns the last limit messages exchanged with peer, oldest
	// first (limit <= 0: all).
	History(ctx context.Context, peer common.Address, limit int) ([]Message, error)
	// Send sends text to a name or a 0x wallet and returns the message as
	// stored (Status Pending, Sent, Delivered or Failed). Later status
	// changes arrive as EventReceipt.
	Send(ctx context.Context, to string, text string) (Message, error)
	// GroupHistory returns the last limit messages of group (its ID),
	// oldest first (limit <= 0: all).
	GroupHistory(ctx context.Context, group string, limit int) ([]Message, error)
	// SendGroup posts text to group (its ID) and returns the message as
	// stored.
	SendGroup(ctx context.Context, group, text string) (Message, error)
	// SendFile offers the file at path (absolute, or relative to the
	// TUI's working directory) to a name or a 0x wallet, who downloads it
	// when they choose; the file must stay there until then.
	SendFile(ctx context.Context, to, path string) (Message, error)
	// Download fetches the file message id offers, calling progress
	// (if not nil) with the bytes held and the total after each chunk,
	// and returns where the verified file is. It runs without the
	// per-call timeout, until done or the TUI exits; a later call resumes.
	Download(ctx context.Context, id string, progress func(have, total int64)) (string, error)
	// MarkRead marks the conversation with peer read.
	MarkRead(ctx context.Context, peer common.Address) error
	// Consent answers a request: allow peer (its conversation becomes an
	// ordinary one), deny it (hidden, the sender is not told) or block it.
	Consent(ctx context.Context, peer common.Address, action Consent) error
	// Communities lists the public communities this node hosts or
	// joined.
	Communities(ctx context.Context) ([]Community, error)
	// CommunityPosts returns the newest limit posts of community (its
	// ID), oldest first (limit <= 0: all). A member's node first fetches
	// what the host has that it lacks.
	CommunityPosts(ctx context.Context, community string, limit int) ([]Post, error)
	// CreateCommunity creates a community hosted by this node.
	CreateCommunity(ctx context.Context, name string) (Community, error)
	// JoinCommunity joins community id hosted by host (a name or a 0x
	// wallet) and returns it.
	JoinCommunity(ctx context.Context, host, id string) (Community, error)
	// PostCommunity posts text to community (its ID) and returns the
	// post; on a member's node its Seq is 0 until the host's copy
	// arrives (as EventPost).
	PostCommunity(ctx context.Context, community, text string) (Post, error)
	// LeaveCommunity leaves a joined community.
	LeaveCommunity(ctx context.Context, community string) error
	// BanMember bars member (a name or a 0x wallet) from a community
	// this node hosts.
	BanMember(ctx context.Context, community, member string) error
	// DeletePost deletes post (its ID) of community: the owner deletes
	// any, an author its own.
	DeletePost(ctx context.Context, community, post string) error
	// Call streams the file at path (absolute) to a name or a 0x wallet
	// as a real-time call (UDP in the overlay) at bitrate bits/s (0: the
	// node's default, 64000), and returns the call's statistics once it
	// ends. It blocks for the whole call, without the per-call timeout,
	// until the file is sent and the callee reported, or ctx is cancelled
	// (/hangup, or the TUI exits). The callee takes calls only from
	// wallets it allowed.
	Call(ctx context.Context, to, path string, bitrate int) (CallResult, error)
	// Events returns a channel of node events. Run calls it once, with a
	// context cancelled when the TUI exits; the backend closes the channel
	// then. A backend without events may return nil.
	Events(ctx context.Context) <-chan Event
}

// Status is the node's identity and overlay counters.
type Status struct {
	Name     string // verified reverse name; "" if none
	Wallet   common.Address
	NodeKey  string   // hex or base64, shown as given
	Underlay string   // UDP address the node listens on
	Locators []string // overlay locators / published endpoints
	Chain    string   // "embedded" or an RPC URL
	Started  time.Time
	Counters Counters
}

// Counters are cumulative overlay counters; the TUI derives rates from
// successive samples.
type Counters struct {
	BytesIn, BytesOut   uint64
	FramesIn, FramesOut uint64
	Handshakes          uint64
	Drops               uint64
}

// Peer is a wallet the node knows how to reach or has talked to.
type Peer struct {
	Wallet   common.Address
	Name     string // verified name; "" if none known
	Endpoint string // underlay address, "" if unknown
	Source   string // how the node met it: "static", "router", "chain", "seen", "session"
	Path     string // "direct", "relayed" or "" (not known)
	Up       bool   // a session with it stands
	RTT      time.Duration
	Seen     time.Time // last activity; zero if none yet
	Messages uint64    // chat messages exchanged since the node started
	// BytesIn and BytesOut count the data received from and sent to it
	// since the node started.
	BytesIn, BytesOut uint64
}

// Route is one entry of the overlay routing table.
type Route struct {
	Destination string // locator prefix or wallet
	NextHop     string // wallet or name of the next hop
	Via         string // "direct", "router", …
	Metric      int
}

// Resolution is a name's answer on chain.
type Resolution struct {
	Name      string
	Wallet    common.Address
	NodeKeys  []string
	Endpoints []string
	Mailbox   string
}

// MessageStatus is where a chat message is on its way.
type MessageStatus uint8

const (
	Pending   MessageStatus = iota // stored, not handed over yet
	Sent                           // a mailbox holds it
	Delivered                      // the recipient's node stored it
	Read                           // the recipient read it
	Failed                         // nobody took it; see Message.Err
)

func (s MessageStatus) String() string {
	switch s {
	case Pending:
		return "pending"
	case Sent:
		return "sent"
	case Delivered:
		return "delivered"
	case Read:
		return "read"
	case Failed:
		return "failed"
	}
	return "unknown"
}

// Consent is an answer to a request from a wallet never allowed.
type Consent uint8

const (
	Allow Consent = iota + 1 // make it a contact
	Deny                     // hide its messages without telling it
	Block                    // refuse its messages
)

func (c Consent) String() string {
	switch c {
	case Allow:
		return "allow"
	case Deny:
		return "deny"
	case Block:
		return "block"
	}
	return "unknown"
}

// Message is one chat message.
type Message struct {
	ID       string // unique per message; receipts refer to it
	From, To common.Address
	Text     string
	Sent     time.Time
	Status   MessageStatus
	Err      string // why it Failed
	Group    string // the group's ID, for a group message
	File     *File  // the file the message offers, if any
}

// File is an attachment offered by a message.
type File struct {
	Name string
	Size int64
	Path string // where it is on this node; "" until downloaded
}

// Conversation summarises a 1:1 conversation or a group.
type Conversation struct {
	Peer    common.Address // zero for a group
	Group   string         // the group's ID; "" for 1:1
	Members int            // a group's member count
	Name    string         // peer's name if known; the group's name
	Unread  int
	Request bool // from a wallet never allowed
	Last    Message
}

// EventKind says what an Event reports.
type EventKind uint8

const (
	// EventMessage: a new message arrived (Message set).
	EventMessage EventKind = iota + 1
	// EventReceipt: a sent message's Status changed (Message set, with
	// the new Status; ID identifies it).
	EventReceipt
	// EventPeers: peers or sessions changed; the TUI refreshes them.
	EventPeers
	// EventPost: a community post arrived or was deleted (Post set).
	EventPost
)

// Event is something the node reports without being asked.
type Event struct {
	Kind    EventKind
	Message Message
	Post    Post // for EventPost
}

// Community is a public community this node hosts or joined.
type Community struct {
	ID       string // 32 hex digits; what /join takes
	Name     string
	Host     common.Address
	HostName string // the host's verified name; "" if none known
	Hosted   bool   // this node hosts it: its wallet is the owner
	Members  int    // member count, known on the host only
}

// Post is one post of a community.
type Post struct {
	Community string // the community's ID
	Seq       uint64 // the host's number, from 1; 0 until the host has it
	ID        string // unique per post; /delete takes it
	From      common.Address
	FromName  string // the author's verified name; "" if none known
	Text      string
	Sent      time.Time
	Deleted   bool
}

// CallResult is a finished call's statistics. On the caller, the
// receive-side numbers (Received, Lost, Late, Duplicates, Jitter) come
// from the callee's report; Reported says it arrived.
type CallResult struct {
	Peer       common.Address
	Sent       uint64  // media packets sent
	Received   uint64  // distinct packets the callee got, on time or late
	Lost       uint64  // Sent minus Received
	LossRate   float64 // Lost over Sent, 0 to 1
	Late       uint64  // arrived after their playout time
	Duplicates uint64
	Jitter     time.Duration // RFC 3550 interarrival jitter at the callee
	// RTTP50 and RTTP99 are round trips measured from the callee's
	// echoes; zero when none came back.
	RTTP50, RTTP99 time.Duration
	Bytes          int64 // payload sent
	Duration       time.Duration
	Reported       bool // the callee's report arrived
}
