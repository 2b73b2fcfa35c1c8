package sim

import (
	"container/heap"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"gvisor.dev/gvisor/pkg/tcpip"
)

// Options override what a scenario says, for one run.
type Options struct {
	// Seed replaces the scenario's seed when non-zero.
	Seed uint64
	// Nodes replaces the scenario's node count when non-zero.
	Nodes int
	// Progress, if set, is called from the run's goroutine about every
	// 100 ms of virtual time with how far the run got.
	Progress func(Progress)
	// Logger receives the simulator's logs; nil discards. Nodes log
	// nothing.
	Logger *slog.Logger
	// Services are protocols registered from Go (custom.go): a workload
	// entry whose kind is a key here runs that service.
	Services map[string]*Service
}

// Progress is a snapshot for a progress bar.
type Progress struct {
	Virtual  time.Duration // virtual time reached
	Duration time.Duration // virtual time the run lasts
	Events   uint64        // events processed
}

// Sim is one run of a scenario. Build it with New, run it once with Run.
type Sim struct {
	sc   *Scenario
	seed uint64
	opt  Options
	log  *slog.Logger
	end  int64
	now  atomic.Int64 // virtual ns; written only by the run's goroutine

	nodes []*node
	tasks []task
	heal  *healWatch // the flows in flight at the last heal (heal.go)
	names *names     // nil unless the scenario has naming (names.go)
	rt    *overlay   // nil unless the scenario has overlay routing (routing.go)
	hosts []int32    // the nodes workloads run between: all, or the routed hosts
	// byWallet and byIdentity index the nodes.
	byWallet   map[common.Address]*node
	byIdentity map[tcpip.Address]*node
	rng        *rand.Rand // the engine's own draws (faults), run goroutine only

	mu     sync.Mutex // guards the fields below; never held across a call into a node
	events eventHeap
	seqs   []uint64 // per source, index src+1
	net    *network
	nrng   []*rand.Rand // per-node draws for the network
	trace  hash.Hash
	stats  Stats

	processed uint64
	violation error
	scratch   []byte // tasks' write buffer, run goroutine only
	// tap, if set, sees every frame a node sends and every frame the
	// network drops (relaylink.go); set before the run starts.
	tap frameTap
}

// frameTap watches frames for a workload, with Sim.mu held: sent sees a
// frame before the network does and may drop it (reason dropCheat: the
// sender cheats); dropped sees every frame dropped, for any reason.
type frameTap interface {
	sent(s *Sim, src, dst int32, frame []byte) (drop bool)
	dropped(s *Sim, src, dst int32, frame []byte, reason string)
}

// dropCheat is the drop reason of a frame a cheating node did not send.
const dropCheat = "cheat"

