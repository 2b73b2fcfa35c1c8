package content

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// The downloader (one fetch per blob):
//
//  1. Size unknown: Get(n = 0) from the first provider brings the last
//     group, whose slice proves the size. Known sizes (from a verified
//     collection) skip this.
//  2. The blob is cut into ranges of RangeSize; missing ones queue in
//     order. Providers, fastest measured first, each keep up to Window
//     Gets in flight; the one that answers asks for the next range, so
//     faster providers carry more of the blob.
//  3. Every answer is verified against the ID before a byte is written
//     (Bao slice). A range that fails drops its provider (counted in
//     Stats.Corrupt, EventDropped with ErrCorrupt) and queues again.
//     A provider silent for RequestTimeout with a Get out, refusals and
//     lost connections drop a provider too; providers can be added at
//     any time, and one dropped for lateness comes back after a
//     back-off (core_providers.go, with the origin's shield).
//  4. When the queue is empty, a range still in flight is asked of a
//     quicker provider too once that copy would arrive in half the
//     time the original still needs, or the original is overdue
//     (endgame, copyAt: both providers measured by latency after their
//     first answer); the first verified copy wins. Holders a publisher
//     names are taken in a random order, so downloaders spread over
//     them.
//  5. Progress (the done ranges) is stored with the first verified
//     range, then once progressEvery ranges and progressBytes bytes
//     are written since the last record, so a restarted node resumes
//     where it was, less at most that much. A record is a hint, written
//     Lazy (service.Write): a runner applies the writes of an input
//     before it sends that input's Gets, and a synced record held the
//     download up for a sync of the disk each time (5 syncs in 64 MiB,
//     up to 0.5 s on a busy disk, where a stream waits for none); a
//     crash may lose the last records, never order them wrong, and the
//     next synced write makes them durable; the records a download ends
//     with are lazy too unless it announces itself as a holder (lazy). No
//     record is written before the first range: a download that has
//     verified nothing has nothing to resume (a Fetch asks again).
//     At the end, a blob whose every range was verified by this
//     core is complete with the outboard assembled from the ranges'
//     parents (verifyRange); one resumed from a record (whose bytes a
//     crash may have lost) is hashed once more (Blobs.Finish).

const (
	progressEvery = 4
	progressBytes = 16 << 20
)

type fetch struct {
	id        ID
	size      int64 // -1 until proven
	public    bool
	done      []bool
	copies    []uint8 // Gets in flight per range
	ndone     int
	queue     []int
	provs     []*prov
	unsaved   int   // ranges written since the last record
	unsavedB  int64 // and their bytes
	recorded  bool  // a progress record is stored
	started   time.Time
	firstByte bool
	// ttfb is the time to the first answer: a new connection and a
	// Get, what a provider not measured yet is given (copyAt).
	ttfb   time.Duration
	failed bool
	fill   bool // started by a Want (fill)
	// who: the first provider (the origin) is asked for holders, again
	// at whoAt while too few are live (core_providers.go).
	who   bool
	whoAt time.Time
	// ob is the outboard assembled from the verified slices, when
	// every range is fetched by this core (not resumed from a record):
	// then Finish need not hash the blob again (finishWith).
	ob []byte
}

// maxAssembled bounds an outboard assembled in memory (a blob of
// 4 GiB); larger blobs are hashed again when complete.
const maxAssembled = 16 << 20

// verifiedFinisher is a Blobs that completes a blob whose every range
// was verified as it was written, with the outboard assembled from the
// ranges' slices, instead of hashing it again.
type verifiedFinisher interface {
	finishWith(id ID, outboard []byte) error
}

type prov struct {
	w        common.Address // where its Gets go: a wallet, or an instance (InstancePeer)
	owner    common.Address // its wallet (w, or the instance's)
	inflight int
	bytes    int64
	rate     float64       // bytes per second, smoothed
	lat      time.Duration // from a Get to its answer, smoothed; 0 until measured (copyAt)
	first    time.Time     // its first answer
	last     time.Time
	dropped  error
	holder   bool          // named by the origin's Who answer
	cache    bool          // a cache on the path the download named (FetchCmd.Caches)
	retry    time.Time     // dropped for lateness: back then (core_providers.go)
	backoff  time.Duration // the last back-off
	strikes  int           // drops for lateness since its last answer
}

// lateAfter: a Get out for lateAfter times its provider's latency is
// overdue (copyAt).
const lateAfter = 4

