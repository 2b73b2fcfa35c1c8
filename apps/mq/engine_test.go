package mq

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/service"
)

// engineRig runs conformance steps on one Engine.
type engineRig interface {
	engine() Engine
	now() time.Time
	// wait lets d pass (virtual time, or the wall clock).
	wait(d time.Duration)
	// settle makes what the last call wrote durable (MemEngine's writes).
	settle()
	// restart stops the engine and starts it again over its store.
	restart(t *testing.T)
	// eventual: the engine acts in the background (the dead-letter
	// worker), so a step's outcome may come a moment later.
	eventual() bool
}

type memRig struct {
	st  *service.Memory
	e   *MemEngine
	clk time.Time
}

func (r *memRig) engine() Engine       { return r.e }
func (r *memRig) now() time.Time       { return r.clk }
func (r *memRig) wait(d time.Duration) { r.clk = r.clk.Add(d) }
func (r *memRig) eventual() bool       { return false }
func (r *memRig) settle() {
	if err := r.st.Apply(r.e.TakeWrites()); err != nil {
		panic(err)
	}
}
func (r *memRig) restart(t *testing.T) {
	e, err := NewMemEngine(r.st) // writes not taken are lost, as in a crash
	if err != nil {
		t.Fatal(err)
	}
	r.e = e
}

type natsRig struct {
	dir string
	s   *Server
	e   *NATSEngine
}

func (r *natsRig) engine() Engine       { return r.e }
func (r *natsRig) now() time.Time       { return time.Now() }
func (r *natsRig) wait(d time.Duration) { time.Sleep(d) }
func (r *natsRig) settle()              {}
func (r *natsRig) eventual() bool       { return true }
func (r *natsRig) start(t *testing.T) {
	s, err := Start(t.Context(), Config{Host: localHost{addr: common.Address{0xa1}}, Dir: r.dir})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewNATSEngine(s)
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	r.s, r.e = s, e
}
func (r *natsRig) restart(t *testing.T) { r.close(); r.start(t) }
func (r *natsRig) close() {
	if r.s != nil {
		r.e.Close()
		r.s.Close()
		r.s = nil
	}
}

// step is one conformance step: an action and what it must give.
type step struct {
	do   string
	subj string
	id   string
	seq  uint64
	dup  bool
	err  bool
	// fetch: the (seq, deliveries) pairs expected, in order.
	want [][2]int
	how  Settlement
	d    time.Duration
	// dead: the dead letters expected (seq, deliveries, reason).
	dead []DeadLetter
	// cons is the consumer of consumer, fetch and settle ("work" if
	// empty); backoff and start are a new consumer's.
	cons    string
	backoff []time.Duration
	start   uint64
}

// conformance is the table both engines must pass. Times are in
// multiples of the consumer's AckWait (tick), long enough for the real
// engine's timers on a loaded machine: a step that expects nothing
// due comes right after what made it not due, well within a tick.
func conformance(tick time.Duration) []step {
	return []step{
		{do: "stream"}, {do: "consumer"},
		{do: "pub", subj: "jobs.a", id: "a", seq: 1},
		{do: "pub", subj: "jobs.a", id: "a", seq: 1, dup: true}, // within the window
		{do: "pub", subj: "jobs.b", id: "b", seq: 2},
		{do: "pub", subj: "jobs.c", id: "c", seq: 3},
		{do: "pub", subj: "other.x", id: "x", err: true}, // no stream takes it
		{do: "fetch", want: [][2]int{{1, 1}, {2, 1}, {3, 1}}},
		{do: "settle", seq: 1, how: Ack},
		{do: "settle", seq: 2, how: Nak, d: 2 * tick},
		{do: "settle", seq: 3, how: Term},
		{do: "settle", seq: 1, how: Ack, err: true}, // not held any more
		{do: "dead", dead: []DeadLetter{{Consumer: "work", Seq: 3, ID: "c", Deliveries: 1, Reason: "terminated"}}},
		{do: "fetch"}, // 2 is nak'd for 2 ticks
		{do: "wait", d: 3 * tick},
		{do: "fetch", want: [][2]int{{2, 2}}}, // after its nak's delay
		{do: "wait", d: 2 * tick},             // not acked within AckWait
		{do: "fetch"},                         // its second delivery was its last
		{do: "dead", dead: []DeadLetter{
			{Consumer: "work", Seq: 3, ID: "c", Deliveries: 1, Reason: "terminated"},
			{Consumer: "work", Seq: 2, ID: "b", Deliveries: 2, Reason: "max_deliveries"}}},
		{do: "pub", subj: "jobs.d", id: "d", seq: 4},
		{do: "restart"},
		{do: "pub", subj: "jobs.a", id: "a", seq: 1, dup: true}, // the window survives
		{do: "pub", subj: "jobs.d", id: "d", seq: 4, dup: true},
		{do: "fetch", want: [][2]int{{4, 1}}},
		{do: "wait", d: 2 * tick}, // AckWait passes: delivered again
		{do: "fetch", want: [][2]int{{4, 2}}},
		{do: "settle", seq: 4, how: Ack},
		{do: "wait", d: 2 * tick},
		{do: "fetch"}, // acked: never again
		// Replay from a sequence: a consumer that starts at 3.
		{do: "consumer", cons: "replay", start: 3},
		{do: "fetch", cons: "replay", want: [][2]int{{3, 1}, {4, 1}}},
		{do: "settle", cons: "replay", seq: 3, how: Ack},
		{do: "settle", cons: "replay", seq: 4, how: Ack},
		// BackOff: the first delivery waits a tick for its ack, the
		// second four.
		{do: "consumer", cons: "slow", start: 4, backoff: []time.Duration{tick, 4 * tick}},
		{do: "fetch", cons: "slow", want: [][2]int{{4, 1}}},
		{do: "wait", d: 2 * tick},
		{do: "fetch", cons: "slow", want: [][2]int{{4, 2}}},
		{do: "wait", d: 2 * tick},
		{do: "fetch", cons: "slow"}, // 2 of its 4 ticks
		{do: "wait", d: 4 * tick},
		{do: "fetch", cons: "slow", want: [][2]int{{4, 3}}},
		{do: "settle", cons: "slow", seq: 4, how: Ack},
		// A nak without a delay: delivered again at once.
		{do: "pub", subj: "jobs.e", id: "e", seq: 5},
		{do: "fetch", cons: "replay", want: [][2]int{{5, 1}}},
		{do: "settle", cons: "replay", seq: 5, how: Nak},
		{do: "fetch", cons: "replay", want: [][2]int{{5, 2}}},
		{do: "settle", cons: "replay", seq: 5, how: Ack},
	}
}

