package stream

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/anynet/anynet/apps/content"
	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Key names a stream: the wallet that signs its playlists and a name.
type Key struct {
	Owner common.Address
	Name  string
}

func (k Key) String() string { return k.Owner.Hex() + "/" + k.Name }

// Segment is one entry of a playlist: a piece of the stream stored as
// the content blob ID.
type Segment struct {
	Seq      uint64
	Duration time.Duration // millisecond precision on the wire
	Size     uint32
	// Captured is when the segment's first frame was captured (the
	// publisher's clock, millisecond precision): glass time.
	Captured time.Time
	ID       content.ID
}

// Playlist is the publisher's signed list of a stream's newest
// segments (a sliding window of at most MaxWindow).
type Playlist struct {
	Key
	// Target is the target segment duration.
	Target time.Duration
	Ended  bool
	// Parts is how many entries make one HLS segment when the stream is
	// cut into LL-HLS parts: entry seq is part (seq−1) mod Parts of
	// media segment (seq−1) div Parts, each Target/Parts long. 0 or 1:
	// every entry is a whole segment.
	Parts int
	// Access is who may watch (everyone when zero).
	Access   Access
	Segments []Segment
	// Sig is the owner's EIP-191 signature of the encoding before it.
	Sig []byte
}

// Limits of a playlist.
const (
	MaxWindow  = 32
	maxNameLen = 64
	magic      = "ANS1"
	sigLen     = 65
	segLen     = 8 + 4 + 4 + 8 + 32
	// MaxParts bounds Playlist.Parts.
	MaxParts = 255
)

// Playlist flags.
const (
	flagEnded  = 1
	flagParts  = 2 // a u8 Parts follows the flags
	flagAccess = 4 // an Access follows (access.go)
)

// PartTarget is the duration of one part (Target/Parts), or Target
// when entries are whole segments.
func (p *Playlist) PartTarget() time.Duration {
	if p.Parts > 1 {
		return p.Target / time.Duration(p.Parts)
	}
	return p.Target
}

// MSN returns the HLS media sequence number of entry seq and its part
// index within that segment (0 when entries are whole segments).
func (p *Playlist) MSN(seq uint64) (msn uint64, part int) {
	if p.Parts > 1 {
		return (seq - 1) / uint64(p.Parts), int((seq - 1) % uint64(p.Parts))
	}
	return seq, 0
}

// Last is the newest segment's sequence number (0 with none).
func (p *Playlist) Last() uint64 {
	if len(p.Segments) == 0 {
		return 0
	}
	return p.Segments[len(p.Segments)-1].Seq
}

