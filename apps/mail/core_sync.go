package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"net/netip"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/curve25519"
)

// Sync keeps the folders of the nodes of one wallet alike (doc.go,
// "Several nodes of one wallet"). Each message is an object named by
// G (16 bytes: for a received message, a digest of its sender and ID,
// so that the same message taken by two nodes is one object); the
// object's folder and each of its flags are last-writer-wins registers
// stamped (Lamport time, replica), and Gone (expunged) wins over all.
// Merging two objects takes the later stamp of each register and ORs
// Gone: it is commutative, associative and idempotent, so nodes that
// have merged the same objects agree whatever the order, loss or
// repetition of what they exchanged.
//
// Each node keeps a change feed: every object it changes (by a local
// command, or by a merge that changed it) gets the next sequence
// number, its older entry goes. A node pulls each other node's feed
// from the cursor it keeps for it (PULL since), and gets the objects
// changed since, with their bytes, in batches (CHANGES from to); it
// merges them, files what is new, moves, flags and expunges what
// changed, and moves its cursor to `to` only when the batch starts at
// or before it, so a lost or late batch loses nothing. After a local
// change a node tells the others (NOTE), which pull; every SyncInterval
// each pulls anyway, and after a failure it pulls again with a backoff.
//
// Store layout:
//
//	"Yr"            → this store's replica id (16 raw bytes)
//	"Yt", "Yn"      → the Lamport clock, the last change seq (8 raw bytes)
//	"Yo" g[16]      → syncObj (JSON)
//	"Yl" g[16]      → where it is here: folder 0x00 uid[4]
//	"Yc" seq[8]     → g: the change feed
//	"Yg" g[16]      → its seq in the feed (8 raw bytes)
//	"Yp" replica[16] → the cursor in that replica's feed (8 raw bytes)
//	"Yk" pub[32]    → another node's seal private key (32 raw bytes)

// syncBatch bounds the bytes a CHANGES frame carries (one object at
// least goes), syncBatchRecs its objects.
const (
	syncBatch     = 4 << 20
	syncBatchRecs = 512
)

// syncState is the core's part in sync.
type syncState struct {
	on      bool
	replica MessageID
	clock   uint64
	seq     uint64
	sibs    map[common.Address]*sibling // by NodePeer address
	keyring []sealKeys                  // the other nodes' seal keys
	docNext time.Time                   // own document read again from then

	dirty   bool // the feed grew in this Handle
	ticked  bool // the clock moved in this Handle
	merging bool // putStored is filing a merged object
	wantG   *MessageID
	bodies  map[MessageID]*bodyPull // large messages' bytes being pulled (core_syncbody.go)

	// Per Handle: what this Handle wrote, which the store does not show
	// yet.
	objs map[MessageID]*syncObj
	locs map[MessageID]syncLoc
	seqs map[MessageID]uint64
}

// syncLoc is where an object is filed on this node.
type syncLoc struct {
	folder string
	uid    uint32
	ok     bool
}

// sibling is another node of this wallet.
type sibling struct {
	replica  MessageID // its feed's, once it answered
	cursor   uint64
	inflight bool
	ackBy    time.Time
	nextTry  time.Time
	fails    int
	key      [32]byte // its public seal key, once held
	hasOurs  bool     // it said it holds this node's seal key
}

// recvG is the object name of a message received from from.
func recvG(from common.Address, id MessageID) MessageID {
	h := sha256.New()
	h.Write([]byte("anynet mail object v1"))
	h.Write(from[:])
	h.Write(id[:])
	return MessageID(h.Sum(nil))
}

// syncStart loads the sync state (Start), if the core knows its node.
func (c *Core) syncStart(out *service.Effects) {
	s := &c.sync
	*s = syncState{on: c.cfg.Node.IsValid(), sibs: make(map[common.Address]*sibling)}
	s.resetCache()
	if !s.on {
		return
	}
	c.loadBodies()
	st := c.cfg.Store
	if v, err := st.Get([]byte("Yr")); err == nil && len(v) == 16 {
		s.replica = MessageID(v)
	} else {
		s.replica = c.newBlob()
		out.Put([]byte("Yr"), s.replica[:])
	}
	if v, err := st.Get([]byte("Yt")); err == nil && len(v) == 8 {
		s.clock = be64(v)
	}
	if v, err := st.Get([]byte("Yn")); err == nil && len(v) == 8 {
		s.seq = be64(v)
	}
	st.Scan([]byte("Yk"), func(k, v []byte) bool {
		if len(k) == 34 && len(v) == 32 {
			var kp sealKeys
			copy(kp.Pub[:], k[2:])
			copy(kp.Priv[:], v)
			s.keyring = append(s.keyring, kp)
		}
		return true
	})
	// Messages filed before sync was on become objects.
	var ms []Stored
	for _, f := range Folders() {
		all, _ := Messages(st, f)
		for _, m := range all {
			if m.G == "" {
				ms = append(ms, m)
			}
		}
	}
	for i := range ms {
		c.putStored(&ms[i], out)
	}
}

