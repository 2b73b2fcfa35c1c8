package link

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/anynet/anynet/transport"
)

// answerer is a node of an anycast wallet with a transport of its own,
// behind the endpoint's sinkUnderlay at addr: it answers the handshakes
// the endpoint sent it and reads the data.
type answerer struct {
	s    *transport.Sessions
	key  transport.PublicKey
	addr netip.AddrPort
	sink *sinkUnderlay
}

func newAnswerer(t *testing.T, sink *sinkUnderlay, addr string) *answerer {
	s := newTestSessions(t)
	return &answerer{s: s, key: s.PublicKey(), addr: netip.MustParseAddrPort(addr), sink: sink}
}

// answer has a answer the last frame the endpoint sent it, a handshake,
// and e take the answer as its reader would; it returns that frame's
// index in the sink.
func (a *answerer) answer(t *testing.T, e *Endpoint) int {
	t.Helper()
	a.sink.mu.Lock()
	init := -1
	for i, to := range a.sink.to {
		if to == a.addr {
			init = i
		}
	}
	var frame []byte
	if init >= 0 {
		frame = a.sink.sent[init]
	}
	a.sink.mu.Unlock()
	if init < 0 {
		t.Fatal("no handshake sent to the instance")
	}
	var h Header
	msg, err := ParseHeader(frame, &h)
	if err != nil {
		t.Fatal(err)
	}
	lk := addrKey(a.sink.LocalAddr())
	res, err := a.s.Receive(nil, msg, lk[:])
	if err != nil || len(res.Replies) != 1 {
		t.Fatalf("instance: %d replies, %v", len(res.Replies), err)
	}
	resp := make([]byte, MinFrameHeader+len(res.Replies[0]))
	putHeader(resp, FrameTransport, DefaultHopLimit)
	copy(resp[MinFrameHeader:], res.Replies[0])
	e.receive(resp, a.addr) // the reader: the handshake completes
	return init
}

// sentData is a packet a was sent: its size and its frame's index.
type sentData struct{ size, at int }

// received opens the data frames sent to a from the sink's frame from
// on, once each (a second reading is a replay).
func (a *answerer) received(t *testing.T, from int) []sentData {
	t.Helper()
	a.sink.mu.Lock()
	defer a.sink.mu.Unlock()
	lk := addrKey(a.sink.LocalAddr())
	var got []sentData
	for i := from; i < len(a.sink.sent); i++ {
		if a.sink.to[i] != a.addr {
			continue
		}
		var h Header
		msg, err := ParseHeader(a.sink.sent[i], &h)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := a.s.Receive(nil, msg, lk[:]); err == nil && r.Kind == transport.KindData && len(r.Payload) > 0 {
			got = append(got, sentData{len(r.Payload), i})
		}
	}
	return got
}

func sizes(got []sentData) []int {
	var out []int
	for _, s := range got {
		out = append(out, s.size)
	}
	return out
}

// answerFixture is an endpoint on a fake clock over a sinkUnderlay,
// and the two instances of a wallet: a answers, b never does.
type answerFixture struct {
	e     *Endpoint
	clock *fakeClock
	a     *answerer
	ins   []Instance
	ident netip.Addr
}

