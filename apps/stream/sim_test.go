package stream

import (
	"context"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/sim"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

var (
	simViewers = flag.Int("stream.viewers", 0, "viewers of TestSimStream (0: 300; the issue's run is 3000)")
	simRelays  = flag.Int("stream.relays", 0, "relays of TestSimStream (0: 8; the issue's run is 36)")
	simParts   = flag.Int("stream.parts", 4, "LL-HLS parts a 1 s segment of TestSimStream (1: whole segments)")
)

// Player model of TestSimStream: a viewer starts playing a hold-back
// after its first entries arrive, at the newest of them (the live
// edge, as low-latency players do), and plays entries back to back; an
// entry not there when its turn comes is a stall until it arrives. The
// hold-back is LL-HLS's PART-HOLD-BACK, 3 parts, with parts; 500 ms
// with whole segments.
func holdback(unit time.Duration, parts int) time.Duration {
	if parts > 1 {
		return 3 * unit
	}
	return 500 * time.Millisecond
}

// dieCmd makes a mortal core go silent: a relay that hangs (no FIN, no
// RST), the worst failure for its children.
type dieCmd struct{}

type mortal struct {
	*Core
	dead bool
}

func (m *mortal) Handle(now time.Time, in service.Input, out *service.Effects) {
	if _, ok := in.Cmd.(dieCmd); ok {
		m.dead = true
	}
	if !m.dead {
		m.Core.Handle(now, in, out)
	}
}

// streamRun is the state of one run, shared by the cores' factory and
// the workload's observer.
type streamRun struct {
	mu        sync.Mutex // guards everything below
	key       Key
	sign      func([]byte) ([]byte, error)
	publisher common.Address
	relays    map[common.Address]bool
	killed    map[common.Address]bool
	killAt    time.Duration
	cores     map[common.Address]*Core
	captured  map[uint64]time.Duration // seq → glass time (since the run's start)
	arrivals  map[common.Address]map[uint64]time.Duration
	failovers int
	early     int // failovers before the relays hung
	segments  int
	cmdErrs   int
	lastErr   error
	epoch     time.Time
	verified  *Verified     // shared by every core: each playlist verified once
	parts     int           // entries a 1 s segment
	unit      time.Duration // an entry's duration
}

func (r *streamRun) service(relays, viewers int, capacity int, length time.Duration) *sim.Service {
	return &sim.Service{
		Port: Port,
		Core: func(self common.Address, st service.Store, rnd io.Reader) service.Core {
			r.mu.Lock()
			defer r.mu.Unlock()
			cfg := CoreConfig{Self: self, Fanout: 3, Verified: r.verified}
			cfg.Sign, cfg.Owner = r.sign, r.key.Owner // only the publisher's are used
			c, err := NewCore(cfg)
			if err != nil {
				panic(err)
			}
			r.cores[self] = c
			return &mortal{Core: c}
		},
		Commands: func(w sim.Workload, lay sim.Layout, rng *mrand.Rand) []sim.Command {
			hosts := lay.Hosts
			r.mu.Lock()
			defer r.mu.Unlock()
			r.publisher = hosts[0]
			cmds := []sim.Command{{At: 500 * time.Millisecond, Node: r.publisher, Cmd: PublishCmd{Name: r.key.Name, Target: time.Second, Parts: r.parts}}}
			start := time.Duration(w.Start)
			for i := range int(length / r.unit) {
				seg := make([]byte, 4096*int(r.unit)/int(time.Second))
				for j := range seg {
					seg[j] = byte(rng.Uint32())
				}
				cmds = append(cmds, sim.Command{At: start + time.Duration(i)*r.unit, Node: r.publisher,
					Cmd: PushCmd{Name: r.key.Name, Data: seg, Duration: r.unit}})
			}
			rs, vs := hosts[1:1+relays], hosts[1+relays:min(len(hosts), 1+relays+viewers)]
			for i, h := range rs {
				r.relays[h] = true
				cmds = append(cmds, sim.Command{At: start + time.Duration(i)*50*time.Millisecond, Node: h,
					Cmd: WatchCmd{Key: r.key, Origin: r.publisher, Capacity: capacity}})
			}
			for i, h := range vs {
				at := start + 5*time.Second + time.Duration(w.Spread)*time.Duration(i)/time.Duration(max(len(vs), 1))
				cmds = append(cmds, sim.Command{At: at, Node: h, Cmd: WatchCmd{Key: r.key, Origin: r.publisher}})
			}
			// Two relays hang mid-stream.
			r.killAt = start + length/2
			// rs[1] is a child of the origin (with a subtree of relays in
			// a large run); rs[len/2] is deeper.
			for _, h := range []common.Address{rs[1], rs[len(rs)/2]} {
				r.killed[h] = true
				cmds = append(cmds, sim.Command{At: r.killAt, Node: h, Cmd: dieCmd{}})
			}
			return cmds
		},
		Observe: func(o sim.Observation) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			if o.Cmd != nil {
				if _, ok := o.Cmd.(dieCmd); !ok && o.Err != nil {
					r.cmdErrs++
					r.lastErr = o.Err
				}
				return nil
			}
			e, ok := o.Event.(Event)
			if !ok {
				return nil
			}
			switch e.Kind {
			case EventFailover:
				r.failovers++
				if o.At < r.killAt {
					r.early++
				}
			case EventSegment:
				if o.Node == r.publisher {
					if r.epoch.IsZero() {
						r.epoch = e.Captured.Add(-o.At + r.unit)
					}
					r.segments++
					r.captured[e.Seq] = o.At - r.unit
					return nil
				}
				if r.relays[o.Node] {
					return nil
				}
				a := r.arrivals[o.Node]
				if a == nil {
					a = map[uint64]time.Duration{}
					r.arrivals[o.Node] = a
				}
				if _, dup := a[e.Seq]; dup {
					return fmt.Errorf("%s got segment %d twice", o.Node, e.Seq)
				}
				a[e.Seq] = o.At
			}
			return nil
		},
	}
}

