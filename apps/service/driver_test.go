package service

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// scriptCore hands each input to its script, and records the inputs.
type scriptCore struct {
	seen []Input
	on   func(in Input, out *Effects)
}

func (c *scriptCore) Handle(now time.Time, in Input, out *Effects) {
	c.seen = append(c.seen, in)
	if c.on != nil {
		c.on(in, out)
	}
}

// kinds lists what the core saw since the last call, as "kind" or
// "kind:frame".
func (c *scriptCore) kinds() []string {
	var ks []string
	for _, in := range c.seen {
		k := in.Kind.String()
		if in.Frame != nil {
			k += ":" + string(in.Frame)
		}
		ks = append(ks, k)
	}
	c.seen = nil
	return ks
}

// fakeLink records what is sent on it.
type fakeLink struct {
	sent   []string
	closed bool
}

func (l *fakeLink) Send(f []byte) { l.sent = append(l.sent, string(f)) }
func (l *fakeLink) Close()        { l.closed = true }

// failStore fails every Apply with writes.
type failStore struct{ Memory }

func (*failStore) Apply(w []Write) error {
	if len(w) > 0 {
		return errors.New("disk full")
	}
	return nil
}

func newTestDriver(core Core, st Store) (*Driver, *[]common.Address, *[]time.Time) {
	var dials []common.Address
	var wakes []time.Time
	d := &Driver{Core: core, Store: st, Now: func() time.Time { return time.Unix(0, 0) },
		Dial:   func(w common.Address) { dials = append(dials, w) },
		Lookup: func(common.Address) {},
		Wake:   func(t time.Time) { wakes = append(wakes, t) }}
	d.Start()
	return d, &dials, &wakes
}

// TestDriverLinks: frames wait for a dial and go first on the link it
// opens; the newest link carries; Down and Up follow links as they come
// and go; a failed dial drops what waited; Hangup closes the wallet's
// links and drops what waits for its dial.
func TestDriverLinks(t *testing.T) {
	w := common.HexToAddress("0x01")
	core := &scriptCore{on: func(in Input, out *Effects) {
		switch in.Kind {
		case Command:
			for _, f := range in.Cmd.([]string) {
				out.To(w, []byte(f))
			}
		case Up:
			out.To(w, []byte("hello"))
		}
	}}
	d, dials, _ := newTestDriver(core, &Memory{})
	d.Handle(Input{Kind: Command, Cmd: []string{"a", "b"}})
	d.Handle(Input{Kind: Command, Cmd: []string{"c"}})
	if !slices.Equal(*dials, []common.Address{w}) {
		t.Fatalf("dials %v, want one to %s", *dials, w)
	}
	dialed := &fakeLink{}
	d.Opened(dialed, w, true)
	if want := []string{"a", "b", "c", "hello"}; !slices.Equal(dialed.sent, want) {
		t.Fatalf("dialed link carried %q, want %q", dialed.sent, want)
	}
	// The peer dials too: its link carries from now on; ours stays open.
	accepted := &fakeLink{}
	d.Opened(accepted, w, false)
	d.Handle(Input{Kind: Command, Cmd: []string{"d"}})
	if want := []string{"hello", "d"}; dialed.closed || !slices.Equal(accepted.sent, want) {
		t.Fatalf("accepted link carried %q (want %q), dialed closed: %v", accepted.sent, want, dialed.closed)
	}
	// It dials once more: its earlier link is given up.
	again := &fakeLink{}
	d.Opened(again, w, false)
	if !accepted.closed {
		t.Fatal("the peer's earlier link was not closed")
	}
	core.kinds()
	d.Closed(dialed, w) // not the carrier: nothing to hear
	d.Closed(again, w)  // the carrier, and no other left
	if got, want := core.kinds(), []string{"down"}; !slices.Equal(got, want) {
		t.Fatalf("core heard %q, want %q", got, want)
	}
	// A failed dial drops what waited for it.
	d.Handle(Input{Kind: Command, Cmd: []string{"e"}})
	d.Failed(w, errors.New("unreachable"))
	late := &fakeLink{}
	d.Opened(late, w, true)
	if want := []string{"hello"}; !slices.Equal(late.sent, want) {
		t.Fatalf("after a failed dial the link carried %q, want %q", late.sent, want)
	}
	// Hangup closes the links and drops frames waiting for a dial, which
	// goes on.
	core.on = func(in Input, out *Effects) {
		switch f, _ := in.Cmd.(string); {
		case f == "hangup":
			out.Hangup = append(out.Hangup, w)
		case in.Kind == Command:
			out.To(w, []byte(f))
		}
	}
	for _, cmd := range []string{"hangup", "f", "hangup", "g"} {
		d.Handle(Input{Kind: Command, Cmd: cmd})
	}
	fresh := &fakeLink{}
	d.Opened(fresh, w, true)
	if want := []string{"g"}; !late.closed || !slices.Equal(fresh.sent, want) || len(*dials) != 3 {
		t.Fatalf("after Hangup: old link closed %v, new one carried %q (want %q), %d dials (want 3)", late.closed, fresh.sent, want, len(*dials))
	}
}

// TestDriverEffects: a deadline earlier than the one asked for replaces
// it, a later one does not, a Timer input clears it; a store that fails
// keeps every other effect from being applied.
func TestDriverEffects(t *testing.T) {
	t0 := time.Unix(100, 0)
	core := &scriptCore{on: func(in Input, out *Effects) {
		if in.Kind == Command {
			out.Wake(in.Cmd.(time.Time))
		}
	}}
	d, _, wakes := newTestDriver(core, &Memory{})
	for _, at := range []time.Time{t0.Add(2), t0.Add(3), t0.Add(1)} {
		d.Handle(Input{Kind: Command, Cmd: at})
	}
	d.Handle(Input{Kind: Timer})
	d.Handle(Input{Kind: Command, Cmd: t0.Add(5)})
	if want := []time.Time{t0.Add(2), t0.Add(1), t0.Add(5)}; !slices.Equal(*wakes, want) {
		t.Fatalf("Wake %v, want %v", *wakes, want)
	}

	w := common.HexToAddress("0x02")
	var events []any
	core = &scriptCore{on: func(in Input, out *Effects) {
		out.Put([]byte("k"), []byte("v"))
		out.To(w, []byte("ack"))
		out.Emit("stored")
		out.Result = "done"
	}}
	d, dials, _ := newTestDriver(core, &failStore{})
	d.Emit = func(_ Input, out *Effects) { events = append(events, out.Events...) }
	if v, err := d.Handle(Input{Kind: Command}); err == nil || v != nil || len(*dials) != 0 || len(events) != 0 {
		t.Fatalf("store failed, yet: result %v, err %v, %d dials, events %v", v, err, len(*dials), events)
	}
}