func newAnswerFixture(t *testing.T) *answerFixture {
	sink := &sinkUnderlay{}
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e, err := New(Config{Sessions: newTestSessions(t), Underlay: sink, TickInterval: -1, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Shutdown)
	a := newAnswerer(t, sink, "127.0.0.1:2")
	ins := []Instance{{NodeKey: a.key, Addr: a.addr}, {NodeKey: newTestSessions(t).PublicKey(), Addr: netip.MustParseAddrPort("127.0.0.1:3")}}
	return &answerFixture{e: e, clock: clock, a: a, ins: ins, ident: IdentityAddr(a.s.Wallet())}
}

func (f *answerFixture) write(size int) { writeForTest(f.e, udpPacketTo(f.ident, size)) }

// group makes the wallet anycast (AddInstances) and peer makes it a
// plain peer at a's node (AddPeer): each replaces what the endpoint knew
// of the wallet.
func (f *answerFixture) group(t *testing.T) {
	if err := f.e.AddInstances(f.a.s.Wallet(), f.ins); err != nil {
		t.Fatal(err)
	}
}

func (f *answerFixture) peer(t *testing.T) {
	if err := f.e.AddPeer(f.a.s.Wallet(), &f.a.key, f.a.addr); err != nil {
		t.Fatal(err)
	}
}

// TestAnycastReplacedKeepsQueue: a packet that waits in an anycast
// group's queue for a first live instance is not lost when AddPeer
// replaces the group: it waits for the peer's session, and with it what
// is written after; when AddInstances makes the wallet a group again,
// they wait in the new group's queue for its first live instance. The
// last packet is written from the clock, once, at its first reading
// after the instance is live (TestAnycastQueueKeepsOrder's gap).
func TestAnycastReplacedKeepsQueue(t *testing.T) {
	for _, tc := range []struct {
		name    string
		regroup bool
	}{
		{"by a peer", false},
		{"by a peer, then a group again", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAnswerFixture(t)
			f.group(t)
			f.write(100) // no instance is live: it waits in the group's queue
			f.peer(t)
			f.write(300)
			want := []int{100, 300}
			landed := !tc.regroup
			if tc.regroup {
				f.group(t)
				inst := f.e.peers.byIdent(f.ident).grp.Load().byID([32]byte(f.a.key))
				f.clock.onceWhen(inst.inst.liveFast.Load, func() {
					landed = true
					f.write(200)
				})
				want = append(want, 200)
			}
			f.a.answer(t, f.e)
			got := sizes(f.a.received(t, 0))
			if !landed {
				t.Fatal("the last packet was not written between the instance going live and the queue leaving")
			}
			if !slices.Equal(got, want) {
				t.Fatalf("the instance got packets of %v bytes, want %v", got, want)
			}
		})
	}
}

// TestAnycastReplacedMidWrite: a packet written while the wallet
// changes from a group to a peer or back, past the writer's look at
// what the wallet is, is not lost either, nor does it overtake the
// packet that waited: the replacement runs from the clock, once, at
// the write's first reading (pickOrHold's for a group, hold's for a
// peer with a packet waiting).
func TestAnycastReplacedMidWrite(t *testing.T) {
	for _, tc := range []struct {
		name          string
		before, while func(f *answerFixture, t *testing.T)
	}{
		{"a peer replaces the group", (*answerFixture).group, (*answerFixture).peer},
		{"a group replaces the peer", (*answerFixture).peer, (*answerFixture).group},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAnswerFixture(t)
			tc.before(f, t)
			f.write(100) // no session, no live instance: it waits
			ran := false
			f.clock.onceWhen(func() bool { return true }, func() {
				ran = true
				tc.while(f, t)
			})
			f.write(300)
			if !ran {
				t.Fatal("the write did not read the clock")
			}
			f.a.answer(t, f.e)
			if got, want := sizes(f.a.received(t, 0)), []int{100, 300}; !slices.Equal(got, want) {
				t.Fatalf("the instance got packets of %v bytes, want %v", got, want)
			}
		})
	}
}

// TestAnycastFailoverMovesPicked: a packet whose flow picked an
// instance just before it failed, and then found no session, does not
// wait for the failed instance: it goes to the group's queue, ahead of
// what is written after, and to the next instance live. The failure
// runs from the clock, once, at the first reading after the flow is
// pinned (noteSent's, between the pick and the seal).
func TestAnycastFailoverMovesPicked(t *testing.T) {
	f := newAnycastFixture(t)
	f.e.heard(f.a, true) // a alone is live: the flow goes to it
	first, second := udpPacketTo(f.ident, 100), udpPacketTo(f.ident, 300)
	fl, _ := parseFlow(first)
	failed := false
	f.clock.onceWhen(func() bool {
		f.g.mu.Lock()
		defer f.g.mu.Unlock()
		_, pinned := f.g.lastUse[fl]
		return pinned
	}, func() {
		l := Locator{0: 0x2a, 31: 1}
		f.a.loc.Store(&l)
		f.e.failInstancesAt(&l)
		failed = f.a.inst.failed
	})
	f.send(first)
	if !failed {
		t.Fatal("the instance did not fail between the pick and the seal")
	}
	if n := f.queued(f.a); n != 0 {
		t.Fatalf("%d packets wait for the failed instance, want 0", n)
	}
	f.send(second)
	f.e.heard(f.b, true)
	f.b.mu.Lock()
	var got []int
	for _, pkt := range f.b.queue {
		got = append(got, len(pkt))
	}
	f.b.mu.Unlock()
	if want := []int{100, 300}; !slices.Equal(got, want) {
		t.Fatalf("the other instance holds packets of %v bytes, want %v", got, want)
	}
}