// New builds the nodes of sc (each a full stack.Node, up) on a simulated
// network. Close releases them.
func New(ctx context.Context, sc *Scenario, opt Options) (_ *Sim, err error) {
	if opt.Seed != 0 {
		sc.Seed = opt.Seed
	}
	if opt.Nodes != 0 {
		sc.Nodes = opt.Nodes
	}
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	s := &Sim{
		sc:      sc,
		seed:    sc.Seed,
		opt:     opt,
		log:     opt.Logger,
		end:     int64(sc.Duration),
		rng:     newRand(sc.Seed, "engine", engineSource),
		seqs:    make([]uint64, sc.Nodes+1),
		trace:   sha256.New(),
		scratch: make([]byte, 0, 32<<10),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.stats.init(sc)
	if s.net, err = newNetwork(&sc.Topology, sc.Nodes, newRand(sc.Seed, "topology", engineSource)); err != nil {
		return nil, err
	}
	s.nrng = make([]*rand.Rand, sc.Nodes)
	s.nodes = make([]*node, sc.Nodes)
	s.byWallet, s.byIdentity = make(map[common.Address]*node, sc.Nodes), make(map[tcpip.Address]*node, sc.Nodes)
	for i := range s.nodes {
		s.nrng[i] = newRand(sc.Seed, "network", int32(i))
		n := newNode(s, int32(i))
		s.nodes[i], s.byWallet[n.self.Wallet], s.byIdentity[n.identity()] = n, n, n
	}
	if sc.Routing.Enabled {
		if s.rt, err = newOverlay(s, s.net.hostSegs); err != nil {
			return nil, err
		}
	}
	for i := range s.nodes {
		if !s.rt.isRouter(int32(i)) {
			s.hosts = append(s.hosts, int32(i))
		}
	}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	for _, w := range sc.Workload {
		mk, ok := workloadKinds[w.Kind]
		if svc := opt.Services[w.Kind]; svc != nil && !ok {
			mk, ok = svc.workload, true
		}
		if !ok {
			return nil, fmt.Errorf("%w: unknown workload kind %q (neither built in nor in Options.Services)", ErrScenario, w.Kind)
		}
		s.tasks = append(s.tasks, mk(s, w, newRand(sc.Seed, "workload-"+w.Kind, engineSource))...)
	}
	s.pickChurn() // joiners and leavers (churn.go)
	if sc.Naming.Enabled {
		if s.names, err = newNames(ctx, s); err != nil {
			return nil, err
		}
	}
	for _, n := range s.nodes {
		if err := n.start(ctx); err != nil {
			return nil, err
		}
	}
	if s.names != nil {
		if err := s.names.register(ctx, s); err != nil {
			return nil, err
		}
		s.names.scheduleBlocks(s)
	}
	for _, n := range s.nodes {
		if n.late { // a joiner: built (and named) like every node, down until its time
			n.stop()
		}
	}
	for _, t := range s.tasks {
		t.schedule(s)
	}
	s.scheduleFaults()
	return s, nil
}

// Close stops every node still up, and the chain.
func (s *Sim) Close() {
	for _, n := range s.nodes {
		if n != nil {
			n.stop()
		}
	}
	s.names.close()
}

// Result is what a run produced.
type Result struct {
	Scenario  string
	Seed      uint64
	Nodes     int
	Virtual   time.Duration
	Events    uint64
	TraceHash string
	Stats     *Stats
	// NamingSetup is the wall time deployment and registration took
	// (zero without naming); not part of the run's deterministic output.
	NamingSetup time.Duration
}

// Run runs the scenario to its end. A violated invariant ends the run
// with an *InvariantError naming the seed; the Result is still returned.
func (s *Sim) Run(ctx context.Context) (*Result, error) {
	nextProgress := int64(0)
	for {
		if s.processed&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return s.result(), err
			}
		}
		s.mu.Lock()
		if len(s.events) == 0 || s.events[0].at > s.end {
			s.mu.Unlock()
			break
		}
		ev := heap.Pop(&s.events).(*event)
		if ev.at < s.now.Load() {
			s.mu.Unlock()
			return s.result(), s.fail("event at %d before now %d", ev.at, s.now.Load())
		}
		s.now.Store(ev.at)
		if ev.timer != nil {
			ev.timer.ev = nil
		}
		s.mu.Unlock()
		s.processed++
		s.dispatch(ev)
		if s.violation != nil {
			return s.result(), s.violation
		}
		if s.opt.Progress != nil && ev.at >= nextProgress {
			nextProgress = ev.at + int64(100*time.Millisecond)
			s.opt.Progress(Progress{Virtual: time.Duration(ev.at), Duration: time.Duration(s.end), Events: s.processed})
		}
	}
	s.now.Store(s.end)
	s.checkEnd()
	if s.opt.Progress != nil {
		s.opt.Progress(Progress{Virtual: time.Duration(s.end), Duration: time.Duration(s.end), Events: s.processed})
	}
	return s.result(), s.violation
}

func (s *Sim) dispatch(ev *event) {
	switch ev.kind {
	case kindDeliver:
		n := s.nodes[ev.dst]
		if n.down {
			s.mu.Lock()
			s.dropLocked(ev.src, ev.dst, ev.frame, "node-down")
			s.mu.Unlock()
			return
		}
		s.mu.Lock()
		s.recordLocked('D', ev.src, ev.dst, ev.frame, "")
		s.stats.delivered(ev.at, ev.at-ev.sent, len(ev.frame))
		s.mu.Unlock()
		n.ul.recv(ev.frame, addrOf(ev.src))
		s.settle(n)
	case kindHop:
		s.mu.Lock()
		s.hopLocked(ev, ev.at)
		s.mu.Unlock()
	case kindTimer:
		t := ev.timer
		if t.c.dead.Load() {
			return
		}
		t.fn()
		s.settle(s.nodes[t.c.node])
	default:
		ev.fn()
	}
}

// settle is the barrier after an event on n: it drains n's netstack
// (Pause returns once every processor goroutine has emptied its queue),
// lets n's tasks act on what changed, drains again after they did, and
// schedules n's next transport tick.
func (s *Sim) settle(n *node) {
	if n.down {
		return
	}
	n.drain()
	for range 16 {
		if !n.poll(s) {
			break
		}
		n.drain()
	}
	s.scheduleTick(n)
}

