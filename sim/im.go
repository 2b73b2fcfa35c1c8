package sim

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/anynet/anynet/apps/im"
	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/nacl/box"
	"gvisor.dev/gvisor/pkg/tcpip"
)

// The "im" workload: instant messages between random pairs of nodes,
// spoken in apps/im's own wire protocol (HELLO, MSG, RECEIPT and the
// mailbox frames, encoded, sealed and parsed by apps/im's code:
// im.AppendTextMsg, im.SealTextMsg, im.ParseFrame…) on its port,
// im.Port. apps/im's Service runs goroutines, pebble and wall-clock
// timeouts, so it cannot run inside the deterministic loop; these tasks
// do what its send and receive pipelines do, from non-blocking
// endpoints, in virtual time:
//
//   - The workload hands message i to its sender node at Start +
//     Spread·i/count. If the node is up, the message is accepted: stored
//     Pending in the node's store, which survives crashes as pebble does
//     (a message offered to a node that is down is refused, as Send on a
//     stopped Service fails). A conversation (sender, recipient) keeps
//     one connection at a time (im_send.go): HELLO, then one MSG per
//     message not yet acknowledged, oldest first.
//   - The recipient (im_recv.go) parses frames, names the sender by the
//     overlay-authenticated identity address of the connection (as
//     stack.PeerOf does), suppresses duplicates by message ID, stores,
//     and answers RECEIPT Delivered. Its store survives crashes too.
//   - A RECEIPT makes the message Delivered at the sender. A connection
//     that fails, or a message without its receipt for imAckTimeout, is
//     abandoned; the next attempt waits a backoff (imRetryBase doubling
//     up to imRetryMax, in virtual time) and sends again every message
//     not yet acknowledged.
//   - After imMailboxAfter failures in a row the sender seals its
//     messages for the recipient and deposits them at the recipient's
//     mailbox node (im_mailbox.go), which the recipient fetches after a
//     restart and every imFetchInterval; its RECEIPTs then go to the
//     sender's listener. no_mailbox turns this off.
//
// Invariants, checked as they happen: a recipient stores only messages
// that were accepted, from the wallet that sent them, with their text
// and clock; in each conversation it stores them in the order they were
// accepted, without a gap, each once; a RECEIPT names only messages the
// recipient stored; a mailbox item opens, with its sender's seal key.
// At the end, with expect.all_delivered (or all_complete), every
// accepted message was delivered.

const (
	imAckTimeout = 10 * time.Second
	imRetryBase  = time.Second
	imRetryMax   = 16 * time.Second
	imMaxFrame   = 64 << 10
	imTextSize   = 64
	// imMailboxAfter is how many direct attempts in a row fail before a
	// sender deposits at the recipient's mailbox.
	imMailboxAfter = 3
	// imFetchInterval is how often a recipient fetches its mailbox,
	// besides once after every restart (apps/im's FetchInterval
	// default).
	imFetchInterval = time.Minute
	imFetchBatch    = 256 // items per FETCH, as apps/im's mailbox sends
)

// imLoad is the shared state of one "im" workload entry.
type imLoad struct {
	msgs     map[im.MessageID]*imMsg  // lookup only, never iterated
	byAddr   map[tcpip.Address]int32  // identity address → node
	byWallet map[common.Address]int32 // wallet → node
	keys     []imKeys                 // every node's seal key pair
	sealRand []*lockedReader          // per sender node: nonces and ephemeral keys
	all      []*imMsg                 // in the order they are offered
	convs    []*imConv
	recv     []*imRecv // by node: the IM service of every node the workload uses
	last     []int64   // per sender node: its last Sent, unix µs
}

// imMsg is one message of the workload and what became of it.
type imMsg struct {
	id   im.MessageID
	conv *imConv
	text string
	at   int64 // when the workload offers it

	accepted   bool
	seq        int   // its place among its conversation's accepted messages
	sent       int64 // the sender's clock, unix µs
	delivered  bool  // the sender has its RECEIPT
	doneAt     int64
	storedOnce bool // the recipient stored it
	inBox      bool // the recipient's mailbox stored it (status Sent)
	// senderCrashed: its sender crashed while it was accepted but not
	// yet delivered.
	senderCrashed bool
	// abandoned: an end of its conversation left for good (churn.go).
	abandoned bool
}

