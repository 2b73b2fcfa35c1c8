package im

// The protocol as a state machine with no I/O (service.Core): the same
// code runs in Service under the shared runtime on a node, under a
// test's fake network (core_test.go) and in the simulator (sim/im.go).
//
// Sending (core_send.go):
//
//  1. Everything owed to a peer until it answers — a message, an edit,
//     a reaction, a group message or key, a community request — is an
//     op, stored, and appended to the peer's outbox (in Sent order).
//  2. An attempt writes the first Window ops of the outbox; each
//     RECEIPT Delivered removes one and tops the window up. No answer
//     within AckTimeout, or the connection down: the attempt failed,
//     the connection is hung up and the next attempt waits RetryBase
//     doubling to RetryMax (a new send or the peer's connection coming
//     up tries at once with EagerRetry).
//  3. After MailboxAfter failed attempts in a row, the ops are also
//     sealed and DEPOSITed at the peer's mailbox (its DID document);
//     STORED makes a message Sent. Direct attempts go on: the recipient
//     answers what it already has with its RECEIPT. Without a mailbox
//     the ops are queued for retry. Community requests are direct only:
//     they fail at once.
//  4. An ERROR fails the op (Failed, with the reason), except
//     RateLimited, which is retried.
//
// Receiving (core_recv.go): frames pass the duplicate check, the
// per-sender rate limit, the size limit and consent, are stored and
// answered with RECEIPT Delivered (or ERROR). A mailbox keeps DEPOSITs
// for others; the recipient FETCHes, applies the items in order
// (answering each sender with a RECEIPT), then DROPs them. Groups are
// in core_group.go, communities in core_community.go, attachments'
// control flow in core_attach.go.

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/anynet/anynet/apps/internal/seal"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

// CoreConfig configures a Core. Zero values mean the documented
// defaults.
type CoreConfig struct {
	// Self is the wallet the core sends as; required.
	Self common.Address
	// Rand supplies message IDs, keys and nonces; required.
	Rand io.Reader
	// Store holds the core's state; required. Start reads it back.
	Store service.Store
	// Files holds attachments' bytes (core_attach.go); required to
	// offer or download one.
	Files Files
	// Mailbox makes the core keep sealed messages for other wallets.
	Mailbox bool
	Limits
	// RetryBase is the wait after the first failed attempt, doubling
	// up to RetryMax. Zero means 1 s and 1 minute.
	RetryBase, RetryMax time.Duration
	// MailboxAfter is how many attempts in a row fail before messages
	// go to the mailbox too. Zero means 3.
	MailboxAfter int
	// Window is how many ops to one peer may wait for their receipt.
	// Zero means 16 (below the default RateBurst).
	Window int
	// EagerRetry makes a new send, or the peer's connection coming up,
	// try a peer at once even while a backoff runs (a person waits).
	EagerRetry bool
}

func (c CoreConfig) withDefaults() CoreConfig {
	c.Limits = c.Limits.withDefaults()
	c.RetryBase, c.RetryMax = cmp.Or(c.RetryBase, time.Second), cmp.Or(c.RetryMax, time.Minute)
	c.MailboxAfter, c.Window = cmp.Or(c.MailboxAfter, 3), cmp.Or(c.Window, 16)
	return c
}

// Commands a Core takes (service.Input.Cmd) for 1:1 conversations;
// core_group.go, core_community.go and core_attach.go add theirs.
type (
	// SendCmd sends Text to To; its Result is the Message. With a
	// non-zero ID it is idempotent: a message of that ID already
	// stored is returned as it stands (its Status says how far it got)
	// and, not yet delivered, tried again at once.
	SendCmd struct {
		To   common.Address
		ID   MessageID
		Text string
	}
	// EditCmd replaces the text of a message this wallet sent to Peer.
	EditCmd struct {
		Peer common.Address
		ID   MessageID
		Text string
	}
	// ReactCmd sets this wallet's reaction to a message of the
	// conversation with Peer ("" removes it).
	ReactCmd struct {
		Peer     common.Address
		ID       MessageID
		Reaction string
	}
	// ReadCmd marks every message from Peer read and sends it a read
	// receipt (best effort: directly, once).
	ReadCmd struct{ Peer common.Address }
	// ConsentCmd records what the user decided about Peer.
	ConsentCmd struct {
		Peer    common.Address
		Consent Consent
	}
	// FetchCmd fetches this wallet's mailbox now.
	FetchCmd struct{}
)