// scheduleTick queues n's transport tick at the link's next deadline
// (the sessions' timers and the link's early SYN retransmissions).
func (s *Sim) scheduleTick(n *node) {
	d := n.in.Link.NextDeadline()
	if d.IsZero() {
		return
	}
	now := s.now.Load()
	at := max(int64(d.Sub(epoch)), now)
	if at == now && n.lastTick == now {
		at = now + int64(time.Millisecond)
	}
	if n.tickEv != nil && n.tickEv.at <= at {
		return
	}
	ev := &event{at: at, kind: kindTick, src: n.id}
	ev.fn = func() {
		if n.down || n.tickEv != ev {
			return
		}
		n.tickEv = nil
		n.lastTick = s.now.Load()
		n.in.Link.Tick()
		s.settle(n)
	}
	n.tickEv = ev
	s.push(ev)
}

// at schedules fn at virtual time t as an event of kind k from src.
func (s *Sim) at(t int64, k kind, src int32, fn func()) {
	s.push(&event{at: t, kind: k, src: src, fn: fn})
}

func (s *Sim) push(ev *event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pushLocked(ev)
}

func (s *Sim) pushLocked(ev *event) {
	ev.seq = s.seqs[ev.src+1]
	s.seqs[ev.src+1]++
	heap.Push(&s.events, ev)
}

// sendLocked books one frame from node src to dst on the network.
func (s *Sim) sendLocked(src int32, dst netip.AddrPort, frame []byte) {
	now := s.now.Load()
	s.stats.FramesSent++
	d, ok := s.nodeOf(dst)
	if !ok {
		s.dropLocked(src, -1, frame, "no-route")
		return
	}
	if s.rt != nil {
		s.rt.sent(s, src, d)
	}
	if s.tap != nil && s.tap.sent(s, src, d, frame) {
		s.dropLocked(src, d, frame, dropCheat)
		return
	}
	if s.net.loss > 0 && s.nrng[src].Float64() < s.net.loss {
		s.dropLocked(src, d, frame, "loss")
		return
	}
	hops, reason := s.net.pathFor(src, d)
	if reason != "" {
		s.dropLocked(src, d, frame, reason)
		return
	}
	ev := &event{kind: kindDeliver, src: src, dst: d, frame: append([]byte(nil), frame...), sent: now, hops: hops}
	s.hopLocked(ev, now)
}

// hopLocked moves ev's frame across its next hop at time now and queues
// the next step: the following hop, or the delivery.
func (s *Sim) hopLocked(ev *event, now int64) {
	at, reason := s.net.cross(ev.hops[0], len(ev.frame), now, s.nrng[ev.src])
	if reason != "" {
		s.dropLocked(ev.src, ev.dst, ev.frame, reason)
		return
	}
	ev.hops = ev.hops[1:]
	ev.at = at
	ev.kind = kindDeliver
	if len(ev.hops) > 0 {
		ev.kind = kindHop
	}
	s.pushLocked(ev)
}

func (s *Sim) dropLocked(src, dst int32, frame []byte, reason string) {
	s.stats.Drops[reason]++
	if s.tap != nil {
		s.tap.dropped(s, src, dst, frame, reason)
	}
	s.recordLocked('X', src, dst, frame, reason)
}

// recordLocked adds one frame to the trace hash: what happened, when,
// between whom, and every byte of it.
func (s *Sim) recordLocked(what byte, src, dst int32, frame []byte, reason string) {
	var b [21]byte
	b[0] = what
	binary.BigEndian.PutUint64(b[1:], uint64(s.now.Load()))
	binary.BigEndian.PutUint32(b[9:], uint32(src))
	binary.BigEndian.PutUint32(b[13:], uint32(dst))
	binary.BigEndian.PutUint32(b[17:], uint32(len(frame)))
	s.trace.Write(b[:])
	s.trace.Write([]byte(reason))
	s.trace.Write(frame)
}

// fail records an invariant violation; the run stops after the event.
func (s *Sim) fail(format string, args ...any) error {
	if s.violation == nil {
		s.violation = &InvariantError{Seed: s.seed, At: Duration(s.now.Load()), What: fmt.Sprintf(format, args...)}
	}
	return s.violation
}

func (s *Sim) result() *Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.finish(s)
	var setup time.Duration
	if s.names != nil {
		setup = s.names.Setup
	}
	return &Result{
		NamingSetup: setup,
		Scenario:    s.sc.Name,
		Seed:        s.seed,
		Nodes:       len(s.nodes),
		Virtual:     time.Duration(s.now.Load()),
		Events:      s.processed,
		TraceHash:   hex.EncodeToString(s.trace.Sum(nil)),
		Stats:       &s.stats,
	}
}