// copyAt says whether p should be asked too for the range of q, in
// flight once elsewhere, at now: both providers are measured, and a
// copy would arrive in half the time the original is still expected to
// take, or the original is overdue. Latencies are compared, not rates:
// a rate from answers arriving back to back and one from a single
// answer's round trip differ tenfold for the same provider. A provider
// is measured only by Gets sent after its first answer: a first Get
// waits for a handshake and a new connection too, which made every
// provider a downloader added late look slow, and most ranges of a
// small blob fetched twice. A range at a provider not measured yet
// waits for its answer or the request timeout.
func copyAt(q *req, p *prov, now time.Time) bool {
	if p.lat == 0 || q.p.lat == 0 || q.p == p {
		return false
	}
	return now.Sub(q.sent) >= overdue(q, p.lat)
}

// overdue is how long q, at a measured provider, may be out before a
// provider of latency lat is asked for it too.
func overdue(q *req, lat time.Duration) time.Duration {
	if 2*lat <= q.p.lat { // a copy arrives in half the time
		return q.p.lat - 2*lat
	}
	return lateAfter * q.p.lat
}

type req struct {
	f    *fetch
	p    *prov
	r    int // range, -1 for the size probe
	sent time.Time
}

func (f *fetch) provider(w common.Address) *prov {
	for _, p := range f.provs {
		if p.w == w {
			return p
		}
	}
	return nil
}

// addProvider adds w, or revives it if it was dropped for anything but
// corruption, or lateness while its back-off runs unless force (the
// user named it again); it returns w's provider and whether it is new
// or revived.
func (f *fetch) addProvider(w common.Address, force bool) (*prov, bool) {
	if p := f.provider(w); p != nil {
		if p.dropped == nil || errors.Is(p.dropped, ErrCorrupt) || (!force && !p.retry.IsZero()) {
			return p, false
		}
		p.dropped, p.retry = nil, time.Time{}
		return p, true
	}
	p := &prov{w: w, owner: w}
	f.provs = append(f.provs, p)
	return p, true
}

func (c *Core) find(id ID) *fetch {
	for _, f := range c.fetches {
		if f.id == id {
			return f
		}
	}
	return nil
}

func (c *Core) rangeOf(f *fetch, r int) (int64, int64) {
	off := int64(r) * c.cfg.RangeSize
	return off, min(c.cfg.RangeSize, f.size-off)
}

// sized sets a proven size and queues every missing range.
func (c *Core) sized(f *fetch, size int64) error {
	f.size = size
	n := int((size + c.cfg.RangeSize - 1) / c.cfg.RangeSize)
	if len(f.done) != n {
		f.done, f.ndone = make([]bool, n), 0
	}
	f.copies = make([]uint8, n)
	f.ob = nil
	if ob := outboardSize(size); f.ndone == 0 && ob <= maxAssembled {
		f.ob = binary.LittleEndian.AppendUint64(make([]byte, 0, ob), uint64(size))[:ob]
	}
	f.queue = f.queue[:0]
	for i, d := range f.done {
		if !d {
			f.queue = append(f.queue, i)
		}
	}
	return c.blobs.Begin(f.id, size)
}

func (c *Core) fetchCmd(now time.Time, cmd FetchCmd, out *service.Effects) error {
	if size, done, err := c.blobs.Stat(cmd.ID); err == nil && done {
		c.touch(now, cmd.ID)
		out.Emit(Event{Kind: EventDone, ID: cmd.ID, Have: size, Size: size})
		return nil
	}
	f := c.find(cmd.ID)
	if f == nil {
		f = &fetch{id: cmd.ID, size: -1, public: cmd.Public, started: now}
		if _, err := c.st.Get(fetchKey(cmd.ID)); err == nil {
			f.recorded = true // one start did not load: replaced, then deleted at the end
		}
		if cmd.Size >= 0 {
			if err := c.sized(f, cmd.Size); err != nil {
				return err
			}
		}
		c.fetches = append(c.fetches, f)
	}
	f.failed = false
	for _, w := range cmd.Providers {
		if w != c.cfg.Self {
			c.addWallet(now, f, w, cmd.Instances, out)
		}
	}
	if len(f.provs) == 0 {
		return fmt.Errorf("content: fetch %s: %w", cmd.ID.Short(), ErrNoProviders)
	}
	if cmd.Public {
		for _, w := range cmd.Caches {
			if o := f.origin(); w != c.cfg.Self && w != o && !f.isSplit(w) {
				out.To(w, encWant(f.id, o))
				p, _ := f.addProvider(w, true)
				p.cache = true
			}
		}
	}
	if cmd.AskHolders {
		f.who, f.whoAt = true, time.Time{}
		c.askWho(now, f, out)
	}
	if f.size == 0 {
		c.finish(now, f, out)
		return nil
	}
	if f.recorded {
		c.save(f, out) // providers added
	}
	c.pump(now, f, out)
	return nil
}

