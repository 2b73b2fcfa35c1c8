package relay

import (
	"cmp"
	"encoding/binary"
	"io"
	"math"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
)

// RelayPort is the overlay port the relay cores talk on.
const RelayPort = 4300

// Roles are what a node does beyond being an endpoint (every node is
// one: it meters what reaches it through Edges and signs receipts).
type Roles uint8

const (
	RoleEdge     Roles = 1 << iota // relays for others, collects receipts
	RoleWatchDog                   // probes Edges
	RoleGuardian                   // scores epochs and commits credits
)

// CoreConfig configures a Core.
type CoreConfig struct {
	Wallet pay.Wallet
	Roles  Roles
	// Epoch is the length of an epoch; zero means an hour. Epoch n runs
	// from n*Epoch to (n+1)*Epoch since the Unix epoch.
	Epoch time.Duration
	// Grace: Edges and WatchDogs hand in an epoch's evidence between one
	// and one and a half Graces after it ends, and send it again every Grace until each
	// Guardian acknowledges it; Guardians settle three Graces after the
	// end (what comes later is lost to its sender). Zero means a tenth of
	// Epoch.
	Grace time.Duration
	// Guardians receive Edges' receipts and WatchDogs' probe results.
	Guardians []common.Address
	// Params are the scoring rules (Guardians).
	Params Params
	// ReceiptEvery: bytes between receipts; zero means DefaultReceiptEvery.
	ReceiptEvery uint64

	// WatchDogs: the Edges to probe, ProbesPerEpoch times each at random
	// moments, with flows to ProbePartner (a host the WatchDog's operator
	// runs, which echoes them like any request/response flow) of sizes
	// drawn like ordinary flows; a probe not echoed whole within
	// ProbeTimeout (zero: 5 s) is unanswered.
	Edges          []common.Address
	ProbePartner   common.Address
	ProbesPerEpoch int
	ProbeTimeout   time.Duration
	// FlowBytes is the range of probe sizes, drawn log-uniform like the
	// network's ordinary flows; zero means 2 KiB to 128 KiB.
	FlowBytes [2]int
	// ProbeFor, when set, makes this core a WatchDog's probe identity
	// for epoch ProbeEpoch: Wallet is a fresh per-epoch probe wallet the
	// flows come from (and that signs the receipts any endpoint signs),
	// it probes in that epoch only, and its results are signed by
	// ProbeFor and handed in by ProbeFor's own core (Record), never by
	// this one (ServiceConfig.ProbeNode runs this).
	ProbeFor   pay.Wallet
	ProbeEpoch uint64

	Store service.Store
	Rand  io.Reader
}

// Commands and events of a Core.
type (
	// Send starts a flow of Bytes bytes to To through the Edge Via; with
	// Echo the receiver sends it back (a request/response flow). The
	// result is the flow's id (uint64).
	Send struct {
		Via, To common.Address
		Bytes   int
		Echo    bool
	}
	// Delivered: Bytes of flow Flow from From reached this endpoint
	// through Edge, in Epoch.
	Delivered struct {
		Edge, From common.Address
		Flow       uint64
		Bytes      int
		Epoch      uint64
	}
	// Probed: this WatchDog's signed result of one probe; From is the
	// wallet its flows came from (the WatchDog's own, or a probe
	// wallet).
	Probed struct {
		Probe Probe
		From  common.Address
	}
	// Record hands a WatchDog's core a result its probe identity of the
	// epoch made (CoreConfig.ProbeFor): it is handed in with the others,
	// and From goes into the epoch's signed ProbeWallets.
	Record struct {
		Probe Probe
		From  common.Address
	}
	// Settled: this Guardian's scores and commitment of an epoch, and the
	// evidence it scored (what it publishes).
	Settled struct {
		Evidence   Evidence
		Scores     Scores
		Commitment Commitment
	}
)

// chunk is the most payload bytes of one data frame.
const chunk = 16 << 10

