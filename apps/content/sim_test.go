package content

import (
	"bytes"
	"context"
	"errors"
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
	"github.com/ethereum/go-ethereum/common"
)

var (
	cdnNodes   = flag.Int("cdn.nodes", 0, "hosts of TestSimCDN (0: 150, 50 with -short)")
	cdnProfile = flag.String("cdn.profile", "", "TestSimCDN and TestSimCDNRouted log their progress and writes heap profiles into this directory every 5 s of virtual time")
)

// cdnRun is the state of one CDN run, shared by the cores' factory and
// the service's workload, observer and checks.
type cdnRun struct {
	mu        sync.Mutex // guards everything below
	blobs     map[common.Address]*MemBlobs
	pool      BlobPool                 // the blob's bytes, shared by the MemBlobs that hold it complete
	cores     map[common.Address]*Core // the newest incarnation's
	publisher common.Address
	data      []byte
	id        ID
	started   map[common.Address]time.Duration
	fetchers  []common.Address // caches and users given the fetch
	ttfb      []time.Duration
	done      map[common.Address]bool
	caught    int
	timeouts  int // providers dropped for late answers
	cmdErrs   int
	lastErr   error
}

// cache: about one host in 15 is a cache (Serve), chosen by wallet.
func isCache(w common.Address) bool { return w[0]%15 == 0 }

// liar: one cache in four serves corrupted bytes.
func isLiar(w common.Address) bool { return isCache(w) && w[1]%4 == 0 }

func (r *cdnRun) service() *sim.Service {
	return &sim.Service{
		Port: Port,
		Core: func(self common.Address, st service.Store, rnd io.Reader) service.Core {
			r.mu.Lock()
			defer r.mu.Unlock()
			b := r.blobs[self]
			if b == nil {
				b = &MemBlobs{Pool: &r.pool} // one copy of the blob for all who hold it
				r.blobs[self] = b
			}
			var bl Blobs = b
			if isLiar(self) {
				bl = corruptBlobs{b}
			}
			c, err := NewCore(CoreConfig{Self: self, Store: st, Blobs: bl, Rand: rnd, RangeSize: 64 << 10, Window: 4,
				RequestTimeout: 5 * time.Second, Serve: isCache(self)})
			if err != nil {
				panic(err)
			}
			r.cores[self] = c
			return c
		},
		Commands: func(w sim.Workload, lay sim.Layout, rng *mrand.Rand) []sim.Command {
			hosts := lay.Hosts
			r.mu.Lock()
			defer r.mu.Unlock()
			r.publisher = hosts[0]
			b := &MemBlobs{Pool: &r.pool}
			r.blobs[r.publisher] = b
			r.id, _ = b.Put(bytes.NewReader(r.data), int64(len(r.data)))
			cmds := []sim.Command{{At: 500 * time.Millisecond, Node: r.publisher, Cmd: ShareCmd{Name: "popular", ID: r.id, Size: int64(len(r.data)), Public: true}}}
			var caches, users []common.Address
			for _, h := range hosts[1:] {
				if isCache(h) {
					caches = append(caches, h)
				} else {
					users = append(users, h)
				}
			}
			fetch := FetchCmd{ID: r.id, Size: -1, Providers: []common.Address{r.publisher}, AskHolders: true, Public: true}
			// Caches fetch first (active caching), then the users.
			for i, h := range caches {
				cmds = append(cmds, sim.Command{At: time.Duration(w.Start) + time.Duration(i)*10*time.Millisecond, Node: h, Cmd: fetch})
			}
			n := min(w.Messages, len(users))
			r.fetchers = append(slices.Clone(caches), users[:n]...)
			for i, h := range users[:n] {
				at := time.Duration(w.Start) + 2*time.Second + time.Duration(w.Spread)*time.Duration(i)/time.Duration(max(n, 1))
				cmds = append(cmds, sim.Command{At: at, Node: h, Cmd: fetch})
			}
			return cmds
		},
		Observe: func(o sim.Observation) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			if o.Cmd != nil && o.Err != nil {
				r.cmdErrs++
				r.lastErr = o.Err
			}
			if _, ok := o.Cmd.(FetchCmd); ok && o.Err == nil {
				r.started[o.Node] = o.At
			}
			e, ok := o.Event.(Event)
			if !ok || e.ID != r.id {
				return nil
			}
			switch e.Kind {
			case EventProgress:
				if t, ok := r.started[o.Node]; ok {
					r.ttfb = append(r.ttfb, o.At-t)
					delete(r.started, o.Node)
				}
			case EventDropped:
				if errors.Is(e.Err, ErrTimeout) {
					r.timeouts++
				}
				if errors.Is(e.Err, ErrCorrupt) {
					if !isLiar(e.Peer) {
						return fmt.Errorf("%s blamed honest %s: %v", o.Node, e.Peer, e.Err)
					}
					r.caught++
				}
			case EventDone:
				// Every byte verified: what the node holds is the blob.
				got := make([]byte, len(r.data))
				if _, err := r.blobs[o.Node].ReadAt(r.id, got, 0); err != nil || !bytes.Equal(got, r.data) {
					return fmt.Errorf("%s completed with bytes that are not the blob (%v)", o.Node, err)
				}
				if r.done[o.Node] {
					return fmt.Errorf("%s completed twice", o.Node)
				}
				r.done[o.Node] = true
			}
			return nil
		},
	}
}