// maxFills bounds the downloads a cache runs at once for Wants.
const maxFills = 16

// fill is a cache's answer to a Want: fetch the public blob from the
// publisher named, unless it is here, on its way, or too many fills
// run. Only a cache (CoreConfig.Serve) fills.
func (c *Core) fill(now time.Time, peer common.Address, m msg, out *service.Effects) {
	pub := m.wallets[0]
	if !c.cfg.Serve || pub == c.cfg.Self {
		return
	}
	if f := c.find(m.id); f != nil && !(f.fill && f.failed) {
		return
	}
	if _, done, err := c.blobs.Stat(m.id); err == nil && done {
		return
	}
	fills := 0
	for _, f := range c.fetches {
		if f.fill && !f.failed {
			fills++
		}
	}
	if fills >= maxFills {
		return
	}
	if err := c.fetchCmd(now, FetchCmd{ID: m.id, Size: -1, Providers: []common.Address{pub}, AskHolders: true, Public: true}, out); err == nil {
		if f := c.find(m.id); f != nil {
			f.fill = true
		}
	}
}

// pump sends Gets until every live provider's window is full (the
// origin's only while it is not shielded: core_providers.go).
func (c *Core) pump(now time.Time, f *fetch, out *service.Effects) {
	if f.failed {
		return
	}
	waiting := c.readmit(now, f)
	c.askWho(now, f, out)
	shield := f.shielded()
	live := make([]*prov, 0, len(f.provs))
	for _, p := range f.provs {
		if p.dropped == nil && !(shield && f.isOrigin(p)) {
			live = append(live, p)
		}
	}
	if len(live) == 0 && waiting {
		return // a provider comes back (wakeFetch)
	}
	if len(live) == 0 {
		f.failed = true
		c.releaseHeld(f.id, false, out)
		out.Emit(Event{Kind: EventFailed, ID: f.id, Have: c.have(f), Size: f.size, Err: ErrNoProviders})
		return
	}
	slices.SortStableFunc(live, func(a, b *prov) int { return cmp.Compare(b.rate, a.rate) })
	if f.size < 0 {
		for _, r := range c.reqs {
			if r.f == f && !(shield && f.isOrigin(r.p)) {
				return // the size probe is out
			}
		}
		// None, or only at the origin, now shielded: the origin of a
		// popular blob is the busiest provider, so a holder is asked
		// too and the first answer proves the size.
		c.send(now, f, live[0], -1, out)
		return
	}
	for _, p := range live {
		for p.inflight < c.cfg.Window {
			r := c.next(now, f, p)
			if r < 0 {
				break
			}
			c.send(now, f, p, r, out)
		}
	}
}

// next picks p's next range: the first queued, or in the endgame the
// lowest range in flight once that p, measured, would bring much sooner
// (copyAt). Equal providers do not copy each other's ranges, nor do
// providers not measured yet: with many providers and few ranges left
// that would fetch most of the tail twice (every range of a small blob
// was asked of two providers from the start).
func (c *Core) next(now time.Time, f *fetch, p *prov) int {
	if len(f.queue) > 0 {
		r := f.queue[0]
		f.queue = f.queue[1:]
		return r
	}
	if p.lat == 0 {
		return -1
	}
	var mine []int
	best := -1
	for _, q := range c.reqs {
		if q.f != f || q.r < 0 {
			continue
		}
		if q.p == p {
			mine = append(mine, q.r)
			continue
		}
		if f.copies[q.r] != 1 || f.done[q.r] || (best >= 0 && q.r > best) {
			continue
		}
		if copyAt(q, p, now) {
			best = q.r
		}
	}
	if best >= 0 && !slices.Contains(mine, best) {
		return best
	}
	return -1
}

func (c *Core) send(now time.Time, f *fetch, p *prov, r int, out *service.Effects) {
	off, n := int64(0), int64(0)
	if r >= 0 {
		off, n = c.rangeOf(f, r)
		f.copies[r]++
	}
	q := c.req()
	c.reqs[q] = &req{f: f, p: p, r: r, sent: now}
	p.inflight++
	out.To(p.w, encGet(q, f.id, off, n))
}

