package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

// fakeNet carries frames between cores at once, in order; a node that
// is down answers nothing and its senders hear Down.
type fakeNet struct {
	t     *testing.T
	now   time.Time
	nodes map[common.Address]*fakeNode
	boxOf map[common.Address]common.Address
	queue []func()
	// drop, if set, loses the frames it returns true for.
	drop func(from, to common.Address, f []byte) bool
	// rate, if set, is how many bytes a second move from one node to
	// another (0: at once, as without it). Frames then take their
	// time, one after another, and a Hangup loses the ones still on
	// their way both ways, as a closed connection does.
	rate   func(from, to common.Address) int
	slow   []slowFrame
	free   map[[2]common.Address]time.Time // when the link is free
	hungUp map[[2]common.Address]int       // hang-ups per pair of nodes
}

// slowFrame is a frame on its way over a link with a rate.
type slowFrame struct {
	due     time.Time
	pair    [2]common.Address
	gen     int
	deliver func()
}

// pairOf names the connection between a and b, either way.
func pairOf(a, b common.Address) [2]common.Address {
	if bytes.Compare(a[:], b[:]) > 0 {
		a, b = b, a
	}
	return [2]common.Address{a, b}
}

type fakeNode struct {
	w      common.Address
	st     *service.Memory
	core   *Core
	up     bool
	due    time.Time
	events []Event
	cfg    CoreConfig
}

func newFakeNet(t *testing.T) *fakeNet {
	return &fakeNet{t: t, now: time.Unix(1_800_000_000, 0), nodes: map[common.Address]*fakeNode{}, boxOf: map[common.Address]common.Address{}}
}

func (n *fakeNet) add(i byte, cfg CoreConfig) *fakeNode {
	w := common.Address{19: i}
	cfg.Self, cfg.Rand, cfg.Store = w, rand.Reader, &service.Memory{}
	nd := &fakeNode{w: w, st: cfg.Store.(*service.Memory), cfg: cfg}
	n.nodes[w] = nd
	n.boot(nd)
	return nd
}

func (n *fakeNet) boot(nd *fakeNode) {
	cfg := nd.cfg
	cfg.Store = nd.st
	c, err := NewCore(cfg)
	if err != nil {
		n.t.Fatal(err)
	}
	nd.core, nd.up, nd.due = c, true, time.Time{}
	n.handle(nd, service.Input{Kind: service.Start})
	n.run()
}

func (n *fakeNet) doc(w common.Address) *naming.Document {
	nd := n.nodes[w]
	if nd == nil || nd.core == nil {
		return nil
	}
	d := &naming.Document{Identity: w, Services: []naming.Service{{Type: DocumentEntryType, Endpoint: Entry{Key: nd.core.SealKey(), Terms: nd.core.Terms()}.String()}}}
	if b, ok := n.boxOf[w]; ok {
		d.Mailbox = b.Hex()
	}
	return d
}

func (n *fakeNet) handle(nd *fakeNode, in service.Input) service.Effects {
	var out service.Effects
	nd.core.Handle(n.now, in, &out)
	nd.st.Apply(out.Writes)
	for _, w := range out.Hangup {
		if n.hungUp == nil {
			n.hungUp, n.free = map[[2]common.Address]int{}, map[[2]common.Address]time.Time{}
		}
		n.hungUp[pairOf(nd.w, w)]++
		delete(n.free, [2]common.Address{nd.w, w})
		delete(n.free, [2]common.Address{w, nd.w})
	}
	for _, s := range out.Send {
		to, f := s.To, bytes.Clone(s.Frame)
		if n.drop != nil && n.drop(nd.w, to, f) {
			continue
		}
		deliver := func() {
			if d := n.nodes[to]; d != nil && d.up {
				n.handle(d, service.Input{Kind: service.Frame, Peer: nd.w, Frame: f})
			} else if nd.up {
				n.handle(nd, service.Input{Kind: service.Down, Peer: to})
			}
		}
		if r := 0; n.rate != nil {
			if r = n.rate(nd.w, to); r > 0 {
				if n.hungUp == nil {
					n.hungUp, n.free = map[[2]common.Address]int{}, map[[2]common.Address]time.Time{}
				}
				dir := [2]common.Address{nd.w, to}
				start := n.now
				if n.free[dir].After(start) {
					start = n.free[dir]
				}
				due := start.Add(time.Duration(len(f)) * time.Second / time.Duration(r))
				n.free[dir] = due
				p := pairOf(nd.w, to)
				n.slow = append(n.slow, slowFrame{due: due, pair: p, gen: n.hungUp[p], deliver: deliver})
				continue
			}
		}
		n.queue = append(n.queue, deliver)
	}
	for _, w := range out.Lookup {
		n.queue = append(n.queue, func() {
			if nd.up {
				d := n.doc(w)
				n.handle(nd, service.Input{Kind: service.Document, Peer: w, Doc: d})
			}
		})
	}
	for _, e := range out.Events {
		nd.events = append(nd.events, e.(Event))
	}
	if !out.Deadline.IsZero() && (nd.due.IsZero() || out.Deadline.Before(nd.due)) {
		nd.due = out.Deadline
	}
	return out
}

