package mail_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/mail"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/sim"
	"github.com/ethereum/go-ethereum/common"
)

var (
	simNodes = flag.Int("mail.nodes", 0, "hosts of TestSimMail: 0 runs the 100-node cut of testdata/mail-1000.yaml, 1000 the scenario as written")
	simSeeds = flag.String("mail.seeds", "11,12", "seeds of TestSimMail, comma-separated (one run each)")
	simLarge = flag.Int("mail.large-every", 40, "one message in this many of TestSimMail is large (300 KiB more: in parts); 0: none")
)

// mailWorkload is mail in the simulator: every host runs the real core
// (sim drives it through its own endpoints in virtual time); one host in
// ten is a mailbox node that the others name as mail-at; random hosts
// submit to random hosts, one message in largeEvery a large one. Its
// invariants: every accepted message is delivered exactly once or
// bounced, never both; a Delivered status only follows the recipient
// storing it; nothing accepted is lost; by the end every accepted
// message is Delivered, Held or Failed at its sender (none still
// Queued).
type mailWorkload struct {
	boxes      []common.Address
	largeEvery int

	sent      map[key]common.Address // accepted: sender's message → recipient
	size      map[key]int            // its size
	received  map[key]int            // stored by the recipient
	delivered map[key]bool           // the sender saw Delivered
	failed    map[key]bool
	held      int // messages a mailbox took into custody
	heldBy    map[key]bool
	status    map[key]mail.Status // the sender's latest
	trace     *tracer
}

type key struct {
	from common.Address
	id   mail.MessageID
}

func newMailWorkload(largeEvery int) *mailWorkload {
	return &mailWorkload{largeEvery: largeEvery, sent: map[key]common.Address{}, size: map[key]int{}, received: map[key]int{},
		delivered: map[key]bool{}, failed: map[key]bool{}, heldBy: map[key]bool{}, status: map[key]mail.Status{}}
}

func (l *mailWorkload) service() *sim.Service {
	return &sim.Service{
		Port: mail.Port,
		Core: func(self common.Address, st service.Store, rnd io.Reader) service.Core {
			box := false
			for _, b := range l.boxes {
				box = box || b == self
			}
			c, err := mail.NewCore(mail.CoreConfig{Self: self, Rand: rnd, Store: st, Mailbox: box,
				AckTimeout: 3 * time.Second, RetryBase: time.Second, RetryMax: 4 * time.Second,
				FetchInterval: 5 * time.Second, RateLimit: -1})
			if err != nil {
				panic(err)
			}
			if l.trace != nil {
				l.trace.cores[self] = c
			}
			return &keyed{Core: c, l: l, self: self}
		},
		Commands: func(w sim.Workload, lay sim.Layout, rng *rand.Rand) []sim.Command {
			hosts := lay.Hosts
			for i, h := range hosts {
				if i%10 == 0 {
					l.boxes = append(l.boxes, h)
				}
			}
			var cmds []sim.Command
			for i := range w.Messages {
				from, to := hosts[rng.IntN(len(hosts))], hosts[rng.IntN(len(hosts))]
				if from == to {
					continue
				}
				at := time.Duration(w.Start) + time.Duration(w.Spread)*time.Duration(i)/time.Duration(w.Messages)
				data := fmt.Appendf(nil, "Subject: m%d\r\n\r\nbody %d\r\n", i, i)
				if l.largeEvery > 0 && i%l.largeEvery == l.largeEvery-1 {
					data = append(data, bytes.Repeat([]byte{byte(i)}, largeSize)...)
				}
				cmds = append(cmds, sim.Command{At: at, Node: from, Cmd: mail.SubmitCmd{To: to, Data: data}})
			}
			return cmds
		},
		Document: func(d *naming.Document) {
			if len(l.boxes) > 0 {
				if b := l.boxes[int(d.Identity[19])%len(l.boxes)]; b != d.Identity {
					d.Mailbox = b.Hex()
				}
			}
		},
		Observe: l.observe,
		Check:   l.check,
	}
}

// keyed publishes a core's seal key once it started, as a node's
// Publish would, and shows the tracer what the core does.
type keyed struct {
	*mail.Core
	l    *mailWorkload
	self common.Address
}

func (k *keyed) Handle(now time.Time, in service.Input, out *service.Effects) {
	k.Core.Handle(now, in, out)
	if k.l.trace != nil {
		k.l.trace.record(now, k.self, in, out)
	}
}

// Entries publishes the seal key (service.Publisher).
func (k *keyed) Entries() []naming.Service {
	return []naming.Service{{Type: mail.DocumentEntryType, Endpoint: mail.DocumentEntry(k.Core.SealKey())}}
}

func (l *mailWorkload) observe(o sim.Observation) error {
	switch {
	case o.Cmd != nil && o.Err == nil:
		out := o.Result.(mail.Outgoing)
		l.sent[key{o.Node, out.ID}] = out.To
		l.size[key{o.Node, out.ID}] = out.Size
		l.status[key{o.Node, out.ID}] = out.Status
	case o.Event != nil:
		e := o.Event.(mail.Event)
		if e.Kind == mail.EventStatus {
			l.status[key{o.Node, e.Out.ID}] = e.Out.Status
		}
		switch {
		case e.Kind == mail.EventNew && e.Msg.From != (common.Address{}):
			k := key{e.Msg.From, e.Msg.ID}
			l.received[k]++
			if l.received[k] > 1 {
				return fmt.Errorf("message %s of %s stored twice by %s", k.id, k.from, o.Node)
			}
			if l.failed[k] {
				return fmt.Errorf("message %s of %s bounced and delivered", k.id, k.from)
			}
			if want := l.size[k] + len(receivedHead(k.from)); e.Msg.Size != want {
				return fmt.Errorf("message %s of %s stored with %d bytes, want %d", k.id, k.from, e.Msg.Size, want)
			}
		case e.Kind == mail.EventStatus && e.Out.Status == mail.Held:
			l.held++
			l.heldBy[key{o.Node, e.Out.ID}] = true
		case e.Kind == mail.EventStatus && e.Out.Status == mail.Delivered:
			k := key{o.Node, e.Out.ID}
			if l.received[k] == 0 {
				return fmt.Errorf("message %s of %s Delivered before its recipient stored it", k.id, k.from)
			}
			l.delivered[k] = true
		case e.Kind == mail.EventStatus && e.Out.Status == mail.Failed:
			k := key{o.Node, e.Out.ID}
			if l.received[k] > 0 {
				return fmt.Errorf("message %s of %s delivered and bounced (%s)", k.id, k.from, e.Out.Reason)
			}
			l.failed[k] = true
		}
	}
	return nil
}