func (s *syncState) resetCache() {
	s.objs = make(map[MessageID]*syncObj)
	s.locs = make(map[MessageID]syncLoc)
	s.seqs = make(map[MessageID]uint64)
	s.wantG = nil
	s.merging = false
}

// syncEnd ends a Handle: the clock and feed are written, and the other
// nodes told of new changes.
func (c *Core) syncEnd(now time.Time, out *service.Effects) {
	s := &c.sync
	if !s.on {
		return
	}
	if s.ticked {
		out.Put([]byte("Yt"), binary.BigEndian.AppendUint64(nil, s.clock))
	}
	if s.dirty {
		out.Put([]byte("Yn"), binary.BigEndian.AppendUint64(nil, s.seq))
		note := (&syncFrame{typ: typeSyncNote, replica: s.replica, to: s.seq}).marshal()
		for _, w := range c.sortedSibs() {
			if sb := s.sibs[w]; sb.fails == 0 {
				out.To(w, note)
			}
		}
	}
	s.ticked, s.dirty = false, false
	clear(s.objs)
	clear(s.locs)
	clear(s.seqs)
	s.wantG, s.merging = nil, false
}

func (c *Core) sortedSibs() []common.Address {
	ws := make([]common.Address, 0, len(c.sync.sibs))
	for w := range c.sync.sibs {
		ws = append(ws, w)
	}
	sortAddrs(ws)
	return ws
}

// unseal opens a blob sealed to this wallet: with this node's key or
// another node's.
func (c *Core) unseal(blob []byte) (common.Address, [32]byte, []byte, error) {
	from, key, msg, err := unseal(blob, c.keys)
	for _, kp := range c.sync.keyring {
		if err == nil {
			break
		}
		from, key, msg, err = unseal(blob, kp)
	}
	return from, key, msg, err
}

// keysIn reads the keys of a PULL or CHANGES from sb's node: whether
// it holds this node's key, and its key pair when the private half
// comes along (it does until this node says it holds it).
func (c *Core) keysIn(sb *sibling, f syncFrame, out *service.Effects) {
	sb.hasOurs = f.known == c.keys.Pub
	var kp sealKeys
	copy(kp.Priv[:], f.pair[:32])
	copy(kp.Pub[:], f.pair[32:])
	if slices.ContainsFunc(c.sync.keyring, func(k sealKeys) bool { return k.Pub == kp.Pub }) {
		sb.key = kp.Pub
		return
	}
	if kp.Pub == c.keys.Pub || kp.Priv == ([32]byte{}) {
		return
	}
	pub, err := curve25519.X25519(kp.Priv[:], curve25519.Basepoint)
	if err != nil || !bytes.Equal(pub, kp.Pub[:]) {
		return
	}
	sb.key = kp.Pub
	c.sync.keyring = append(c.sync.keyring, kp)
	out.Put(append([]byte("Yk"), kp.Pub[:]...), bytes.Clone(kp.Priv[:]))
}

// keysOut fills the keys of a PULL or CHANGES to sb's node: this
// node's public key, its private key only while sb's node has not said
// it holds it, and sb's key as this node holds it.
func (c *Core) keysOut(sb *sibling, f *syncFrame) {
	if !sb.hasOurs {
		copy(f.pair[:32], c.keys.Priv[:])
	}
	copy(f.pair[32:], c.keys.Pub[:])
	f.known = sb.key
}

// syncDoc learns this wallet's other nodes from its document.
func (c *Core) syncDoc(now time.Time, doc *naming.Document, out *service.Effects) {
	s := &c.sync
	if !s.on || doc == nil {
		return
	}
	for _, key := range doc.NodeKeys {
		if doc.KeyStatus(key) != naming.KeyValid {
			continue
		}
		inst := stack.InstanceAddr(c.self, key)
		if inst == c.cfg.Node {
			continue
		}
		w := NodePeer(inst)
		if s.sibs[w] == nil {
			s.sibs[w] = &sibling{}
			c.syncPull(now, w, s.sibs[w], out)
		}
	}
}