// Core is the IM protocol (messages, receipts, consent, limits,
// mailboxes, groups, communities, attachments' control flow) as a
// service.Core. Its events for the user are Event values; it also
// emits Note values (what an op came to), which a driver may ignore.
type Core struct {
	cfg  CoreConfig
	self common.Address
	keys seal.Keys
	rate *limiter

	msgs     map[MessageID]*Message // every message, sent and received
	peers    map[common.Address]*corePeer
	ops      map[opKey]*op
	boxWait  map[MessageID]boxWait         // deposits waiting for STORED, by deposit ID
	kept     map[common.Address][]keptItem // mailbox: items kept for a wallet
	keptNext map[common.Address]uint64     // mailbox: next seq per wallet
	keptBy   map[[2]common.Address]int     // mailbox: items per (recipient, depositor)
	groups   map[GroupID]*groupState
	up       map[common.Address]bool      // peers with a connection now
	ends     map[common.Address][]endWait // what each END from a peer answers, in order
	dls      map[MessageID]*download      // downloads, by request ID
	lastSent int64                        // µs
	fetch    fetchState
	counts   Counters
}

// Counters are what a core counted since it was made.
type Counters struct {
	// Duplicates are messages received again (acknowledged again,
	// applied once).
	Duplicates int
	// Items are mailbox items fetched from this wallet's mailbox.
	Items int
}

var _ service.Core = (*Core)(nil)

// corePeer is what the core knows and owes one peer wallet.
type corePeer struct {
	consent Consent
	unread  int
	key     *[32]byte
	box     common.Address // its mailbox, if hasBox
	hasBox  bool
	doc     uint8 // 0 never asked, 1 asked, 2 read

	outbox   []MessageID // ops to it, in Sent order
	inflight int         // outbox[:inflight] were written in the current attempt
	ackBy    time.Time   // an attempt waits for an answer until then; zero: none
	nextTry  time.Time   // the next attempt; zero: at once
	fails    int
	why      string // why the last attempt failed
	boxBad   bool   // its mailbox refused or did not answer a deposit
}

// keptItem is one mailbox item.
type keptItem struct {
	seq  uint64
	id   MessageID
	by   common.Address
	blob []byte
}

// fetchState is the recipient side of its own mailbox.
type fetchState struct {
	box     common.Address
	hasBox  bool
	asked   bool      // Lookup(self) sent
	phase   uint8     // 0 idle, 1 fetching, 2 dropping
	next    time.Time // next fetch; zero: none planned
	backoff time.Duration
	applied uint64 // last seq applied in this fetch
	items   int    // items in this batch
	total   int    // items in this fetch, every batch
	stalled bool   // an item waits for its sender's document
	stallOn common.Address
}

// NewCore makes a core; Start (the first input) loads its state.
func NewCore(cfg CoreConfig) (*Core, error) {
	if cfg.Rand == nil || cfg.Store == nil || cfg.Self == (common.Address{}) {
		return nil, fmt.Errorf("im: core: Self, Rand and Store are required")
	}
	cfg = cfg.withDefaults()
	return &Core{cfg: cfg, self: cfg.Self, rate: newLimiter(cfg.RateLimit, cfg.RateBurst)}, nil
}

// SealKey is the public key senders seal mailbox items to (after Start).
func (c *Core) SealKey() [32]byte { return c.keys.Pub }

// Entries publishes the seal key (service.Publisher).
func (c *Core) Entries() []naming.Service {
	return []naming.Service{{Type: ServiceSealKey, Endpoint: DocumentEntry(c.keys.Pub)}}
}

var _ service.Publisher = (*Core)(nil)

// Counters returns what the core counted since it was made.
func (c *Core) Counters() Counters { return c.counts }

// Message returns a stored message.
func (c *Core) Message(id MessageID) (Message, bool) {
	if m := c.msgs[id]; m != nil {
		return *m, true
	}
	return Message{}, false
}

// Group returns a group as this wallet knows it.
func (c *Core) Group(id GroupID) (Group, bool) {
	if g := c.groups[id]; g != nil {
		return g.public(c.self), true
	}
	return Group{}, false
}

