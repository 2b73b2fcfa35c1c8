package service

import (
	"time"

	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

// Core is a service's protocol as a state machine with no I/O. Handle
// is called by one goroutine at a time; it must not block, keep
// references to in.Frame after it returns, read the clock, draw
// randomness other than from the reader its constructor took, or let
// map order leak into out.
type Core interface {
	// Handle applies in at time now and appends what must happen to
	// out (which the driver resets between calls).
	Handle(now time.Time, in Input, out *Effects)
}

// Publisher is a core with entries for its wallet's DID document (the
// key senders seal to, say), valid after Start: drivers publish them.
type Publisher interface {
	Entries() []naming.Service
}

// InputKind says what happened.
type InputKind uint8

const (
	// Start: the core (re)starts; it loads its state from its store.
	// Sent once, before any other input.
	Start InputKind = iota + 1
	// Frame: Frame arrived from Peer.
	Frame
	// Up: a connection with Peer opened (either side dialed); frames
	// to Peer now travel on it. A core greets the peer here if its
	// protocol says so.
	Up
	// Down: Peer could not be reached, or its connection ended; frames
	// sent to it since its last Up may be lost. A driver reports Down
	// before it carries any later frame to Peer on a new connection, so
	// a core that resends from its oldest unanswered frame keeps order.
	Down
	// Timer: the deadline the core asked for has come.
	Timer
	// Command: a local request (Cmd); its answer is Effects.Result.
	Command
	// Document: the DID document of Peer the core asked for (Doc), or
	// why there is none (Err).
	Document
)

func (k InputKind) String() string {
	if names := [...]string{"unknown", "start", "frame", "up", "down", "timer", "command", "document"}; int(k) < len(names) {
		return names[k]
	}
	return "unknown"
}

// Input is one thing that happened to a core.
type Input struct {
	Kind InputKind
	// Peer is the verified wallet of Frame, Up, Down and Document.
	Peer common.Address
	// Frame is one frame's bytes (without the length prefix), owned by
	// the driver: the core copies what it keeps.
	Frame []byte
	// Cmd is a Command's request, of a type the core defines.
	Cmd any
	// Doc is the document of a Document input.
	Doc *naming.Document
	// Err is why a Document input has no Doc.
	Err error
}

// Outbound is a frame for a wallet's core.
type Outbound struct {
	To    common.Address
	Frame []byte
}

// Write is one store write: Value under Key, or Key deleted.
type Write struct {
	Key, Value []byte
	Delete     bool
	// Lazy: the write is a hint a crash may lose (a download's
	// progress, say), so it need not reach the disk before the effects
	// that follow it. A batch of lazy writes alone is applied but not
	// synced; the next synced batch makes it durable too (writes stay
	// in order). A batch with any write not Lazy is synced whole.
	Lazy bool
}

// Effects is what one Handle asks of its driver, applied in field order.
type Effects struct {
	// Writes are applied atomically and durably (Lazy ones: see Write)
	// before anything else.
	Writes []Write
	// (Hangup, below, is applied before Send.)
	// Send are frames to wallets, in order per wallet. A driver opens a
	// connection when there is none, and reports Down if it cannot.
	Send []Outbound
	// Hangup names wallets whose connections the driver closes (a peer
	// that stopped answering) before it sends anything, dropping frames
	// still waiting for a connection being opened; no Down input
	// follows, and frames in Send open a fresh connection.
	Hangup []common.Address
	// Lookup names wallets whose DID document the core wants; each is
	// answered by one Document input.
	Lookup []common.Address
	// Events are for the user (the service's Subscribe), in order.
	Events []any
	// Deadline is when the core wants a Timer input; zero asks for
	// nothing new. A driver keeps the earliest deadline asked for and
	// delivers one Timer input when it comes; the core asks again, in
	// that Handle, for what is still ahead. A Timer may come early or
	// spuriously (after a restart, say): the core checks what is due.
	Deadline time.Time
	// Result and Err answer a Command.
	Result any
	Err    error
}

// Reset empties e, keeping its slices' memory.
func (e *Effects) Reset() {
	*e = Effects{Writes: e.Writes[:0], Send: e.Send[:0], Hangup: e.Hangup[:0], Lookup: e.Lookup[:0], Events: e.Events[:0]}
}

// Put appends a write of value under key.
func (e *Effects) Put(key, value []byte) {
	e.Writes = append(e.Writes, Write{Key: key, Value: value})
}

// PutLazy appends a Lazy write of value under key.
func (e *Effects) PutLazy(key, value []byte) {
	e.Writes = append(e.Writes, Write{Key: key, Value: value, Lazy: true})
}

// Del appends a deletion of key.
func (e *Effects) Del(key []byte) {
	e.Writes = append(e.Writes, Write{Key: key, Delete: true})
}

// To appends a frame for wallet w.
func (e *Effects) To(w common.Address, frame []byte) {
	e.Send = append(e.Send, Outbound{To: w, Frame: frame})
}

// Emit appends a user event.
func (e *Effects) Emit(ev any) { e.Events = append(e.Events, ev) }

// Wake asks for a Timer input at t, keeping the earlier of t and a
// deadline already set.
func (e *Effects) Wake(t time.Time) {
	if !t.IsZero() && (e.Deadline.IsZero() || t.Before(e.Deadline)) {
		e.Deadline = t
	}
}
