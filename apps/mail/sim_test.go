package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/mail"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/sim"
	"github.com/ethereum/go-ethereum/common"
)

// mailWorkload is mail in the simulator: every host runs the real core
// (sim drives it through its own endpoints in virtual time); one host in
// ten is a mailbox node that the others name as mail-at; random hosts
// submit to random hosts. Its invariants: every accepted message is
// delivered exactly once or bounced, never both; a Delivered status
// only follows the recipient storing it; nothing accepted is lost.
type mailWorkload struct {
	keys  map[common.Address][32]byte
	boxes []common.Address

	sent      map[key]common.Address // accepted: sender's message → recipient
	size      map[key]int            // its size
	received  map[key]int            // stored by the recipient
	delivered map[key]bool           // the sender saw Delivered
	failed    map[key]bool
	held      int // messages a mailbox took into custody
	heldBy    map[key]bool
}

type key struct {
	from common.Address
	id   mail.MessageID
}

func newMailWorkload() *mailWorkload {
	return &mailWorkload{keys: map[common.Address][32]byte{}, sent: map[key]common.Address{}, size: map[key]int{}, received: map[key]int{},
		delivered: map[key]bool{}, failed: map[key]bool{}, heldBy: map[key]bool{}}
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
			return &keyed{Core: c, l: l, self: self}
		},
		Commands: func(w sim.Workload, hosts []common.Address, rng *rand.Rand) []sim.Command {
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
				if largeEvery > 0 && i%largeEvery == largeEvery-1 {
					data = append(data, bytes.Repeat([]byte{byte(i)}, largeSize)...)
				}
				cmds = append(cmds, sim.Command{At: at, Node: from, Cmd: mail.SubmitCmd{To: to, Data: data}})
			}
			return cmds
		},
		Document: func(w common.Address) *naming.Document {
			k, ok := l.keys[w]
			if !ok {
				return nil
			}
			d := &naming.Document{Identity: w, Services: []naming.Service{{Type: mail.DocumentEntryType, Endpoint: mail.DocumentEntry(k)}}}
			if len(l.boxes) > 0 {
				b := l.boxes[int(w[19])%len(l.boxes)]
				if b != w {
					d.Mailbox = b.Hex()
				}
			}
			return d
		},
		Observe: l.observe,
		Check:   l.check,
	}
}

// keyed publishes a core's seal key once it started, as a node's
// Publish would.
type keyed struct {
	*mail.Core
	l    *mailWorkload
	self common.Address
}

func (k *keyed) Handle(now time.Time, in service.Input, out *service.Effects) {
	k.Core.Handle(now, in, out)
	if in.Kind == service.Start {
		k.l.keys[k.self] = k.Core.SealKey()
	}
}

func (l *mailWorkload) observe(o sim.Observation) error {
	switch {
	case o.Cmd != nil && o.Err == nil:
		out := o.Result.(mail.Outgoing)
		l.sent[key{o.Node, out.ID}] = out.To
		l.size[key{o.Node, out.ID}] = out.Size
	case o.Event != nil:
		e := o.Event.(mail.Event)
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

// With MAIL_SIM_LARGE set, one message in largeEvery is largeSize
// bytes longer: over mail.ChunkSize, it travels in parts (MAILX/PART,
// DEPOSITX/DPART, ITEMX/PULL/IPART). Not by default yet: in the
// 100-node cut (seed 11) one to six of the seven large messages are
// neither delivered nor held (nor bounced) by the end of the run, not
// yet explained.
const largeSize = 300 << 10

var largeEvery = func() int {
	if os.Getenv("MAIL_SIM_LARGE") != "" {
		return 40
	}
	return 0
}()

// receivedHead is the header a recipient puts before a message from w
// (core_recv.go's).
func receivedHead(w common.Address) string {
	return fmt.Sprintf("Return-Path: <%s>\r\nX-Anynet-Sender: %s\r\n", mail.WalletAddress(w), w.Hex())
}

func (l *mailWorkload) check() error {
	lost, lostLarge := 0, 0
	for k := range l.sent {
		if l.received[k] == 0 && !l.failed[k] {
			lost++
			if l.size[k] > mail.ChunkSize {
				lostLarge++
			}
		}
	}
	if lost > 0 {
		return fmt.Errorf("%d of %d accepted messages (%d of them large) neither delivered nor bounced", lost, len(l.sent), lostLarge)
	}
	return nil
}

// TestSimMail runs the workload in the simulator: testdata/mail-1000.yaml
// (1,000 nodes through 10 % loss, crash waves and a partition), or a
// 100-node cut of it with MAIL_SIM_SMALL set or under the race
// detector. With MAIL_SIM_LARGE set, one message in 40 is large
// (largeEvery): it travels in parts, directly or through a mailbox.
// Every stored message has the size sent.
func TestSimMail(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulator run")
	}
	b, err := os.ReadFile("testdata/mail-1000.yaml")
	if err != nil {
		t.Fatal(err)
	}
	msgs := 3000
	if os.Getenv("MAIL_SIM_SMALL") != "" || raceDetector {
		b = bytes.Replace(b, []byte("nodes: 1000"), []byte("nodes: 100"), 1)
		b = bytes.Replace(b, []byte("messages: 3000"), []byte("messages: 300"), 1)
		b = bytes.ReplaceAll(b, []byte("count: 60"), []byte("count: 6"))
		msgs = 300
	}
	l := newMailWorkload()
	sc, err := sim.ParseScenario(b)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
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
	large, largeIn := 0, 0
	for k, n := range l.size {
		if n > mail.ChunkSize {
			large++
			if l.received[k] > 0 {
				largeIn++
			}
		}
	}
	t.Logf("%d accepted, %d delivered once, %d bounced, %d sender-confirmed, %d held by mailboxes on the way; %d large (%d KiB), %d of them delivered",
		len(l.sent), d, len(l.failed), len(l.delivered), l.held, large, largeSize>>10, largeIn)
	if largeEvery > 0 && largeIn == 0 {
		t.Errorf("no large message arrived: the run shows nothing of messages in parts")
	}
	if l.held == 0 {
		t.Errorf("no message went through a mailbox: the run shows nothing of custody")
	}
	if len(l.sent) < msgs*8/10 {
		t.Fatalf("only %d of %d messages accepted", len(l.sent), msgs)
	}
}