// Core is the relay protocol of one node, with no I/O (apps/service).
type Core struct {
	cfg  CoreConfig
	self common.Address

	// endpoint: a meter per (edge, flow, epoch), and per direction of a
	// session through a router (linkmeter.go).
	meters     map[meterKey]*Meter
	linkMeters map[linkMeterKey]*linkMeter
	// endpoint: the routers each routed peer reaches this host through
	// (its frameRouters, kept in the store), what this host told each
	// peer since the peer's connection last went down (the routers'
	// addresses, concatenated), and the receipts of the sample under
	// way, by router (linkmeter.go).
	peerRouters map[common.Address][]common.Address
	told        map[common.Address]string
	linkOut     map[common.Address][]Receipt
	finals      map[common.Address][]Receipt // the latest ended epoch's last receipts, by router
	linkSampled bool                         // a link meter sample came since Start
	// edge: receipts kept per epoch, and the epochs handed in.
	collectors map[uint64]*Collector
	submitted  map[uint64]bool
	// watchdog
	planned map[uint64]bool
	probes  []*probeRun // pending, by due time
	results map[uint64][]Probe
	seq     uint64
	// wallets: the probe wallets of each epoch's recorded results.
	wallets map[uint64]map[common.Address]bool
	// edge and watchdog: batches for Guardians, kept until acknowledged.
	outbox map[outKey]*outItem
	// guardian: the batches received per epoch, by kind and sender.
	batches map[uint64]map[batchKey][]byte
	settled map[uint64]bool
	// guardian: the standings its latest settled epoch ended with.
	standing      []Standing
	standingEpoch uint64
	// guardian: stake snapshots handed in (Stakes) and when each epoch's
	// was last asked for (WantStakes), by epoch (stakes.go).
	stakes      map[uint64]StakeSnapshot
	stakesAsked map[uint64]time.Time
}

type outKey struct {
	guardian common.Address
	kind     byte
	epoch    uint64
}

// outItem is a batch for a Guardian: at is when to send it again if no
// acknowledgement has come by then.
type outItem struct {
	frame []byte
	at    time.Time
}

type batchKey struct {
	kind byte
	by   common.Address
}

// retryAfter is how long an Edge or WatchDog waits to send a batch again
// after the Guardian's connection failed; unacknowledged, it sends it
// again every grace.
const retryAfter = time.Second

type meterKey struct {
	edge  common.Address
	flow  uint64
	epoch uint64
}

// probeRun is one probe of a WatchDog.
type probeRun struct {
	edge   common.Address
	epoch  uint64
	seq    uint64
	due    time.Time // when to send it
	sentAt time.Time // zero until sent; the timeout runs from here
	size   int
	// tries are the probe's flows, one per send: the first, and one more
	// each time the connection to the Edge was lost (Down) before the
	// probe was answered, at most maxProbeTries; the probe is answered
	// when any of them comes back whole.
	tries []probeTry
	// resend: the connection to the Edge was lost; send again at
	// resendAt.
	resend   bool
	resendAt time.Time
}

type probeTry struct {
	flow uint64
	at   time.Time // sent
	got  int       // bytes echoed
}

// maxProbeTries bounds the sends of one probe; a send follows the one
// before by at least retryAfter or a fifth of the probe's timeout,
// whichever is less.
const maxProbeTries = 3

var _ service.Core = (*Core)(nil)

// NewCore returns the core of cfg.Wallet.
func NewCore(cfg CoreConfig) *Core {
	if cfg.Epoch == 0 {
		cfg.Epoch = time.Hour
	}
	if cfg.Grace == 0 {
		cfg.Grace = cfg.Epoch / 10
	}
	if cfg.ProbeTimeout == 0 {
		cfg.ProbeTimeout = 5 * time.Second
	}
	if cfg.FlowBytes[0] <= 0 || cfg.FlowBytes[1] < cfg.FlowBytes[0] {
		cfg.FlowBytes = [2]int{2 << 10, 128 << 10}
	}
	return &Core{cfg: cfg, self: cfg.Wallet.Address()}
}

