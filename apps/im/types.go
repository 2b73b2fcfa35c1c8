package im

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// MessageID names a message everywhere: 16 random bytes chosen by the
// sender. Receivers suppress duplicates by ID.
type MessageID [16]byte

func newMessageID() MessageID {
	var id MessageID
	rand.Read(id[:])
	return id
}

// String returns the ID in hex.
func (id MessageID) String() string { return hex.EncodeToString(id[:]) }

// IsZero reports whether id is all zeros.
func (id MessageID) IsZero() bool { return id == MessageID{} }

// ParseMessageID parses the 32 hex digits String returns.
func ParseMessageID(s string) (MessageID, error) {
	var id MessageID
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(id) {
		return id, ErrMalformed
	}
	copy(id[:], b)
	return id, nil
}

// Status is where a message is on its way. It only moves forward, except
// to Failed from Pending.
type Status uint8

const (
	// Pending: stored, not yet handed to the recipient or a mailbox.
	Pending Status = iota
	// Sent: a mailbox holds it for the recipient.
	Sent
	// Delivered: the recipient's node stored it (delivery receipt).
	Delivered
	// Read: the recipient marked it read (read receipt).
	Read
	// Failed: neither the recipient nor a mailbox took it.
	Failed
)

func (s Status) String() string {
	return name(s, "unknown", "pending", "sent", "delivered", "read", "failed")
}

// Message is one message of a conversation, as this node stores it.
type Message struct {
	ID       MessageID
	From, To common.Address
	// Group is the group the message belongs to; zero for 1:1.
	Group GroupID `json:",omitempty"`
	Text  string
	// Sent is the sender's clock when it sent the message; history is
	// ordered by it.
	Sent time.Time
	// Received is this node's clock when it stored the message.
	Received time.Time
	// Status: for messages this node sent, how far they got; for
	// messages it received, Delivered or (after MarkRead) Read.
	Status Status
	// Edited is set once the sender edited the text.
	Edited bool `json:",omitempty"`
	// Reactions maps each reacting wallet to its reaction.
	Reactions map[common.Address]string `json:",omitempty"`
	// Attachment is the file the message offers, if any.
	Attachment *Attachment `json:",omitempty"`
	// Err is why a message Failed.
	Err string `json:",omitempty"`
}

// Consent is what the user decided about a peer.
type Consent uint8

const (
	// Unknown: never allowed; its messages land in requests.
	Unknown Consent = iota
	// Allowed: a contact (sending to a peer allows it).
	Allowed
	// Denied: its messages are kept out of sight, without events.
	Denied
	// Blocked: its messages are refused with ErrBlocked.
	Blocked
)

func (c Consent) String() string {
	return name(c, "unknown", "request", "allowed", "denied", "blocked")
}

// Conversation summarises a 1:1 conversation.
type Conversation struct {
	Peer    common.Address
	Consent Consent
	Unread  int
	// Last is the newest message; zero ID if none.
	Last Message
}

// EventKind says what an Event reports.
type EventKind uint8

const (
	// EventMessage: a new message from an allowed peer.
	EventMessage EventKind = iota + 1
	// EventRequest: a new message from a peer never allowed.
	EventRequest
	// EventReceipt: a sent message's Status changed (delivery, read, failure).
	EventReceipt
	// EventEdit: a message's text was edited by its sender.
	EventEdit
	// EventReaction: a message's reactions changed.
	EventReaction
	// EventGroup: a group's membership or key changed.
	EventGroup
	// EventPost: a community post arrived, or was deleted.
	EventPost
	// EventCall: an incoming call ended; Call holds its statistics.
	EventCall
	// EventRefusedItem: a mailbox item did not open, or was not sealed
	// with its sender's key; it was dropped.
	EventRefusedItem
)

func (k EventKind) String() string {
	return name(k, "unknown", "", "message", "request", "receipt", "edit", "reaction", "group", "post", "call", "refused-item")
}

// name is names[v], or dflt when v has no name there.
func name[T ~uint8](v T, dflt string, names ...string) string {
	if int(v) < len(names) && names[v] != "" {
		return names[v]
	}
	return dflt
}

// Event is what Subscribe delivers.
type Event struct {
	Kind EventKind
	// Message is the message concerned, as now stored.
	Message Message
	// Peer is the other wallet of the conversation.
	Peer common.Address
	// Group is the group concerned, for EventGroup and group messages.
	Group GroupID
	// Post is the community post of EventPost.
	Post Post
	// Call is the statistics of an incoming call, for EventCall.
	Call *CallStats
}

// GroupID names a private group: 16 random bytes chosen by its creator.
type GroupID [16]byte

// String returns the ID in hex.
func (g GroupID) String() string { return hex.EncodeToString(g[:]) }

// IsZero reports whether g is all zeros.
func (g GroupID) IsZero() bool { return g == GroupID{} }

// ParseGroupID parses the 32 hex digits GroupID.String returns.
func ParseGroupID(s string) (GroupID, error) {
	id, err := ParseMessageID(s)
	return GroupID(id), err
}

// ParseCommunityID parses the 32 hex digits CommunityID.String returns.
func ParseCommunityID(s string) (CommunityID, error) {
	id, err := ParseMessageID(s)
	return CommunityID(id), err
}
