package stream

import (
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// EventKind says what an Event reports.
type EventKind uint8

const (
	// EventSegment: a segment was published here, or arrived verified.
	EventSegment EventKind = iota + 1
	// EventFailover: the upstream (Peer) failed and was replaced.
	EventFailover
	// EventHolder: a joiner (Peer) of a stream gated to holders of
	// Token waits for its balance: answer with HolderCmd.
	EventHolder
	// EventDenied: the origin or a relay refused this node (Reason).
	EventDenied
)

func (k EventKind) String() string {
	switch k {
	case EventSegment:
		return "segment"
	case EventFailover:
		return "failover"
	case EventHolder:
		return "holder"
	case EventDenied:
		return "denied"
	}
	return "unknown"
}

// Event is what a core reports to its user.
type Event struct {
	Kind     EventKind
	Key      Key
	Seq      uint64
	Captured time.Time
	Size     int
	Peer     common.Address
	Token    common.Address // EventHolder
	// Data and Duration are an EventSegment's verified bytes (never to
	// be modified) and its duration.
	Data     []byte
	Duration time.Duration
	Reason   string // EventDenied
}