func (c *Core) epochOf(t time.Time) uint64 { return uint64(t.UnixNano() / int64(c.cfg.Epoch)) }

func (c *Core) epochEnd(e uint64) time.Time { return time.Unix(0, int64(e+1)*int64(c.cfg.Epoch)) }

func (c *Core) grace() time.Duration { return c.cfg.Grace }

// handIn is when this node hands in its evidence of epoch e: one grace
// after the epoch ends (which lets the endpoints' last receipts arrive)
// and up to half a grace more, at a moment its wallet and the epoch
// decide, so that Guardians are not met by every Edge at once.
func (c *Core) handIn(e uint64) time.Time {
	h := crypto.Keccak256(c.self[:], binary.BigEndian.AppendUint64(nil, e))
	half := c.grace() / 2
	return c.epochEnd(e).Add(c.grace() + time.Duration(binary.BigEndian.Uint64(h)%uint64(max(half, 1))))
}

// Handle implements service.Core.
func (c *Core) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Start:
		c.start()
	case service.Frame:
		c.frame(now, in.Peer, in.Frame, out)
	case service.Down:
		c.linkDown(in.Peer)
		for k, it := range c.outbox {
			if k.guardian == in.Peer && now.Add(retryAfter).Before(it.at) {
				it.at = now.Add(retryAfter)
			}
		}
		for _, p := range c.probes {
			if p.edge == in.Peer && !p.sentAt.IsZero() && !p.resend && len(p.tries) < maxProbeTries {
				p.resend, p.resendAt = true, p.tries[len(p.tries)-1].at.Add(min(retryAfter, c.cfg.ProbeTimeout/5))
			}
		}
	case service.Command:
		switch cmd := in.Cmd.(type) {
		case Send:
			out.Result = c.send(cmd, out)
		case LinkCounts:
			c.linkCounts(now, cmd, out)
		case Record:
			c.record(cmd, out)
		case Stakes:
			c.takeStakes(cmd)
		}
	}
	c.tick(now, out)
}

// Store keys: "r" epoch endpoint session → a receipt an Edge holds;
// "s" epoch → an epoch the Edge handed in; "o" guardian kind epoch → a
// batch not yet acknowledged; "g" epoch kind sender → a batch a Guardian
// holds; "d" epoch → an epoch it settled; "t" → the standings of its
// latest settled epoch (that epoch, then Edge and strikes per Edge);
// "p" peer → the routers a routed peer named (frameRouters).
func (c *Core) start() {
	c.meters = map[meterKey]*Meter{}
	c.linkMeters = map[linkMeterKey]*linkMeter{}
	c.peerRouters = map[common.Address][]common.Address{}
	c.told = map[common.Address]string{}
	c.linkOut, c.finals = nil, nil
	c.loadPeerRouters()
	c.linkSampled = false
	c.collectors = map[uint64]*Collector{}
	c.submitted = map[uint64]bool{}
	c.planned = map[uint64]bool{}
	c.results = map[uint64][]Probe{}
	c.wallets = map[uint64]map[common.Address]bool{}
	c.outbox = map[outKey]*outItem{}
	c.batches = map[uint64]map[batchKey][]byte{}
	c.settled = map[uint64]bool{}
	c.stakes, c.stakesAsked = map[uint64]StakeSnapshot{}, map[uint64]time.Time{}
	c.probes = nil
	st := c.cfg.Store
	_ = st.Scan([]byte("s"), func(k, _ []byte) bool {
		c.submitted[binary.BigEndian.Uint64(k[1:])] = true
		return true
	})
	_ = st.Scan([]byte("r"), func(_, v []byte) bool {
		var r Receipt
		if r.UnmarshalBinary(v) == nil && !c.submitted[r.Epoch] {
			_ = c.collector(r.Epoch).Add(r)
		}
		return true
	})
	_ = st.Scan([]byte("o"), func(k, v []byte) bool {
		ok := outKey{common.BytesToAddress(k[1:21]), k[21], binary.BigEndian.Uint64(k[22:])}
		c.outbox[ok] = &outItem{frame: slices.Clone(v), at: time.Unix(0, 1)} // resend now
		return true
	})
	_ = st.Scan([]byte("g"), func(k, v []byte) bool {
		c.batch(binary.BigEndian.Uint64(k[1:]))[batchKey{k[9], common.BytesToAddress(k[10:30])}] = slices.Clone(v)
		return true
	})
	_ = st.Scan([]byte("d"), func(k, _ []byte) bool {
		c.settled[binary.BigEndian.Uint64(k[1:])] = true
		return true
	})
	c.standing, c.standingEpoch = nil, 0
	if v, err := st.Get([]byte("t")); err == nil && len(v) >= 8 && (len(v)-8)%standingSize == 0 {
		c.standingEpoch = binary.BigEndian.Uint64(v)
		for at := 8; at < len(v); at += standingSize {
			c.standing = append(c.standing, Standing{Edge: common.BytesToAddress(v[at : at+20]), Strikes: binary.BigEndian.Uint64(v[at+20:])})
		}
	}
}