func runConformance(t *testing.T, r engineRig, tick time.Duration) {
	for i, s := range conformance(tick) {
		where := fmt.Sprintf("step %d (%s %s%s %s)", i, s.do, s.subj, s.id, s.cons)
		e := r.engine()
		cons := s.cons
		if cons == "" {
			cons = "work"
		}
		switch s.do {
		case "stream":
			if err := e.AddStream(r.now(), StreamSpec{Name: "JOBS", Subjects: []string{"jobs.>"}, Duplicates: time.Hour}); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
		case "consumer":
			spec := ConsumerSpec{Name: cons, AckWait: tick, MaxDeliver: 2}
			if cons != "work" {
				spec = ConsumerSpec{Name: cons, AckWait: tick, BackOff: s.backoff, StartSeq: s.start}
				if len(s.backoff) > 0 {
					spec.MaxDeliver = len(s.backoff) + 1
				}
			}
			if err := e.AddConsumer(r.now(), "JOBS", spec); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
		case "pub":
			a, err := e.Publish(r.now(), Message{Subject: s.subj, ID: s.id, Data: []byte("data " + s.id)})
			if s.err {
				if err == nil {
					t.Fatalf("%s: published: %+v", where, a)
				}
				if !errors.Is(err, ErrNoStream) {
					t.Fatalf("%s: %v, want ErrNoStream", where, err)
				}
				break
			}
			if err != nil || a.Seq != s.seq || a.Duplicate != s.dup || a.Stream != "JOBS" {
				t.Fatalf("%s: %+v %v, want seq %d dup %v", where, a, err, s.seq, s.dup)
			}
		case "fetch":
			ds, err := e.Fetch(r.now(), "JOBS", cons, 10)
			var got [][2]int
			for _, d := range ds {
				got = append(got, [2]int{int(d.Seq), d.Deliveries})
				if want := "data " + d.ID; string(d.Data) != want {
					t.Fatalf("%s: seq %d carries %q, want %q", where, d.Seq, d.Data, want)
				}
			}
			if err != nil || !slices.Equal(got, s.want) {
				t.Fatalf("%s: got %v %v, want %v", where, got, err, s.want)
			}
		case "settle":
			err := e.Settle(r.now(), "JOBS", cons, s.seq, s.how, s.d)
			if (err != nil) != s.err {
				t.Fatalf("%s: %v", where, err)
			}
		case "dead":
			deadline := time.Now().Add(30 * time.Second)
			for {
				got, err := e.DeadLetters(r.now(), "JOBS")
				if err == nil && slices.Equal(got, s.dead) {
					break
				}
				if !r.eventual() || time.Now().After(deadline) {
					t.Fatalf("%s: got %+v %v, want %+v", where, got, err, s.dead)
				}
				time.Sleep(100 * time.Millisecond)
			}
		case "wait":
			r.wait(s.d)
		case "restart":
			r.restart(t)
		}
		r.settle()
	}
}

// TestEngineConformance runs one table against the simulator's
// MemEngine and the node's NATSEngine (the embedded nats-server with
// this package's dead-letter stream): publish with ids and the
// de-duplication window (also across a restart), ack, nak with a delay
// and without, term and max-deliver into the dead letters, redelivery
// after AckWait and after each step of a BackOff, replay from a
// sequence.
func TestEngineConformance(t *testing.T) {
	t.Parallel()
	t.Run("mem", func(t *testing.T) {
		st := &service.Memory{}
		e, err := NewMemEngine(st)
		if err != nil {
			t.Fatal(err)
		}
		runConformance(t, &memRig{st: st, e: e, clk: time.Unix(1e9, 0)}, time.Second)
	})
	t.Run("nats", func(t *testing.T) {
		if testing.Short() {
			t.Skip("waits on the wall clock")
		}
		r := &natsRig{dir: t.TempDir()}
		r.start(t)
		defer r.close()
		runConformance(t, r, 2*time.Second)
	})
}