// answer handles a Data or Fail for one of our Gets.
func (c *Core) answer(now time.Time, peer common.Address, m msg, out *service.Effects) {
	q, ok := c.reqs[m.req]
	if !ok || q.p.w != peer {
		c.stats.Late += int64(len(m.slice)) // late (after a drop or the end) or not ours
		return
	}
	delete(c.reqs, m.req)
	f, p := q.f, q.p
	p.inflight--
	if q.r >= 0 {
		f.copies[q.r]--
	}
	if m.typ == msgFail {
		c.requeue(f, q.r)
		c.drop(now, f, p, fmt.Errorf("%w (code %d)", ErrRefused, m.code), out)
		return
	}
	var off, n int64
	if q.r >= 0 {
		off, n = c.rangeOf(f, q.r)
	} else if len(m.slice) >= 8 {
		size := int64(binary.LittleEndian.Uint64(m.slice))
		if size > 0 {
			off = (size - 1) / GroupSize * GroupSize
			n = size - off
		}
	}
	// A range still missing is verified straight into its place when
	// the Blobs lends it (memory), or verified where it lies in the
	// frame and written from there (files); otherwise into scratch,
	// then written.
	var b []byte
	var size int64
	var err error
	mode := writeScratch
	if q.r >= 0 && !f.done[q.r] {
		if lp, ok := c.blobs.(partLender); ok {
			if b = lp.partRange(f.id, off, n); b != nil {
				mode = writeInPlace
			}
		} else if _, ok := c.blobs.(vecWriter); ok {
			mode = writeVec
		}
	}
	switch mode {
	case writeVec:
		size, c.parts, err = verifyParts(c.parts, f.ob, f.id, m.slice, off, n)
	default:
		if mode == writeScratch {
			if int64(len(c.scratch)) < n {
				c.scratch = make([]byte, max(n, c.cfg.RangeSize))
			}
			b = c.scratch[:n]
		}
		size, err = verifyRange(b, f.ob, f.id, m.slice, off, n)
	}
	if err == nil && f.size >= 0 && size != f.size {
		err = fmt.Errorf("%w: size %d, proven %d", ErrCorrupt, size, f.size)
	}
	if err != nil {
		clear(c.parts)
		c.stats.Corrupt++
		c.requeue(f, q.r)
		c.drop(now, f, p, err, out)
		return
	}
	c.stats.Verified += (n + GroupSize - 1) / GroupSize
	if !f.firstByte {
		f.firstByte = true
		c.stats.FirstByteSum += int64(now.Sub(f.started))
	}
	if dt := now.Sub(p.last).Seconds(); !p.last.IsZero() && dt > 0 {
		p.rate = 0.7*p.rate + 0.3*float64(n)/dt
	} else if p.rate == 0 {
		p.rate = float64(n) / max(now.Sub(q.sent).Seconds(), 1e-3)
	}
	p.last, p.strikes = now, 0
	switch {
	case p.first.IsZero():
		p.first = now
	case q.sent.Before(p.first): // sent before the connection was up
	case p.lat == 0:
		p.lat = now.Sub(q.sent)
	default:
		p.lat = (7*p.lat + 3*now.Sub(q.sent)) / 10
	}
	if q.r < 0 && f.size >= 0 { // a second probe's answer
		c.pump(now, f, out)
		return
	}
	if q.r < 0 { // the size probe
		if err := c.sized(f, size); err != nil {
			out.Emit(Event{Kind: EventFailed, ID: f.id, Err: err})
			return
		}
		if size == 0 {
			c.finish(now, f, out)
			return
		}
		c.serveHeld(f, out)
		c.pump(now, f, out)
		return
	}
	if f.done[q.r] {
		c.stats.Wasted += n
		c.pump(now, f, out)
		return
	}
	if err := c.writeRange(f.id, mode, b, off); err != nil {
		c.requeue(f, q.r)
		out.Emit(Event{Kind: EventFailed, ID: f.id, Err: err})
		return
	}
	f.done[q.r] = true
	f.ndone++
	p.bytes += n
	c.stats.Fetched += n
	f.unsaved++
	f.unsavedB += n
	out.Emit(Event{Kind: EventProgress, ID: f.id, Peer: p.owner, Instance: p.instanceAddr(), Have: c.have(f), Size: f.size})
	c.serveHeld(f, out)
	if f.ndone == len(f.done) {
		c.finish(now, f, out)
		return
	}
	if !f.recorded || f.unsaved >= progressEvery && f.unsavedB >= progressBytes {
		c.save(f, out)
	}
	c.pump(now, f, out)
}