// Handle applies one input (service.Core).
func (c *Core) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Start:
		out.Err = c.start(now, out)
	case service.Frame:
		c.frame(now, in.Peer, in.Frame, out)
	case service.Up:
		c.up[in.Peer] = true
		out.To(in.Peer, marshalInner(&helloFrame{Version: protocolVersion, SealKey: c.keys.Pub}))
		if p := c.peers[in.Peer]; p != nil && c.cfg.EagerRetry && p.ackBy.IsZero() && len(p.outbox) > 0 {
			c.attempt(now, in.Peer, p, out)
		}
	case service.Down:
		delete(c.up, in.Peer)
		c.down(now, in.Peer, in.Err, out)
	case service.Timer:
		c.tick(now, out)
	case service.Command:
		c.command(now, in.Cmd, out)
	case service.Document:
		c.document(now, in, out)
	}
}

func (c *Core) peer(w common.Address) *corePeer {
	p := c.peers[w]
	if p == nil {
		p = &corePeer{}
		c.peers[w] = p
	}
	return p
}

// Core store layout (values JSON unless noted):
//
//	"s"          → seal key pair (64 raw bytes)
//	"m" id[16]   → Message (1:1 and group)
//	"o" to[20] id[16] → op: sent µs[8] | direct[1] | frame (raw)
//	"c" peer[20] → convMeta
//	"k" peer[20] → seal key (32 raw bytes)
//	"g" group[16] → groupState
//	"q" wallet[20] seq[8] → mailbox item: id[16] | depositor[20] | blob
//	"Q" wallet[20] → the next mailbox seq for wallet (8 raw bytes)
//	"a" sha256[32] wallet[20] → path of a file offered to wallet (raw)
//	"C" community[16] → hostedCommunity; "P" community seq[8] → Post;
//	"I" community id[16] → seq (8 raw bytes) (on its host)
//	"J" community[16] → joinedCommunity; "p" community seq[8] → Post (on a member)
func (c *Core) start(now time.Time, out *service.Effects) error {
	c.msgs = make(map[MessageID]*Message)
	c.peers = make(map[common.Address]*corePeer)
	c.ops = make(map[opKey]*op)
	c.boxWait = make(map[MessageID]boxWait)
	c.kept = make(map[common.Address][]keptItem)
	c.keptNext = make(map[common.Address]uint64)
	c.keptBy = make(map[[2]common.Address]int)
	c.groups = make(map[GroupID]*groupState)
	c.up = make(map[common.Address]bool)
	c.ends = make(map[common.Address][]endWait)
	c.dls = make(map[MessageID]*download)
	c.fetch = fetchState{}
	st := c.cfg.Store
	var err error
	if c.keys, err = seal.Load(st, []byte("s"), c.cfg.Rand, out); err != nil {
		return fmt.Errorf("im: %w", err)
	}
	for k, v := range entries(st, "m", 17, 0) {
		m := new(Message)
		if err := json.Unmarshal(v, m); err != nil {
			return fmt.Errorf("im: core: load message %x: %w", k[1:], err)
		}
		c.msgs[m.ID] = m
		c.lastSent = max(c.lastSent, m.Sent.UnixMicro())
	}
	for k, v := range entries(st, "o", 37, 10) {
		o := &op{to: common.BytesToAddress(k[1:21]), id: MessageID(k[21:37]), sent: int64(binary.BigEndian.Uint64(v)), direct: v[8] == 1, frame: bytes.Clone(v[9:])}
		c.ops[opKey{o.to, o.id}] = o
		p := c.peer(o.to)
		p.outbox = append(p.outbox, o.id)
	}
	for k, v := range entries(st, "c", 21, 0) {
		var meta convMeta
		if json.Unmarshal(v, &meta) == nil {
			p := c.peer(common.BytesToAddress(k[1:]))
			p.consent, p.unread = meta.Consent, meta.Unread
		}
	}
	for k, v := range entries(st, "k", 21, 32) {
		c.peer(common.BytesToAddress(k[1:])).key = (*[32]byte)(bytes.Clone(v))
	}
	for _, g := range scanJSON[groupState](st, []byte("g")) {
		c.groups[g.ID] = &g
	}
	for k, v := range entries(st, "Q", 21, 8) {
		c.keptNext[common.BytesToAddress(k[1:])] = binary.BigEndian.Uint64(v)
	}
	for k, v := range entries(st, "q", 29, 36) {
		w := common.BytesToAddress(k[1:21])
		it := keptItem{seq: binary.BigEndian.Uint64(k[21:]), id: MessageID(v[:16]), by: common.BytesToAddress(v[16:36]), blob: bytes.Clone(v[36:])}
		c.kept[w] = append(c.kept[w], it)
		c.keptNext[w] = max(c.keptNext[w], it.seq+1)
		c.keptBy[[2]common.Address{w, it.by}]++
	}
	for _, w := range c.sortedPeers() {
		p := c.peers[w]
		slices.SortFunc(p.outbox, func(a, b MessageID) int { return cmp.Compare(c.ops[opKey{w, a}].sent, c.ops[opKey{w, b}].sent) })
		if len(p.outbox) > 0 {
			out.Wake(now)
		}
	}
	c.fetch.asked = true // it fetches once at start
	out.Lookup = append(out.Lookup, c.self)
	return nil
}