// AddNodeCmd makes the node at instance address Node one of this
// wallet's (tests, and nodes without the chain); the core pulls from
// it at once.
type AddNodeCmd struct{ Node netip.Addr }

// sibling returns w's state if w is another node of this wallet; an
// unknown node sends the core to read its document again.
func (c *Core) sibling(now time.Time, w common.Address, out *service.Effects) *sibling {
	if sb := c.sync.sibs[w]; sb != nil {
		return sb
	}
	if _, ok := nodeOf(w); ok && c.sync.on && !now.Before(c.sync.docNext) {
		c.sync.docNext = now.Add(c.cfg.RetryBase)
		out.Lookup = append(out.Lookup, c.self)
	}
	return nil
}

// syncPull asks w for its changes since the cursor.
func (c *Core) syncPull(now time.Time, w common.Address, sb *sibling, out *service.Effects) {
	if sb.inflight {
		return
	}
	sb.inflight = true
	sb.ackBy = now.Add(c.cfg.AckTimeout)
	f := syncFrame{typ: typeSyncPull, replica: sb.replica, since: sb.cursor}
	c.keysOut(sb, &f)
	out.To(w, f.marshal())
	out.Wake(sb.ackBy)
}

// pullFailed: w did not answer; pull again after a backoff.
func (c *Core) pullFailed(now time.Time, sb *sibling, out *service.Effects) {
	sb.inflight, sb.ackBy = false, time.Time{}
	sb.fails++
	sb.nextTry = now.Add(min(c.cfg.RetryBase<<min(sb.fails-1, 20), c.cfg.RetryMax))
	out.Wake(sb.nextTry)
}

// syncTick does what is due: pulls that timed out, pulls to start.
func (c *Core) syncTick(now time.Time, out *service.Effects) {
	for _, w := range c.sortedSibs() {
		sb := c.sync.sibs[w]
		switch {
		case sb.inflight && !now.Before(sb.ackBy):
			out.Hangup = append(out.Hangup, w)
			c.pullFailed(now, sb, out)
		case !sb.inflight && !sb.nextTry.IsZero() && !now.Before(sb.nextTry):
			c.syncPull(now, w, sb, out)
		}
	}
	c.bodyTick(now, out)
}

// syncDue is the earliest time sync has something to do.
func (c *Core) syncDue(wake func(time.Time)) {
	for _, sb := range c.sync.sibs {
		if sb.inflight {
			wake(sb.ackBy)
		} else {
			wake(sb.nextTry)
		}
	}
	c.bodyDue(wake)
}

// syncUpDown: a connection with w came up or went down.
func (c *Core) syncUpDown(now time.Time, w common.Address, up bool, out *service.Effects) {
	sb := c.sync.sibs[w]
	switch {
	case sb == nil:
	case !up && sb.inflight:
		c.pullFailed(now, sb, out)
	case up && !sb.inflight && sb.fails > 0:
		c.syncPull(now, w, sb, out) // it is back
	}
}

// syncFrameIn handles a sync frame from w: only from another node of
// this wallet (a NodePeer the core found in its document).
func (c *Core) syncFrameIn(now time.Time, w common.Address, b []byte, out *service.Effects) {
	sb := c.sibling(now, w, out)
	if sb == nil {
		return // not one of this wallet's nodes: nothing is read or told
	}
	f, err := parseSyncFrame(b)
	if err != nil {
		return
	}
	switch f.typ {
	case typeSyncPull:
		c.keysIn(sb, f, out)
		c.serveChanges(w, sb, f, out)
		if !sb.inflight && sb.fails > 0 {
			c.syncPull(now, w, sb, out) // it is back: it may have changes too
		}
	case typeSyncNote:
		if f.replica != sb.replica || f.to > sb.cursor {
			sb.fails = 0
			c.syncPull(now, w, sb, out)
		}
	case typeSyncChanges:
		c.keysIn(sb, f, out)
		c.changesIn(now, w, sb, f, out)
	case typeSyncGet:
		c.serveBody(w, f, out)
	case typeSyncBody:
		c.bodyIn(now, w, f, out)
	}
}