// playResult is what the player model saw over all viewers.
type playResult struct {
	g2g         []time.Duration
	stalls      int
	stallTime   time.Duration
	maxStall    time.Duration
	viewerHours float64
	missing     int
	viewers     int
	failoverMax time.Duration // the longest stall that began within 5 s after the kill
}

func (r *streamRun) play() playResult {
	var res playResult
	for _, w := range sortedKeys(r.arrivals) {
		a := r.arrivals[w]
		seqs := make([]uint64, 0, len(a))
		for q := range a {
			seqs = append(seqs, q)
		}
		slices.Sort(seqs)
		// Start at the newest segment of the first burst (the live edge).
		first, lastSeq := seqs[0], seqs[len(seqs)-1]
		for _, q := range seqs {
			if a[q] <= a[seqs[0]]+100*time.Millisecond && q > first && a[q] >= a[first] {
				first = q
			}
		}
		res.viewers++
		sched := a[first] + holdback(r.unit, r.parts)
		startAt := sched
		for q := first; q <= lastSeq; q++ {
			at, ok := a[q]
			if !ok {
				res.missing++
				continue
			}
			if at > sched {
				stall := at - sched
				res.stalls++
				res.stallTime += stall
				res.maxStall = max(res.maxStall, stall)
				if sched >= r.killAt && sched < r.killAt+5*time.Second {
					res.failoverMax = max(res.failoverMax, stall)
				}
				sched = at
			}
			res.g2g = append(res.g2g, sched-r.captured[q])
			sched += r.unit
		}
		res.viewerHours += (sched - startAt).Hours()
	}
	slices.Sort(res.g2g)
	return res
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, len(ds)*p/100)]
}

