package stream

import (
	"fmt"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Commands of the core (service.Input.Cmd); each answer is in
// Effects.Result.

// PublishCmd starts publishing the stream Name of this node's wallet.
// Result: Key.
type PublishCmd struct {
	Name string
	// Target is the target segment duration; 0 means 1 s.
	Target time.Duration
	// Parts is how many parts (LL-HLS EXT-X-PART) make a segment: each
	// PushCmd then carries one part of Target/Parts. 0 or 1: each
	// PushCmd is a whole segment.
	Parts int
	// Access is who may watch; zero: everyone.
	Access Access
}

// PushCmd adds a segment to a stream this node publishes. Result: Segment.
type PushCmd struct {
	Name     string
	Data     []byte
	Duration time.Duration
	// Captured is the glass time of the segment's first frame; zero
	// means now − Duration.
	Captured time.Time
	// End marks the last segment.
	End bool
}

// WatchCmd joins a stream as a viewer (Capacity 0) or a relay that
// serves up to Capacity children. Origin is the wallet whose node
// publishes it. Joining again changes nothing. Result: nil.
type WatchCmd struct {
	Key      Key
	Origin   common.Address
	Capacity int
}

// StopCmd leaves (or stops publishing) a stream. Result: nil.
type StopCmd struct{ Key Key }

// PlaylistCmd asks for the newest verified playlist held and the
// sequence numbers whose segments are here. Result: PlaylistView.
type PlaylistCmd struct{ Key Key }

// SegmentCmd asks for a segment's verified bytes. Result: []byte.
type SegmentCmd struct {
	Key Key
	Seq uint64
}

// StatusCmd asks for every stream's state and the counters. Result: Status.
type StatusCmd struct{}

// PlaylistView is a playlist with the segments this node holds.
type PlaylistView struct {
	Playlist *Playlist
	Held     []uint64
}

// StreamStatus is one stream as this node sees it.
type StreamStatus struct {
	Key        Key            `json:"key"`
	Role       string         `json:"role"` // "publisher", "relay", "viewer"
	Upstream   common.Address `json:"upstream"`
	Joined     bool           `json:"joined"`
	Depth      int            `json:"depth"`
	Children   int            `json:"children"`
	Relays     int            `json:"relays"` // known to the origin
	Last       uint64         `json:"last"`   // newest segment
	Alternates int            `json:"alternates"`
	// Parts and Access are the newest playlist's (Playlist.Parts: Last
	// is part (Last−1) mod Parts of media segment (Last−1) div Parts).
	Parts  int    `json:"parts"`
	Access Access `json:"access"`
}

// Status is a core's state.
type Status struct {
	Streams []StreamStatus `json:"streams"`
	Stats   Stats          `json:"stats"`
}

func (c *Core) command(now time.Time, cmd any, out *service.Effects) (any, error) {
	switch cmd := cmd.(type) {
	case PublishCmd:
		if !ValidName(cmd.Name) {
			return nil, fmt.Errorf("%w: %q", ErrBadName, cmd.Name)
		}
		if c.cfg.Sign == nil {
			return nil, fmt.Errorf("%w: this node has no signer", ErrNotPublisher)
		}
		k := Key{c.cfg.Owner, cmd.Name}
		s := c.streams[k]
		if s == nil {
			s = c.newStream(k, c.cfg.Self)
		}
		if !s.publishing {
			if len(cmd.Access.Allow) > MaxAllow {
				return nil, fmt.Errorf("stream: %d wallets allowed, at most %d", len(cmd.Access.Allow), MaxAllow)
			}
			if cmd.Parts < 0 || cmd.Parts > MaxParts {
				return nil, fmt.Errorf("stream: %d parts a segment, not 0 to %d", cmd.Parts, MaxParts)
			}
			pl := &Playlist{Key: k, Target: cmd.Target, Parts: cmd.Parts, Access: cmd.Access}
			if pl.Target <= 0 {
				pl.Target = time.Second
			}
			if pl.Parts == 1 {
				pl.Parts = 0
			}
			// Signed while still empty: a stream fed only by WHIP keeps
			// its tree alive with this playlist as the heartbeat.
			signed, err := pl.Sign(c.cfg.Sign)
			if err != nil {
				return nil, err
			}
			s.publishing, s.pl, s.plFrame = true, pl, encPlaylist(k, signed)
		}
		return k, nil
	case PushCmd:
		return c.publish(now, cmd, out)
	case TreeCmd:
		return c.tree(cmd.Key)
	case HolderCmd:
		c.holderAnswer(now, cmd, out)
		return nil, nil
	case WatchCmd:
		if !ValidName(cmd.Key.Name) {
			return nil, fmt.Errorf("%w: %q", ErrBadName, cmd.Key.Name)
		}
		s := c.streams[cmd.Key]
		if s == nil {
			s = c.newStream(cmd.Key, cmd.Origin)
		}
		if s.publishing {
			return nil, nil
		}
		s.watching = s.watching || cmd.Capacity == 0
		s.relayCap = max(s.relayCap, cmd.Capacity)
		if s.up == (common.Address{}) && s.denied == 0 {
			c.join(now, s, s.origin, out)
		}
		return nil, nil
	case StopCmd:
		s := c.streams[cmd.Key]
		if s == nil {
			return nil, ErrNotFound
		}
		if s.up != (common.Address{}) {
			out.To(s.up, encLeave(s.key))
		}
		delete(c.streams, cmd.Key)
		return nil, nil
	case PlaylistCmd:
		s := c.streams[cmd.Key]
		if s != nil && s.denied != 0 {
			return nil, fmt.Errorf("%w: %s: %s", ErrDenied, cmd.Key, deniedText(s.denied))
		}
		if s == nil || s.pl == nil {
			return nil, fmt.Errorf("%w: %s", ErrNotFound, cmd.Key)
		}
		v := PlaylistView{Playlist: clonePlaylist(s.pl)}
		for _, seg := range s.pl.Segments {
			if _, ok := s.segs[seg.Seq]; ok {
				v.Held = append(v.Held, seg.Seq)
			}
		}
		return v, nil
	case SegmentCmd:
		s := c.streams[cmd.Key]
		if s == nil {
			return nil, fmt.Errorf("%w: %s", ErrNotFound, cmd.Key)
		}
		if s.denied != 0 {
			return nil, fmt.Errorf("%w: %s: %s", ErrDenied, cmd.Key, deniedText(s.denied))
		}
		data, ok := s.segs[cmd.Seq]
		if !ok {
			return nil, fmt.Errorf("%w: %s segment %d", ErrNotFound, cmd.Key, cmd.Seq)
		}
		return data, nil // never written to after it is stored
	case StatusCmd:
		st := Status{Stats: c.stats}
		for _, k := range c.streamKeys() {
			s := c.streams[k]
			ss := StreamStatus{Key: k, Upstream: s.up, Joined: s.joined, Depth: s.depth, Children: len(s.children),
				Relays: len(s.relays), Alternates: len(s.alternates)}
			switch {
			case s.publishing:
				ss.Role = "publisher"
			case s.relayCap > 0:
				ss.Role = "relay"
			default:
				ss.Role = "viewer"
			}
			if s.pl != nil {
				ss.Last, ss.Parts, ss.Access = s.pl.Last(), s.pl.Parts, s.pl.Access
			}
			st.Streams = append(st.Streams, ss)
		}
		return st, nil
	}
	return nil, fmt.Errorf("stream: unknown command %T", cmd)
}

func clonePlaylist(p *Playlist) *Playlist {
	q := *p
	q.Segments = slices.Clone(p.Segments)
	q.Sig = slices.Clone(p.Sig)
	return &q
}
