package stream

import (
	"crypto/sha256"
	"sync"
)

// Verified remembers signed playlists whose signature checked out, so
// that the same bytes are not verified again: one node that hears a
// playlist twice (a heartbeat, a new upstream resending), or many
// cores of one process — the simulator shares one Verified among all
// its nodes, which verify the same playlists. The zero value is ready;
// it holds at most verifiedMax entries (the oldest go first). Safe for
// concurrent use.
type Verified struct {
	mu    sync.Mutex // guards seen and order
	seen  map[[32]byte]struct{}
	order [][32]byte
}

const verifiedMax = 4096

// decode parses and verifies a signed playlist, once per distinct
// encoding; v may be nil.
func (v *Verified) decode(b []byte) (*Playlist, error) {
	if v == nil {
		return DecodePlaylist(b)
	}
	p, err := parsePlaylist(b)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(b) // the owner is in b: equal bytes, equal signer
	v.mu.Lock()
	_, ok := v.seen[h]
	v.mu.Unlock()
	if ok {
		return p, nil
	}
	if err := verify(p.Owner, b[:len(b)-sigLen], p.Sig); err != nil {
		return nil, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.seen == nil {
		v.seen = map[[32]byte]struct{}{}
	}
	if _, ok := v.seen[h]; !ok {
		v.seen[h] = struct{}{}
		v.order = append(v.order, h)
		if len(v.order) > verifiedMax {
			delete(v.seen, v.order[0])
			v.order = v.order[1:]
		}
	}
	return p, nil
}