// convMeta is what the store keeps of a conversation ("c" peer).
type convMeta struct {
	Consent Consent
	Unread  int
}

// sortedPeers lists the peers in address order, so that what the core
// does for several of them never depends on map order.
func (c *Core) sortedPeers() []common.Address {
	return slices.SortedFunc(maps.Keys(c.peers), common.Address.Cmp)
}

// cmpID orders IDs bytewise.
func cmpID(a, b MessageID) int { return bytes.Compare(a[:], b[:]) }

func (c *Core) command(now time.Time, cmd any, out *service.Effects) {
	switch cmd := cmd.(type) {
	case SendCmd:
		if err := checkText(cmd.Text, c.cfg.MaxText); err != nil && (cmd.ID.IsZero() || c.msgs[cmd.ID] == nil) {
			out.Err = err
			return
		}
		out.Result, out.Err = c.send(now, cmd.To, cmd.ID, cmd.Text, nil, out)
	case EditCmd:
		if out.Err = checkText(cmd.Text, c.cfg.MaxText); out.Err == nil {
			out.Result, out.Err = c.change(now, cmd.Peer, cmd.ID, kindEdit, cmd.Text, out)
		}
	case ReactCmd:
		if len(cmd.Reaction) > 64 || !utf8.ValidString(cmd.Reaction) {
			out.Err = fmt.Errorf("%w: reaction of %d bytes, limit 64", ErrTooLarge, len(cmd.Reaction))
		} else {
			out.Result, out.Err = c.change(now, cmd.Peer, cmd.ID, kindReaction, cmd.Reaction, out)
		}
	case ReadCmd:
		c.markRead(cmd.Peer, out)
	case ConsentCmd:
		p := c.peer(cmd.Peer)
		p.consent = cmd.Consent
		c.putMeta(cmd.Peer, p, out)
	case FetchCmd:
		out.Emit(Note{Key: fetchKey, Start: true})
		c.startFetch(now, out)
	default:
		if !c.groupCommand(now, cmd, out) && !c.communityCommand(now, cmd, out) && !c.attachCommand(now, cmd, out) {
			out.Err = fmt.Errorf("%w: command %T", ErrRefused, cmd)
		}
	}
}

// document learns a peer's mailbox and seal key from its DID document.
func (c *Core) document(now time.Time, in service.Input, out *service.Effects) {
	var box common.Address
	var hasBox bool
	var key *[32]byte
	if in.Doc != nil {
		if common.IsHexAddress(in.Doc.Mailbox) {
			box, hasBox = common.HexToAddress(in.Doc.Mailbox), true
		}
		for _, s := range in.Doc.Services {
			if k, ok := parseEntry(s.Type, s.Endpoint); ok {
				key = &k
			}
		}
	}
	if in.Peer == c.self {
		c.fetch.box, c.fetch.hasBox, c.fetch.asked = box, hasBox && box != c.self, false
		if c.fetch.hasBox {
			c.startFetch(now, out)
		} else {
			out.Emit(Note{Key: fetchKey})
		}
		return
	}
	p := c.peer(in.Peer)
	p.doc = 2
	if in.Doc == nil {
		p.doc = 0 // asked again when needed
	}
	p.box, p.hasBox, p.boxBad = box, hasBox, false
	if key != nil && (p.key == nil || *p.key != *key) {
		c.learnKey(in.Peer, *key, out)
	}
	if c.fetch.stalled && c.fetch.stallOn == in.Peer && c.fetch.phase == 0 && in.Doc != nil {
		c.startFetch(now, out) // the stalled item opens now, or is refused
	}
	if p.ackBy.IsZero() && p.fails >= c.cfg.MailboxAfter {
		c.offline(now, in.Peer, p, out)
	}
}