// serveChanges answers a PULL with the objects changed since its
// cursor (from the start if it counts in another replica's feed).
func (c *Core) serveChanges(w common.Address, sb *sibling, f syncFrame, out *service.Effects) {
	s := &c.sync
	since := f.since
	if f.replica != s.replica {
		since = 0
	}
	resp := syncFrame{typ: typeSyncChanges, replica: s.replica, from: since, to: max(since, s.seq)}
	c.keysOut(sb, &resp)
	size := 0
	start := binary.BigEndian.AppendUint64([]byte("Yc"), since+1)
	c.cfg.Store.Scan([]byte("Yc"), func(k, v []byte) bool {
		if bytes.Compare(k, start) < 0 || len(k) != 10 || len(v) != 16 {
			return true
		}
		seq := be64(k[2:])
		if len(resp.recs) >= syncBatchRecs || (len(resp.recs) > 0 && size >= syncBatch) {
			resp.more = true
			return false
		}
		resp.to = seq
		o := c.obj(MessageID(v))
		if o == nil {
			return true
		}
		r := syncRec{obj: *o}
		if !o.Gone {
			if l := c.loc(MessageID(v)); l.ok {
				if b, err := c.cfg.Store.Get(msgKey("b", l.folder, l.uid)); err == nil {
					r.body = b
				}
			}
		}
		size += 256 + len(r.body)
		resp.recs = append(resp.recs, r)
		return true
	})
	if !resp.more {
		resp.to = max(since, s.seq)
	}
	out.To(w, resp.marshal())
}

// changesIn merges a batch from w and moves its cursor.
func (c *Core) changesIn(now time.Time, w common.Address, sb *sibling, f syncFrame, out *service.Effects) {
	if f.replica != sb.replica {
		sb.replica, sb.cursor = f.replica, 0
		if v, err := c.cfg.Store.Get(append([]byte("Yp"), f.replica[:]...)); err == nil && len(v) == 8 {
			sb.cursor = be64(v)
		}
	}
	for _, r := range f.recs {
		c.merge(now, w, r.obj, r.body, out)
	}
	if f.from <= sb.cursor && f.to > sb.cursor {
		sb.cursor = f.to
		out.Put(append([]byte("Yp"), f.replica[:]...), binary.BigEndian.AppendUint64(nil, sb.cursor))
	}
	if !sb.inflight {
		return // an answer that came late: merged, nothing more
	}
	sb.inflight, sb.ackBy, sb.fails = false, time.Time{}, 0
	if f.more {
		c.syncPull(now, w, sb, out)
		return
	}
	sb.nextTry = now.Add(c.cfg.SyncInterval)
	out.Wake(sb.nextTry)
}

// obj reads an object, as changed in this Handle.
func (c *Core) obj(g MessageID) *syncObj {
	if o, ok := c.sync.objs[g]; ok {
		return o
	}
	v, err := c.cfg.Store.Get(append([]byte("Yo"), g[:]...))
	if err != nil {
		return nil
	}
	o := new(syncObj)
	if json.Unmarshal(v, o) != nil {
		return nil
	}
	c.sync.objs[g] = o
	return o
}

// loc reads where an object is filed, as changed in this Handle.
func (c *Core) loc(g MessageID) syncLoc {
	if l, ok := c.sync.locs[g]; ok {
		return l
	}
	var l syncLoc
	if v, err := c.cfg.Store.Get(append([]byte("Yl"), g[:]...)); err == nil && len(v) > 5 {
		l = syncLoc{folder: string(v[:len(v)-5]), uid: binary.BigEndian.Uint32(v[len(v)-4:]), ok: true}
	}
	c.sync.locs[g] = l
	return l
}

func (c *Core) putLoc(g MessageID, l syncLoc, out *service.Effects) {
	c.sync.locs[g] = l
	k := append([]byte("Yl"), g[:]...)
	if !l.ok {
		out.Del(k)
		return
	}
	out.Put(k, binary.BigEndian.AppendUint32(folderKey(l.folder), l.uid))
}

// saveObj writes an object and moves it to the head of the feed.
func (c *Core) saveObj(o *syncObj, out *service.Effects) {
	s := &c.sync
	g := MessageID(o.G)
	s.objs[g] = o
	b, _ := json.Marshal(o)
	out.Put(append([]byte("Yo"), g[:]...), b)
	old, ok := s.seqs[g]
	if !ok {
		if v, err := c.cfg.Store.Get(append([]byte("Yg"), g[:]...)); err == nil && len(v) == 8 {
			old = be64(v)
		}
	}
	if old > 0 {
		out.Del(binary.BigEndian.AppendUint64([]byte("Yc"), old))
	}
	s.seq++
	s.seqs[g] = s.seq
	out.Put(binary.BigEndian.AppendUint64([]byte("Yc"), s.seq), g[:])
	out.Put(append([]byte("Yg"), g[:]...), binary.BigEndian.AppendUint64(nil, s.seq))
	s.dirty = true
}