// TestSimStream runs the real core in the simulator: one publisher
// (fan-out 3), relays of capacity 100 and viewers that join over 20 s,
// 60 s of 1 s segments in LL-HLS parts of 250 ms (-stream.parts 1:
// whole segments); two relays hang at half time. Invariants: no relay
// serves more than 100, every viewer gets every entry from its first
// one on (none twice), the publisher uploads at most a few copies of
// each. It reports glass-to-glass latency (p50, p95) and stalls per
// viewer-hour under the player model above, and with parts holds the
// issue's targets in virtual time: p95 ≤ 3 s, a relay failure costs at
// most 2 s of stall.
func TestSimStream(t *testing.T) {
	t.Parallel()
	// The suite runs 300 viewers; the run (3,000 viewers over 36
	// relays, about 16 min at load 20) is
	//   go test -run TestSimStream -v -timeout 60m ./apps/stream -stream.viewers 3000 -stream.relays 36
	viewers, relays := *simViewers, *simRelays
	if viewers == 0 {
		viewers = 300
	}
	if relays == 0 {
		relays = 8
	}
	const capacity = 100
	length := 60 * time.Second
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	signer := transport.NewKeySigner(key)
	r := &streamRun{key: Key{signer.Address(), "live"}, sign: signer.SignText, relays: map[common.Address]bool{},
		killed: map[common.Address]bool{}, cores: map[common.Address]*Core{}, captured: map[uint64]time.Duration{},
		arrivals: map[common.Address]map[uint64]time.Duration{}, parts: max(1, *simParts), verified: &Verified{}}
	r.unit = time.Second / time.Duration(r.parts)
	nodes := 1 + relays + viewers
	sc, err := sim.ParseScenario([]byte(fmt.Sprintf(`
name: stream
seed: 3
nodes: %d
duration: 75s
topology: {generator: transit-stub, segments: %d, transit: 2}
workload:
  - {kind: stream, start: 2s, spread: 20s}
`, nodes, max(4, nodes/100))))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := sim.New(ctx, sc, sim.Options{Services: map[string]*sim.Service{"stream": r.service(relays, viewers, capacity, length)}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	res := r.play()
	pub := r.cores[r.publisher].stats
	copies := float64(pub.SegmentsOut) / float64(max(r.segments, 1))
	maxRelay := 0
	for _, w := range sortedKeys(r.relays) {
		maxRelay = max(maxRelay, r.cores[w].stats.MaxChildren)
		if testing.Verbose() && len(r.relays) <= 8 {
			t.Logf("relay %s: at most %d children, killed %v, stats %+v", w, r.cores[w].stats.MaxChildren, r.killed[w], r.cores[w].stats)
		}
	}
	t.Logf("commands failed: %d (last: %v)", r.cmdErrs, r.lastErr)
	t.Logf("stream: %d viewers (%d played), %d relays (cap %d, most served %d), %d segments; publisher sent %.1f copies a segment (%d children at most)",
		viewers, res.viewers, relays, capacity, maxRelay, r.segments, copies, pub.MaxChildren)
	t.Logf("glass-to-glass p50 %v p95 %v; stalls %d (%.1f per viewer-hour, %v in all, longest %v; longest after the relay failures %v); %d failovers (%d before the failures); %d segments missed",
		pct(res.g2g, 50), pct(res.g2g, 95), res.stalls, float64(res.stalls)/max(res.viewerHours, 1e-9), res.stallTime, res.maxStall, res.failoverMax, r.failovers, r.early, res.missing)
	if res.viewers < viewers*95/100 {
		t.Fatalf("%d of %d viewers played", res.viewers, viewers)
	}
	if maxRelay > capacity {
		t.Fatalf("a relay served %d children, over its capacity %d", maxRelay, capacity)
	}
	if copies > 6 {
		t.Fatalf("the publisher sent %.1f copies of each segment", copies)
	}
	if res.missing > 0 {
		t.Fatalf("%d segments skipped by viewers", res.missing)
	}
	if r.failovers == 0 {
		t.Fatal("the hung relays caused no failover")
	}
	if r.parts > 1 {
		if p95 := pct(res.g2g, 95); p95 > 3*time.Second {
			t.Fatalf("glass-to-glass p95 %v over 3 s", p95)
		}
		if res.failoverMax > 2*time.Second {
			t.Fatalf("a relay failure cost a viewer %v of stall, over 2 s", res.failoverMax)
		}
	}
}
