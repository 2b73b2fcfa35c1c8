package stream

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/content"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// CoreConfig configures a Core. Zero values mean the defaults.
type CoreConfig struct {
	// Self is the node's wallet; required.
	Self common.Address
	// Sign signs the playlists of streams this node publishes (a
	// wallet's EIP-191 SignText); nil means the node publishes nothing.
	Sign func(text []byte) ([]byte, error)
	// Owner is the wallet Sign signs for, the owner of the streams this
	// node publishes; zero means Self.
	Owner common.Address
	// Fanout is how many children (relays first) the origin serves
	// itself before it redirects joiners to relays; 0 means 4.
	Fanout int
	// Window is how many segments a playlist lists and every node
	// caches; 0 means 6.
	Window int
	// StallTimeout is how long a node waits for a playlist from its
	// upstream before it replaces it; 0 means 1.5 × the target
	// duration (1.5 s at least).
	StallTimeout time.Duration
	// LoadEvery is how often relays tell the origin their load; 0
	// means 2 s.
	LoadEvery time.Duration
	// Verified remembers playlists already verified; nil means a
	// core's own. Cores of one process may share one.
	Verified *Verified
	// HolderMaxAge is how long a token balance read stays good for a
	// stream gated to a token's holders: then a watching holder's
	// balance is read again, and a child that no longer holds is cut
	// off; a node refused for its tokens asks again after it (at most
	// 30 s). 0 means 1 min.
	HolderMaxAge time.Duration
}

// liveEdge is how many segments before the newest a newcomer starts.
const liveEdge = 3

func (c *CoreConfig) defaults() {
	if c.Fanout == 0 {
		c.Fanout = 4
	}
	if c.Window == 0 {
		c.Window = 6
	}
	c.Window = min(c.Window, MaxWindow)
	if c.Verified == nil {
		c.Verified = &Verified{}
	}
	if c.LoadEvery == 0 {
		c.LoadEvery = 2 * time.Second
	}
	if c.HolderMaxAge == 0 {
		c.HolderMaxAge = time.Minute
	}
}

// Core is the stream protocol as a state machine (service.Core):
// publishing, the relay tree, failover, the segment caches. It keeps
// nothing in its store: a live stream does not outlive its nodes.
type Core struct {
	cfg     CoreConfig
	streams map[Key]*stream
	stats   Stats
	holders map[[2]common.Address]holder // (token, wallet) → checked balance
}

var _ service.Core = (*Core)(nil)

// Stats counts what a core did.
type Stats struct {
	SegmentsIn  int64 // segments received and verified
	SegmentsOut int64 // segments sent to children
	BytesOut    int64 // segment bytes sent to children
	Corrupt     int64 // segments whose bytes did not match their ID
	BadPlaylist int64 // playlists that failed verification
	Failovers   int64 // upstreams replaced
	Rejoins     int64 // Subs sent to the origin after the first
	MaxChildren int   // the most children served at once
	Denied      int64 // Subs refused by the stream's Access
}

// stream is one stream this node publishes, relays or watches.
type stream struct {
	key    Key
	origin common.Address // where the tree starts; Self for the publisher
	// Roles.
	publishing bool
	relayCap   int // > 0: relays for up to relayCap children
	watching   bool
	// The newest playlist and the segments held, by sequence number.
	pl       *Playlist
	plFrame  []byte // msgPlaylist frame of pl, forwarded as is
	segs     map[uint64][]byte
	pending  map[content.ID][]byte // received, not yet listed
	pendingQ []content.ID
	first    uint64    // the first sequence number held (0: none yet)
	repairAt time.Time // no repair Sub before
	// Upstream (not for the publisher).
	up         common.Address
	joined     bool // up accepted
	depth      int  // 0 at the origin
	heard      time.Time
	alternates []common.Address
	asked      int // Subs sent to the origin
	retryAt    time.Time
	bad        map[common.Address]time.Time // upstreams that failed this node, until
	denied     byte                         // the origin or a relay refused this node: why
	waiting    map[common.Address]msg       // Subs waiting for a token check
	// Downstream.
	children map[common.Address]*child
	relays   map[common.Address]*relayInfo // at the origin: the tree's relays
	beat     time.Time                     // the playlist last went to the children
	loadAt   time.Time
}

type child struct {
	relay bool
	sent  uint64 // newest sequence number sent
}

type relayInfo struct {
	capacity, children, depth int
	up                        common.Address
	seen                      time.Time
}

// NewCore makes a core.
func NewCore(cfg CoreConfig) (*Core, error) {
	if cfg.Self == (common.Address{}) {
		return nil, errors.New("stream: CoreConfig.Self is required")
	}
	cfg.defaults()
	if cfg.Owner == (common.Address{}) {
		cfg.Owner = cfg.Self
	}
	return &Core{cfg: cfg, streams: map[Key]*stream{}, holders: map[[2]common.Address]holder{}}, nil
}