// standingSize is one Standing as stored and published: the Edge and
// its strikes.
const standingSize = 20 + 8

func (c *Core) collector(epoch uint64) *Collector {
	col := c.collectors[epoch]
	if col == nil {
		col = &Collector{Edge: c.self, Epoch: epoch}
		c.collectors[epoch] = col
	}
	return col
}

func (c *Core) randU64() uint64 {
	var b [8]byte
	_, _ = io.ReadFull(c.cfg.Rand, b[:])
	return binary.BigEndian.Uint64(b[:])
}

// send starts a flow and returns its id.
func (c *Core) send(s Send, out *service.Effects) uint64 {
	flow := c.randU64()
	var flags byte
	if s.Echo {
		flags = flagEcho
	}
	c.sendFlow(s.Via, s.To, flow, flags, s.Bytes, out)
	return flow
}

func (c *Core) sendFlow(via, to common.Address, flow uint64, flags byte, size int, out *service.Effects) {
	payload := make([]byte, chunk)
	for size > 0 {
		n := min(size, chunk)
		out.To(via, dataFrame{kind: frameData, flow: flow, peer: to, flags: flags, payload: payload[:n]}.encode())
		size -= n
	}
}

func (c *Core) frame(now time.Time, peer common.Address, b []byte, out *service.Effects) {
	if len(b) == 0 {
		return
	}
	switch b[0] {
	case frameData:
		f, err := decodeData(b)
		if err != nil || c.cfg.Roles&RoleEdge == 0 || f.peer == peer {
			return
		}
		out.To(f.peer, dataFrame{kind: frameRelayed, flow: f.flow, peer: peer, flags: f.flags, payload: f.payload}.encode())
	case frameRelayed:
		f, err := decodeData(b)
		if err != nil {
			return
		}
		c.delivered(now, peer, f, out)
	case frameReceipt:
		var r Receipt
		if c.cfg.Roles&RoleEdge == 0 || r.UnmarshalBinary(b[1:]) != nil || r.Endpoint != peer {
			return
		}
		c.collect(r, out)
	case frameLinkReceipts:
		rs, err := decodeLinkReceipts(b, c.self, peer)
		if c.cfg.Roles&RoleEdge == 0 || err != nil {
			return
		}
		for _, r := range rs {
			c.collect(r, out)
		}
	case frameSubmit, frameProbes, frameWallets:
		epoch, ok := c.batchEpoch(peer, b)
		if !ok || c.cfg.Roles&RoleGuardian == 0 {
			return
		}
		out.To(peer, binary.BigEndian.AppendUint64([]byte{frameAck, b[0]}, epoch))
		if c.settled[epoch] {
			return
		}
		c.batch(epoch)[batchKey{b[0], peer}] = slices.Clone(b)
		k := binary.BigEndian.AppendUint64([]byte("g"), epoch)
		out.Put(append(append(k, b[0]), peer[:]...), slices.Clone(b))
	case frameRouters:
		c.routersOf(peer, b, out)
	case frameAck:
		if len(b) != 1+1+8 {
			return
		}
		k := outKey{peer, b[1], binary.BigEndian.Uint64(b[2:])}
		if _, ok := c.outbox[k]; ok {
			delete(c.outbox, k)
			out.Del(outStoreKey(k))
		}
	}
}

