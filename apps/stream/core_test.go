package stream

import (
	"bytes"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// fakeNet carries frames between cores in memory, in order, on a
// virtual clock: the core tests' driver (no sockets).
type fakeNet struct {
	t      *testing.T
	now    time.Time
	cores  map[common.Address]*Core
	due    map[common.Address]time.Time
	queue  []fakeFrame
	dead   map[common.Address]bool
	tamper map[common.Address]bool // flips a byte of every segment it sends
	events map[common.Address][]Event
}

type fakeFrame struct {
	from, to common.Address
	b        []byte
}

func newFakeNet(t *testing.T) *fakeNet {
	return &fakeNet{t: t, now: time.Unix(1e9, 0), cores: map[common.Address]*Core{}, due: map[common.Address]time.Time{},
		dead: map[common.Address]bool{}, tamper: map[common.Address]bool{}, events: map[common.Address][]Event{}}
}

func (n *fakeNet) add(w common.Address, cfg CoreConfig) *Core {
	cfg.Self = w
	c, err := NewCore(cfg)
	if err != nil {
		n.t.Fatal(err)
	}
	n.cores[w] = c
	n.handle(w, service.Input{Kind: service.Start})
	return c
}

func (n *fakeNet) handle(w common.Address, in service.Input) service.Effects {
	var out service.Effects
	if n.dead[w] {
		return out
	}
	n.cores[w].Handle(n.now, in, &out)
	for _, o := range out.Send {
		b := bytes.Clone(o.Frame)
		if n.tamper[w] && b[0] == msgSeg {
			b[len(b)-1] ^= 1
		}
		n.queue = append(n.queue, fakeFrame{w, o.To, b})
	}
	n.events[w] = append(n.events[w], evs(out.Events)...)
	if !out.Deadline.IsZero() && (n.due[w].IsZero() || out.Deadline.Before(n.due[w])) {
		n.due[w] = out.Deadline
	}
	return out
}

func evs(xs []any) []Event {
	var es []Event
	for _, x := range xs {
		es = append(es, x.(Event))
	}
	return es
}

func (n *fakeNet) do(w common.Address, cmd any) any {
	n.t.Helper()
	out := n.handle(w, service.Input{Kind: service.Command, Cmd: cmd})
	if out.Err != nil {
		n.t.Fatalf("%T: %v", cmd, out.Err)
	}
	n.flush()
	return out.Result
}

// flush delivers every queued frame (frames to a dead core are lost).
func (n *fakeNet) flush() {
	for len(n.queue) > 0 {
		f := n.queue[0]
		n.queue = n.queue[1:]
		if n.dead[f.to] || n.cores[f.to] == nil {
			continue
		}
		n.handle(f.to, service.Input{Kind: service.Frame, Peer: f.from, Frame: f.b})
	}
}

// advance moves the clock by d, firing the timers that come due.
func (n *fakeNet) advance(d time.Duration) {
	end := n.now.Add(d)
	for {
		var next common.Address
		var at time.Time
		for w, t := range n.due {
			if !t.IsZero() && !t.After(end) && (at.IsZero() || t.Before(at)) {
				next, at = w, t
			}
		}
		if at.IsZero() {
			break
		}
		if at.After(n.now) {
			n.now = at
		}
		delete(n.due, next)
		n.handle(next, service.Input{Kind: service.Timer})
		n.flush()
	}
	n.now = end
}

func (n *fakeNet) status(w common.Address) StreamStatus {
	st := n.do(w, StatusCmd{}).(Status)
	return st.Streams[0]
}

// TestCoreTree drives publisher, relays and viewer cores in memory: the
// origin (fan-out 2) redirects the viewer to a relay; a relay that
// forges segment bytes is caught by the hash in the signed playlist,
// hung up on and replaced by the honest one, and the viewer holds
// every segment from its first one on, verified.
func TestCoreTree(t *testing.T) {
	n := newFakeNet(t)
	pub, liar, honest, viewer := common.Address{19: 1}, common.Address{19: 2}, common.Address{19: 3}, common.Address{19: 4}
	signer := vectorSigner(t)
	n.add(pub, CoreConfig{Fanout: 2, Sign: signer.SignText, Owner: signer.Address()})
	for _, w := range []common.Address{liar, honest, viewer} {
		n.add(w, CoreConfig{})
	}
	k := Key{signer.Address(), "cam"}
	n.do(pub, PublishCmd{Name: "cam"})
	push := func(i int) {
		n.do(pub, PushCmd{Name: "cam", Data: bytes.Repeat([]byte{byte(i)}, 1000+i), Duration: time.Second})
		n.advance(time.Second)
	}
	push(1)
	n.do(liar, WatchCmd{Key: k, Origin: pub, Capacity: 10})
	n.do(honest, WatchCmd{Key: k, Origin: pub, Capacity: 10})
	push(2)
	if st := n.status(pub); st.Children != 2 || st.Relays != 2 {
		t.Fatalf("origin: %+v", st)
	}
	n.tamper[liar] = true
	n.do(viewer, WatchCmd{Key: k, Origin: pub})
	for i := 3; i <= 6; i++ {
		push(i)
	}
	st := n.do(viewer, StatusCmd{}).(Status)
	if st.Stats.Corrupt == 0 && st.Streams[0].Upstream != honest {
		t.Fatalf("viewer: %+v", st)
	}
	if st.Streams[0].Upstream != honest || st.Stats.Rejoins != 0 {
		t.Fatalf("viewer did not move to the honest relay without the origin: %+v", st)
	}
	v := n.do(viewer, PlaylistCmd{Key: k}).(PlaylistView)
	if v.Playlist.Last() != 6 || len(v.Held) < 4 {
		t.Fatalf("viewer holds %v of %d", v.Held, v.Playlist.Last())
	}
	for _, q := range v.Held {
		data := n.do(viewer, SegmentCmd{Key: k, Seq: q}).([]byte)
		if !bytes.Equal(data, bytes.Repeat([]byte{byte(q)}, 1000+int(q))) {
			t.Fatalf("segment %d: wrong bytes", q)
		}
	}

	// The honest relay hangs: the viewer has no alternates left and asks
	// the origin, which names the relays it knows; both have failed the
	// viewer, so it asks the origin to serve it directly, and it does.
	n.dead[honest] = true
	for i := 7; i <= 12; i++ {
		push(i)
	}
	v = n.do(viewer, PlaylistCmd{Key: k}).(PlaylistView)
	if v.Playlist.Last() != 12 || !contains(v.Held, 12) {
		t.Fatalf("after the honest relay hung: viewer holds %v of %d", v.Held, v.Playlist.Last())
	}
	if st := n.status(viewer); st.Upstream != pub {
		t.Fatalf("viewer's upstream %s, want the origin", st.Upstream)
	}
}

func contains(xs []uint64, x uint64) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
