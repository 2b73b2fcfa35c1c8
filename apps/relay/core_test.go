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
}

type fakeFrame struct {
	from, to common.Address
	b        []byte
}

func (n *fakeNet) apply(self common.Address, out *service.Effects) {
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
	return out.Result
}

// run delivers frames and fires timers until `until`.
func (n *fakeNet) run(until time.Time) {
	for {
		for len(n.queue) > 0 {
			f := n.queue[0]
			n.queue = n.queue[1:]
			if n.drop != nil && n.drop(f.from, f.to, f.b) {
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
		wallets := map[string]*pay.KeyWallet{}
		mk := func(name string) common.Address {
			wallets[name] = newWallet(t)
			return wallets[name].Address()
		}
		a, e, b, dog, partner, g := mk("a"), mk("e"), mk("b"), mk("dog"), mk("partner"), mk("g")
		n := &fakeNet{t: t, now: time.Unix(1000*10, 0), cores: map[common.Address]service.Core{}, due: map[common.Address]time.Time{}}
		rnd := rand.NewChaCha8([32]byte{1})
		params := DefaultParams(dog)
		for _, name := range []string{"a", "e", "b", "dog", "partner", "g"} {
			kw := wallets[name]
			cfg := CoreConfig{Wallet: kw, Epoch: epoch, Guardians: []common.Address{g}, Params: params,
				Store: &service.Memory{}, Rand: rnd, ReceiptEvery: 16 << 10, ProbeTimeout: time.Second}
			switch name {
			case "e":
				cfg.Roles = RoleEdge
			case "dog":
				cfg.Roles = RoleWatchDog
				cfg.Edges, cfg.ProbePartner, cfg.ProbesPerEpoch = []common.Address{e}, partner, 20
			case "g":
				cfg.Roles = RoleGuardian
			}
			n.cores[kw.Address()] = NewCore(cfg)
			n.handle(kw.Address(), service.Input{Kind: service.Start})
		}
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

// FuzzCore: whatever bytes arrive, a core of every role neither panics
// nor relays a frame it could not parse.
func FuzzCore(f *testing.F) {
	w := vectorWallet()
	raw, _ := hex.DecodeString(vectorReceipt)
	f.Add(append([]byte{frameReceipt}, raw...))
	f.Add(encodeBatch(frameSubmit, 42, [][]byte{raw}))
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
