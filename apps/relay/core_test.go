package relay

import (
	"encoding/hex"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
)

// fakeNet runs cores with frames delivered in order at once and timers
// fired in time order: no sockets, no goroutines.
type fakeNet struct {
	t      *testing.T
	now    time.Time
	cores  map[common.Address]service.Core
	due    map[common.Address]time.Time
	queue  []fakeFrame
	events []any
	// drop, if set, decides that a frame is lost.
	drop func(from, to common.Address, frame []byte) bool
	// down: (to, peer) pairs to tell Down, as a driver whose connection
	// failed (drop appends them).
	down [][2]common.Address
}

type fakeFrame struct {
	from, to common.Address
	b        []byte
}

func (n *fakeNet) apply(self common.Address, out *service.Effects) {
	if c, ok := n.cores[self].(*Core); ok {
		if m, ok := c.cfg.Store.(*service.Memory); ok {
			m.Apply(out.Writes)
		}
	}
	for _, s := range out.Send {
		n.queue = append(n.queue, fakeFrame{self, s.To, s.Frame})
	}
	n.events = append(n.events, out.Events...)
	if !out.Deadline.IsZero() && (n.due[self].IsZero() || out.Deadline.Before(n.due[self])) {
		n.due[self] = out.Deadline
	}
}

func (n *fakeNet) handle(self common.Address, in service.Input) any {
	var out service.Effects
	n.cores[self].Handle(n.now, in, &out)
	n.apply(self, &out)
	for _, e := range out.Events {
		if w, ok := e.(WantStakes); ok { // every wallet staked 1 ether
			n.handle(self, service.Input{Kind: service.Command, Cmd: Stakes{Epoch: w.Epoch, Snapshot: etherEach(1, w.Wallets...)}})
		}
	}
	return out.Result
}

// run delivers frames and fires timers until `until`.
func (n *fakeNet) run(until time.Time) {
	for {
		for len(n.queue) > 0 {
			f := n.queue[0]
			n.queue = n.queue[1:]
			if n.drop != nil && n.drop(f.from, f.to, f.b) {
				for _, d := range n.down {
					n.handle(d[0], service.Input{Kind: service.Down, Peer: d[1]})
				}
				n.down = nil
				continue
			}
			n.handle(f.to, service.Input{Kind: service.Frame, Peer: f.from, Frame: f.b})
		}
		var next common.Address
		var at time.Time
		for w, d := range n.due {
			if !d.IsZero() && (at.IsZero() || d.Before(at) || (d.Equal(at) && w.Hex() < next.Hex())) {
				next, at = w, d
			}
		}
		if at.IsZero() || at.After(until) {
			n.now = until
			return
		}
		n.now = at
		delete(n.due, next)
		n.handle(next, service.Input{Kind: service.Timer})
	}
}

// TestCoreEpoch: an endpoint's flow through an Edge, a WatchDog's probes
// and the Guardian's settlement, over the core alone. The Edge is
// credited exactly the bytes it delivered; an Edge that drops half of
// what it relays is warned or suspended by the probes and credited only
// what reached its endpoints.
func TestCoreEpoch(t *testing.T) {
	for _, dropping := range []bool{false, true} {
		epoch := 10 * time.Second
		n, a, e, b, _ := newTestNet(t, epoch, 20, 128<<10)
		var relayed int
		if dropping {
			i := 0
			n.drop = func(from, to common.Address, f []byte) bool {
				if from == e && f[0] == frameRelayed {
					i++
					return i%2 == 0
				}
				return false
			}
		}
		n.run(n.now.Add(time.Second))
		n.handle(a, service.Input{Kind: service.Command, Cmd: Send{Via: e, To: b, Bytes: 300 << 10}})
		n.run(n.now.Add(3 * epoch))

		var settled *Settled
		for _, ev := range n.events {
			if ev, ok := ev.(Settled); ok && settled == nil {
				settled = &ev
			}
		}
		if settled == nil {
			t.Fatal("no epoch settled")
		}
		for _, ev := range n.events {
			if ev, ok := ev.(Delivered); ok && ev.Edge == e && ev.Epoch == settled.Scores.Epoch {
				relayed += ev.Bytes
			}
		}
		s, ok := settled.Scores.Of(e)
		if !ok {
			t.Fatal("edge not scored")
		}
		t.Logf("dropping=%v: %s, %d of %d probes, delivered %d (relayed %d), net %v %s", dropping, s.Status, s.Answered, s.Probes, s.Delivered, relayed, s.Net, s.Why)
		if s.Delivered != uint64(relayed) {
			t.Fatalf("credited %d bytes, %d delivered through the edge", s.Delivered, relayed)
		}
		if !dropping && (s.Status != StatusOK || s.Probes != 20) {
			t.Fatalf("honest edge: %s, %d probes", s.Status, s.Probes)
		}
		if dropping && s.Status == StatusOK {
			t.Fatalf("dropping edge: %s, delivered %d", s.Status, s.Delivered)
		}
	}
}