// How answer stores a verified range.
const (
	writeScratch = iota // verified into c.scratch, then Blobs.WriteAt
	writeInPlace        // verified into the bytes partLender lent
	writeVec            // verified in the frame, written from there (vecWriter)
)

// writeRange stores a verified range: b (scratch), nothing (in place),
// or the pieces of the frame in c.parts (vec).
func (c *Core) writeRange(id ID, mode int, b []byte, off int64) error {
	switch mode {
	case writeInPlace:
		return nil
	case writeVec:
		err := c.blobs.(vecWriter).writeVec(id, c.parts, off)
		clear(c.parts) // no reference to the frame, recycled once Handle returns
		return err
	}
	return c.blobs.WriteAt(id, b, off)
}

// vecWriter is a Blobs that writes a verified range from the pieces of
// its frame (verifyParts: the groups between the parents), so the
// bytes reach the file with no copy through a scratch buffer.
type vecWriter interface {
	writeVec(id ID, parts [][]byte, off int64) error
}

// partLender is a Blobs that lends the bytes of a blob in progress, so
// a range is verified straight into its place (each 16 KiB group is
// copied there only once its hash matched, so what lands there is the
// blob's, even from a range that fails later) instead of through a
// scratch buffer and WriteAt: one copy of every byte less.
type partLender interface {
	// partRange returns the n bytes at off of blob id in progress, or
	// nil (not begun, or out of its bounds).
	partRange(id ID, off, n int64) []byte
}

// requeue puts range r back at the front unless it is done or still
// in flight elsewhere.
func (c *Core) requeue(f *fetch, r int) {
	if r >= 0 && !f.done[r] && f.copies[r] == 0 && !slices.Contains(f.queue, r) {
		f.queue = append([]int{r}, f.queue...)
	}
}

// drop stops asking p: its Gets in flight are forgotten and requeued,
// and withdrawn from p when it was late (a cancel: a filling cache may
// still hold them).
func (c *Core) drop(now time.Time, f *fetch, p *prov, why error, out *service.Effects) {
	mine := c.forget(f, p)
	if errors.Is(why, ErrTimeout) { // a cache may still hold them (core_partial.go)
		for i := len(mine) - 1; i >= 0; i-- {
			out.To(p.w, encFail(mine[i], failCancel))
		}
	}
	if p.dropped == nil {
		if errors.Is(why, ErrTimeout) {
			c.backOff(now, p)
		}
		p.dropped = why
		c.stats.Dropped++
		out.Emit(Event{Kind: EventDropped, ID: f.id, Peer: p.owner, Instance: p.instanceAddr(), Err: why})
	}
	c.pump(now, f, out)
}

// have is how many bytes of f are verified.
func (c *Core) have(f *fetch) int64 {
	var n int64
	for r, d := range f.done {
		if d {
			_, l := c.rangeOf(f, r)
			n += l
		}
	}
	return n
}

// finish completes f: the blob is hashed once more and made complete,
// granted publicly (and announced) when it is a public blob and this
// node serves, and the progress record goes.
func (c *Core) finish(now time.Time, f *fetch, out *service.Effects) {
	w0 := len(out.Writes)
	defer func() {
		if !f.public || !c.cfg.Serve { // nothing leaves that a lost record could contradict
			lazy(out.Writes[w0:])
		}
	}()
	c.fetches = slices.DeleteFunc(c.fetches, func(x *fetch) bool { return x == f })
	for n, q := range c.reqs {
		if q.f == f {
			delete(c.reqs, n)
		}
	}
	if f.recorded {
		out.Del(fetchKey(f.id))
	}
	if f.size == 0 {
		if err := c.blobs.Begin(f.id, 0); err != nil {
			c.releaseHeld(f.id, false, out)
			out.Emit(Event{Kind: EventFailed, ID: f.id, Err: err})
			return
		}
	}
	finish := c.blobs.Finish
	if vf, ok := c.blobs.(verifiedFinisher); ok && f.ob != nil && f.size > 0 {
		finish = func(id ID) error { return vf.finishWith(id, f.ob) }
	}
	if err := finish(f.id); err != nil {
		c.releaseHeld(f.id, false, out)
		out.Emit(Event{Kind: EventFailed, ID: f.id, Err: err})
		return
	}
	c.releaseHeld(f.id, true, out)
	c.stats.Completed++
	c.cacheAdd(now, f.id, f.size, out)
	if f.public && c.cfg.Serve && len(f.provs) > 0 {
		out.Put(grantKey(f.id, nil), nil)
		// The publisher (the first provider) keeps the holders.
		out.To(f.originPeer().w, encHave(f.id, f.size))
	}
	out.Emit(Event{Kind: EventDone, ID: f.id, Have: f.size, Size: f.size})
}

