package mail

// The mail protocol as a state machine with no I/O (service.Core): the
// same code runs under the shared runtime on a node (Service), under a
// test's fake network (core_test.go) and in the simulator (sim/mail.go).
//
// Sending (core_send.go):
//
//  1. Submit stores the message Queued (its RFC 5322 bytes under "O")
//     and appends it to the recipient's outbox. Nothing is answered
//     before that write is synced: a gateway's 250 follows it.
//  2. The core needs the recipient's DID document: its mail key
//     (AnynetMail entry) and its mailbox (mail-at).
//  3. An attempt writes MAIL frames, sealed to the recipient's key, for
//     the first Window messages of the outbox; each RECEIPT (the
//     recipient's node stored it, synced) makes one Delivered. No answer
//     within AckTimeout, or the connection down: the attempt failed, and
//     the next waits RetryBase doubling up to RetryMax.
//  4. After MailboxAfter failed attempts in a row, Queued messages are
//     also DEPOSITed at the recipient's mailbox node; HELD makes them
//     Held. Direct attempts go on; the recipient answers a message it
//     already has with its RECEIPT, so a lost receipt costs nothing.
//  5. Not Delivered after DelayAfter: a Delayed notice (a DSN in the
//     sender's INBOX and an event). Still Queued after Retention, or a
//     permanent REFUSE, or the mailbox's EXPIRED: Failed, with a bounce.
//
// Receiving (core_recv.go): MAIL frames pass the duplicate check, the
// per-sender rate limit and the size cap, land in INBOX (a sender the
// user allowed or wrote to) or Requests, and are answered with RECEIPT
// in the same Handle as their synced write.
//
// Custody (core_box.go): a mailbox node keeps DEPOSITs for a recipient
// (a quota in bytes, Retention), hands them out on FETCH as ITEMs, and
// drops them on DROP, which the recipient sends after storing them.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/internal/seal"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// CoreConfig configures a Core. Zero values mean the documented
// defaults.
type CoreConfig struct {
	// Self is the wallet the core sends as; required.
	Self common.Address
	// Rand supplies message IDs, seal keys and nonces; required.
	Rand io.Reader
	// Store holds the core's state; required. Start reads it back.
	Store service.Store
	// Mailbox makes the core keep sealed mail for other wallets.
	Mailbox bool
	// MaxSize is the largest message taken, in bytes. Zero means
	// DefaultMaxSize.
	MaxSize int
	// MailboxQuota is how many bytes a mailbox keeps per recipient.
	// Zero means 256 MiB.
	MailboxQuota int64
	// Retention is how long a mailbox keeps an item, and how long a
	// sender tries before it bounces a message no mailbox holds. Zero
	// means 5 days.
	Retention time.Duration
	// DelayAfter is when a sender is told its message is delayed. Zero
	// means 4 hours.
	DelayAfter time.Duration
	// AckTimeout is how long an attempt waits for an answer. Zero means
	// 30 s.
	AckTimeout time.Duration
	// RetryBase is the wait after the first failed attempt, doubling
	// up to RetryMax. Zero means 1 s and 1 minute.
	RetryBase, RetryMax time.Duration
	// MailboxAfter is how many attempts in a row fail before messages go
	// to the mailbox too. Zero means 2.
	MailboxAfter int
	// Window is how many messages to one recipient may wait for their
	// receipt. Zero means 8.
	Window int
	// FetchInterval is how often the core asks its mailbox for mail;
	// it also asks at start. Zero means 1 minute; negative, only at
	// start and on FetchCmd.
	FetchInterval time.Duration
	// RateLimit is messages per second taken from one sender, RateBurst
	// the burst. Zero means 1 and 60; a negative RateLimit, no limit.
	RateLimit float64
	RateBurst int
	// KnownOnly refuses mail from senders the user has not allowed or
	// written to (REFUSE 7) instead of filing it in Requests.
	KnownOnly bool
	// Node is this node's instance address (stack.Node.InstanceAddr):
	// with it the core keeps its folders in sync with the other nodes
	// of its wallet (core_sync.go); zero: no sync.
	Node netip.Addr
	// SyncInterval is how often a node pulls the other nodes' changes
	// when nothing told it of any. Zero means 1 minute.
	SyncInterval time.Duration
	// Deny are senders always refused (REFUSE 7), whatever AllowCmd
	// said: the node's configuration (key mail.deny), beside the
	// refusals DenyCmd keeps in the store.
	Deny []common.Address
}