// imMessages makes the tasks of one "im" workload entry: Conversations
// (sender, recipient) pairs — one from every node with PerNode — and
// Messages messages over them in turn, each of Bytes bytes of text.
func imMessages(s *Sim, w Workload, rng *rand.Rand) []task {
	nodes := len(s.nodes)
	convs := w.Conversations
	if w.PerNode {
		convs = len(s.hosts)
	}
	if convs <= 0 {
		convs = max(1, w.Messages/4)
	}
	count := w.Messages
	if count <= 0 {
		count = convs
	}
	size := int(w.Bytes)
	if size <= 0 {
		size = imTextSize
	}
	l := &imLoad{
		msgs:     make(map[im.MessageID]*imMsg, count),
		byAddr:   make(map[tcpip.Address]int32, nodes),
		byWallet: make(map[common.Address]int32, nodes),
		keys:     make([]imKeys, nodes),
		sealRand: make([]*lockedReader, nodes),
		recv:     make([]*imRecv, nodes),
		last:     make([]int64, nodes),
	}
	for _, n := range s.nodes {
		l.byAddr[n.identity()] = n.id
		l.byWallet[n.self.Wallet] = n.id
		l.keys[n.id] = newIMKeys(s, n.id)
	}
	var out []task
	out = append(out, l)
	service := func(n *node) *imRecv {
		if l.recv[n.id] == nil {
			r := &imRecv{load: l, n: n, seen: map[im.MessageID]bool{}}
			l.recv[n.id] = r
			n.tasks = append(n.tasks, r)
			out = append(out, r)
		}
		return l.recv[n.id]
	}
	boxes := make([]*node, nodes) // each recipient's mailbox node
	pairs := map[[2]int32]*imConv{}
	for i := range convs {
		si, di := s.pair(rng, i, w.PerNode)
		src, dst := s.hosts[si], s.hosts[di]
		if c := pairs[[2]int32{src, dst}]; c != nil {
			l.convs = append(l.convs, c) // a pair drawn twice is one conversation
			continue
		}
		if boxes[dst] == nil && !w.NoMailbox {
			b := rng.IntN(len(s.hosts) - 1)
			if b >= di {
				b++
			}
			boxes[dst] = s.nodes[s.hosts[b]]
		}
		c := &imConv{load: l, id: len(pairs), src: s.nodes[src], dst: s.nodes[dst], box: boxes[dst]}
		pairs[[2]int32{src, dst}] = c
		l.convs = append(l.convs, c)
		service(c.src) // receipts after a fetch come to its listener
		r := service(c.dst)
		r.box = c.box
		if c.box != nil {
			service(c.box)
		}
		c.src.tasks = append(c.src.tasks, c)
		out = append(out, c)
		if l.sealRand[src] == nil {
			l.sealRand[src] = newReader(s.seed, "im-seal", src, 0)
		}
	}
	for i := range count {
		c := l.convs[i%len(l.convs)]
		m := &imMsg{conv: c, text: imText(i, size)}
		for {
			for j := range m.id {
				m.id[j] = byte(rng.Uint32())
			}
			if l.msgs[m.id] == nil && !m.id.IsZero() {
				break
			}
		}
		m.at = spreadStart(w, i, count)
		l.msgs[m.id] = m
		l.all = append(l.all, m)
	}
	s.stats.IMMessages += count
	return out
}

// imText is the text of message i: printable, size bytes.
func imText(i, size int) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "message %d ", i)
	for b.Len() < size {
		b.WriteByte('a' + byte(b.Len()%26))
	}
	return b.String()[:size]
}

// imKeys is a node's X25519 seal key pair: a Service announces the
// public key in HELLO and opens its mailbox items with the pair.
type imKeys struct{ pub, priv [32]byte }

// newIMKeys derives node id's seal keys from the seed, so runs repeat.
func newIMKeys(s *Sim, id int32) imKeys {
	seed := streamSeed(s.seed, "sealkey", id, 0)
	pub, priv, err := box.GenerateKey(bytes.NewReader(seed[:]))
	if err != nil {
		panic(fmt.Sprintf("sim: seal key of node %d: %v", id, err))
	}
	return imKeys{pub: *pub, priv: *priv}
}