// collect keeps an endpoint's receipt (an Edge), and stores it if it
// counts more than the one kept before.
func (c *Core) collect(r Receipt, out *service.Effects) {
	if c.submitted[r.Epoch] {
		return
	}
	col := c.collector(r.Epoch)
	before := col.latest[collectKey{r.Endpoint, r.Session}].Bytes
	if col.Add(r) == nil && r.Bytes > before {
		k := binary.BigEndian.AppendUint64([]byte("r"), r.Epoch)
		k = binary.BigEndian.AppendUint64(append(k, r.Endpoint[:]...), r.Session)
		v, _ := r.MarshalBinary()
		out.Put(k, v)
	}
}

// delivered meters relayed bytes, echoes them if asked, and completes a
// WatchDog's probe.
func (c *Core) delivered(now time.Time, edge common.Address, f dataFrame, out *service.Effects) {
	n := len(f.payload)
	k := meterKey{edge, f.flow, c.epochOf(now)}
	m := c.meters[k]
	if m == nil {
		m = &Meter{Wallet: c.cfg.Wallet, Edge: edge, Epoch: k.epoch, Session: f.flow, Every: c.cfg.ReceiptEvery}
		c.meters[k] = m
	}
	if r, err := m.Delivered(n); err == nil && r != nil {
		c.sendReceipt(edge, r, out)
	}
	out.Emit(Delivered{Edge: edge, From: f.peer, Flow: f.flow, Bytes: n, Epoch: k.epoch})
	if f.flags&flagEcho != 0 {
		out.To(edge, dataFrame{kind: frameData, flow: f.flow, peer: f.peer, payload: f.payload}.encode())
	}
	for _, p := range c.probes {
		if i := slices.IndexFunc(p.tries, func(t probeTry) bool { return t.flow == f.flow }); i >= 0 && p.edge == edge {
			if p.tries[i].got += n; p.tries[i].got >= p.size {
				c.probeDone(now, p, true, out)
			}
			break
		}
	}
}

func (c *Core) sendReceipt(edge common.Address, r *Receipt, out *service.Effects) {
	b, _ := r.MarshalBinary()
	out.To(edge, append([]byte{frameReceipt}, b...))
}

// record keeps a result of this WatchDog's probe identity (Record).
func (c *Core) record(r Record, out *service.Effects) {
	if c.cfg.Roles&RoleWatchDog == 0 || r.Probe.WatchDog != c.self || r.Probe.Verify() != nil {
		return
	}
	c.results[r.Probe.Epoch] = append(c.results[r.Probe.Epoch], r.Probe)
	if r.From != c.self {
		if c.wallets[r.Probe.Epoch] == nil {
			c.wallets[r.Probe.Epoch] = map[common.Address]bool{}
		}
		c.wallets[r.Probe.Epoch][r.From] = true
	}
	out.Emit(Probed(r))
}

// flowSize draws a probe's size, log-uniform in cfg.FlowBytes.
func (c *Core) flowSize() int {
	lo, hi := float64(c.cfg.FlowBytes[0]), float64(c.cfg.FlowBytes[1])
	u := float64(c.randU64()>>11) / (1 << 53)
	return int(lo * math.Pow(hi/lo, u))
}