// DefaultMaxSize is the default size cap: a 25 MB attachment in
// base64 and its headers.
const DefaultMaxSize = 36 << 20

// frameSlack is what a frame adds to a message: the frame header and the
// seal.
const frameSlack = 1 << 10

// MaxFrame is the largest frame a core of max-size maxSize sends.
func MaxFrame(maxSize int) int {
	if maxSize == 0 {
		maxSize = DefaultMaxSize
	}
	return maxSize + frameSlack
}

func (c CoreConfig) withDefaults() CoreConfig {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if c.MaxSize == 0 {
		c.MaxSize = DefaultMaxSize
	}
	if c.MailboxQuota == 0 {
		c.MailboxQuota = 256 << 20
	}
	def(&c.Retention, 5*24*time.Hour)
	def(&c.DelayAfter, 4*time.Hour)
	def(&c.AckTimeout, 30*time.Second)
	def(&c.RetryBase, time.Second)
	def(&c.RetryMax, time.Minute)
	def(&c.FetchInterval, time.Minute)
	def(&c.SyncInterval, time.Minute)
	if c.MailboxAfter == 0 {
		c.MailboxAfter = 2
	}
	if c.Window == 0 {
		c.Window = 8
	}
	if c.RateLimit == 0 {
		c.RateLimit = 1
	}
	if c.RateBurst == 0 {
		c.RateBurst = 60
	}
	return c
}

// Core is the mail protocol as a service.Core. Its events are Event
// values; its commands are the *Cmd types.
type Core struct {
	cfg  CoreConfig
	self common.Address
	keys sealKeys

	out      map[MessageID]*Outgoing // not yet Delivered nor Failed
	peers    map[common.Address]*peer
	boxWait  map[MessageID]time.Time // deposits waiting for HELD, until
	allowed  map[common.Address]bool
	denied   map[common.Address]bool // senders refused (DenyCmd)
	buckets  map[common.Address]*bucket
	nextUID  map[string]uint32
	kept     map[common.Address][]keptItem // mailbox: items per recipient, by seq
	keptNext map[common.Address]uint64
	keptSize map[common.Address]int64
	fetch    fetchState
	terms    map[common.Address]*Terms // mailboxes' published terms
	asked    map[common.Address]bool   // their documents were asked for
	bounce   map[MessageID]string      // to bounce when no attempt is under way
	// fresh holds the bytes submitted in this Handle, whose store
	// writes are not applied yet; emptied at every Handle.
	fresh map[MessageID][]byte
	// refCache holds the blob references changed in this Handle.
	refCache map[MessageID]uint32
	// sending and receiving are the large messages under way (PART
	// frames), by recipient and id, and by sender and id.
	sending   map[MessageID]*outStream
	receiving map[inKey]*inStream
	// depositing are the large messages going to a mailbox in parts
	// (core_boxstream.go), boxIn the deposits a mailbox takes in.
	depositing map[MessageID]*outStream
	boxIn      map[inKey]*boxIn
	// sync is the part kept alike with the wallet's other nodes.
	sync syncState
}

var _ service.Core = (*Core)(nil)

// peer is what the core knows and owes one recipient wallet.
type peer struct {
	key    *[32]byte
	box    common.Address // its mailbox, if hasBox
	hasBox bool
	doc    uint8 // 0 not asked, 1 asked, 2 read

	outbox   []MessageID // Queued and Held to it, in submit order
	inflight int         // outbox[:inflight] were written in this attempt
	ackBy    time.Time   // an attempt waits for an answer until then
	nextTry  time.Time
	fails    int
	passed   map[MessageID]bool // the mailbox refused them in this attempt
	refused  refusals           // what its node refused lately (checks.go)
	// slow and boxSlow double the wait for its node's answers and its
	// mailbox's (core_patience.go).
	slow, boxSlow int
}

// NewCore makes a core; Start (the first input) loads its state.
func NewCore(cfg CoreConfig) (*Core, error) {
	if cfg.Rand == nil || cfg.Store == nil || cfg.Self == (common.Address{}) {
		return nil, fmt.Errorf("mail: core: Self, Rand and Store are required")
	}
	cfg = cfg.withDefaults()
	return &Core{cfg: cfg, self: cfg.Self}, nil
}