func (n *fakeNet) run() {
	for len(n.queue) > 0 {
		f := n.queue[0]
		n.queue = n.queue[1:]
		f()
	}
}

// advance moves time on by d in small steps, firing timers.
func (n *fakeNet) advance(d time.Duration) {
	end := n.now.Add(d)
	for n.now.Before(end) {
		n.now = n.now.Add(100 * time.Millisecond)
		for len(n.slow) > 0 {
			i := 0 // the earliest due: frames of one link are in order
			for j, s := range n.slow {
				if s.due.Before(n.slow[i].due) {
					i = j
				}
			}
			if n.now.Before(n.slow[i].due) {
				break
			}
			s := n.slow[i]
			n.slow = append(n.slow[:i], n.slow[i+1:]...)
			if s.gen == n.hungUp[s.pair] {
				s.deliver()
				n.run()
			}
		}
		for _, nd := range n.nodes {
			if nd.up && !nd.due.IsZero() && !n.now.Before(nd.due) {
				nd.due = time.Time{}
				n.handle(nd, service.Input{Kind: service.Timer})
				n.run()
			}
		}
	}
}

func (n *fakeNet) do(nd *fakeNode, cmd any) (any, error) {
	out := n.handle(nd, service.Input{Kind: service.Command, Cmd: cmd})
	n.run()
	return out.Result, out.Err
}

func (nd *fakeNode) count(kind EventKind, ok func(Event) bool) int {
	k := 0
	for _, e := range nd.events {
		if e.Kind == kind && (ok == nil || ok(e)) {
			k++
		}
	}
	return k
}

func msg(subject string) []byte {
	return []byte("From: a@anynet\r\nTo: b@anynet\r\nSubject: " + subject + "\r\n\r\nbody of " + subject + "\r\n")
}

// TestCoreOnline: a message to an online recipient is Delivered and
// lands once in its Requests (then INBOX once the sender is allowed).
func TestCoreOnline(t *testing.T) {
	n := newFakeNet(t)
	a, b := n.add(1, CoreConfig{}), n.add(2, CoreConfig{})
	r, err := n.do(a, SubmitCmd{To: b.w, Data: msg("one")})
	if err != nil {
		t.Fatal(err)
	}
	o := r.(Outgoing)
	got, _ := a.core.outgoing(o.ID)
	if got.Status != Delivered {
		t.Fatalf("status %v", got.Status)
	}
	ms, _ := Messages(b.st, Requests)
	if len(ms) != 1 || ms[0].From != a.w {
		t.Fatalf("requests %+v", ms)
	}
	body, _ := Body(b.st, Requests, ms[0].UID)
	if !bytes.Contains(body, []byte("body of one")) || !bytes.Contains(body, []byte("X-Anynet-Sender: "+a.w.Hex())) {
		t.Fatalf("body %q", body)
	}
	n.do(b, AllowCmd{Peer: a.w})
	n.do(a, SubmitCmd{To: b.w, Data: msg("two")})
	if ms, _ := Messages(b.st, Inbox); len(ms) != 1 {
		t.Fatalf("inbox %+v", ms)
	}
	// The idempotent submit of a known ID sends nothing again.
	n.do(a, SubmitCmd{To: b.w, ID: o.ID, Data: msg("one")})
	if ms, _ := Messages(b.st, Requests); len(ms) != 1 {
		t.Fatalf("requests after resubmit %+v", ms)
	}
}

