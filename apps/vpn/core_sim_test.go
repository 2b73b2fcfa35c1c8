package vpn_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/apps/vpn"
	"github.com/anynet/anynet/sim"
	"github.com/ethereum/go-ethereum/common"
)

// TestSimExits runs the exits' control plane (vpn.Core) in the
// simulator: 200 nodes on a transit-stub underlay with loss, 12 of
// them exits (one serving only a listed wallet), the rest clients that
// probe the exits, rank them by round trip and open tunnels — most to
// a public address, some to private ranges and port 25 — while nodes
// crash and come back. Invariants: every open accepted ends exactly
// once (a crashed client resumes its opens from its store); a refused
// destination is never opened and always refused for its own reason;
// an open that failed over did so through other exits; and every open
// to a public address goes through unless every exit failed it.
func TestSimExits(t *testing.T) {
	if testing.Short() {
		t.Skip("simulator run")
	}
	var exits []common.Address
	var picky common.Address
	type outcome struct {
		opened bool
		err    error
		ev     vpn.Opened
	}
	asked := map[common.Address]map[uint64]vpn.Open{}
	ended := map[common.Address]map[uint64]outcome{}
	var failovers, opened, refused, noExit int
	var worst time.Duration
	svc := &sim.Service{
		Port: vpn.Port,
		Core: func(self common.Address, st service.Store, rnd io.Reader) service.Core {
			for i, e := range exits {
				if e == self {
					p := vpn.Policy{}
					if i == 0 {
						p.Wallets = []common.Address{picky} // refuses the rest: they fail over
					}
					return vpn.NewCore(vpn.CoreConfig{Serve: true, Policy: p}, st)
				}
			}
			return vpn.NewCore(vpn.CoreConfig{Exits: exits}, st)
		},
		Commands: func(w sim.Workload, lay sim.Layout, rng *rand.Rand) []sim.Command {
			hosts := lay.Hosts
			exits, picky = hosts[:12], hosts[12]
			var cmds []sim.Command
			dests := []vpn.Open{{Host: "93.184.216.34", Port: 443}, {Host: "93.184.216.34", Port: 443}, {Host: "1.1.1.1", Port: 80},
				{Host: "10.1.2.3", Port: 80}, {Host: "169.254.169.254", Port: 80}, {Host: "93.184.216.34", Port: 25}}
			for i := range w.Messages {
				from := hosts[12+rng.IntN(len(hosts)-12)]
				at := time.Duration(w.Start) + time.Duration(w.Spread)*time.Duration(i)/time.Duration(w.Messages)
				cmds = append(cmds, sim.Command{At: at, Node: from, Cmd: dests[rng.IntN(len(dests))]})
			}
			return cmds
		},
		Observe: func(o sim.Observation) error {
			switch {
			case o.Cmd != nil && o.Err == nil:
				if asked[o.Node] == nil {
					asked[o.Node], ended[o.Node] = map[uint64]vpn.Open{}, map[uint64]outcome{}
				}
				asked[o.Node][o.Result.(uint64)] = o.Cmd.(vpn.Open)
			case o.Event != nil:
				var id uint64
				var oc outcome
				switch e := o.Event.(type) {
				case vpn.Opened:
					id, oc = e.ID, outcome{opened: true, ev: e}
				case vpn.OpenFailed:
					id, oc = e.ID, outcome{err: e.Err}
				default:
					return fmt.Errorf("event %T", o.Event)
				}
				req, ok := asked[o.Node][id]
				if !ok {
					return fmt.Errorf("open %d of %s ended but was never asked", id, o.Node)
				}
				if _, twice := ended[o.Node][id]; twice {
					return fmt.Errorf("open %d of %s ended twice", id, o.Node)
				}
				ended[o.Node][id] = oc
				private := req.Host == "10.1.2.3" || req.Host == "169.254.169.254"
				switch {
				case oc.opened && (private || req.Port == 25):
					return fmt.Errorf("open %d of %s to %s:%d went through %s", id, o.Node, req.Host, req.Port, oc.ev.Exit)
				case oc.opened:
					opened++
					if oc.ev.Failovers > 0 {
						failovers++
					}
					if oc.ev.Exit == exits[0] && o.Node != picky {
						return fmt.Errorf("open %d of %s went through the exit that serves only %s", id, o.Node, picky)
					}
					worst = max(worst, oc.ev.Took)
				case private && !errors.Is(oc.err, vpn.ErrDestination), req.Port == 25 && !private && !errors.Is(oc.err, vpn.ErrPort):
					return fmt.Errorf("open %d of %s to %s:%d: %v, not the destination's refusal", id, o.Node, req.Host, req.Port, oc.err)
				case private || req.Port == 25:
					refused++
				case errors.Is(oc.err, vpn.ErrNoExit):
					noExit++
				default:
					return fmt.Errorf("open %d of %s to %s:%d failed: %v", id, o.Node, req.Host, req.Port, oc.err)
				}
			}
			return nil
		},
		Check: func() error {
			for n, m := range asked {
				for id := range m {
					if _, ok := ended[n][id]; !ok {
						return fmt.Errorf("open %d of %s never ended", id, n)
					}
				}
			}
			return nil
		},
	}
	sc, err := sim.ParseScenario([]byte(`
name: vpn-exits-200
seed: 19
nodes: 200
duration: 60s
topology: {generator: transit-stub, segments: 20, transit: 2}
workload:
  - {kind: vpn, messages: 2000, start: 2s, spread: 20s}
faults:
  - {kind: loss, at: 0s, rate: 0.02}
  - {kind: crash, at: 6s, for: 8s, count: 20}
`))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := sim.New(ctx, sc, sim.Options{Services: map[string]*sim.Service{"vpn": svc}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("opened %d (%d after a failover, slowest %v), refused %d by policy, %d found no exit", opened, failovers, worst, refused, noExit)
	if opened < 800 || refused < 800 || failovers == 0 {
		t.Fatalf("opened %d, refused %d, failovers %d: the run did not exercise the exits", opened, refused, failovers)
	}
}
