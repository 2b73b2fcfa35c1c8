package content

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// CoreConfig configures a Core. Zero values mean the documented defaults.
type CoreConfig struct {
	// Self is the node's wallet; required.
	Self common.Address
	// Store holds shares, grants, progress and holders; required.
	Store service.Store
	// Blobs holds the bytes; required.
	Blobs Blobs
	// Rand seeds request numbers; required.
	Rand io.Reader
	// RangeSize is the bytes one Get asks for, a multiple of GroupSize
	// up to MaxRange. Zero means 256 KiB.
	RangeSize int64
	// Window is the Gets in flight per provider per download. Zero
	// means 8.
	Window int
	// RequestTimeout drops a provider that has answered nothing for
	// this long while a Get of ours was out (a provider that answers,
	// however slowly, is not dropped: a publisher many download from at
	// once answers each Get late but steadily). Zero
	// means 30 s.
	RequestTimeout time.Duration
	// Serve makes what this node downloads from a public share public
	// here too (a mirror or cache), announced to the publisher.
	Serve bool
	// CacheBytes caps the bytes of downloaded blobs kept (cache.go):
	// past it the least recently used, not pinned and not shared, are
	// deleted. Zero keeps everything.
	CacheBytes int64
	// Sign, if set, signs (EIP-191, as transport.Signer.SignText) the
	// mirror lists this node answers to Who for the blobs it publishes;
	// it must sign for Self. Nil answers with an unsigned Providers.
	Sign func(text []byte) ([]byte, error)
	// Alloc, if set, returns a buffer of n bytes for a Data frame (the
	// driver may recycle sent frames, as the runner's Frames does).
	// Nil allocates.
	Alloc func(n int) []byte
}

// Core is the content protocol with no I/O (service.Core): it serves
// ranges of the blobs it may give to the asking wallet, lists shares,
// keeps the holders publishers are told about, and runs downloads that
// take ranges from several providers at once and verify every one.
type Core struct {
	cfg    CoreConfig
	st     service.Store
	blobs  Blobs
	nextRq uint32
	rng    *rand.Rand // orders the holders a publisher names (holders)

	fetches []*fetch        // in start order
	reqs    map[uint32]*req // Gets in flight
	asks    map[uint32]ask  // Lists and Whos in flight
	cache   map[ID]*cached  // downloaded blobs (cache.go)
	pins    map[ID]bool
	held    []held // Gets waiting for ranges on their way (core_partial.go)
	stats   Stats
	scratch []byte   // a verified range, on its way to Blobs
	parts   [][]byte // a verified range's pieces of its frame (vecWriter)
}

// ask is a List or Who awaiting its answer.
type ask struct {
	peer  common.Address
	fetch ID // for a Who
}

// Stats are a core's counters.
type Stats struct {
	Served       int64 `json:"served"`        // bytes of ranges served
	Fetched      int64 `json:"fetched"`       // verified bytes received
	Wasted       int64 `json:"wasted"`        // duplicate bytes received (endgame)
	Late         int64 `json:"late"`          // bytes of answers to Gets no longer awaited
	Corrupt      int64 `json:"corrupt"`       // ranges that failed verification
	Dropped      int64 `json:"dropped"`       // providers dropped
	Denied       int64 `json:"denied"`        // Gets refused
	Completed    int64 `json:"completed"`     // downloads finished
	Verified     int64 `json:"verified"`      // groups verified
	FirstByteSum int64 `json:"first_byte_ns"` // sum of times to first verified byte
	Evicted      int64 `json:"evicted"`       // cached blobs deleted to fit the cap
	Forged       int64 `json:"forged"`        // mirror lists refused (Verify)
	Mirrored     int64 `json:"mirrored"`      // providers added from signed mirror lists
	Readmitted   int64 `json:"readmitted"`    // providers back after a back-off (dropped for lateness)
}

var _ service.Core = (*Core)(nil)