// TestCoreMailbox: the recipient is down; the message is Held at its
// mailbox, and Delivered once it comes up and fetches, exactly once.
func TestCoreMailbox(t *testing.T) {
	n := newFakeNet(t)
	a, b, c := n.add(1, CoreConfig{}), n.add(2, CoreConfig{FetchInterval: -1}), n.add(3, CoreConfig{Mailbox: true})
	n.boxOf[b.w] = c.w
	b.up = false
	r, err := n.do(a, SubmitCmd{To: b.w, Data: msg("while away")})
	if err != nil {
		t.Fatal(err)
	}
	id := r.(Outgoing).ID
	n.advance(10 * time.Second)
	if o, _ := a.core.outgoing(id); o.Status != Held {
		t.Fatalf("status %v, want held", o.Status)
	}
	n.boot(b)
	n.advance(time.Second)
	if o, _ := a.core.outgoing(id); o.Status != Delivered {
		t.Fatalf("status %v, want delivered", o.Status)
	}
	if ms, _ := Messages(b.st, Requests); len(ms) != 1 {
		t.Fatalf("requests %+v", ms)
	}
	if len(c.core.kept) != 0 {
		t.Fatalf("mailbox keeps %d", len(c.core.kept))
	}
	// Direct attempts and later fetches find nothing new.
	n.advance(10 * time.Minute)
	if ms, _ := Messages(b.st, Requests); len(ms) != 1 {
		t.Fatalf("requests later %+v", ms)
	}
}

// TestCoreDelayAndBounce: no mailbox, recipient down: a Delayed notice
// after DelayAfter, Failed with a bounce after Retention.
func TestCoreDelayAndBounce(t *testing.T) {
	n := newFakeNet(t)
	a, b := n.add(1, CoreConfig{DelayAfter: time.Minute, Retention: 3 * time.Minute, RetryMax: 10 * time.Second}), n.add(2, CoreConfig{})
	b.up = false
	r, _ := n.do(a, SubmitCmd{To: b.w, Data: msg("lost")})
	id := r.(Outgoing).ID
	n.advance(2 * time.Minute)
	if o, _ := a.core.outgoing(id); o.Status != Queued || !o.Delayed {
		t.Fatalf("after 2m: %+v", o)
	}
	n.advance(2 * time.Minute)
	o, _ := a.core.outgoing(id)
	if o.Status != Failed {
		t.Fatalf("after 4m: %+v", o)
	}
	ms, _ := Messages(a.st, Inbox)
	if len(ms) != 2 {
		t.Fatalf("notices %+v", ms)
	}
	body, _ := Body(a.st, Inbox, ms[1].UID)
	if !strings.Contains(string(body), "Action: failed") || !strings.Contains(string(body), "report-type=delivery-status") {
		t.Fatalf("bounce %s", body)
	}
	if !strings.Contains(string(body), "Content-Type: message/rfc822\r\n\r\n"+string(msg("lost"))) {
		t.Fatalf("the bounce does not return the message:\n%s", body)
	}
	// A recipient coming up later gets nothing: failed is final.
	n.boot(b)
	n.advance(time.Minute)
	if ms, _ := Messages(b.st, Requests); len(ms) != 0 {
		t.Fatalf("delivered after the bounce: %+v", ms)
	}
}

// TestCoreTooLarge: the recipient's cap refuses; the sender bounces.
func TestCoreTooLarge(t *testing.T) {
	n := newFakeNet(t)
	a, b := n.add(1, CoreConfig{}), n.add(2, CoreConfig{MaxSize: 100})
	r, _ := n.do(a, SubmitCmd{To: b.w, Data: bytes.Repeat([]byte("x"), 200)})
	if o, _ := a.core.outgoing(r.(Outgoing).ID); o.Status != Failed || !strings.Contains(o.Reason, "code 1") {
		t.Fatalf("%+v", o)
	}
	if _, err := n.do(a, SubmitCmd{To: a.w, Data: msg("me")}); err != ErrSelf {
		t.Fatalf("to self: %v", err)
	}
}

