package mail_test

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/anynet/anynet/apps/mail"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// tracer records, with -mail.trace, every input of every core in
// TestSimMail and what it sent, by message id; when the run ends with a
// message that is not Delivered, Held or Failed, it prints that
// message's story (each line: the virtual time, the node, what came in
// | what went out), what the sender, the recipient and the mailboxes
// know of it, and the recipient's other lines (fetches, ups, downs).
// It is how a stuck large message was traced to timeouts shorter than
// a part's time on the path (core_patience.go).
type tracer struct {
	lines map[mail.MessageID][]string
	node  map[common.Address][]string // non-id inputs per node
	cores map[common.Address]*mail.Core
}

var simTrace = flag.Bool("mail.trace", false, "TestSimMail prints the story of every message that ends wrong (memory: every frame of the run)")

func newTracer() *tracer {
	return &tracer{lines: map[mail.MessageID][]string{}, node: map[common.Address][]string{}, cores: map[common.Address]*mail.Core{}}
}

func sh(w common.Address) string { return w.Hex()[2:8] }

var frameNames = []string{0x01: "MAIL", 0x02: "RECEIPT", 0x03: "REFUSE", 0x07: "MAILX", 0x08: "PART", 0x09: "GOT", 0x10: "DEPOSIT", 0x11: "HELD", 0x12: "FETCH", 0x13: "ITEM", 0x14: "END", 0x15: "DROP", 0x16: "EXPIRED", 0x17: "DEPOSITX", 0x18: "DPART", 0x19: "ITEMX", 0x1a: "PULL", 0x1b: "IPART"}

func (t *tracer) record(now time.Time, self common.Address, in service.Input, out *service.Effects) {
	ts := time.Duration(now.UnixNano() % int64(time.Hour)).Truncate(time.Millisecond) // the run is shorter than an hour
	desc := func(b []byte) (string, mail.MessageID, bool) {
		typ, id, seq, n, ok := mail.FrameInfo(b)
		if !ok {
			return "?", id, false
		}
		return fmt.Sprintf("%s id=%s seq=%d n=%d", frameNames[typ], id.String()[:8], seq, n), id, !id.IsZero()
	}
	var ins string
	var ids []mail.MessageID
	switch in.Kind {
	case service.Frame:
		d, id, ok := desc(in.Frame)
		ins = fmt.Sprintf("%v %s <- %s %s", ts, sh(self), sh(in.Peer), d)
		if ok {
			ids = append(ids, id)
		}
	case service.Command:
		ins = fmt.Sprintf("%v %s cmd", ts, sh(self))
		if o, ok := out.Result.(mail.Outgoing); ok {
			ids = append(ids, o.ID)
			ins += fmt.Sprintf(" submit id=%s to %s size %d", o.ID.String()[:8], sh(o.To), o.Size)
		}
	default:
		ins = fmt.Sprintf("%v %s %s %s", ts, sh(self), in.Kind, sh(in.Peer))
	}
	var outs []string
	for _, s := range out.Send {
		d, id, ok := desc(s.Frame)
		outs = append(outs, fmt.Sprintf("-> %s %s", sh(s.To), d))
		if ok {
			ids = append(ids, id)
		}
	}
	for _, h := range out.Hangup {
		outs = append(outs, "hangup "+sh(h))
	}
	for _, e := range out.Events {
		if ev, ok := e.(mail.Event); ok && ev.Out != nil {
			outs = append(outs, fmt.Sprintf("event %v %s", ev.Out.Status, ev.Out.ID.String()[:8]))
			ids = append(ids, ev.Out.ID)
		}
	}
	line := ins + " | " + strings.Join(outs, "; ")
	seen := map[mail.MessageID]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			t.lines[id] = append(t.lines[id], line)
		}
	}
	if len(ids) == 0 {
		t.node[self] = append(t.node[self], line)
	}
}

func (t *tracer) dump(l *mailWorkload) {
	for _, k := range slices.SortedFunc(maps.Keys(l.sent), func(a, b key) int { return bytes.Compare(a.id[:], b.id[:]) }) {
		to := l.sent[k]
		if l.received[k] == 0 && !l.failed[k] || (l.status[k] != mail.Delivered && l.status[k] != mail.Held && l.status[k] != mail.Failed) {
			fmt.Printf("LOST %s from %s to %s size %d status %v\n", k.id, sh(k.from), sh(to), l.size[k], l.status[k])
			fmt.Printf("  sender: %s\n", t.cores[k.from].DebugState(k.id))
			fmt.Printf("  recipient: %s %s\n", t.cores[to].DebugState(k.id), t.cores[to].DebugFetch())
			for _, b := range l.boxes {
				if s := t.cores[b].DebugState(k.id); s != "" {
					fmt.Printf("  box %s: %s\n", sh(b), s)
				}
			}
			for _, line := range t.lines[k.id] {
				fmt.Println("   ", line)
			}
			fmt.Println("  recipient's other lines:")
			for _, line := range t.node[to] {
				fmt.Println("   ", line)
			}
		}
	}
}