// now is a new stamp of this replica.
func (c *Core) stampNow() stamp {
	c.sync.clock++
	c.sync.ticked = true
	return stamp{T: c.sync.clock, R: hexID(c.sync.replica)}
}

func (c *Core) see(t stamp) {
	if t.T > c.sync.clock {
		c.sync.clock, c.sync.ticked = t.T, true
	}
}

// syncPut records a local change of m (filed, moved, flags changed) in
// its object; putStored calls it before m is written. A new message
// gets its object name here: that of the message it was moved from
// (wantG), its sender's and ID's, or a new one.
func (c *Core) syncPut(m *Stored, out *service.Effects) {
	s := &c.sync
	if !s.on || s.merging {
		return
	}
	g, ok := parseBlob(m.G)
	if !ok {
		switch {
		case s.wantG != nil:
			g, s.wantG = *s.wantG, nil
		case m.From != (common.Address{}):
			g = recvG(m.From, m.ID)
		default:
			g = c.newBlob()
		}
		m.G = g.String()
	}
	cur := c.obj(g)
	var o syncObj
	if cur != nil {
		o = cur.clone()
	} else {
		o = syncObj{G: hexID(g), From: m.From, ID: hexID(m.ID), Date: m.Date, Size: m.Size}
	}
	changed := cur == nil
	if o.Folder.V != m.Folder {
		o.Folder = folderReg{V: m.Folder, stamp: c.stampNow()}
		changed = true
	}
	names := make([]string, 0, len(o.Flags)+len(m.Flags))
	for f := range o.Flags {
		names = append(names, f)
	}
	names = append(names, m.Flags...)
	slices.Sort(names)
	for _, f := range slices.Compact(names) {
		if has := slices.Contains(m.Flags, f); o.Flags[f].V != has {
			if o.Flags == nil {
				o.Flags = make(map[string]flagReg)
			}
			o.Flags[f] = flagReg{V: has, stamp: c.stampNow()}
			changed = true
		}
	}
	c.putLoc(g, syncLoc{folder: m.Folder, uid: m.UID, ok: true}, out)
	if changed {
		c.saveObj(&o, out)
	}
}

// syncNext names the object of the next message filed: the one moved
// (move), or a new one (a copy is another message).
func (c *Core) syncNext(m *Stored, move bool) {
	if !c.sync.on {
		return
	}
	g, ok := parseBlob(m.G)
	if !move || !ok {
		g = c.newBlob()
	}
	c.sync.wantG = &g
}

// syncGone records that m was expunged.
func (c *Core) syncGone(m *Stored, out *service.Effects) {
	g, ok := parseBlob(m.G)
	if !c.sync.on || !ok {
		return
	}
	c.putLoc(g, syncLoc{}, out)
	cur := c.obj(g)
	if cur == nil || cur.Gone {
		return
	}
	o := cur.clone()
	o.Gone = true
	c.saveObj(&o, out)
}

func (o *syncObj) clone() syncObj {
	x := *o
	if o.Flags != nil {
		x.Flags = make(map[string]flagReg, len(o.Flags))
		for k, v := range o.Flags {
			x.Flags[k] = v
		}
	}
	return x
}

// flagList is the object's flags that are set, sorted.
func (o *syncObj) flagList() []string {
	fs := []string{}
	for f, r := range o.Flags {
		if r.V {
			fs = append(fs, f)
		}
	}
	slices.Sort(fs)
	return fs
}

// join merges b into a copy of a.
func join(a *syncObj, b *syncObj) syncObj {
	x := a.clone()
	if b.Folder.after(x.Folder.stamp) {
		x.Folder = b.Folder
	}
	for f, r := range b.Flags {
		if cur, ok := x.Flags[f]; !ok || r.after(cur.stamp) {
			if x.Flags == nil {
				x.Flags = make(map[string]flagReg)
			}
			x.Flags[f] = r
		}
	}
	x.Gone = x.Gone || b.Gone
	return x
}