func frameInput(from common.Address, b []byte) service.Input {
	return service.Input{Kind: service.Frame, Peer: from, Frame: b}
}

// TestCoreQuota: a mailbox publishes its quota and retention; the
// sender shows where a held message is kept and until when, why one
// waits (the mailbox is full), and bounces one over the whole quota with
// the mailbox's reason; both ends report the terms (InfoCmd).
func TestCoreQuota(t *testing.T) {
	n := newFakeNet(t)
	a := n.add(1, CoreConfig{RetryMax: 10 * time.Second})
	b := n.add(2, CoreConfig{FetchInterval: -1})
	c := n.add(3, CoreConfig{Mailbox: true, MailboxQuota: 2000, Retention: 48 * time.Hour})
	n.boxOf[b.w] = c.w
	b.up = false
	body := func(size int) []byte { return append(msg("sized"), bytes.Repeat([]byte("x"), size)...) }
	submit := func(size int) MessageID {
		r, err := n.do(a, SubmitCmd{To: b.w, Data: body(size)})
		if err != nil {
			t.Fatal(err)
		}
		return r.(Outgoing).ID
	}
	first := submit(1000)
	n.advance(10 * time.Second)
	o, _ := a.core.outgoing(first)
	if o.Status != Held || o.HeldBy != c.w || !o.Until.Equal(o.Changed.Add(48*time.Hour)) {
		t.Fatalf("first: %+v", o)
	}
	second := submit(1000) // fits no more: the mailbox is full
	n.advance(10 * time.Second)
	if o, _ := a.core.outgoing(second); o.Status != Queued || !strings.Contains(o.Reason, "mailbox is full") {
		t.Fatalf("second: %+v", o)
	}
	third := submit(5000) // over the whole quota: bounced
	n.advance(30 * time.Second)
	o, _ = a.core.outgoing(third)
	if o.Status != Failed || !strings.Contains(o.Reason, "at most 2000 bytes per recipient") || !strings.Contains(o.Reason, "code 6") {
		t.Fatalf("third: %+v", o)
	}
	ms, _ := Messages(a.st, Inbox)
	if len(ms) != 1 {
		t.Fatalf("a's INBOX: %d messages, want the bounce", len(ms))
	}
	if bounce, _ := Body(a.st, Inbox, ms[0].UID); !strings.Contains(string(bounce), "at most 2000 bytes") {
		t.Fatalf("bounce %s", bounce)
	}
	r, _ := n.do(c, InfoCmd{})
	ci := r.(Info)
	if ci.Terms == nil || ci.Terms.Quota != 2000 || len(ci.Held) != 1 || ci.Held[0].To != b.w || ci.Held[0].Messages != 1 {
		t.Fatalf("mailbox info %+v", ci)
	}
	n.boot(b)
	n.advance(time.Second)
	r, _ = n.do(b, InfoCmd{})
	bi := r.(Info)
	if bi.Terms != nil || bi.Mailbox == nil || *bi.Mailbox != c.w || bi.MailboxTerms == nil || bi.MailboxTerms.Retention != 48*time.Hour {
		t.Fatalf("recipient info %+v", bi)
	}
	n.advance(time.Minute) // the second goes once the first was fetched
	for _, id := range []MessageID{first, second} {
		if o, _ := a.core.outgoing(id); o.Status != Delivered {
			t.Fatalf("%s: %+v", id, o)
		}
	}
}

// bigMsg is a message of about size bytes that differs byte by byte.
func bigMsg(size int) []byte {
	b := append(msg("big"), make([]byte, size)...)
	for i := len(msg("big")); i < len(b); i++ {
		b[i] = byte(i*7 + i>>11)
	}
	return b
}