// Handle implements service.Core.
func (c *Core) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Frame:
		m, err := decode(in.Frame)
		if err != nil {
			return // a malformed frame from a verified peer: dropped, counted nowhere yet
		}
		c.frame(now, in.Peer, m, out)
	case service.Down:
		c.down(now, in.Peer, out)
	case service.Timer:
		c.tick(now, out)
	case service.Command:
		out.Result, out.Err = c.command(now, in.Cmd, out)
	}
	c.wake(now, out)
}

func (c *Core) newStream(k Key, origin common.Address) *stream {
	s := &stream{key: k, origin: origin, segs: map[uint64][]byte{}, pending: map[content.ID][]byte{}, bad: map[common.Address]time.Time{}, waiting: map[common.Address]msg{},
		children: map[common.Address]*child{}, relays: map[common.Address]*relayInfo{}}
	c.streams[k] = s
	return s
}

// sortedKeys returns m's keys in a fixed order.
func sortedKeys[V any](m map[common.Address]V) []common.Address {
	ks := make([]common.Address, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b common.Address) int { return bytes.Compare(a[:], b[:]) })
	return ks
}

func (c *Core) streamKeys() []Key {
	ks := make([]Key, 0, len(c.streams))
	for k := range c.streams {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b Key) int {
		if d := bytes.Compare(a.Owner[:], b.Owner[:]); d != 0 {
			return d
		}
		return bytes.Compare([]byte(a.Name), []byte(b.Name))
	})
	return ks
}

// publish adds a segment to a stream this node publishes, signs the
// new playlist and sends both down the tree.
func (c *Core) publish(now time.Time, cmd PushCmd, out *service.Effects) (Segment, error) {
	s := c.streams[Key{c.cfg.Owner, cmd.Name}]
	if s == nil || !s.publishing {
		return Segment{}, fmt.Errorf("%w: %s", ErrNotPublisher, cmd.Name)
	}
	if len(cmd.Data) > MaxSegment {
		return Segment{}, fmt.Errorf("stream: segment of %d bytes is over %d", len(cmd.Data), MaxSegment)
	}
	captured := cmd.Captured
	if captured.IsZero() {
		captured = now.Add(-cmd.Duration)
	}
	seg := Segment{Seq: s.pl.Last() + 1, Duration: cmd.Duration, Size: uint32(len(cmd.Data)), Captured: captured, ID: content.Sum(cmd.Data)}
	pl := &Playlist{Key: s.key, Target: s.pl.Target, Parts: s.pl.Parts, Access: s.pl.Access, Segments: append(slices.Clone(s.pl.Segments), seg)}
	if pl.Parts == 0 && cmd.Duration > pl.Target {
		pl.Target = cmd.Duration
	}
	pl.Ended = cmd.End
	if w := c.window(pl); len(pl.Segments) > w {
		pl.Segments = pl.Segments[len(pl.Segments)-w:]
	}
	signed, err := pl.Sign(c.cfg.Sign)
	if err != nil {
		return Segment{}, err
	}
	s.segs[seg.Seq] = slices.Clone(cmd.Data)
	c.setPlaylist(s, pl, encPlaylist(s.key, signed))
	c.forward(now, s, out)
	out.Emit(Event{Kind: EventSegment, Key: s.key, Seq: seg.Seq, Captured: seg.Captured, Size: int(seg.Size), Data: s.segs[seg.Seq], Duration: seg.Duration})
	return seg, nil
}

// window is how many entries the publisher lists: Window segments, or
// with parts those of Window/2 segments (3 by default: what LL-HLS
// players need, and the playlist travels with every part), and at
// least Window entries.
func (c *Core) window(pl *Playlist) int {
	if pl.Parts > 1 {
		return min(MaxWindow, max(c.cfg.Window, pl.Parts*max(c.cfg.Window/2, 2)))
	}
	return c.cfg.Window
}

// setPlaylist installs pl and drops the segments it no longer lists.
func (c *Core) setPlaylist(s *stream, pl *Playlist, frame []byte) {
	s.pl, s.plFrame = pl, frame
	first := uint64(0)
	if len(pl.Segments) > 0 {
		first = pl.Segments[0].Seq
	}
	for q := range s.segs {
		if q < first {
			delete(s.segs, q)
		}
	}
}

// forward sends every child the segments it lacks, then the playlist.
func (c *Core) forward(now time.Time, s *stream, out *service.Effects) {
	if s.pl == nil {
		return
	}
	s.beat = now
	for _, w := range sortedKeys(s.children) {
		c.sendTo(s, w, s.children[w], out)
	}
}

func (c *Core) sendTo(s *stream, w common.Address, ch *child, out *service.Effects) {
	if s.pl == nil {
		return
	}
	for _, seg := range s.pl.Segments {
		if seg.Seq <= ch.sent {
			continue
		}
		data, ok := s.segs[seg.Seq]
		if !ok {
			continue
		}
		out.To(w, encSeg(s.key, seg.Seq, seg.ID, data))
		ch.sent = seg.Seq
		c.stats.SegmentsOut++
		c.stats.BytesOut += int64(len(data))
	}
	out.To(w, s.plFrame)
}
