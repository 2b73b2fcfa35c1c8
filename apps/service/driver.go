package service

import (
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Link is an open connection with a wallet: Send queues a frame, which
// the link writes with its length, in order; Close ends it. Neither
// blocks.
type Link interface {
	Send(frame []byte)
	Close()
}

// Driver drives a core for whatever does the I/O (a node's goroutines,
// the simulator's events), which calls its methods, after Start, one at
// a time: it applies each input's effects in order, keeps the open
// links per wallet (the newest carries what is sent to it), queues
// frames for a wallet while a link to it is dialed, and keeps the
// earliest deadline. The funcs ask the caller for I/O.
type Driver struct {
	Core  Core
	Store Store
	// Now is the driver's clock.
	Now func() time.Time
	// Dial starts opening a link to w; its caller reports the outcome
	// later with Opened or Failed.
	Dial func(w common.Address)
	// Lookup starts reading w's DID document, for a Document input.
	Lookup func(w common.Address)
	// Emit, if set, sees each input's effects (events, a command's
	// answer) once their writes are stored, before any frame leaves: a
	// peer that sees an acknowledgement may act on it at once, and the
	// user here must have seen what it acknowledges.
	Emit func(in Input, out *Effects)
	// Wake asks for a Timer input at t, earlier than any asked for
	// before since the last Timer input: it replaces them.
	Wake func(t time.Time)
	// Log, if set, hears of effects dropped.
	Log *slog.Logger

	links   map[common.Address][]link   // open, oldest first
	waiting map[common.Address][][]byte // frames for wallets being dialed
	due     time.Time                   // asked of Wake; zero if nothing
	out     Effects
}

type link struct {
	Link
	dialed bool // this side dialed it
}

// Start hands the core its Start input.
func (d *Driver) Start() {
	d.links, d.waiting = map[common.Address][]link{}, map[common.Address][][]byte{}
	d.Handle(Input{Kind: Start})
}

// Handle runs the core on in and applies its effects; it returns a
// Command's answer. If the store fails, nothing else is applied:
// nothing may leave for state that is not stored.
func (d *Driver) Handle(in Input) (any, error) {
	if in.Kind == Timer {
		d.due = time.Time{}
	}
	out := &d.out
	out.Reset()
	d.Core.Handle(d.Now(), in, out)
	if err := d.Store.Apply(out.Writes); err != nil {
		if d.Log != nil {
			d.Log.Error("store write failed; effects dropped", "input", in.Kind, "err", err)
		}
		return nil, fmt.Errorf("service: %w", err)
	}
	for _, w := range out.Hangup {
		for _, l := range d.links[w] {
			l.Close() // forgotten now: its end is not reported
		}
		delete(d.links, w)
		if q, dialing := d.waiting[w]; dialing {
			// Frames waiting for a dial still under way go too: the core
			// gave up on them, and one that arrived later could do what
			// the core already undid (a message bounced and delivered).
			clear(q)
			d.waiting[w] = q[:0]
		}
	}
	if d.Emit != nil {
		d.Emit(in, out)
	}
	for _, s := range out.Send {
		d.send(s.To, s.Frame)
	}
	for _, w := range out.Lookup {
		d.Lookup(w)
	}
	if t := out.Deadline; !t.IsZero() && (d.due.IsZero() || t.Before(d.due)) {
		d.due = t
		d.Wake(t)
	}
	return out.Result, out.Err
}

// send queues f on w's link, or while one is dialed.
func (d *Driver) send(w common.Address, f []byte) {
	if ls := d.links[w]; len(ls) > 0 {
		ls[len(ls)-1].Send(f)
		return
	}
	q, dialing := d.waiting[w]
	d.waiting[w] = append(q, f)
	if !dialing {
		d.Dial(w)
	}
}

// Opened adds l, a link just opened with peer (dialed: by this side).
// The newest link with a wallet carries what is sent to it (the peer
// that dialed again gave the old one up; answers follow the way
// requests came): the core hears Down for the one before, closed if
// the peer had dialed it, then Up; frames that waited for a dial go
// first.
func (d *Driver) Opened(l Link, peer common.Address, dialed bool) {
	if ls := d.links[peer]; len(ls) > 0 {
		if prev := ls[len(ls)-1]; !prev.dialed && !dialed {
			prev.Close() // forgotten now: its end is not reported
			d.links[peer] = ls[:len(ls)-1]
		}
		d.Handle(Input{Kind: Down, Peer: peer})
	}
	d.links[peer] = append(d.links[peer], link{l, dialed})
	for _, f := range d.waiting[peer] {
		l.Send(f)
	}
	delete(d.waiting, peer)
	d.Handle(Input{Kind: Up, Peer: peer})
}

// Closed forgets l, a link with peer that ended: the core hears Down if
// it carried what is sent to peer, then Up if another is still open.
func (d *Driver) Closed(l Link, peer common.Address) {
	ls := d.links[peer]
	i := slices.IndexFunc(ls, func(x link) bool { return x.Link == l })
	if i < 0 {
		return
	}
	if d.links[peer] = slices.Delete(ls, i, i+1); len(d.links[peer]) == 0 {
		delete(d.links, peer)
	}
	if i == len(ls)-1 {
		d.Handle(Input{Kind: Down, Peer: peer})
		if len(d.links[peer]) > 0 {
			d.Handle(Input{Kind: Up, Peer: peer})
		}
	}
}

// Failed reports that a dial to w failed (err: why): unless a link with
// w opened meanwhile, the frames waiting for it are dropped and the
// core hears Down.
func (d *Driver) Failed(w common.Address, err error) {
	if len(d.links[w]) == 0 {
		delete(d.waiting, w)
		d.Handle(Input{Kind: Down, Peer: w, Err: err})
	}
}

// Close closes every link.
func (d *Driver) Close() {
	for _, ls := range d.links {
		for _, l := range ls {
			l.Close()
		}
	}
}