func sameObj(a, b *syncObj) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// merge joins an object from another node into this node's and makes
// the folders show it: filed (with body, the message's bytes), moved,
// flagged or expunged.
func (c *Core) merge(now time.Time, w common.Address, ro syncObj, body []byte, out *service.Effects) {
	g := MessageID(ro.G)
	if !isFolder(ro.Folder.V) && !ro.Gone {
		return
	}
	c.see(ro.Folder.stamp)
	for _, r := range ro.Flags {
		c.see(r.stamp)
	}
	cur := c.obj(g)
	var o syncObj
	if cur == nil {
		o = ro.clone()
	} else {
		o = join(cur, &ro)
	}
	if cur == nil || !sameObj(cur, &o) {
		c.saveObj(&o, out)
	}
	c.apply(now, w, &o, body, out)
}

// apply makes this node's folders show o.
func (c *Core) apply(now time.Time, w common.Address, o *syncObj, body []byte, out *service.Effects) {
	g := MessageID(o.G)
	if o.From != (common.Address{}) {
		// Taken here: a copy sent again, to this node, is not filed twice.
		out.Put(append(append([]byte("d"), o.From[:]...), o.ID[:]...), []byte{1})
	}
	l := c.loc(g)
	s := &c.sync
	s.merging = true
	defer func() { s.merging = false }()
	switch {
	case o.Gone:
		if bp := s.bodies[g]; bp != nil {
			c.dropBody(g, bp, false, out)
		}
		if !l.ok {
			return
		}
		c.putLoc(g, syncLoc{}, out)
		m, err := c.stored(l.folder, l.uid)
		if err != nil {
			return
		}
		out.Del(msgKey("m", l.folder, l.uid))
		out.Del(msgKey("b", l.folder, l.uid))
		if b, ok := parseBlob(m.Blob); ok {
			c.ref(b, -1, out)
		}
		out.Emit(Event{Kind: EventChanged, Folder: l.folder})
	case !l.ok:
		if body == nil {
			if o.Size > ChunkSize {
				c.wantBody(now, g, w, out) // pulled in chunks
			}
			return // else the bytes come with a later batch (from a node that has them)
		}
		m := c.store(o.Date, o.Folder.V, MessageID(o.ID), o.From, o.flagList(), bytes.Clone(body), out)
		m.G = g.String()
		c.putStored(m, out)
		c.putLoc(g, syncLoc{folder: m.Folder, uid: m.UID, ok: true}, out)
		out.Emit(Event{Kind: EventNew, Msg: m, Folder: m.Folder})
	default:
		m, err := c.stored(l.folder, l.uid)
		if err != nil {
			return
		}
		if m.Folder != o.Folder.V {
			var n *Stored
			if b, ok := parseBlob(m.Blob); ok {
				n = c.storeBlob(m.Date, o.Folder.V, m.ID, m.From, o.flagList(), b, m.Size, out)
			} else {
				data, err := Body(c.cfg.Store, l.folder, l.uid)
				if err != nil {
					return
				}
				n = c.store(m.Date, o.Folder.V, m.ID, m.From, o.flagList(), data, out)
			}
			n.G = m.G
			c.putStored(n, out)
			out.Del(msgKey("m", l.folder, l.uid))
			out.Del(msgKey("b", l.folder, l.uid))
			c.putLoc(g, syncLoc{folder: n.Folder, uid: n.UID, ok: true}, out)
			out.Emit(Event{Kind: EventNew, Msg: n, Folder: n.Folder})
			out.Emit(Event{Kind: EventChanged, Folder: l.folder})
			return
		}
		if fs := o.flagList(); !sameSet(m.Flags, fs) {
			m.Flags = fs
			c.putStored(m, out)
			out.Emit(Event{Kind: EventChanged, Folder: m.Folder})
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// addNode makes the node at inst one of this wallet's.
func (c *Core) addNode(now time.Time, inst netip.Addr, out *service.Effects) {
	if !c.sync.on || !inst.IsValid() || inst == c.cfg.Node {
		return
	}
	w := NodePeer(inst)
	if c.sync.sibs[w] == nil {
		c.sync.sibs[w] = &sibling{}
		c.syncPull(now, w, c.sync.sibs[w], out)
	}
}

// keysPending reports whether some other node's seal key is not known
// yet: mail sealed to it cannot be opened here before the nodes synced.
func (c *Core) keysPending() bool { return len(c.sync.keyring) < len(c.sync.sibs) }

// syncInfo reports the other nodes (InfoCmd).
func (c *Core) syncInfo() []NodeSync {
	var ns []NodeSync
	for _, w := range c.sortedSibs() {
		sb := c.sync.sibs[w]
		inst, _ := nodeOf(w)
		ns = append(ns, NodeSync{Node: inst, Synced: !sb.replica.IsZero(), Cursor: sb.cursor, Fails: sb.fails})
	}
	return ns
}