// SealKey is the public key senders seal mail to (after Start).
func (c *Core) SealKey() [32]byte { return c.keys.Pub }

// Handle applies one input (service.Core).
func (c *Core) Handle(now time.Time, in service.Input, out *service.Effects) {
	if c.fresh == nil {
		c.fresh = make(map[MessageID][]byte)
		c.refCache = make(map[MessageID]uint32)
	}
	defer clear(c.fresh)
	defer clear(c.refCache)
	defer c.syncEnd(now, out)
	switch in.Kind {
	case service.Start:
		if err := c.start(now, out); err != nil {
			out.Err = err
		}
	case service.Frame:
		c.frame(now, in.Peer, in.Frame, out)
	case service.Up:
		if c.fetch.hasBox && in.Peer == c.fetch.box && c.fetch.phase == 0 && c.fetch.pending {
			c.startFetch(now, out)
		}
		c.syncUpDown(now, in.Peer, true, out)
	case service.Down:
		c.down(now, in.Peer, out)
	case service.Timer:
		c.tick(now, out)
	case service.Command:
		c.command(now, in.Cmd, out)
	case service.Document:
		c.document(now, in, out)
	}
}

// Store layout (JSON values unless noted; folder names end in 0x00):
//
//	"s"                    → seal key pair (64 raw bytes)
//	"o" id[16]             → Outgoing
//	"O" id[16]             → the outgoing message's bytes, until Delivered or Failed
//	"m" folder uid[4]      → Stored
//	"b" folder uid[4]      → the stored message's bytes
//	"n" folder             → the folder's next UID (4 raw bytes)
//	"d" from[20] id[16]    → a message received (the duplicate check)
//	"a" wallet[20]         → 1: a sender the user allowed or wrote to; 0: one it refuses (DenyCmd)
//	"q" to[20] seq[8]      → mailbox item: by[20] | id[16] | at µs[8] | blob
//	"Q" to[20]             → the next mailbox seq for to (8 raw bytes)
//	"i" from[20] id[16]    → a large message coming in: key[32] | parts u32 | size u64 | next u32 | blob[16]
//	"x", "Z"               → mailbox: large deposits coming in, large items kept (core_boxstream.go)
//	"r" to[20]             → what to's node refused lately, for CheckCmd (checks.go)
//	"B", "R", "S"          → blobs: a large message's chunks, references, spools (core_blob.go);
//	                         its "O" or "b" value is then absent and its record names the blob
func (c *Core) start(now time.Time, out *service.Effects) error {
	c.out = make(map[MessageID]*Outgoing)
	c.peers = make(map[common.Address]*peer)
	c.boxWait = make(map[MessageID]time.Time)
	c.allowed = make(map[common.Address]bool)
	c.denied = make(map[common.Address]bool)
	c.buckets = make(map[common.Address]*bucket)
	c.nextUID = make(map[string]uint32)
	c.kept = make(map[common.Address][]keptItem)
	c.keptNext = make(map[common.Address]uint64)
	c.keptSize = make(map[common.Address]int64)
	c.fetch = fetchState{}
	c.terms = make(map[common.Address]*Terms)
	c.asked = make(map[common.Address]bool)
	c.bounce = make(map[MessageID]string)
	c.sending = make(map[MessageID]*outStream)
	c.receiving = make(map[inKey]*inStream)
	c.depositing = make(map[MessageID]*outStream)
	c.boxIn = make(map[inKey]*boxIn)
	c.dropSpools(out)
	st := c.cfg.Store
	var err error
	if c.keys, err = seal.Load(st, []byte("s"), c.cfg.Rand, out); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	st.Scan([]byte("o"), func(k, v []byte) bool {
		o := new(Outgoing)
		if err = json.Unmarshal(v, o); err != nil {
			return false
		}
		if !o.Status.final() {
			c.out[o.ID] = o
			p := c.peer(o.To)
			p.outbox = append(p.outbox, o.ID)
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("mail: core: load outgoing: %w", err)
	}
	st.Scan([]byte("a"), func(k, v []byte) bool {
		if len(k) == 21 && len(v) == 1 {
			if v[0] == 0 {
				c.denied[common.Address(k[1:])] = true
			} else {
				c.allowed[common.Address(k[1:])] = true
			}
		}
		return true
	})
	st.Scan([]byte("n"), func(k, v []byte) bool {
		if len(v) == 4 {
			c.nextUID[string(bytes.TrimSuffix(k[1:], []byte{0}))] = binary.BigEndian.Uint32(v)
		}
		return true
	})
	c.loadKept()
	c.loadBoxIn()
	c.loadRefusals(now, out)
	c.syncStart(out)
	for _, w := range c.sortedPeers() {
		p := c.peers[w]
		slices.SortFunc(p.outbox, func(a, b MessageID) int { return c.out[a].Submitted.Compare(c.out[b].Submitted) })
		c.needDoc(w, p, out)
	}
	c.fetch.asked = true
	out.Lookup = append(out.Lookup, c.self)
	out.Wake(c.nextDue(now))
	return nil
}

func (c *Core) peer(w common.Address) *peer {
	p := c.peers[w]
	if p == nil {
		p = &peer{}
		c.peers[w] = p
	}
	return p
}

// sortedPeers lists the peers in address order, so that nothing the core
// does for several depends on map order.
func (c *Core) sortedPeers() []common.Address {
	ws := make([]common.Address, 0, len(c.peers))
	for w := range c.peers {
		ws = append(ws, w)
	}
	slices.SortFunc(ws, func(a, b common.Address) int { return bytes.Compare(a[:], b[:]) })
	return ws
}

// needDoc asks for w's document if the core has none.
func (c *Core) needDoc(w common.Address, p *peer, out *service.Effects) {
	if p.doc == 0 && len(p.outbox) > 0 {
		p.doc = 1
		out.Lookup = append(out.Lookup, w)
	}
}

// document learns a wallet's mail key and mailbox (DocumentEntry).
func (c *Core) document(now time.Time, in service.Input, out *service.Effects) {
	var bx common.Address
	var hasBox bool
	var key *[32]byte
	if in.Doc != nil {
		if common.IsHexAddress(in.Doc.Mailbox) {
			bx, hasBox = common.HexToAddress(in.Doc.Mailbox), true
		}
		for _, s := range in.Doc.Services {
			if e, ok := ParseEntry(s.Type, s.Endpoint); ok {
				key = &e.Key
				if e.Terms != nil {
					c.terms[in.Peer] = e.Terms
				}
			}
		}
	}
	if hasBox && !c.asked[bx] && bx != c.self && bx != in.Peer {
		c.asked[bx] = true // its terms, for the status of what it holds
		out.Lookup = append(out.Lookup, bx)
	}
	if in.Peer == c.self {
		c.syncDoc(now, in.Doc, out)
		c.fetch.box, c.fetch.hasBox = bx, hasBox
		if hasBox {
			c.startFetch(now, out)
		}
		return
	}
	p := c.peer(in.Peer)
	p.doc = 2
	if in.Doc == nil {
		p.doc = 0 // asked again on the next failure
	}
	p.box, p.hasBox = bx, hasBox && bx != in.Peer
	if key != nil {
		p.key = key
	}
	if c.fetch.stalled == in.Peer && c.fetch.phase == 0 {
		c.fetch.stalled = common.Address{}
		c.startFetch(now, out) // the stalled item opens now
	}
	if len(p.outbox) > 0 && p.ackBy.IsZero() && !now.Before(p.nextTry) {
		c.attempt(now, in.Peer, p, out)
	}
}

func (c *Core) command(now time.Time, cmd any, out *service.Effects) {
	switch cmd := cmd.(type) {
	case SubmitCmd:
		o, err := c.submit(now, cmd, out)
		out.Result, out.Err = o, err
	case AppendCmd:
		m, err := c.appendCmd(now, cmd, out)
		out.Result, out.Err = m, err
	case FlagsCmd:
		out.Err = c.flagsCmd(cmd, out)
	case CopyCmd:
		uids, err := c.copyCmd(now, cmd, out)
		out.Result, out.Err = uids, err
	case ExpungeCmd:
		uids, err := c.expungeCmd(cmd.Folder, cmd.UIDs, out)
		out.Result, out.Err = uids, err
	case AllowCmd:
		c.allow(cmd.Peer, out)
	case DenyCmd:
		c.deny(cmd.Peer, out)
	case CheckCmd:
		out.Err = c.check(now, cmd)
	case FetchCmd:
		if !c.fetch.hasBox {
			c.fetch.asked = false // read the document again: it may name one now
		}
		c.startFetch(now, out)
	case InfoCmd:
		out.Result = c.info()
	case AddNodeCmd:
		c.addNode(now, cmd.Node, out)
	case SpoolCmd:
		out.Err = c.spool(cmd, out)
	case ReleaseCmd:
		out.Del(append([]byte("S"), cmd.Spool[:]...))
		if c.refs(cmd.Spool) == 0 {
			c.dropChunks(cmd.Spool, out)
		}
	default:
		out.Err = fmt.Errorf("%w: command %T", ErrRefused, cmd)
	}
}

func (c *Core) allow(w common.Address, out *service.Effects) {
	if !c.allowed[w] {
		c.allowed[w] = true
		delete(c.denied, w)
		out.Put(append([]byte("a"), w[:]...), []byte{1})
	}
}

func (c *Core) deny(w common.Address, out *service.Effects) {
	if !c.denied[w] {
		c.denied[w] = true
		delete(c.allowed, w)
		out.Put(append([]byte("a"), w[:]...), []byte{0})
	}
}

// consents reports whether mail from w is taken (DenyCmd, Deny,
// KnownOnly).
func (c *Core) consents(w common.Address) bool {
	return !c.denied[w] && !slices.Contains(c.cfg.Deny, w) && (c.allowed[w] || !c.cfg.KnownOnly)
}

// refusesFrom is a CodeDenied refusal's reason.
const refusesFrom = "the recipient does not take mail from this sender"

// spool writes one chunk of a message a gateway takes in.
func (c *Core) spool(cmd SpoolCmd, out *service.Effects) error {
	switch {
	case len(cmd.Data) == 0 || len(cmd.Data) > ChunkSize || cmd.Index < 0:
		return fmt.Errorf("%w: spool chunk %d of %d bytes", ErrRefused, cmd.Index, len(cmd.Data))
	case cmd.Index >= partsOf(c.cfg.MaxSize):
		return fmt.Errorf("%w: over %d bytes", ErrTooLarge, c.cfg.MaxSize)
	}
	if cmd.Index == 0 {
		out.Put(append([]byte("S"), cmd.Spool[:]...), []byte{1})
	}
	out.Put(blobKey(cmd.Spool, cmd.Index), cmd.Data)
	return nil
}

// Terms are the ones this core keeps mail for others on, nil if it is
// not a mailbox.
func (c *Core) Terms() *Terms {
	if !c.cfg.Mailbox {
		return nil
	}
	return &Terms{Quota: c.cfg.MailboxQuota, Retention: c.cfg.Retention}
}

func (c *Core) info() Info {
	in := Info{Terms: c.Terms(), DelayAfter: c.cfg.DelayAfter, MaxSize: c.cfg.MaxSize}
	for _, w := range c.sortedKept() {
		if n := len(c.kept[w]); n > 0 {
			in.Held = append(in.Held, HeldFor{To: w, Messages: n, Bytes: c.keptSize[w]})
		}
	}
	if c.fetch.hasBox {
		bx := c.fetch.box
		in.Mailbox, in.MailboxTerms = &bx, c.terms[bx]
	}
	in.Nodes = c.syncInfo()
	return in
}

// tick does what is due: answers that did not come, attempts, notices,
// bounces, fetches, expiries.
func (c *Core) tick(now time.Time, out *service.Effects) {
	for _, w := range c.sortedPeers() {
		p := c.peers[w]
		switch {
		case !p.ackBy.IsZero() && !now.Before(p.ackBy):
			if c.bulky(p) {
				slower(&p.slow)
			}
			out.Hangup = append(out.Hangup, w)
			c.failed(now, w, p, out)
		case p.ackBy.IsZero() && len(p.outbox) > 0 && !now.Before(p.nextTry):
			c.attempt(now, w, p, out)
		}
	}
	for _, id := range c.sortedOut() {
		c.overdue(now, c.out[id], out)
	}
	for id, until := range c.boxWait { // order-free: deletes, and counts per peer
		if !now.Before(until) {
			if o := c.out[id]; o != nil && c.depositBulky(id) {
				slower(&c.peer(o.To).boxSlow)
			}
			delete(c.boxWait, id)
			delete(c.depositing, id)
		}
	}
	c.expire(now, out)
	c.expireBoxIn(now, out)
	c.syncTick(now, out)
	f := &c.fetch
	if f.phase != 0 && !now.Before(f.until) {
		slower(&f.slow) // its answer may be large: a batch, a part
		out.Hangup = append(out.Hangup, f.box)
		c.fetchFailed(now)
	} else if f.phase == 0 && f.hasBox && !f.next.IsZero() && !now.Before(f.next) {
		c.startFetch(now, out)
	}
	out.Wake(c.nextDue(now))
}

// nextDue is the earliest time something is due.
func (c *Core) nextDue(now time.Time) time.Time {
	var t time.Time
	wake := func(x time.Time) {
		if !x.IsZero() && (t.IsZero() || x.Before(t)) {
			t = x
		}
	}
	for _, p := range c.peers {
		if !p.ackBy.IsZero() {
			wake(p.ackBy)
		} else if len(p.outbox) > 0 && p.doc != 1 {
			if p.nextTry.After(now) {
				wake(p.nextTry)
			} else {
				wake(now)
			}
		}
	}
	for _, o := range c.out {
		if !o.Delayed {
			wake(o.Submitted.Add(c.cfg.DelayAfter))
		}
		if o.Status == Queued {
			wake(o.Submitted.Add(c.cfg.Retention))
		}
	}
	for _, until := range c.boxWait {
		wake(until)
	}
	for _, items := range c.kept {
		if len(items) > 0 {
			wake(items[0].at.Add(c.cfg.Retention))
		}
	}
	for _, bi := range c.boxIn {
		wake(bi.at.Add(c.cfg.Retention))
	}
	if c.fetch.phase != 0 {
		wake(c.fetch.until)
	} else if c.fetch.hasBox {
		wake(c.fetch.next)
	}
	c.syncDue(wake)
	return t
}

// sortedOut lists the outgoing messages in submit order.
func (c *Core) sortedOut() []MessageID {
	ids := make([]MessageID, 0, len(c.out))
	for id := range c.out {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b MessageID) int {
		if x := c.out[a].Submitted.Compare(c.out[b].Submitted); x != 0 {
			return x
		}
		return bytes.Compare(a[:], b[:])
	})
	return ids
}

// frame dispatches one frame from w.
func (c *Core) frame(now time.Time, w common.Address, b []byte, out *service.Effects) {
	if isSyncFrame(b) {
		c.syncFrameIn(now, w, b, out)
		return
	}
	f, err := parseFrame(b)
	if err != nil {
		return // a peer speaking nonsense gets nothing
	}
	switch f.typ {
	case typeMail:
		c.receive(now, w, f, out)
	case typeMailX:
		c.receiveHead(now, w, f, out)
	case typePart:
		c.receivePart(now, w, f, out)
	case typeGot:
		c.got(now, w, f.id, int(f.n), out)
	case typeReceipt:
		c.receipt(now, w, f.id, out)
	case typeRefuse:
		c.refused(now, w, f, out)
	case typeDeposit:
		c.deposit(now, w, f, out)
	case typeHeld:
		c.held(now, w, f.id, out)
	case typeFetch:
		c.serveFetch(w, out)
	case typeItem:
		c.item(now, w, f, out)
	case typeEnd:
		c.fetchEnd(now, w, f.more, out)
	case typeDrop:
		c.drop(w, f.seq, out)
	case typeExpired:
		c.expired(now, w, f.id, out)
	case typeDepositX:
		c.depositX(now, w, f, out)
	case typeDPart:
		c.dPart(now, w, f, out)
	case typeItemX:
		c.itemXIn(now, w, f, out)
	case typePull:
		c.pull(w, f.seq, int(f.n), out)
	case typeIPart:
		c.iPart(now, w, f, out)
	}
}

func be64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

func sortAddrs(ws []common.Address) {
	slices.SortFunc(ws, func(a, b common.Address) int { return bytes.Compare(a[:], b[:]) })
}
