package im

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

// fakeNet drives IM cores with no sockets and no goroutines: a virtual
// clock, an event queue, and connections that break at random (every
// frame in flight on a broken connection is lost, and frames of
// different connections overtake each other); nodes crash and restart
// from their stores.
type fakeNet struct {
	t     *testing.T
	rng   *rand.Rand
	now   time.Time
	q     []*fakeEvent // by time, then seq
	seq   int
	nodes []*fakeNode
	conns map[[2]int]*fakeConn
	loss  float64 // chance that a frame breaks its connection
	box   int     // the mailbox node of everyone

	// what the users saw
	shown  map[MessageID]int // message events per ID
	lastRx map[[2]int]time.Time
	failed map[MessageID]error
	viaBox map[MessageID]bool // the mailbox said STORED
	trace  uint64
}

type fakeNode struct {
	i     int
	w     common.Address
	core  *Core
	store *service.Memory
	rnd   *rand.ChaCha8
	down  bool
	due   time.Time
}

type fakeConn struct {
	epoch int
	up    bool
}

type fakeEvent struct {
	at  time.Time
	seq int
	fn  func()
}

func newFakeNet(t *testing.T, seed uint64, n int, loss float64) *fakeNet {
	fn := &fakeNet{t: t, rng: rand.New(rand.NewPCG(seed, 1)), now: time.Unix(1_700_000_000, 0),
		conns: map[[2]int]*fakeConn{}, shown: map[MessageID]int{}, lastRx: map[[2]int]time.Time{},
		failed: map[MessageID]error{}, viaBox: map[MessageID]bool{}, box: n - 1, loss: loss}
	for i := range n {
		var s [32]byte
		s[0], s[1] = byte(i+1), byte(seed)
		nd := &fakeNode{i: i, w: common.BytesToAddress([]byte{0xaa, byte(i + 1)}), store: &service.Memory{}, rnd: rand.NewChaCha8(s)}
		fn.nodes = append(fn.nodes, nd)
	}
	for _, nd := range fn.nodes {
		fn.boot(nd)
	}
	return fn
}

func (fn *fakeNet) at(d time.Duration, f func()) {
	fn.seq++
	at := fn.now.Add(d)
	i := sort.Search(len(fn.q), func(i int) bool { return fn.q[i].at.After(at) })
	fn.q = slices.Insert(fn.q, i, &fakeEvent{at: at, seq: fn.seq, fn: f})
}

func (fn *fakeNet) delay() time.Duration { return time.Duration(1+fn.rng.IntN(30)) * time.Millisecond }

// boot starts (or restarts) a node's core from its store.
func (fn *fakeNet) boot(nd *fakeNode) {
	c, err := NewCore(CoreConfig{Self: nd.w, Rand: nd.rnd, Store: nd.store, Mailbox: nd.i == fn.box,
		Limits: Limits{AckTimeout: 2 * time.Second, FetchInterval: 10 * time.Second}, RetryMax: 8 * time.Second})
	if err != nil {
		fn.t.Fatal(err)
	}
	nd.core, nd.down, nd.due = c, false, time.Time{}
	fn.handle(nd, service.Input{Kind: service.Start})
}

func (fn *fakeNet) crash(nd *fakeNode, d time.Duration) {
	nd.down = true
	for j := range fn.nodes {
		k := pairKey(nd.i, j)
		if c := fn.conns[k]; c != nil && j != nd.i {
			delete(fn.conns, k)
			if c.up {
				fn.handle(fn.nodes[j], service.Input{Kind: service.Down, Peer: nd.w})
			}
		}
	}
	fn.at(d, func() { fn.boot(nd) })
}

func pairKey(a, b int) [2]int {
	if a > b {
		a, b = b, a
	}
	return [2]int{a, b}
}

func (fn *fakeNet) byWallet(w common.Address) *fakeNode {
	for _, nd := range fn.nodes {
		if nd.w == w {
			return nd
		}
	}
	return nil
}

// handle runs one input on a node's core and applies its effects.
func (fn *fakeNet) handle(nd *fakeNode, in service.Input) service.Effects {
	var out service.Effects
	if nd.down {
		return out
	}
	nd.core.Handle(fn.now, in, &out)
	if err := nd.store.Apply(out.Writes); err != nil {
		fn.t.Fatal(err)
	}
	for _, w := range out.Hangup {
		if to := fn.byWallet(w); to != nil {
			fn.cut(nd, to, false)
		}
	}
	for _, s := range out.Send {
		fn.send(nd, fn.byWallet(s.To), s.Frame)
	}
	for _, w := range out.Lookup {
		doc := &naming.Document{Identity: w}
		if to := fn.byWallet(w); to != nil {
			doc.Mailbox = fn.nodes[fn.box].w.Hex()
			doc.Services = []naming.Service{{Type: ServiceSealKey, Endpoint: DocumentEntry(to.core.SealKey())}}
		}
		fn.at(fn.delay(), func() { fn.handle(nd, service.Input{Kind: service.Document, Peer: w, Doc: doc}) })
	}
	for _, e := range out.Events {
		if ev, ok := e.(Event); ok {
			fn.event(nd, ev)
		}
	}
	if d := out.Deadline; !d.IsZero() && (nd.due.IsZero() || d.Before(nd.due) || !nd.due.After(fn.now)) {
		nd.due = d
		core := nd.core
		fn.at(d.Sub(fn.now), func() {
			if nd.core == core && nd.due.Equal(d) {
				nd.due = time.Time{}
				fn.handle(nd, service.Input{Kind: service.Timer})
			}
		})
	}
	fn.trace = fn.trace*31 + uint64(len(out.Send)) + uint64(len(out.Writes))<<8
	return out
}