// noBlobs fails unless st keeps no blob chunks, references or spools.
func noBlobs(t *testing.T, who string, st service.Store) {
	t.Helper()
	for _, p := range []string{"B", "R", "S", "i"} {
		k := 0
		st.Scan([]byte(p), func(_, _ []byte) bool { k++; return true })
		if k != 0 {
			t.Errorf("%s keeps %d %q keys", who, k, p)
		}
	}
}

// TestCoreLarge: messages over ChunkSize travel in parts (MAILX, PART,
// GOT) and are kept in chunks: submitted whole or spooled, with a
// transfer cut off halfway and taken up again, and through a mailbox;
// copies share the chunks, and nothing is left once they are gone.
func TestCoreLarge(t *testing.T) {
	n := newFakeNet(t)
	a, b := n.add(1, CoreConfig{RetryMax: time.Second}), n.add(2, CoreConfig{})
	check := func(id MessageID, want []byte) uint32 {
		t.Helper()
		if o, _ := a.core.outgoing(id); o.Status != Delivered {
			t.Fatalf("%s: %+v", id, o)
		}
		ms, _ := Messages(b.st, Requests)
		for _, m := range ms {
			if m.ID == id {
				got, err := Body(b.st, Requests, m.UID)
				if err != nil || !bytes.HasSuffix(got, want) || m.Blob == "" || m.Size != len(got) {
					t.Fatalf("%s: %d bytes, want %d, blob %q: %v", id, len(got), len(want), m.Blob, err)
				}
				return m.UID
			}
		}
		t.Fatalf("%s not in b's Requests", id)
		return 0
	}
	// Whole, with the parts from 2 on lost once: the next attempt goes on.
	data := bigMsg(5*ChunkSize + 123)
	cut := true
	n.drop = func(from, to common.Address, f []byte) bool {
		return cut && f[0] == typePart && binary.BigEndian.Uint32(f[17:]) >= 2
	}
	r, err := n.do(a, SubmitCmd{To: b.w, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	id := r.(Outgoing).ID
	if o, _ := a.core.outgoing(id); o.Status != Queued || o.Parts != 6 {
		t.Fatalf("cut off: %+v", o)
	}
	cut = false
	n.advance(time.Minute)
	first := check(id, data)
	// Spooled, as the SMTP gateway does.
	data2 := bigMsg(3 * ChunkSize)
	spool := MessageID{1}
	for i := 0; i*ChunkSize < len(data2); i++ {
		if _, err := n.do(a, SpoolCmd{Spool: spool, Index: i, Data: data2[i*ChunkSize : min(len(data2), (i+1)*ChunkSize)]}); err != nil {
			t.Fatal(err)
		}
	}
	r, err = n.do(a, SubmitCmd{To: b.w, Spool: spool, Parts: partsOf(len(data2)), Size: len(data2)})
	if err != nil {
		t.Fatal(err)
	}
	n.do(a, ReleaseCmd{Spool: spool})
	check(r.(Outgoing).ID, data2)
	noBlobs(t, "the sender", a.st)
	// Through a mailbox.
	c := n.add(3, CoreConfig{Mailbox: true})
	n.boxOf[b.w] = c.w
	b.up = false
	r, _ = n.do(a, SubmitCmd{To: b.w, Data: data2})
	n.advance(10 * time.Second)
	if o, _ := a.core.outgoing(r.(Outgoing).ID); o.Status != Held {
		t.Fatalf("while b is away: %+v", o)
	}
	n.boot(b)
	n.advance(time.Second)
	check(r.(Outgoing).ID, data2)
	// A copy shares the chunks; expunging both lets them go.
	if _, err := n.do(b, CopyCmd{Folder: Requests, Dest: Trash, UIDs: []uint32{first}}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{Requests, Trash} {
		ms, _ := Messages(b.st, f)
		var uids []uint32
		for _, m := range ms {
			uids = append(uids, m.UID)
		}
		n.do(b, FlagsCmd{Folder: f, UIDs: uids, Op: "add", Flags: []string{`\Deleted`}})
		n.do(b, ExpungeCmd{Folder: f})
	}
	noBlobs(t, "the recipient", b.st)
}