// ValidName reports whether name is a stream name: 1 to 64 of a-z 0-9 _ -.
func ValidName(name string) bool {
	if len(name) == 0 || len(name) > maxNameLen {
		return false
	}
	for _, c := range []byte(name) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// body encodes everything the signature covers (see doc.go).
func (p *Playlist) body() []byte {
	b := make([]byte, 0, 4+20+1+len(p.Name)+4+1+1+len(p.Segments)*segLen+sigLen)
	b = append(b, magic...)
	b = append(b, p.Owner[:]...)
	b = append(b, byte(len(p.Name)))
	b = append(b, p.Name...)
	b = binary.BigEndian.AppendUint32(b, uint32(p.Target/time.Millisecond))
	var flags byte
	if p.Ended {
		flags |= flagEnded
	}
	if p.Parts > 1 {
		flags |= flagParts
	}
	if !p.Access.Public() {
		flags |= flagAccess
	}
	b = append(b, flags)
	if p.Parts > 1 {
		b = append(b, byte(p.Parts))
	}
	if !p.Access.Public() {
		b = appendAccess(b, p.Access)
	}
	b = append(b, byte(len(p.Segments)))
	for _, s := range p.Segments {
		b = binary.BigEndian.AppendUint64(b, s.Seq)
		b = binary.BigEndian.AppendUint32(b, uint32(s.Duration/time.Millisecond))
		b = binary.BigEndian.AppendUint32(b, s.Size)
		b = binary.BigEndian.AppendUint64(b, uint64(s.Captured.UnixMilli()))
		b = append(b, s.ID[:]...)
	}
	return b
}

// Sign sets p.Sig with sign (a wallet's EIP-191 SignText) and returns
// the encoding.
func (p *Playlist) Sign(sign func(text []byte) ([]byte, error)) ([]byte, error) {
	b := p.body()
	sig, err := sign(b)
	if err != nil {
		return nil, fmt.Errorf("stream: sign playlist: %w", err)
	}
	if len(sig) != sigLen {
		return nil, fmt.Errorf("stream: sign playlist: %d-byte signature", len(sig))
	}
	p.Sig = sig
	return append(b, sig...), nil
}

// Encode returns the signed encoding (p.Sig must be set).
func (p *Playlist) Encode() []byte { return append(p.body(), p.Sig...) }

// DecodePlaylist parses a signed playlist and checks its signature
// against its owner.
func DecodePlaylist(b []byte) (*Playlist, error) {
	p, err := parsePlaylist(b)
	if err != nil {
		return nil, err
	}
	if err := verify(p.Owner, b[:len(b)-sigLen], p.Sig); err != nil {
		return nil, err
	}
	return p, nil
}

// parsePlaylist parses without checking the signature.
func parsePlaylist(b []byte) (*Playlist, error) {
	bad := func(what string) error { return fmt.Errorf("%w: playlist: %s", ErrMalformed, what) }
	if len(b) < 4+20+1 || string(b[:4]) != magic {
		return nil, bad("no magic")
	}
	p := &Playlist{}
	copy(p.Owner[:], b[4:24])
	n := int(b[24])
	r := b[25:]
	if len(r) < n+4+2 {
		return nil, bad("short")
	}
	p.Name, r = string(r[:n]), r[n:]
	if !ValidName(p.Name) {
		return nil, fmt.Errorf("%w: %q", ErrBadName, p.Name)
	}
	p.Target = time.Duration(binary.BigEndian.Uint32(r)) * time.Millisecond
	flags := r[4]
	r = r[5:]
	if flags&^(flagEnded|flagParts|flagAccess) != 0 {
		return nil, bad("unknown flags")
	}
	p.Ended = flags&flagEnded != 0
	if flags&flagParts != 0 {
		if len(r) < 1 || r[0] < 2 {
			return nil, bad("parts")
		}
		p.Parts, r = int(r[0]), r[1:]
	}
	if flags&flagAccess != 0 {
		var err error
		if p.Access, r, err = parseAccess(r); err != nil {
			return nil, err
		}
	}
	if len(r) < 1 {
		return nil, bad("short")
	}
	count := int(r[0])
	r = r[1:]
	if count > MaxWindow || len(r) != count*segLen+sigLen {
		return nil, bad("length")
	}
	for i := range count {
		s := Segment{
			Seq:      binary.BigEndian.Uint64(r),
			Duration: time.Duration(binary.BigEndian.Uint32(r[8:])) * time.Millisecond,
			Size:     binary.BigEndian.Uint32(r[12:]),
			Captured: time.UnixMilli(int64(binary.BigEndian.Uint64(r[16:]))),
		}
		copy(s.ID[:], r[24:56])
		if i > 0 && s.Seq != p.Segments[i-1].Seq+1 {
			return nil, bad("sequence numbers not consecutive")
		}
		p.Segments = append(p.Segments, s)
		r = r[segLen:]
	}
	p.Sig = append([]byte(nil), r...)
	return p, nil
}

// verify checks sig (EIP-191 over text) recovers to owner.
func verify(owner common.Address, text, sig []byte) error {
	if len(sig) != sigLen || (sig[64] != 27 && sig[64] != 28) {
		return ErrBadSignature
	}
	s := append([]byte(nil), sig...)
	s[64] -= 27
	pub, err := crypto.SigToPub(accounts.TextHash(text), s)
	if err != nil || crypto.PubkeyToAddress(*pub) != owner {
		return ErrBadSignature
	}
	return nil
}
