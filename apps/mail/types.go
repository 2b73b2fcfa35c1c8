package mail

import (
	"net/netip"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Folders every node has.
const (
	Inbox    = "INBOX"
	Sent     = "Sent"
	Drafts   = "Drafts"
	Trash    = "Trash"
	Requests = "Requests" // mail from senders the user has not allowed
)

// Folders lists the folders in the order clients show them.
func Folders() []string { return []string{Inbox, Sent, Drafts, Trash, Requests} }

func isFolder(name string) bool { return slices.Contains(Folders(), name) }

// Status is how far an outgoing message got.
type Status uint8

const (
	// Queued: stored by the sender's node, not yet held or delivered.
	Queued Status = iota + 1
	// Held: the recipient's mailbox node keeps it (custody).
	Held
	// Delivered: the recipient's own node stored it and said so.
	Delivered
	// Failed: bounced (refused, or not delivered within the retention).
	Failed
)

func (s Status) final() bool { return s == Delivered || s == Failed }

func (s Status) String() string {
	switch s {
	case Queued:
		return "queued"
	case Held:
		return "held"
	case Delivered:
		return "delivered"
	case Failed:
		return "failed"
	}
	return "unknown"
}

// MarshalText writes the status's name.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a status's name.
func (s *Status) UnmarshalText(b []byte) error {
	for x := Queued; x <= Failed; x++ {
		if x.String() == string(b) {
			*s = x
			return nil
		}
	}
	return ErrMalformed
}

// Outgoing is a message this node submitted, and how far it got.
type Outgoing struct {
	ID        MessageID      `json:"id"`
	To        common.Address `json:"to"`
	Submitted time.Time      `json:"submitted"`
	Status    Status         `json:"status"`
	// Delayed: the sender was told the message is late (DelayAfter).
	Delayed bool `json:"delayed,omitempty"`
	// Reason says why it Failed or, while it is not final, why it
	// waits (the latest temporary refusal).
	Reason string `json:"reason,omitempty"`
	// HeldBy is the mailbox node that keeps it (Held), and Until the
	// end of that node's published retention (zero if it publishes
	// none).
	HeldBy common.Address `json:"held_by,omitzero"`
	Until  time.Time      `json:"until,omitzero"`
	Size   int            `json:"size"`
	// Blob names the chunks a large message's bytes are kept in until
	// it is Delivered or Failed (hex), Parts how many; empty: one value.
	Blob  string `json:"blob,omitempty"`
	Parts int    `json:"parts,omitempty"`
	// Changed is when Status last changed.
	Changed time.Time `json:"changed"`
}

// Stored is a message in one of the node's folders.
type Stored struct {
	Folder string         `json:"folder"`
	UID    uint32         `json:"uid"`
	ID     MessageID      `json:"id"`
	From   common.Address `json:"from"` // the verified sender; zero for local ones
	Date   time.Time      `json:"date"` // when it was stored (IMAP's INTERNALDATE)
	Flags  []string       `json:"flags"`
	Size   int            `json:"size"`
	// Blob names the chunks a large message's bytes are kept in (hex);
	// empty: they are one value.
	Blob string `json:"blob,omitempty"`
	// G names the message among the nodes of the wallet (hex;
	// core_sync.go); empty without sync.
	G string `json:"g,omitempty"`
}

// EventKind says what an Event reports.
type EventKind uint8

const (
	// EventStatus: an outgoing message changed (Out): Held, Delivered,
	// Failed, or Delayed set.
	EventStatus EventKind = iota + 1
	// EventNew: a message arrived in a folder (Msg).
	EventNew
	// EventChanged: a folder's messages changed (flags, expunge).
	EventChanged
)

// Event is what a core tells its user.
type Event struct {
	Kind   EventKind
	Out    *Outgoing
	Msg    *Stored
	Folder string
}

// Commands a Core takes (service.Input.Cmd).
type (
	// SubmitCmd sends Data (RFC 5322 bytes) to To; its Result is the
	// Outgoing. With a non-zero ID it is idempotent.
	//
	// A large message may come spooled instead of in Data: Spool names
	// the blob SpoolCmds wrote, Parts and Size its chunks and bytes.
	SubmitCmd struct {
		To   common.Address
		ID   MessageID
		Data []byte

		Spool       MessageID
		Parts, Size int
	}
	// SpoolCmd writes chunk Index (at most ChunkSize bytes) of the blob
	// Spool, a message a gateway takes in piece by piece. ReleaseCmd
	// ends the spool once every SubmitCmd that uses it was taken; a
	// spool not released goes at the next start.
	SpoolCmd struct {
		Spool MessageID
		Index int
		Data  []byte
	}
	ReleaseCmd struct{ Spool MessageID }
	// AppendCmd stores Data in Folder (IMAP APPEND); its Result is the
	// Stored.
	AppendCmd struct {
		Folder string
		Flags  []string
		Data   []byte
	}
	// FlagsCmd changes the flags of UIDs in Folder: Op is "set", "add"
	// or "remove".
	FlagsCmd struct {
		Folder string
		UIDs   []uint32
		Op     string
		Flags  []string
	}
	// CopyCmd copies (or, with Move, moves) UIDs of Folder to Dest; its
	// Result is the new UIDs.
	CopyCmd struct {
		Folder, Dest string
		UIDs         []uint32
		Move         bool
	}
	// ExpungeCmd deletes the messages of Folder flagged \Deleted (only
	// those in UIDs, if UIDs is not nil); its Result is their UIDs.
	ExpungeCmd struct {
		Folder string
		UIDs   []uint32
	}
	// AllowCmd: mail from Peer goes to INBOX from now on.
	AllowCmd struct{ Peer common.Address }
	// DenyCmd: mail from Peer is refused from now on (REFUSE 7), until
	// an AllowCmd or a message to Peer.
	DenyCmd struct{ Peer common.Address }
	// CheckCmd asks whether mail of Size bytes (0: unknown) to To would
	// be refused by what the recipient's node said lately: ErrDenied,
	// ErrTooLarge, ErrRateLimited (temporary), or nil. The SMTP gateway
	// asks it before it takes a message (checks.go).
	CheckCmd struct {
		To   common.Address
		Size int
	}
	// FetchCmd asks the mailbox for mail now (reading the wallet's
	// document again if it named none).
	FetchCmd struct{}
	// InfoCmd asks for the core's Info.
	InfoCmd struct{}
)

// Info is what a core says of itself (InfoCmd).
type Info struct {
	// Terms are the ones this node keeps mail for others on (it is a
	// mailbox, CoreConfig.Mailbox), published in its DID entry; nil if
	// it keeps none.
	Terms *Terms `json:"terms,omitempty"`
	// Held is what it keeps, per recipient.
	Held []HeldFor `json:"held,omitempty"`
	// Mailbox is this wallet's own mailbox node (mail-at), if any, and
	// MailboxTerms what that node publishes (nil: none, or not read yet).
	Mailbox      *common.Address `json:"mailbox,omitempty"`
	MailboxTerms *Terms          `json:"mailbox_terms,omitempty"`
	// DelayAfter is when a sender is told its message is late.
	DelayAfter time.Duration `json:"delay_after"`
	// MaxSize is the largest message taken.
	MaxSize int `json:"max_size"`
	// Nodes are the wallet's other nodes this one keeps its folders in
	// sync with (core_sync.go).
	Nodes []NodeSync `json:"nodes,omitempty"`
}

// NodeSync is how far a node got with another node of its wallet.
type NodeSync struct {
	// Node is the other node's instance address.
	Node netip.Addr `json:"node"`
	// Synced: it answered a pull; Cursor is how far into its changes
	// this node has merged.
	Synced bool   `json:"synced"`
	Cursor uint64 `json:"cursor"`
	// Fails counts its pulls in a row that got no answer.
	Fails int `json:"fails,omitempty"`
}

// HeldFor is what a mailbox keeps for one recipient.
type HeldFor struct {
	To       common.Address `json:"to"`
	Messages int            `json:"messages"`
	Bytes    int64          `json:"bytes"`
}
