package runner

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
	"go.uber.org/goleak"
)

// pingCore answers "ping N" with "pong N", counts what it sends in its
// store, reports pongs, Downs and Timers as events.
type pingCore struct {
	sent int
}

type ping struct {
	to    common.Address
	count int
}

func (p *pingCore) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Command:
		switch c := in.Cmd.(type) {
		case ping:
			for range c.count {
				p.sent++
				out.To(c.to, fmt.Appendf(nil, "ping %d", p.sent))
			}
			out.Put([]byte("sent"), fmt.Appendf(nil, "%d", p.sent))
			out.Result = p.sent
		case time.Duration:
			out.Wake(now.Add(c))
		}
	case service.Frame:
		var n int
		if _, err := fmt.Sscanf(string(in.Frame), "ping %d", &n); err == nil {
			out.To(in.Peer, fmt.Appendf(nil, "pong %d", n))
			return
		}
		out.Emit(string(in.Frame))
	case service.Down:
		out.Emit("down " + in.Peer.Hex())
	case service.Timer:
		out.Emit("tick")
	}
}

// TestRunner drives a core on two real nodes: frames both ways in
// order, the store written, a timer, a Down for a wallet nobody can
// reach; then Close ends every goroutine.
func TestRunner(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	nodes := apptest.Nodes(t, 2)
	a, b := nodes[0], nodes[1]
	events := make(chan any, 1000)
	st := &service.Memory{}
	ra, err := Start(Config{Host: a, Core: &pingCore{}, Store: st, Port: 7000, DialTimeout: time.Second,
		OnEvent: func(e any) { events <- e }})
	if err != nil {
		t.Fatal(err)
	}
	defer ra.Close()
	rb, err := Start(Config{Host: b, Core: &pingCore{}, Store: &service.Memory{}, Port: 7000})
	if err != nil {
		t.Fatal(err)
	}
	defer rb.Close()

	const n = 300
	for i := 0; i < n; i += 100 {
		if _, err := ra.Do(ctx, ping{to: b.Addr(), count: 100}); err != nil {
			t.Fatal(err)
		}
	}
	next := func(what string) any {
		t.Helper()
		select {
		case e := <-events:
			return e
		case <-ctx.Done():
			t.Fatalf("no event: %s", what)
			return nil
		}
	}
	for i := 1; i <= n; i++ {
		if e := next("pong"); e != fmt.Sprintf("pong %d", i) {
			t.Fatalf("event %d: %v", i, e)
		}
	}
	if v, err := st.Get([]byte("sent")); err != nil || string(v) != fmt.Sprint(n) {
		t.Fatalf("store: %q %v", v, err)
	}
	if _, err := ra.Do(ctx, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if e := next("tick"); e != "tick" {
		t.Fatalf("want tick, got %v", e)
	}
	nobody := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	if _, err := ra.Do(ctx, ping{to: nobody, count: 1}); err != nil {
		t.Fatal(err)
	}
	if e := next("down"); e != "down "+nobody.Hex() {
		t.Fatalf("want down, got %v", e)
	}
	// b goes away: a learns it when the connection ends.
	if err := rb.Close(); err != nil {
		t.Fatal(err)
	}
	if e := next("down b"); e != "down "+b.Addr().Hex() {
		t.Fatalf("want down of b, got %v", e)
	}
	if err := ra.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ra.Do(ctx, ping{to: b.Addr(), count: 1}); err == nil {
		t.Fatal("Do after Close succeeded")
	}
	a.Close()
	b.Close()
}

// upCore sends "A" and "B" to the wallet its command names, before any
// connection to it is up, and "C" when it hears Up for it; it reports
// every frame it receives.
type upCore struct{ to common.Address }

func (u *upCore) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Command:
		u.to = in.Cmd.(common.Address)
		out.To(u.to, []byte("A"))
		out.To(u.to, []byte("B"))
	case service.Up:
		if in.Peer == u.to {
			out.To(u.to, []byte("C"))
		}
	case service.Frame:
		out.Emit(string(in.Frame))
	}
}

// TestRunnerOrderOnConnect: frames a core sends to a wallet while its
// dial is under way reach the peer before those it sends on Up.
func TestRunnerOrderOnConnect(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	nodes := apptest.Nodes(t, 2)
	a, b := nodes[0], nodes[1]
	defer a.Close()
	defer b.Close()
	got := make(chan any, 10)
	rb, err := Start(Config{Host: b, Core: &upCore{}, Store: &service.Memory{}, Port: 7000, OnEvent: func(e any) { got <- e }})
	if err != nil {
		t.Fatal(err)
	}
	defer rb.Close()
	ra, err := Start(Config{Host: a, Core: &upCore{}, Store: &service.Memory{}, Port: 7000, DialTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer ra.Close()
	if _, err := ra.Do(ctx, b.Addr()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"A", "B", "C"} {
		select {
		case e := <-got:
			if e != want {
				t.Fatalf("peer received %v, want %s", e, want)
			}
		case <-ctx.Done():
			t.Fatalf("peer received no %s", want)
		}
	}
}

// docHost is a node whose DID documents and names are a test's.
type docHost struct {
	*stack.Node
	docs  map[common.Address]*naming.Document
	names map[string]common.Address
}

func (h docHost) Document(_ context.Context, w common.Address) (*naming.Document, error) {
	return h.docs[w], nil
}

func (h docHost) Lookup(_ context.Context, name string) (common.Address, error) {
	if w, ok := h.names[name]; ok {
		return w, nil
	}
	return common.Address{}, fmt.Errorf("no name %q", name)
}

// docCore looks up the wallet its command names and reports the mailbox
// of the document it gets.
type docCore struct{}

func (docCore) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Command:
		out.Lookup = append(out.Lookup, in.Cmd.(common.Address))
	case service.Document:
		out.Emit(in.Doc.Mailbox)
	}
}

// TestRunnerMailboxByName: a document's mailbox given by name reaches
// the core as its wallet, one whose name does not resolve as none, one
// given as a wallet as it is; the host's document is not changed.
func TestRunnerMailboxByName(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	node := apptest.Nodes(t, 1)[0]
	defer node.Close()
	box := common.HexToAddress("0x00000000000000000000000000000000000000bb")
	named, unknown, hex := common.Address{1}, common.Address{2}, common.Address{3}
	h := docHost{Node: node, names: map[string]common.Address{"carol": box}, docs: map[common.Address]*naming.Document{
		named: {Mailbox: "carol"}, unknown: {Mailbox: "nobody"}, hex: {Mailbox: box.Hex()}}}
	got := make(chan any, 1)
	r, err := Start(Config{Host: h, Core: docCore{}, Store: &service.Memory{}, Port: 7000, OnEvent: func(e any) { got <- e }})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for w, want := range map[common.Address]string{named: box.Hex(), unknown: "", hex: box.Hex()} {
		if _, err := r.Do(ctx, w); err != nil {
			t.Fatal(err)
		}
		select {
		case e := <-got:
			if e != want {
				t.Errorf("mailbox of %s: %q, want %q", w, e, want)
			}
		case <-ctx.Done():
			t.Fatalf("no document for %s", w)
		}
	}
	if h.docs[named].Mailbox != "carol" {
		t.Error("the host's document was changed")
	}
}