// tick does what is due at now and asks for the next deadline.
func (c *Core) tick(now time.Time, out *service.Effects) {
	cur := c.epochOf(now)
	out.Wake(c.epochEnd(cur))

	// Endpoint: the last receipts of ended epochs, in a fixed order.
	var ended []meterKey
	for k := range c.meters {
		if k.epoch < cur {
			ended = append(ended, k)
		}
	}
	slices.SortFunc(ended, func(a, b meterKey) int {
		return cmp.Or(cmp.Compare(a.edge.Hex(), b.edge.Hex()), cmp.Compare(a.flow, b.flow), cmp.Compare(a.epoch, b.epoch))
	})
	for _, k := range ended {
		if m := c.meters[k]; m.bytes > m.signedAt {
			if r, err := m.Receipt(); err == nil {
				c.sendReceipt(k.edge, r, out)
			}
		}
		delete(c.meters, k)
	}

	// Edge: hand in the receipts of ended epochs.
	if c.cfg.Roles&RoleEdge != 0 {
		for _, e := range sortedKeys(c.collectors) {
			if c.submitted[e] {
				continue
			}
			due := c.handIn(e)
			if now.Before(due) {
				out.Wake(due)
				continue
			}
			var items [][]byte
			for _, s := range c.collectors[e].Submissions() {
				b, _ := s.MarshalBinary()
				items = append(items, b)
			}
			slices.SortFunc(items, func(a, b []byte) int { return cmp.Compare(string(a), string(b)) })
			c.post(now, frameSubmit, e, items, out)
			c.submitted[e] = true
			delete(c.collectors, e)
			c.forget(binary.BigEndian.AppendUint64([]byte("r"), e), out)
			out.Put(binary.BigEndian.AppendUint64([]byte("s"), e), nil)
		}
	}

	if c.cfg.Roles&RoleWatchDog != 0 {
		c.watch(now, cur, out)
	}

	// Batches not acknowledged in time, sent again.
	var again []outKey
	for k := range c.outbox {
		again = append(again, k)
	}
	slices.SortFunc(again, func(a, b outKey) int {
		return cmp.Or(a.guardian.Cmp(b.guardian), cmp.Compare(a.kind, b.kind), cmp.Compare(a.epoch, b.epoch))
	})
	for _, k := range again {
		it := c.outbox[k]
		if !now.Before(it.at) {
			it.at = now.Add(c.grace())
			out.To(k.guardian, it.frame)
		}
		out.Wake(it.at)
	}

	// Guardian: settle epochs three graces after they end.
	if c.cfg.Roles&RoleGuardian != 0 {
		for _, e := range sortedKeys(c.batches) {
			due := c.epochEnd(e).Add(3 * c.grace())
			if c.settled[e] {
				continue
			}
			if now.Before(due) {
				out.Wake(due)
				continue
			}
			ev := c.evidenceOf(e)
			if !c.stakesFor(now, &ev, out) {
				continue
			}
			if c.standingEpoch < e {
				ev.Prior = c.standing
			}
			s := Compute(ev, c.cfg.Params)
			if e > c.standingEpoch {
				c.standing, c.standingEpoch = s.Standings, e
				v := binary.BigEndian.AppendUint64(nil, e)
				for _, st := range s.Standings {
					v = binary.BigEndian.AppendUint64(append(v, st.Edge[:]...), st.Strikes)
				}
				out.Put([]byte("t"), v)
			}
			out.Emit(Settled{Evidence: ev, Scores: s, Commitment: Commit(s)})
			c.settled[e] = true
			delete(c.batches, e)
			c.forget(binary.BigEndian.AppendUint64([]byte("g"), e), out)
			out.Put(binary.BigEndian.AppendUint64([]byte("d"), e), nil)
		}
	}
}

// forget deletes the stored keys under prefix.
func (c *Core) forget(prefix []byte, out *service.Effects) {
	_ = c.cfg.Store.Scan(prefix, func(k, _ []byte) bool {
		out.Del(slices.Clone(k))
		return true
	})
}

func sortedKeys[V any](m map[uint64]V) []uint64 {
	keys := make([]uint64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