// lazy marks writes Lazy (service.Write): the records a download
// ends with (its progress record gone, the cache's use time, evicted
// blobs' records) are hints like its progress records. The blob's
// bytes are not synced either (a rename), so a synced record of them
// promised nothing more, and the sync held the download's end up by
// 3–85 ms on a busy disk (a stream waits for none). A crash may lose
// them: a stale progress record of a complete blob is dropped at start,
// a lost use time leaves the blob uncached (kept), a lost eviction
// record names a blob that is gone (evicting it again is a no-op). A
// download that announces itself as a holder (public, serving) stays
// synced: its Have leaves with it.
func lazy(ws []service.Write) {
	for i := range ws {
		ws[i].Lazy = true
	}
}

// progress record: i64 size | u8 flags (1 public, 2 asks holders) |
// u16 n | wallets | done bitmap.
func (c *Core) save(f *fetch, out *service.Effects) {
	f.unsaved, f.unsavedB, f.recorded = 0, 0, true
	b := binary.BigEndian.AppendUint64(nil, uint64(f.size))
	pub := byte(0)
	if f.public {
		pub = 1
	}
	if f.who {
		pub |= 2
	}
	// Wallets, not instances: a restart asks a wallet at its instances
	// again only when given them again (FetchCmd.Instances).
	var ws []common.Address
	for _, p := range f.provs {
		if !slices.Contains(ws, p.owner) {
			ws = append(ws, p.owner)
		}
	}
	b = binary.BigEndian.AppendUint16(append(b, pub), uint16(len(ws)))
	for _, w := range ws {
		b = append(b, w[:]...)
	}
	bm := make([]byte, (len(f.done)+7)/8)
	for i, d := range f.done {
		if d {
			bm[i/8] |= 1 << (i % 8)
		}
	}
	out.PutLazy(fetchKey(f.id), append(b, bm...))
}

// start reloads unfinished downloads and resumes them.
func (c *Core) start(now time.Time, out *service.Effects) {
	c.loadCache()
	var fs []*fetch
	c.st.Scan(keyFetch, func(k, v []byte) bool {
		r := &reader{b: v}
		size, fl := int64(r.u64()), r.u8()
		f := &fetch{size: size, public: fl&1 != 0, who: fl&2 != 0, started: now, recorded: true}
		copy(f.id[:], k[len(keyFetch):])
		for range r.u16() {
			w := common.BytesToAddress(r.take(20))
			f.provs = append(f.provs, &prov{w: w, owner: w})
		}
		bm := r.b
		if r.bad || len(k) != len(keyFetch)+32 {
			return true
		}
		if f.size >= 0 {
			n := int((f.size + c.cfg.RangeSize - 1) / c.cfg.RangeSize)
			if len(bm) != (n+7)/8 {
				return true
			}
			f.done = make([]bool, n)
			for i := range f.done {
				if bm[i/8]&(1<<(i%8)) != 0 {
					f.done[i] = true
					f.ndone++
				}
			}
		}
		fs = append(fs, f)
		return true
	})
	for _, f := range fs {
		if _, done, err := c.blobs.Stat(f.id); err == nil && done {
			// Complete: the lazy records its end wrote were lost.
			out.Writes = append(out.Writes, service.Write{Key: fetchKey(f.id), Delete: true, Lazy: true})
			continue
		}
		if f.size >= 0 {
			if err := c.sized(f, f.size); err != nil {
				continue
			}
		}
		c.fetches = append(c.fetches, f)
		if f.size >= 0 && f.ndone == len(f.done) {
			c.finish(now, f, out)
			continue
		}
		c.pump(now, f, out)
	}
}

func (c *Core) status() Status {
	s := Status{Stats: c.stats, Cache: c.cacheStatus()}
	for _, f := range c.fetches {
		d := Download{ID: f.id, Size: f.size, Have: c.have(f)}
		for _, p := range f.provs {
			pv := Provider{Wallet: p.owner, Instance: p.instanceAddr(), Bytes: p.bytes, Rate: p.rate}
			if p.dropped != nil {
				pv.Dropped = p.dropped.Error()
			}
			d.Providers = append(d.Providers, pv)
		}
		s.Downloads = append(s.Downloads, d)
	}
	return s
}