// TestSimCDN runs the real core in the simulator: a publisher, caches
// that fetch a popular blob first and serve it (one in four lies),
// and many users who download it from the publisher and the caches it
// names. Invariants: every completed download holds exactly the blob,
// no honest provider is blamed, liars are caught. It reports the share
// of bytes the caches served and the p95 time to first byte.
func TestSimCDN(t *testing.T) {
	nodes := *cdnNodes
	if nodes == 0 {
		nodes = 150
		if testing.Short() {
			nodes = 50
		}
	}
	users := nodes / 2
	r := &cdnRun{blobs: map[common.Address]*MemBlobs{}, cores: map[common.Address]*Core{},
		started: map[common.Address]time.Duration{}, done: map[common.Address]bool{},
		data: randomBytes(mrand.New(mrand.NewPCG(5, 5)), 1<<20+777)}
	sc, err := sim.ParseScenario([]byte(fmt.Sprintf(`
name: cdn
seed: 11
nodes: %d
duration: 60s
topology: {generator: transit-stub, segments: %d, transit: 2}
workload:
  - {kind: cdn, messages: %d, start: 1s, spread: 20s}
`, nodes, max(4, nodes/100), users)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := sim.New(ctx, sc, sim.Options{Services: map[string]*sim.Service{"cdn": r.service()}, Progress: cdnProgress(t, *cdnProfile)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := s.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d events, trace hash %s", res.Events, res.TraceHash)
	r.mu.Lock()
	defer r.mu.Unlock()
	var fromCaches, total, wasted, fetched, late int64
	var dropped, readmitted int
	for w, c := range r.cores {
		readmitted += int(c.stats.Readmitted)
		total += c.stats.Served
		if w != r.publisher {
			fromCaches += c.stats.Served
		}
		wasted += c.stats.Wasted
		late += c.stats.Late
		fetched += c.stats.Fetched
		dropped += int(c.stats.Dropped)
	}
	t.Logf("frames sent %d, delivered %d (%d MB), drops %v; cores fetched %d MB, wasted %d MB (endgame copies), late %d MB, providers dropped %d (%d late), readmitted %d",
		res.Stats.FramesSent, res.Stats.FramesDelivered, res.Stats.BytesDelivered>>20, res.Stats.Drops, fetched>>20, wasted>>20, late>>20, dropped, r.timeouts, readmitted)
	slices.Sort(r.ttfb)
	p50, p95 := time.Duration(0), time.Duration(0)
	if len(r.ttfb) > 0 {
		p50, p95 = r.ttfb[len(r.ttfb)/2], r.ttfb[len(r.ttfb)*95/100]
	}
	t.Logf("commands failed: %d (last: %v)", r.cmdErrs, r.lastErr)
	t.Logf("cdn: %d nodes, %d of %d downloads completed, %d liar drops, bytes served %d (%.0f%% by caches), time to first byte p50 %v p95 %v",
		nodes, len(r.done), len(r.fetchers), r.caught, total, 100*float64(fromCaches)/float64(max(total, 1)), p50, p95)
	// The bar: every download completes (caches' and users').
	if n := cdnUnfinished(t, r.id, r.fetchers, r.cores, r.done); n > 0 {
		t.Fatalf("%d of %d downloads (caches' and users') did not complete", n, len(r.fetchers))
	}
	if fromCaches == 0 {
		t.Fatal("caches served nothing")
	}
}