// NewCore makes a core over its stores.
func NewCore(cfg CoreConfig) (*Core, error) {
	if cfg.Store == nil || cfg.Blobs == nil || cfg.Rand == nil {
		return nil, errors.New("content: Store, Blobs and Rand are required")
	}
	if cfg.RangeSize == 0 {
		cfg.RangeSize = 256 << 10
	}
	if cfg.RangeSize%GroupSize != 0 || cfg.RangeSize > MaxRange || cfg.RangeSize <= 0 {
		return nil, fmt.Errorf("content: RangeSize %d is not a multiple of %d up to %d", cfg.RangeSize, GroupSize, MaxRange)
	}
	if cfg.Window == 0 {
		cfg.Window = 8
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	var seed [20]byte
	if _, err := io.ReadFull(cfg.Rand, seed[:]); err != nil {
		return nil, fmt.Errorf("content: seed: %w", err)
	}
	rng := rand.New(rand.NewPCG(binary.BigEndian.Uint64(seed[4:]), binary.BigEndian.Uint64(seed[12:])))
	return &Core{cfg: cfg, st: cfg.Store, blobs: cfg.Blobs, nextRq: binary.BigEndian.Uint32(seed[:]), rng: rng,
		reqs: map[uint32]*req{}, asks: map[uint32]ask{}, cache: map[ID]*cached{}, pins: map[ID]bool{}}, nil
}

// alloc returns a buffer for a frame of n bytes.
func (c *Core) alloc(n int) []byte {
	if c.cfg.Alloc != nil {
		return c.cfg.Alloc(n)
	}
	return make([]byte, n)
}

// Handle implements service.Core.
func (c *Core) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Start:
		c.start(now, out)
	case service.Frame:
		m, err := decode(in.Frame)
		if err != nil {
			out.Hangup = append(out.Hangup, in.Peer) // a peer that speaks garbage
			return
		}
		c.frame(now, in.Peer, m, out)
	case service.Down:
		c.down(now, in.Peer, out)
	case service.Timer:
		c.timer(now, out)
	case service.Command:
		c.command(now, in.Cmd, out)
	}
	c.wake(now, out)
}

func (c *Core) frame(now time.Time, peer common.Address, m msg, out *service.Effects) {
	switch m.typ {
	case msgGet:
		c.serveGet(now, peer, m, out)
	case msgList:
		c.serveList(peer, m, out)
	case msgHave:
		c.recordHave(peer, m, out)
	case msgWho:
		c.serveWho(now, peer, m, out)
	case msgWant:
		c.fill(now, peer, m, out)
	case msgFail:
		if m.code == failCancel { // a Get of peer's withdrawn, not an answer
			c.withdrawHeld(peer, m.req)
			return
		}
		c.answer(now, peer, m, out)
	case msgData:
		c.answer(now, peer, m, out)
	case msgListing:
		if a, ok := c.asks[m.req]; ok && a.peer == peer {
			delete(c.asks, m.req)
			out.Emit(Event{Kind: EventListing, Peer: peer, Req: m.req, Entries: m.entries})
		}
	case msgMirrors:
		if a, ok := c.asks[m.req]; ok && a.peer == peer {
			delete(c.asks, m.req)
			if f := c.find(a.fetch); f != nil {
				if err := m.mirrors.Verify(f.ownerOf(peer), f.id, now); err != nil {
					c.stats.Forged++
					out.Emit(Event{Kind: EventDropped, ID: f.id, Peer: peer, Err: err})
					return
				}
				for _, w := range m.mirrors.Mirrors {
					if w != c.cfg.Self {
						c.stats.Mirrored++
					}
				}
				c.holders(f, m.mirrors.Mirrors)
				c.pump(now, f, out)
			}
		}
	case msgProviders:
		if a, ok := c.asks[m.req]; ok && a.peer == peer {
			delete(c.asks, m.req)
			if f := c.find(a.fetch); f != nil {
				c.holders(f, m.wallets)
				c.pump(now, f, out)
			}
		}
	}
}

// holders adds the holders a publisher named to f in a random order:
// every downloader hears the same list, and providers not measured yet
// are asked in the order they were added, so without it every
// downloader would ask the first few holders and none of the rest.
// A download that failed for want of providers resumes when a holder
// is new or revived.
func (c *Core) holders(f *fetch, ws []common.Address) {
	ws = slices.Clone(ws)
	c.rng.Shuffle(len(ws), func(i, j int) { ws[i], ws[j] = ws[j], ws[i] })
	for _, w := range ws {
		if w != c.cfg.Self && !f.isSplit(w) { // one asked at its instances stays so
			p, added := f.addProvider(w, false)
			if !f.isOrigin(p) {
				p.holder = true
			}
			if added {
				f.failed = false
			}
		}
	}
}

