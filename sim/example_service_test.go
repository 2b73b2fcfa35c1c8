package sim_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/sim"
	"github.com/ethereum/go-ethereum/common"
)

// pingCore is a small custom service: Ping asks another wallet to echo
// a number; the core sends it again every second until the echo comes
// back, and reports each echo once. Its outstanding pings live in the
// store, so a crash forgets none.
type pingCore struct {
	st      service.Store
	pending map[uint64]common.Address
	next    uint64
}

// Ping is pingCore's command; its result is the ping's number.
type Ping struct{ To common.Address }

// Echoed is pingCore's event.
type Echoed struct {
	N    uint64
	From common.Address
}

func (p *pingCore) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Start:
		p.pending = map[uint64]common.Address{}
		p.st.Scan([]byte("p"), func(k, v []byte) bool {
			n := binary.BigEndian.Uint64(k[1:])
			p.pending[n], p.next = common.BytesToAddress(v), max(p.next, n+1)
			return true
		})
		out.Wake(now)
	case service.Command:
		n := p.next
		p.next++
		to := in.Cmd.(Ping).To
		p.pending[n] = to
		out.Put(binary.BigEndian.AppendUint64([]byte("p"), n), to[:])
		out.To(to, binary.BigEndian.AppendUint64([]byte("?"), n))
		out.Wake(now.Add(time.Second))
		out.Result = n
	case service.Frame:
		if len(in.Frame) != 9 {
			return
		}
		n := binary.BigEndian.Uint64(in.Frame[1:])
		switch in.Frame[0] {
		case '?':
			out.To(in.Peer, binary.BigEndian.AppendUint64([]byte("!"), n))
		case '!':
			if p.pending[n] == in.Peer {
				delete(p.pending, n)
				out.Del(binary.BigEndian.AppendUint64([]byte("p"), n))
				out.Emit(Echoed{N: n, From: in.Peer})
			}
		}
	case service.Timer:
		ns := make([]uint64, 0, len(p.pending))
		for n := range p.pending {
			ns = append(ns, n)
		}
		slices.Sort(ns) // never let map order reach the effects
		for _, n := range ns {
			out.To(p.pending[n], binary.BigEndian.AppendUint64([]byte("?"), n))
		}
		if len(ns) > 0 {
			out.Wake(now.Add(time.Second))
		}
	}
}

// A custom service runs at 1,000 nodes through loss and crashes, with
// an invariant of its own: every ping accepted is echoed exactly once,
// by the wallet it was sent to.
func Example_service() {
	type key struct {
		from common.Address
		n    uint64
	}
	sent := map[key]common.Address{}
	echoed := map[key]bool{}
	svc := &sim.Service{
		Port: 7000,
		Core: func(self common.Address, st service.Store, rnd io.Reader) service.Core { return &pingCore{st: st} },
		Commands: func(w sim.Workload, lay sim.Layout, rng *rand.Rand) []sim.Command {
			hosts := lay.Hosts
			var cmds []sim.Command
			for i := range w.Messages {
				from, to := hosts[rng.IntN(len(hosts))], hosts[rng.IntN(len(hosts))]
				if from != to {
					at := time.Duration(w.Start) + time.Duration(w.Spread)*time.Duration(i)/time.Duration(w.Messages)
					cmds = append(cmds, sim.Command{At: at, Node: from, Cmd: Ping{To: to}})
				}
			}
			return cmds
		},
		Observe: func(o sim.Observation) error {
			switch {
			case o.Cmd != nil && o.Err == nil:
				sent[key{o.Node, o.Result.(uint64)}] = o.Cmd.(Ping).To
			case o.Event != nil:
				e := o.Event.(Echoed)
				k := key{o.Node, e.N}
				if sent[k] != e.From || echoed[k] {
					return fmt.Errorf("ping %d of %s echoed by %s (sent to %s, echoed before: %v)", e.N, o.Node, e.From, sent[k], echoed[k])
				}
				echoed[k] = true
			}
			return nil
		},
		Check: func() error {
			if len(echoed) != len(sent) {
				return fmt.Errorf("%d pings echoed of %d", len(echoed), len(sent))
			}
			return nil
		},
	}
	sc, err := sim.ParseScenario([]byte(`
name: ping-1000
seed: 7
nodes: 1000
duration: 20s
topology: {generator: transit-stub, segments: 20, transit: 2}
workload:
  - {kind: ping, messages: 1000, start: 1s, spread: 5s}
faults:
  - {kind: loss, at: 0s, rate: 0.05}
  - {kind: crash, at: 3s, for: 4s, count: 20}
`))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	s, err := sim.New(ctx, sc, sim.Options{Services: map[string]*sim.Service{"ping": svc}})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	if _, err := s.Run(ctx); err != nil {
		panic(err)
	}
	fmt.Printf("every ping echoed once: %v\n", len(echoed) == len(sent) && len(sent) > 900)
	// Output: every ping echoed once: true
}