// largeSize is what a large message adds: over mail.ChunkSize, it
// travels in parts (MAILX/PART, DEPOSITX/DPART, ITEMX/PULL/IPART). On
// this scenario's paths (10 % loss) a part takes longer than the
// workload's AckTimeout: large messages ended neither delivered, held
// nor bounced until each path's wait grew with its timeouts
// (core_patience.go).
const largeSize = 300 << 10

// receivedHead is the header a recipient puts before a message from w
// (core_recv.go's).
func receivedHead(w common.Address) string {
	return fmt.Sprintf("Return-Path: <%s>\r\nX-Anynet-Sender: %s\r\n", mail.WalletAddress(w), w.Hex())
}

func (l *mailWorkload) check() error {
	lost, lostLarge, queued := 0, 0, 0
	for k := range l.sent {
		if l.received[k] == 0 && !l.failed[k] {
			lost++
			if l.size[k] > mail.ChunkSize {
				lostLarge++
			}
		}
		if st := l.status[k]; st != mail.Delivered && st != mail.Held && st != mail.Failed {
			queued++
		}
	}
	if (lost > 0 || queued > 0) && l.trace != nil {
		l.trace.dump(l)
	}
	switch {
	case lost > 0:
		return fmt.Errorf("%d of %d accepted messages (%d of them large) neither delivered nor bounced", lost, len(l.sent), lostLarge)
	case queued > 0:
		return fmt.Errorf("%d of %d accepted messages end neither Delivered, Held nor Failed at their sender", queued, len(l.sent))
	}
	return nil
}

// TestSimMail runs the workload in the simulator, once per seed of
// -mail.seeds: the 100-node cut of testdata/mail-1000.yaml (100 hosts,
// 300 messages, crash waves of 6), or with -mail.nodes 1000 the
// scenario as written (1,000 nodes through 10 % loss, three crash waves
// of 60 and a partition; the run). One message in 40 is large
// (-mail.large-every): it travels in parts, directly or through a
// mailbox. Every stored message has the size sent.
func TestSimMail(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("a simulator run")
	}
	b, err := os.ReadFile("testdata/mail-1000.yaml")
	if err != nil {
		t.Fatal(err)
	}
	msgs := 3000
	switch *simNodes {
	case 1000:
	case 0, 100:
		b = bytes.Replace(b, []byte("nodes: 1000"), []byte("nodes: 100"), 1)
		b = bytes.Replace(b, []byte("messages: 3000"), []byte("messages: 300"), 1)
		b = bytes.ReplaceAll(b, []byte("count: 60"), []byte("count: 6"))
		msgs = 300
	default:
		t.Fatalf("-mail.nodes %d: 100 or 1000", *simNodes)
	}
	if raceDetector && *simNodes == 1000 {
		t.Skip("the 1,000-node run under the race detector")
	}
	for _, f := range strings.Split(*simSeeds, ",") {
		seed, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
		if err != nil {
			t.Fatalf("-mail.seeds: %v", err)
		}
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { simMail(t, b, seed, msgs) })
	}
}

func simMail(t *testing.T, scenario []byte, seed uint64, msgs int) {
	l := newMailWorkload(*simLarge)
	if *simTrace {
		l.trace = newTracer()
	}
	sc, err := sim.ParseScenario(scenario)
	if err != nil {
		t.Fatal(err)
	}
	sc.Seed = seed
	ctx := context.Background()
	start := time.Now()
	s, err := sim.New(ctx, sc, sim.Options{Services: map[string]*sim.Service{"mail": l.service()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	d := 0
	for k := range l.sent {
		if l.received[k] > 0 {
			d++
		}
	}
	large, largeIn, heldEnd := 0, 0, 0
	for k, n := range l.size {
		if n > mail.ChunkSize {
			large++
			if l.received[k] > 0 {
				largeIn++
			}
		}
		if l.status[k] == mail.Held {
			heldEnd++
		}
	}
	t.Logf("seed %d: %d accepted, %d delivered once, %d bounced, %d sender-confirmed, %d held by mailboxes on the way, %d still held at the end; %d large (%d KiB more), %d of them delivered; %.1f s wall",
		seed, len(l.sent), d, len(l.failed), len(l.delivered), l.held, heldEnd, large, largeSize>>10, largeIn, time.Since(start).Seconds())
	if l.largeEvery > 0 && largeIn == 0 {
		t.Errorf("no large message arrived: the run shows nothing of messages in parts")
	}
	if l.held == 0 {
		t.Errorf("no message went through a mailbox: the run shows nothing of custody")
	}
	if len(l.sent) < msgs*8/10 {
		t.Fatalf("only %d of %d messages accepted", len(l.sent), msgs)
	}
}