// req makes a new request number.
func (c *Core) req() uint32 {
	c.nextRq++
	return c.nextRq
}

// wake asks for the earliest request deadline, and for the moment a
// range in flight becomes overdue, so the endgame asks a measured
// provider for it too (copyAt).
func (c *Core) wake(now time.Time, out *service.Effects) {
	for _, f := range c.fetches {
		c.wakeFetch(now, f, out)
	}
	for _, r := range c.reqs {
		out.Wake(r.due(c.cfg.RequestTimeout))
		if r.r >= 0 && r.p.lat > 0 && len(r.f.queue) == 0 {
			if lat := quickest(r.f); lat > 0 {
				if at := r.sent.Add(overdue(r, lat)); at.After(now) {
					out.Wake(at)
				}
			}
		}
	}
}

// quickest is the lowest latency of f's live providers; 0 if none is
// measured.
func quickest(f *fetch) time.Duration {
	var lat time.Duration
	for _, p := range f.provs {
		if p.dropped == nil && p.lat > 0 && (lat == 0 || p.lat < lat) {
			lat = p.lat
		}
	}
	return lat
}

// due is when r's provider is late: timeout after r was sent or after
// the provider's last answer, whichever is later.
func (r *req) due(timeout time.Duration) time.Time {
	t := r.sent
	if r.p.last.After(t) {
		t = r.p.last
	}
	return t.Add(timeout)
}

// timer drops providers whose requests are late, oldest request first.
func (c *Core) timer(now time.Time, out *service.Effects) {
	var late []uint32
	for n, r := range c.reqs {
		if !now.Before(r.due(c.cfg.RequestTimeout)) {
			late = append(late, n)
		}
	}
	slices.Sort(late)
	for _, n := range late {
		if r, ok := c.reqs[n]; ok {
			c.drop(now, r.f, r.p, ErrTimeout, out)
		}
	}
	for _, f := range slices.Clone(c.fetches) { // the endgame's copies, back-offs, Whos (wake)
		if f.size != 0 && c.find(f.id) == f {
			c.pump(now, f, out)
		}
	}
}

// down drops an unreachable wallet from every download.
func (c *Core) down(now time.Time, peer common.Address, out *service.Effects) {
	c.forgetHeld(peer)
	for _, f := range c.fetches {
		if p := f.provider(peer); p != nil && p.dropped == nil {
			c.drop(now, f, p, ErrUnreachable, out)
		}
	}
	for n, a := range c.asks {
		if a.peer == peer {
			delete(c.asks, n)
			out.Emit(Event{Kind: EventListing, Peer: peer, Req: n, Err: ErrUnreachable})
		}
	}
}

// Store keys.
var (
	keyShare  = []byte("s/") // s/<name> → share
	keyGrant  = []byte("g/") // g/<id>/<* or wallet> → ""
	keyFetch  = []byte("f/") // f/<id> → progress
	keyHolder = []byte("h/") // h/<id>/<wallet> → u64 size
)

func grantKey(id ID, w *common.Address) []byte {
	k := append(append(slices.Clone(keyGrant), id[:]...), '/')
	if w == nil {
		return append(k, '*')
	}
	return append(k, w[:]...)
}

func holderKey(id ID, w common.Address) []byte {
	return append(append(append(slices.Clone(keyHolder), id[:]...), '/'), w[:]...)
}

func fetchKey(id ID) []byte { return append(slices.Clone(keyFetch), id[:]...) }

// may says whether peer may read blob id here.
func (c *Core) may(peer common.Address, id ID) bool {
	if peer == c.cfg.Self {
		return true
	}
	if _, err := c.st.Get(grantKey(id, nil)); err == nil {
		return true
	}
	_, err := c.st.Get(grantKey(id, &peer))
	return err == nil
}

// public says whether blob id is public here.
func (c *Core) public(id ID) bool {
	_, err := c.st.Get(grantKey(id, nil))
	return err == nil
}
