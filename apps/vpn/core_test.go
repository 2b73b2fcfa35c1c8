package vpn

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// coreHarness runs a client Core and exit Cores by hand: frames go
// where the effects say, when the test says.
type coreHarness struct {
	t      *testing.T
	now    time.Time
	client *Core
	cst    *service.Memory
	exits  map[common.Address]*Core
	self   common.Address
	wire   []service.Outbound // client → exits, not yet delivered
	events []any
	due    time.Time
}

func (h *coreHarness) apply(c *Core, st *service.Memory, in service.Input) service.Effects {
	var out service.Effects
	c.Handle(h.now, in, &out)
	if err := st.Apply(out.Writes); err != nil {
		h.t.Fatal(err)
	}
	return out
}

// clientDo feeds the client and keeps its sends and events.
func (h *coreHarness) clientDo(in service.Input) service.Effects {
	out := h.apply(h.client, h.cst, in)
	h.wire = append(h.wire, out.Send...)
	h.events = append(h.events, out.Events...)
	h.due = out.Deadline
	return out
}

// deliver carries every pending client frame to its exit and the
// exit's reply back (exits not in skip).
func (h *coreHarness) deliver(skip ...common.Address) {
	for len(h.wire) > 0 {
		h.deliverOnce(skip)
	}
}

func (h *coreHarness) deliverOnce(skip []common.Address) {
	wire := h.wire
	h.wire = nil
	for _, o := range wire {
		if bytes.Contains(addrs(skip), o.To[:]) {
			continue
		}
		ex := h.exits[o.To]
		out := h.apply(ex, &service.Memory{}, service.Input{Kind: service.Frame, Peer: h.self, Frame: o.Frame})
		for _, r := range out.Send {
			h.clientDo(service.Input{Kind: service.Frame, Peer: o.To, Frame: r.Frame})
		}
	}
}

func addrs(l []common.Address) []byte {
	var b []byte
	for _, a := range l {
		b = append(b, a[:]...)
	}
	return b
}

// TestCore: the client Core probes its exits and uses the fastest; an
// exit that refuses the wallet, times out or goes down is left for the
// next one (Failovers counts them); a refused destination ends the open
// at once; opens outstanding at a restart are resumed from the store.
func TestCore(t *testing.T) {
	a, b, c := common.Address{0xa}, common.Address{0xb}, common.Address{0xc}
	h := &coreHarness{t: t, now: time.Unix(1000, 0), cst: &service.Memory{}, self: common.Address{1}, exits: map[common.Address]*Core{
		a: NewCore(CoreConfig{Serve: true, Policy: Policy{Wallets: []common.Address{{2}}}}, nil),
		b: NewCore(CoreConfig{Serve: true}, nil),
		c: NewCore(CoreConfig{Serve: true}, nil),
	}}
	for _, e := range h.exits {
		e.Handle(h.now, service.Input{Kind: service.Start}, &service.Effects{})
	}
	h.client = NewCore(CoreConfig{Exits: []common.Address{a, b, c}}, h.cst)
	h.clientDo(service.Input{Kind: service.Start})
	if len(h.wire) != 3 {
		t.Fatalf("start sent %d probes", len(h.wire))
	}
	h.deliver()
	open := func(host string, port uint16) uint64 {
		out := h.clientDo(service.Input{Kind: service.Command, Cmd: Open{Host: host, Port: port}})
		return out.Result.(uint64)
	}
	last := func() any {
		if len(h.events) == 0 {
			return nil
		}
		return h.events[len(h.events)-1]
	}

	// a is first and refuses this wallet: b takes it after one failover.
	id := open("93.184.216.34", 443)
	h.deliver()
	if e, ok := last().(Opened); !ok || e.ID != id || e.Exit != b || e.Failovers != 1 {
		t.Fatalf("open through a picky exit: %+v", last())
	}
	// A private destination is refused by the first exit, and that ends it.
	id = open("10.0.0.1", 80)
	h.deliver()
	if e, ok := last().(OpenFailed); !ok || e.ID != id || !errors.Is(e.Err, ErrDestination) {
		t.Fatalf("private destination: %+v", last())
	}
	// b goes down: its opens go to c.
	h.events = nil
	h.exits[a] = NewCore(CoreConfig{Serve: true, Policy: Policy{Wallets: []common.Address{{2}}}}, nil)
	id = open("1.1.1.1", 443)
	h.deliver(b) // a refuses, b never answers
	h.now = h.now.Add(500 * time.Millisecond)
	h.clientDo(service.Input{Kind: service.Down, Peer: b})
	h.deliver()
	if e, ok := last().(Opened); !ok || e.ID != id || e.Exit != c || e.Failovers != 2 {
		t.Fatalf("after b went down: %+v", last())
	}
	// c times out, then b (down, so tried last) does too: the open
	// ends with ErrNoExit.
	id = open("1.1.1.1", 443)
	h.deliver(b, c)
	for range 2 {
		h.now = h.due
		h.clientDo(service.Input{Kind: service.Timer})
		h.deliver(b, c)
	}
	if e, ok := last().(OpenFailed); !ok || e.ID != id || !errors.Is(e.Err, ErrNoExit) {
		t.Fatalf("after every exit failed: %+v", last())
	}
	// An open outstanding at a crash is resumed by the next incarnation.
	id = open("1.1.1.1", 443)
	h.wire = nil
	h.client = NewCore(CoreConfig{Exits: []common.Address{a, b, c}}, h.cst)
	h.clientDo(service.Input{Kind: service.Start})
	h.deliver()
	if e, ok := last().(Opened); !ok || e.ID != id {
		t.Fatalf("after a restart: %+v", last())
	}
	if next := open("1.1.1.1", 443); next <= id {
		t.Fatalf("ID %d reused after a restart (last %d)", next, id)
	}
}

// FuzzCore: any frame, to an exit or to a client with requests
// outstanding, is answered or ignored, never a panic; an exit answers
// every frame with exactly one Reply that parses.
func FuzzCore(f *testing.F) {
	req, _ := AppendRequest(nil, Request{Kind: KindTCP, Host: "1.2.3.4", Port: 443})
	f.Add(req)
	f.Add(AppendReply(nil, Reply{Code: CodeOK}))
	f.Add(AppendReply(nil, Reply{Code: CodeWallet, Msg: "no"}))
	f.Add([]byte{1, 4, 0, 0, 32})
	f.Fuzz(func(t *testing.T, frame []byte) {
		now := time.Unix(1, 0)
		peer := common.Address{9}
		ex := NewCore(CoreConfig{Serve: true}, nil)
		ex.Handle(now, service.Input{Kind: service.Start}, &service.Effects{})
		var out service.Effects
		ex.Handle(now, service.Input{Kind: service.Frame, Peer: peer, Frame: frame}, &out)
		if len(out.Send) != 1 {
			t.Fatalf("exit sent %d replies", len(out.Send))
		}
		if _, err := ReadReply(bytes.NewReader(out.Send[0].Frame)); err != nil {
			t.Fatalf("exit's reply: %v", err)
		}
		cl := NewCore(CoreConfig{Exits: []common.Address{peer}}, &service.Memory{})
		cl.Handle(now, service.Input{Kind: service.Start}, &service.Effects{})
		cl.Handle(now, service.Input{Kind: service.Command, Cmd: Open{Host: "1.2.3.4", Port: 443}}, &service.Effects{})
		for range 3 {
			cl.Handle(now, service.Input{Kind: service.Frame, Peer: peer, Frame: frame}, &service.Effects{})
		}
	})
}