// testNet is a fakeNet of six cores: endpoints a and b, Edge e,
// WatchDog dog (probing e probes times an epoch through partner, flows
// of up to maxFlow bytes, 1 s timeout) and Guardian g.
func newTestNet(t *testing.T, epoch time.Duration, probes, maxFlow int) (n *fakeNet, a, e, b, dog common.Address) {
	wallets := map[string]*pay.KeyWallet{}
	mk := func(name string) common.Address {
		wallets[name] = newWallet(t)
		return wallets[name].Address()
	}
	a, e, b, dog, partner, g := mk("a"), mk("e"), mk("b"), mk("dog"), mk("partner"), mk("g")
	n = &fakeNet{t: t, now: time.Unix(1000*10, 0), cores: map[common.Address]service.Core{}, due: map[common.Address]time.Time{}}
	rnd := rand.NewChaCha8([32]byte{1})
	params := DefaultParams(dog)
	for _, name := range []string{"a", "e", "b", "dog", "partner", "g"} {
		kw := wallets[name]
		cfg := CoreConfig{Wallet: kw, Epoch: epoch, Guardians: []common.Address{g}, Params: params,
			Store: &service.Memory{}, Rand: rnd, ReceiptEvery: 16 << 10, ProbeTimeout: time.Second,
			FlowBytes: [2]int{1 << 10, maxFlow}}
		switch name {
		case "e":
			cfg.Roles = RoleEdge
		case "dog":
			cfg.Roles = RoleWatchDog
			cfg.Edges, cfg.ProbePartner, cfg.ProbesPerEpoch = []common.Address{e}, partner, probes
		case "g":
			cfg.Roles = RoleGuardian
		}
		n.cores[kw.Address()] = NewCore(cfg)
		n.handle(kw.Address(), service.Input{Kind: service.Start})
	}
	return n, a, e, b, dog
}

// TestProbeResentAfterDown: a probe whose connection to the Edge is
// lost (the driver's Down) is sent again within its timeout and counts
// as answered when the new flow comes back; an Edge that stays
// unreachable gets at most maxProbeTries sends per probe and is
// unanswered.
func TestProbeResentAfterDown(t *testing.T) {
	for _, outage := range []time.Duration{300 * time.Millisecond, time.Hour} {
		epoch := 10 * time.Second
		n, _, e, _, dog := newTestNet(t, epoch, 40, 16<<10)
		n.run(n.now.Add(epoch)) // into the next epoch: probes planned at its start
		from := n.now
		var lost int
		var start time.Time // of the outage: the first probe flow after from
		n.drop = func(src, dst common.Address, f []byte) bool {
			if src != dog || dst != e || f[0] != frameData {
				return false
			}
			if start.IsZero() {
				start = n.now
			}
			if n.now.Sub(start) >= outage {
				return false
			}
			lost++
			n.down = append(n.down, [2]common.Address{dog, e})
			return true
		}
		n.run(n.now.Add(epoch))
		var answered, total int
		for _, ev := range n.events {
			if p, ok := ev.(Probed); ok && p.Probe.Epoch == uint64(from.UnixNano()/int64(epoch)) {
				total++
				if p.Probe.Answered {
					answered++
				}
			}
		}
		t.Logf("outage %s: %d probe flows lost, %d of %d probes answered", outage, lost, answered, total)
		if total != 40 || lost == 0 {
			t.Fatalf("outage %s: %d probes, %d flows lost", outage, total, lost)
		}
		if outage < time.Hour && answered != total {
			t.Fatalf("outage %s: %d of %d probes answered: lost probes were not sent again", outage, answered, total)
		}
		if outage == time.Hour && (answered != 0 || lost > maxProbeTries*total) {
			t.Fatalf("edge unreachable: %d answered, %d flows sent for %d probes", answered, lost, total)
		}
	}
}

