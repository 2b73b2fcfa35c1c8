package mq

import (
	"errors"
	"strings"
	"time"
)

// Engine is the part of JetStream that the overlay core (Core) serves
// to wallets: publish with ids, pull from a durable consumer, settle a
// delivery, and the dead letters. Two implement it: NATSEngine, the
// embedded nats-server of a node (wall clock: now is ignored), and
// MemEngine, a deterministic in-memory subset for the simulator
// (virtual time: now is the only clock). TestEngineConformance runs one
// table of steps against both.
type Engine interface {
	// AddStream makes (or keeps) a stream: Name, Subjects and
	// Duplicates of spec are the subset both engines honour.
	AddStream(now time.Time, spec StreamSpec) error
	// AddConsumer makes (or keeps) a durable pull consumer of stream.
	AddConsumer(now time.Time, stream string, spec ConsumerSpec) error
	// Publish stores m in the stream whose subjects match m.Subject,
	// once per m.ID within the stream's window; a repeated id is
	// answered with the first copy's sequence and Duplicate set.
	Publish(now time.Time, m Message) (PubAck, error)
	// Fetch returns up to n deliveries of consumer that are due now:
	// redeliveries first (a delivery not acked within AckWait, or
	// nak'd with a delay that has passed), then new messages in stream
	// order. A message whose deliveries reached MaxDeliver is not
	// delivered again: it becomes a dead letter.
	Fetch(now time.Time, stream, consumer string, n int) ([]Delivery, error)
	// Settle acks, naks (redelivery after delay) or terminates (a dead
	// letter at once) the delivered message seq of consumer.
	Settle(now time.Time, stream, consumer string, seq uint64, how Settlement, delay time.Duration) error
	// DeadLetters lists the dead letters of stream's consumers in the
	// order they were made.
	DeadLetters(now time.Time, stream string) ([]DeadLetter, error)
}

// ConsumerSpec is a durable pull consumer: each message is delivered to
// one of the consumer's clients (a consumer group) and must be acked
// within AckWait, else it is delivered again, at most MaxDeliver times
// in all (0: no limit) before it is dead-lettered.
type ConsumerSpec struct {
	Name       string
	AckWait    time.Duration
	MaxDeliver int
	// BackOff, if set, replaces AckWait: the n-th delivery is due again
	// BackOff[n-1] after it (the last entry for later ones), and a nak
	// with a delay d is due d - BackOff[0] + BackOff[n-1] after it (the
	// engine's rule). MaxDeliver, if set, must exceed len(BackOff).
	BackOff []time.Duration `json:",omitempty"`
	// StartSeq, if set, is where the consumer starts: a replay from a
	// sequence (else from the stream's first message).
	StartSeq uint64 `json:",omitempty"`
}

// ackWait is how long the deliveries-th delivery waits for its ack.
func (c ConsumerSpec) ackWait(deliveries int) time.Duration {
	if l := len(c.BackOff); l > 0 {
		return c.BackOff[min(max(deliveries-1, 0), l-1)]
	}
	return c.AckWait
}

// Message is one publish.
type Message struct {
	Subject string
	ID      string // Nats-Msg-Id; "" is never a duplicate
	Data    []byte
}

// PubAck is the engine's answer to a publish.
type PubAck struct {
	Stream    string
	Seq       uint64
	Duplicate bool
}

// Delivery is one delivery of a stored message to a consumer.
type Delivery struct {
	Seq        uint64 // in the stream
	Deliveries int    // 1 the first time
	Subject    string
	ID         string
	Data       []byte
}

// Settlement is how a consumer settles a delivery.
type Settlement uint8

const (
	Ack  Settlement = iota + 1 // processed: never delivered again
	Nak                        // delivered again after the delay
	Term                       // never delivered again: a dead letter
)

// DeadLetter is a message a consumer will not be given again.
type DeadLetter struct {
	Consumer   string
	Seq        uint64
	ID         string
	Deliveries int
	Reason     string // "max_deliveries" or "terminated"
}

// Errors of the engines.
var (
	// ErrNoStream: no stream takes the subject, or none has the name.
	ErrNoStream = errors.New("mq: no such stream")
	// ErrNoConsumer: the stream has no consumer of that name.
	ErrNoConsumer = errors.New("mq: no such consumer")
	// ErrNotPending: settling a message the consumer does not hold.
	ErrNotPending = errors.New("mq: message not pending")
)

// subjectMatch reports whether subject matches filter with NATS's
// wildcards ("*" one token, ">" the rest).
func subjectMatch(filter, subject string) bool {
	ft, st := strings.Split(filter, "."), strings.Split(subject, ".")
	for i, f := range ft {
		if f == ">" {
			return len(st) > i
		}
		if i >= len(st) || (f != "*" && f != st[i]) {
			return false
		}
	}
	return len(ft) == len(st)
}