// send carries a frame from a to b on their connection, opening one.
func (fn *fakeNet) send(a, b *fakeNode, frame []byte) {
	if b == nil {
		fn.at(fn.delay(), func() { fn.handle(a, service.Input{Kind: service.Down, Peer: common.Address{}}) })
		return
	}
	k := pairKey(a.i, b.i)
	c := fn.conns[k]
	if c == nil {
		c = &fakeConn{epoch: fn.seq}
		fn.conns[k] = c
		fn.at(fn.delay(), func() {
			if fn.conns[k] != c {
				return
			}
			if b.down || a.down {
				delete(fn.conns, k)
				fn.handle(a, service.Input{Kind: service.Down, Peer: b.w})
				return
			}
			c.up = true
			fn.handle(a, service.Input{Kind: service.Up, Peer: b.w})
			fn.handle(b, service.Input{Kind: service.Up, Peer: a.w})
		})
	}
	f := append([]byte(nil), frame...)
	lost := fn.rng.Float64() < fn.loss
	// Frames of one connection keep their order: each leaves after the
	// connection's previous one (a fixed 40 ms, past the dial delay).
	fn.at(40*time.Millisecond, func() {
		if fn.conns[k] != c || !c.up {
			return
		}
		if lost {
			fn.cut(a, b, true)
			return
		}
		fn.handle(b, service.Input{Kind: service.Frame, Peer: a.w, Frame: f})
	})
}

// cut breaks a's connection with b; told says whether a hears of it.
func (fn *fakeNet) cut(a, b *fakeNode, told bool) {
	k := pairKey(a.i, b.i)
	c := fn.conns[k]
	if c == nil {
		return
	}
	delete(fn.conns, k)
	if !c.up {
		return
	}
	// A driver reports the end of a connection before it carries any
	// later frame on a new one.
	if told {
		fn.handle(a, service.Input{Kind: service.Down, Peer: b.w})
	}
	fn.handle(b, service.Input{Kind: service.Down, Peer: a.w})
}

// event checks what a user sees as it happens.
func (fn *fakeNet) event(nd *fakeNode, e Event) {
	switch e.Kind {
	case EventMessage, EventRequest:
		m := e.Message
		fn.shown[m.ID]++
		if fn.shown[m.ID] > 1 {
			fn.t.Errorf("message %s shown %d times", m.ID, fn.shown[m.ID])
		}
		from := fn.byWallet(m.From)
		k := [2]int{from.i, nd.i}
		if !m.Sent.After(fn.lastRx[k]) {
			fn.t.Errorf("node %d: message %s from %d out of order", nd.i, m.ID, from.i)
		}
		fn.lastRx[k] = m.Sent
		if c := nd.core.peers[m.From]; c != nil && c.consent == Blocked {
			fn.t.Errorf("node %d: message from blocked node %d reached the user", nd.i, from.i)
		}
	case EventReceipt:
		if e.Message.Status == Sent {
			fn.viaBox[e.Message.ID] = true
		}
		if e.Message.Status == Failed {
			fn.failed[e.Message.ID] = fmt.Errorf("%s", e.Message.Err)
		}
	}
}

func (fn *fakeNet) run(until time.Duration) {
	end := fn.now.Add(until)
	for len(fn.q) > 0 && fn.q[0].at.Before(end) {
		e := fn.q[0]
		fn.q = fn.q[1:]
		fn.now = e.at
		e.fn()
	}
	fn.now = end
}

// TestCoreLossyNetwork drives IM cores alone through a network that
// loses connections and reorders frames across them, with crashes and
// a mailbox: nothing acknowledged is lost, every accepted message is
// delivered once, in order per conversation, and a blocked wallet
// never reaches the user; the same seed gives the same run.
func TestCoreLossyNetwork(t *testing.T) {
	for seed := range uint64(12) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			a := runLossy(t, seed)
			if b := runLossy(t, seed); a != b {
				t.Fatalf("same seed, different runs: %x vs %x", a, b)
			}
		})
	}
}