// FuzzCore: whatever bytes arrive, a core of every role neither panics
// nor relays a frame it could not parse.
func FuzzCore(f *testing.F) {
	w := vectorWallet()
	raw, _ := hex.DecodeString(vectorReceipt)
	f.Add(append([]byte{frameReceipt}, raw...))
	f.Add(encodeBatch(frameSubmit, 42, [][]byte{raw}))
	link, _ := hex.DecodeString(vectorLinkReceipts)
	f.Add(link)
	f.Add(dataFrame{kind: frameData, flow: 1, peer: common.Address{2}, flags: flagEcho, payload: []byte("x")}.encode())
	f.Add(dataFrame{kind: frameRelayed, flow: 1, peer: common.Address{2}, payload: []byte("x")}.encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		c := NewCore(CoreConfig{Wallet: w, Roles: RoleEdge | RoleWatchDog | RoleGuardian, Store: &service.Memory{},
			Rand: rand.NewChaCha8([32]byte{}), Guardians: []common.Address{{9}}})
		now := time.Unix(42*3600, 0)
		var out service.Effects
		c.Handle(now, service.Input{Kind: service.Start}, &out)
		out.Reset()
		c.Handle(now, service.Input{Kind: service.Frame, Peer: common.Address{1}, Frame: b}, &out)
		for _, s := range out.Send {
			if s.Frame[0] == frameRelayed {
				if _, err := decodeData(b); err != nil {
					t.Fatalf("relayed a frame it could not parse: %x", b)
				}
			}
		}
	})
}

// TestGuardianStrikes: an Edge losing a sixth of what it relays is warned
// epoch after epoch; the Guardian carries its strikes from one settled
// epoch to the next, through a restart over its store, and suspends it
// at the third.
func TestGuardianStrikes(t *testing.T) {
	epoch := 10 * time.Second
	n, _, e, _, _ := newTestNet(t, epoch, 20, 16<<10)
	i := 0
	n.drop = func(from, to common.Address, f []byte) bool {
		if from == e && f[0] == frameRelayed {
			i++
			return i%6 == 0
		}
		return false
	}
	var g common.Address
	for w, c := range n.cores {
		if c.(*Core).cfg.Roles == RoleGuardian {
			g = w
		}
	}
	n.run(n.now.Add(3 * epoch))
	old := n.cores[g].(*Core)
	n.cores[g] = NewCore(old.cfg) // restarted over the same store
	n.handle(g, service.Input{Kind: service.Start})
	n.run(n.now.Add(4 * epoch))
	var strikes []uint64
	for _, ev := range n.events {
		if st, ok := ev.(Settled); ok {
			s, _ := st.Scores.Of(e)
			t.Logf("epoch %d: %s, %d of %d probes, %d strikes: %s", st.Scores.Epoch, s.Status, s.Answered, s.Probes, s.Strikes, s.Why)
			strikes = append(strikes, s.Strikes)
			if s.Strikes >= 3 && s.Status != StatusSuspended || s.Strikes < 3 && s.Status == StatusSuspended {
				t.Fatalf("epoch %d: %s with %d strikes", st.Scores.Epoch, s.Status, s.Strikes)
			}
		}
	}
	if len(strikes) < 4 || strikes[len(strikes)-1] < 3 {
		t.Fatalf("strikes by epoch %v: not carried to a suspension", strikes)
	}
	for j := 1; j < len(strikes); j++ {
		if strikes[j] != 0 && strikes[j] != strikes[j-1]+1 {
			t.Fatalf("strikes by epoch %v: not carried", strikes)
		}
	}
}
