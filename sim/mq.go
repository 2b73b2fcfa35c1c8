package sim

import (
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/anynet/anynet/apps/mq"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// The "mq" workload runs apps/mq's overlay core (mq.Core) on every host
// through the service driver (service.go, custom.go), each queue host
// with the simulator's engine (mq.MemEngine, which TestEngineConformance
// checks against the embedded nats-server) over the node's store.
// Conversations producer → queue host (one from every host with
// PerNode) carry Messages publishes in all, each producer on a subject
// of its own ("jobs.<producer>"), one at a time (the next after the
// previous one's ack), each with an id; a producer keeps a publish in
// its store and sends it again after a Down, a restart or RetryAfter.
// Each queue host has a stream JOBS with a durable consumer "work"
// (AckWait mqAckWait, MaxDeliver mqMaxDeliver) shared by two consumer
// nodes (a consumer group), which fetch every mqPoll, ack what they
// process (skipping, by id, what they processed before), leave a tenth
// of deliveries unacked (a worker that stalled: redelivered after
// AckWait) and never ack a share Cheat of the messages (poison: dead-
// lettered after MaxDeliver). The owner's policy lets any wallet publish
// to jobs.> and consume JOBS; the first producer also publishes to a
// subject outside it, which must be refused. The workload crashes each
// queue host twice and each consumer once for mqDown at moments drawn
// from the run's seed, on top of the scenario's faults.
//
// Invariants, checked as the run goes and at its end:
//   - no duplicates within the window: a host stores an id once, and
//     every ack of an id names the same sequence;
//   - order per subject: a producer's acks rise in publish order;
//   - redelivery only after AckWait: a host delivers a message again no
//     sooner than AckWait after its previous delivery;
//   - nothing acknowledged lost: at the end every acknowledged publish
//     was processed by a consumer or dead-lettered, every poison one
//     dead-lettered, and no id was processed twice;
//   - the policy holds: the refused publish is refused and never stored.

const (
	mqAckWait    = 2 * time.Second
	mqMaxDeliver = 4
	mqPoll       = 250 * time.Millisecond
	mqDown       = 3 * time.Second
	mqStream     = "JOBS"
	mqConsumer   = "work"
)

type mqProducer struct {
	node, host common.Address
	subject    string
	ids        []string
	next       int    // index of the next id to publish
	lastSeq    uint64 // of its previous ack
}

type mqLoad struct {
	s      *Sim
	prods  []*mqProducer
	byNode map[common.Address][]*mqProducer
	hosts  []common.Address                    // queue hosts, in order
	cons   map[common.Address][]common.Address // host → its consumers
	poison map[string]bool
	// What happened.
	acked     map[string]uint64         // id → seq
	ackHost   map[string]common.Address // id → host
	stored    map[common.Address]map[string]bool
	delivered map[[2]any]time.Duration // (host, seq) → last delivery
	processed map[string]bool
	dead      map[string]string // id → reason
	refused   int
	// forget makes the queue hosts drop their engines' writes of
	// messages (tests: the invariants must catch what a crash loses).
	forget bool
	// counts, for the tests.
	published, redelivered, skipped, deadPoison, deadOther int
	idle
}

var _ task = (*mqLoad)(nil)

func mqMaker(s *Sim, w Workload, rng *rand.Rand) []task {
	l := &mqLoad{s: s, byNode: map[common.Address][]*mqProducer{}, cons: map[common.Address][]common.Address{},
		poison: map[string]bool{}, acked: map[string]uint64{}, ackHost: map[string]common.Address{},
		stored: map[common.Address]map[string]bool{}, delivered: map[[2]any]time.Duration{},
		processed: map[string]bool{}, dead: map[string]string{}}
	pairs := s.conversations(w, rng)
	for i, p := range pairs {
		pr := &mqProducer{node: s.nodes[p[0]].self.Wallet, host: s.nodes[p[1]].self.Wallet, subject: fmt.Sprintf("jobs.%d", i)}
		l.prods = append(l.prods, pr)
		l.byNode[pr.node] = append(l.byNode[pr.node], pr)
		if _, ok := l.cons[pr.host]; !ok {
			l.hosts = append(l.hosts, pr.host)
			l.stored[pr.host] = map[string]bool{}
			var cs []common.Address
			for len(cs) < 2 && len(s.hosts) > 2 {
				c := s.nodes[s.hosts[rng.IntN(len(s.hosts))]].self.Wallet
				if c != pr.host && !slices.Contains(cs, c) {
					cs = append(cs, c)
				}
			}
			l.cons[pr.host] = cs
		}
	}
	for i := range w.Messages {
		pr := l.prods[i%len(l.prods)]
		id := fmt.Sprintf("%s-%d", pr.subject, len(pr.ids))
		pr.ids = append(pr.ids, id)
		if rng.Float64() < w.Cheat {
			l.poison[id] = true
		}
	}
	start := time.Duration(w.Start)
	var planned []Command
	for i, pr := range l.prods {
		if len(pr.ids) == 0 {
			continue
		}
		at := start + time.Duration(w.Spread)*time.Duration(i)/time.Duration(len(l.prods))
		planned = append(planned, l.publish(pr, at))
	}
	if len(l.prods) > 0 { // outside the grant: refused
		pr := l.prods[0]
		planned = append(planned, Command{At: start, Node: pr.node,
			Cmd: mq.CorePublish{Host: pr.host, Msg: mq.Message{Subject: "secret.x", ID: "secret", Data: []byte("no")}}})
	}
	for _, h := range l.hosts {
		for _, c := range l.cons[h] {
			planned = append(planned, l.fetch(c, h, start))
		}
	}
	svc := &Service{
		Port: mq.CorePort,
		Core: func(self common.Address, st service.Store, _ io.Reader) service.Core {
			cfg := mq.CoreConfig{Self: self, Store: st}
			if _, ok := l.cons[self]; ok {
				e, err := mq.NewMemEngine(st)
				if err != nil {
					s.fail("mq: engine of %s: %v", self, err)
				}
				cfg.Engine = e
			}
			if l.forget && cfg.Engine != nil {
				return forgetful{mq.NewCore(cfg)}
			}
			return mq.NewCore(cfg)
		},
		Commands: func(Workload, Layout, *rand.Rand) []Command { return planned },
		Started: func(self common.Address, _ service.Core, first bool) []any {
			if _, ok := l.cons[self]; !ok || !first {
				return nil
			}
			return []any{
				mq.AddStream{Spec: mq.StreamSpec{Name: mqStream, Subjects: []string{"jobs.>"}, Duplicates: time.Hour}},
				mq.AddConsumer{Stream: mqStream, Spec: mq.ConsumerSpec{Name: mqConsumer, AckWait: mqAckWait, MaxDeliver: mqMaxDeliver}},
				mq.SetPolicy{Policy: mq.Policy{Anyone: &mq.Grant{Publish: []string{"jobs.>"}, Consume: []string{mqStream}}}},
			}
		},
		Observe: l.observe,
		Check:   l.check,
	}
	// The workload's own crashes: each queue host twice, each consumer
	// once, while the producers publish.
	window := max(time.Duration(w.Spread), 10*time.Second)
	crash := func(w common.Address, at time.Duration) {
		n := s.byWallet[w]
		s.at(int64(at), kindFault, engineSource, func() {
			if !n.down {
				s.crash(n)
				s.at(int64(at+mqDown), kindFault, engineSource, func() { s.restart(n) })
			}
		})
	}
	for _, h := range l.hosts {
		for range 2 {
			crash(h, start+time.Second+time.Duration(rng.Int64N(int64(window))))
		}
		for _, c := range l.cons[h] {
			crash(c, start+time.Second+time.Duration(rng.Int64N(int64(window))))
		}
	}
	return append(svc.workload(s, w, rng), l)
}

// publish is producer pr's next publish, at at.
func (l *mqLoad) publish(pr *mqProducer, at time.Duration) Command {
	id := pr.ids[pr.next]
	data := "job " + id
	if l.poison[id] {
		data = "poison " + id
	}
	return Command{At: at, Node: pr.node, Cmd: mq.CorePublish{Host: pr.host, Msg: mq.Message{Subject: pr.subject, ID: id, Data: []byte(data)}}}
}

// fetch is consumer c's next fetch from host h, at at.
func (l *mqLoad) fetch(c, h common.Address, at time.Duration) Command {
	return Command{At: at, Node: c, Cmd: mq.CoreFetch{Host: h, Stream: mqStream, Consumer: mqConsumer, N: 32}}
}

// stalls reports whether a consumer leaves this delivery unacked (a
// tenth of deliveries, by a hash: the same in every run).
func stalls(id string, deliveries int) bool {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s/%d", id, deliveries)
	return h.Sum32()%10 == 0
}

func (l *mqLoad) observe(o Observation) error {
	switch e := o.Event.(type) {
	case nil:
		switch c := o.Cmd.(type) {
		case mq.CoreFetch: // the consumer polls on, up or down
			o.Then(l.fetch(o.Node, c.Host, o.At+mqPoll))
		case mq.CorePublish:
			if o.Err != nil && c.Msg.ID != "secret" { // the producer was down: again
				o.Then(Command{At: o.At + time.Second, Node: o.Node, Cmd: c})
			}
		}
	case mq.Published:
		if e.Msg.ID == "secret" {
			if !strings.Contains(e.Err, "refused") {
				return fmt.Errorf("a publish outside the policy was answered %+v", e)
			}
			l.refused++
			return nil
		}
		if e.Err != "" { // the stream is not set up yet: again
			o.Then(Command{At: o.At + time.Second, Node: o.Node, Cmd: mq.CorePublish{Host: e.Host, Msg: e.Msg}})
			return nil
		}
		if seq, ok := l.acked[e.Msg.ID]; ok {
			if seq != e.Ack.Seq {
				return fmt.Errorf("%s acked as #%d and as #%d", e.Msg.ID, seq, e.Ack.Seq)
			}
			return nil
		}
		l.acked[e.Msg.ID], l.ackHost[e.Msg.ID] = e.Ack.Seq, e.Host
		l.published++
		for _, pr := range l.byNode[o.Node] {
			if pr.host != e.Host || pr.next >= len(pr.ids) || pr.ids[pr.next] != e.Msg.ID {
				continue
			}
			if e.Ack.Seq <= pr.lastSeq {
				return fmt.Errorf("%s: %s stored as #%d after #%d", pr.subject, e.Msg.ID, e.Ack.Seq, pr.lastSeq)
			}
			pr.lastSeq = e.Ack.Seq
			if pr.next++; pr.next < len(pr.ids) {
				o.Then(l.publish(pr, o.At))
			}
		}
	case mq.Stored:
		if l.stored[o.Node][e.Msg.ID] {
			return fmt.Errorf("host %s stored %s twice (the second as #%d)", o.Node, e.Msg.ID, e.Ack.Seq)
		}
		if strings.HasPrefix(e.Msg.Subject, "secret") {
			return fmt.Errorf("host %s stored %s outside its policy", o.Node, e.Msg.Subject)
		}
		l.stored[o.Node][e.Msg.ID] = true
	case mq.Delivered:
		k := [2]any{o.Node, e.Seq}
		if prev, ok := l.delivered[k]; ok {
			if e.Deliveries < 2 || o.At-prev < mqAckWait {
				return fmt.Errorf("host %s delivered #%d (%s) again %s after its previous delivery (AckWait %s)", o.Node, e.Seq, e.ID, o.At-prev, mqAckWait)
			}
			l.redelivered++
		}
		l.delivered[k] = o.At
	case mq.Received:
		if l.poison[e.ID] || stalls(e.ID, e.Deliveries) {
			return nil
		}
		if l.processed[e.ID] {
			l.skipped++ // processed before: only acked
		}
		l.processed[e.ID] = true
		o.Then(Command{At: o.At, Node: o.Node, Cmd: mq.CoreSettle{Host: e.Host, Stream: e.Stream, Consumer: e.Consumer, Seq: e.Seq, How: mq.Ack}})
	case mq.DeadLettered:
		if _, ok := l.dead[e.ID]; ok {
			return fmt.Errorf("%s dead-lettered twice", e.ID)
		}
		l.dead[e.ID] = e.Reason
		if l.poison[e.ID] {
			l.deadPoison++
		} else {
			l.deadOther++
		}
	}
	return nil
}

func (l *mqLoad) check() error {
	if l.refused == 0 && len(l.prods) > 0 {
		return fmt.Errorf("the publish outside the policy was never answered")
	}
	total := 0
	for _, pr := range l.prods {
		total += len(pr.ids)
		if pr.next < len(pr.ids) {
			return fmt.Errorf("%s: %d of %d publishes acknowledged", pr.subject, pr.next, len(pr.ids))
		}
	}
	for id := range l.acked {
		if !l.stored[l.ackHost[id]][id] {
			return fmt.Errorf("%s acknowledged, never stored", id)
		}
		_, dead := l.dead[id]
		switch {
		case l.poison[id] && !dead:
			return fmt.Errorf("poison %s never dead-lettered", id)
		case !l.poison[id] && !l.processed[id] && !dead:
			return fmt.Errorf("acknowledged %s lost: never processed nor dead-lettered", id)
		}
	}
	if total > 0 && l.redelivered == 0 {
		return fmt.Errorf("no message was delivered again")
	}
	return nil
}

// forgetful drops a core's writes of stored messages (tests).
type forgetful struct{ service.Core }

func (f forgetful) Handle(now time.Time, in service.Input, out *service.Effects) {
	f.Core.Handle(now, in, out)
	out.Writes = slices.DeleteFunc(out.Writes, func(w service.Write) bool { return strings.HasPrefix(string(w.Key), "mq/e/m/") })
}