func (c *Core) learnKey(w common.Address, k [32]byte, out *service.Effects) {
	c.peer(w).key = &k
	out.Put(skey("k", w[:]), k[:])
}

func (c *Core) putMeta(w common.Address, p *corePeer, out *service.Effects) {
	c.putJSON(skey("c", w[:]), convMeta{Consent: p.consent, Unread: p.unread}, out)
}

// entries yields the entries under prefix of the layout above start:
// keys of klen bytes, values of at least vmin (others are skipped).
func entries(st service.Store, prefix string, klen, vmin int) iter.Seq2[[]byte, []byte] {
	return func(yield func(k, v []byte) bool) {
		st.Scan([]byte(prefix), func(k, v []byte) bool {
			return len(k) != klen || len(v) < vmin || yield(k, v)
		})
	}
}

// putMsg keeps m, in memory and in the store.
func (c *Core) putMsg(m *Message, out *service.Effects) {
	c.msgs[m.ID] = m
	c.putJSON(skey("m", m.ID[:]), m, out)
}

// skey is the store key of prefix and parts (the layout above start).
func skey(prefix string, parts ...[]byte) []byte {
	return bytes.Join(append([][]byte{[]byte(prefix)}, parts...), nil)
}

func (c *Core) putJSON(k []byte, v any, out *service.Effects) {
	b, _ := json.Marshal(v)
	out.Put(k, b)
}

// load is the value stored at k, or nil.
func load[T any](c *Core, k []byte) *T {
	v := new(T)
	if b, err := c.cfg.Store.Get(k); err != nil || json.Unmarshal(b, v) != nil {
		return nil
	}
	return v
}

// newID draws a random ID.
func (c *Core) newID() MessageID {
	var id MessageID
	io.ReadFull(c.cfg.Rand, id[:])
	return id
}

// hangup has the driver close w's connections (a peer that stopped
// answering); no Down follows, so w is no longer up from here.
func (c *Core) hangup(w common.Address, out *service.Effects) {
	out.Hangup = append(out.Hangup, w)
	delete(c.up, w)
}

// tick does what is due: answers that did not come, attempts, fetches.
func (c *Core) tick(now time.Time, out *service.Effects) {
	for _, w := range c.sortedPeers() {
		p := c.peers[w]
		switch {
		case !p.ackBy.IsZero() && !now.Before(p.ackBy):
			c.hangup(w, out)
			c.down(now, w, fmt.Errorf("no answer within %s", c.cfg.AckTimeout), out)
		case p.ackBy.IsZero() && len(p.outbox) > 0 && !now.Before(p.nextTry):
			c.attempt(now, w, p, out)
		}
		if !p.ackBy.IsZero() {
			out.Wake(p.ackBy)
		} else if len(p.outbox) > 0 {
			out.Wake(p.nextTry)
		}
	}
	for _, id := range slices.SortedFunc(maps.Keys(c.boxWait), cmpID) {
		bw := c.boxWait[id]
		if now.Before(bw.until) {
			out.Wake(bw.until)
			continue
		}
		delete(c.boxWait, id)
		c.peer(bw.key.to).boxBad = true
		c.queued(bw.key, "mailbox did not answer", out)
	}
	for _, w := range slices.SortedFunc(maps.Keys(c.ends), common.Address.Cmp) {
		if e := c.ends[w]; len(e) > 0 && !now.Before(e[0].until) {
			// The peer did not finish answering: its connection is hung
			// up, so that the rest of this answer cannot be taken for
			// the next request's.
			c.hangup(w, out)
			c.hungUp(now, w, out)
		} else if len(e) > 0 {
			out.Wake(e[0].until)
		}
	}
	f := &c.fetch
	if f.phase == 0 && !f.next.IsZero() && !now.Before(f.next) {
		c.startFetch(now, out)
	}
	if f.phase == 0 {
		out.Wake(f.next)
	}
}