func runLossy(t *testing.T, seed uint64) uint64 {
	const nodes, msgs = 7, 400
	fn := newFakeNet(t, seed, nodes, 0.05)
	users := nodes - 2 // the last user is blocked by user 0; the last node is the mailbox
	blocker, blocked := fn.nodes[0], fn.nodes[users]
	fn.handle(blocker, service.Input{Kind: service.Command, Cmd: ConsentCmd{Peer: blocked.w, Consent: Blocked}})
	type sent struct {
		id       MessageID
		from, to *fakeNode
	}
	var accepted []sent
	for i := range msgs {
		from := fn.nodes[fn.rng.IntN(users+1)]
		to := fn.nodes[fn.rng.IntN(users)]
		if from == to {
			continue
		}
		fn.at(time.Duration(i)*50*time.Millisecond, func() {
			if from.down {
				return
			}
			out := fn.handle(from, service.Input{Kind: service.Command, Cmd: SendCmd{To: to.w, Text: fmt.Sprintf("m%d", i)}})
			if out.Err != nil {
				t.Errorf("send %d: %v", i, out.Err)
				return
			}
			accepted = append(accepted, sent{id: out.Result.(Message).ID, from: from, to: to})
		})
	}
	for i := range 8 { // crashes, the mailbox's too
		nd := fn.nodes[fn.rng.IntN(nodes)]
		fn.at(time.Duration(1+fn.rng.IntN(18))*time.Second+time.Duration(i)*time.Millisecond, func() {
			if !nd.down {
				fn.crash(nd, time.Duration(1+fn.rng.IntN(20))*time.Second)
			}
		})
	}
	fn.run(5 * time.Minute)
	for _, s := range accepted {
		m, _ := s.from.core.Message(s.id)
		_, stored := s.to.core.Message(s.id)
		switch {
		case s.from == blocked && s.to == blocker:
			if stored || m.Status != Failed || fn.failed[s.id] == nil {
				t.Errorf("message %s from a blocked wallet: stored %v, status %s", s.id, stored, m.Status)
			}
		case m.Status != Delivered:
			t.Errorf("message %s %d → %d: %s after the run (%s)", s.id, s.from.i, s.to.i, m.Status, m.Err)
		case !stored:
			t.Errorf("message %s acknowledged but not stored", s.id)
		case fn.shown[s.id] != 1:
			t.Errorf("message %s shown %d times", s.id, fn.shown[s.id])
		}
	}
	if len(accepted) < msgs/3 {
		t.Fatalf("only %d messages accepted", len(accepted))
	}
	sealed := 0
	for _, s := range accepted {
		if _, ok := fn.nodes[fn.box].core.msgs[s.id]; ok {
			t.Errorf("the mailbox stored message %s it should only keep sealed", s.id)
		}
		if m, _ := s.to.core.Message(s.id); m.Status == Delivered && fn.viaBox[s.id] {
			sealed++
		}
	}
	t.Logf("seed %d: %d accepted, %d through the mailbox, trace %x", seed, len(accepted), sealed, fn.trace)
	return fn.trace
}

// FuzzCoreFrame: no frame from a peer makes the core panic, whatever
// state it is in (a mailbox, with a message waiting for that peer).
func FuzzCoreFrame(f *testing.F) {
	id := MessageID{1}
	for _, fr := range []frame{
		&helloFrame{Version: protocolVersion}, &msgFrame{ID: id, Kind: kindText, Text: "hi"},
		&msgFrame{ID: id, Kind: kindEdit, Ref: id, Text: "x"}, &receiptFrame{Status: Read, IDs: []MessageID{id}},
		&errorFrame{ID: id, Code: CodeRateLimited}, &depositFrame{ID: id, Blob: []byte("x")}, &storedFrame{ID: id},
		&fetchFrame{}, &itemFrame{Seq: 1, Blob: []byte("x")}, &endFrame{}, &dropFrame{Upto: 1},
	} {
		f.Add(marshalInner(fr))
	}
	peer := common.Address{9}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := NewCore(CoreConfig{Self: common.Address{1}, Rand: rand.NewChaCha8([32]byte{}), Store: &service.Memory{}, Mailbox: true})
		if err != nil {
			t.Fatal(err)
		}
		var out service.Effects
		now := time.Unix(1_700_000_000, 0)
		c.Handle(now, service.Input{Kind: service.Start}, &out)
		c.Handle(now, service.Input{Kind: service.Document, Peer: c.self, Doc: &naming.Document{Mailbox: peer.Hex()}}, &out)
		c.Handle(now, service.Input{Kind: service.Command, Cmd: SendCmd{To: peer, Text: "hello"}}, &out)
		for range 2 { // twice: duplicates and state left by the first
			out.Reset()
			c.Handle(now, service.Input{Kind: service.Frame, Peer: peer, Frame: b}, &out)
		}
		c.Handle(now.Add(time.Hour), service.Input{Kind: service.Timer}, &out)
	})
}