// seal seals m for its recipient's mailbox, with apps/im's sealing.
func (l *imLoad) seal(s *Sim, m *imMsg) ([]byte, error) {
	c := m.conv
	from, to := &l.keys[c.src.id], &l.keys[c.dst.id]
	return im.SealTextMsg(l.sealRand[c.src.id], m.id, m.sent, m.text, c.src.self.Wallet, &from.pub, &from.priv, &to.pub)
}

// receipt applies a RECEIPT Delivered that node at (a sender) read from
// node from: each ID must be a message of a conversation at → from that
// the recipient stored. False means an invariant broke.
func (l *imLoad) receipt(s *Sim, at *node, from int32, ids []im.MessageID) bool {
	for _, id := range ids {
		m := l.msgs[id]
		if m == nil || !m.accepted || m.conv.src != at || m.conv.dst.id != from {
			s.fail("im: node %d got a receipt from node %d for message %s it did not send there", at.id, from, id)
			return false
		}
		if !m.storedOnce {
			s.fail("im: node %d got a receipt for message %s that node %d never stored", at.id, id, from)
			return false
		}
		if m.delivered {
			continue
		}
		l.delivered(s, m)
		c := m.conv
		for c.next < len(c.msgs) && c.msgs[c.next].delivered {
			c.next++
		}
		c.fails = 0
	}
	return true
}

// accept hands m to its sender node, as im.Service.Send stores it
// Pending.
func (l *imLoad) accept(s *Sim, m *imMsg) {
	c := m.conv
	if c.src.down {
		s.stats.IMRefused++
		return
	}
	if c.abandoned { // the recipient left for good (churn.go)
		m.abandoned = true
		s.stats.IMAbandoned++
		return
	}
	now := s.now.Load()
	sent := epoch.Add(time.Duration(now)).UnixMicro()
	if sent <= l.last[c.src.id] {
		sent = l.last[c.src.id] + 1
	}
	l.last[c.src.id] = sent
	m.accepted, m.sent, m.seq = true, sent, len(c.msgs)
	c.msgs = append(c.msgs, m)
	s.stats.IMAccepted++
	c.kick(s)
}

// delivered records the RECEIPT for m at its sender.
func (l *imLoad) delivered(s *Sim, m *imMsg) {
	m.delivered = true
	m.doneAt = s.now.Load()
	s.stats.IMDelivered++
	if m.senderCrashed {
		s.stats.IMAfterCrash++
	}
	s.stats.IMLatency = append(s.stats.IMLatency, time.Duration(m.doneAt-m.at))
}

var _ task = (*imLoad)(nil)

// The load is a task only to offer the messages and to check the end.
func (l *imLoad) schedule(s *Sim) {
	for _, m := range l.all {
		s.at(m.at, kindApp, m.conv.src.id, func() {
			l.accept(s, m)
			s.settle(m.conv.src)
		})
	}
}

func (l *imLoad) poll(*Sim, *node) bool { return false }
func (l *imLoad) crashed(*Sim, *node)   {}
func (l *imLoad) restarted(*Sim, *node) {}
func (l *imLoad) done() bool            { return l.undelivered() == nil }
func (l *imLoad) describe() string      { return describeIM(l.undelivered()) }
func (l *imLoad) checkEnd(s *Sim) error { return l.check(s, s.sc.Expect.AllDelivered) }
func (l *imLoad) undelivered() *imMsg {
	for _, m := range l.all {
		if m.accepted && !m.delivered && !m.abandoned {
			return m
		}
	}
	return nil
}

// check verifies what must hold at the end: no message stored that was
// not accepted (checked again here, beside the checks as frames arrive),
// and, if all is set, every accepted message delivered.
func (l *imLoad) check(s *Sim, all bool) error {
	for _, m := range l.all {
		if m.storedOnce && !m.accepted {
			return s.fail("im: message %s stored but never accepted", m.id)
		}
		if m.delivered && !m.storedOnce {
			return s.fail("im: message %s acknowledged but never stored", m.id)
		}
	}
	if m := l.undelivered(); all && m != nil {
		return s.fail("%s", describeIM(m))
	}
	return nil
}

func describeIM(m *imMsg) string {
	if m == nil {
		return "im: every accepted message delivered"
	}
	c := m.conv
	return fmt.Sprintf("im message %s (#%d of conversation %d, node %d → %d, %d connections, stored %v) not delivered",
		m.id, m.seq, c.id, c.src.id, c.dst.id, c.attempts, m.storedOnce)
}
