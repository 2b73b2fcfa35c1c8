package sim

import (
	"crypto/sha256"
	"encoding/binary"
	mrand "math/rand"
	"math/rand/v2"
	"sync"
)

// Randomness is split per node and per purpose: each stream is seeded by
// SHA-256(seed, purpose, node, incarnation), so a node's draws do not
// depend on how many draws other nodes made.

func streamSeed(seed uint64, purpose string, node int32, inc int) [32]byte {
	h := sha256.New()
	var b [20]byte
	binary.BigEndian.PutUint64(b[0:], seed)
	binary.BigEndian.PutUint32(b[8:], uint32(node))
	binary.BigEndian.PutUint64(b[12:], uint64(inc))
	h.Write(b[:])
	h.Write([]byte(purpose))
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// lockedReader is a seeded ChaCha8 stream safe for concurrent use: the
// netstack's SecureRNG and the transport's Rand.
type lockedReader struct {
	mu sync.Mutex
	c  *rand.ChaCha8
}

func newReader(seed uint64, purpose string, node int32, inc int) *lockedReader {
	return &lockedReader{c: rand.NewChaCha8(streamSeed(seed, purpose, node, inc))}
}

func (r *lockedReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.c.Read(p)
}

// lockedSource is a seeded math/rand.Source safe for concurrent use, for
// the netstack's RandSource.
type lockedSource struct {
	mu sync.Mutex
	p  *rand.PCG
}

var _ mrand.Source64 = (*lockedSource)(nil)

func newSource(seed uint64, purpose string, node int32, inc int) *lockedSource {
	s := streamSeed(seed, purpose, node, inc)
	return &lockedSource{p: rand.NewPCG(binary.BigEndian.Uint64(s[:8]), binary.BigEndian.Uint64(s[8:16]))}
}

func (s *lockedSource) Uint64() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p.Uint64()
}

func (s *lockedSource) Int63() int64 { return int64(s.Uint64() >> 1) }
func (s *lockedSource) Seed(int64)   {}

// newRand is a plain seeded generator for the simulator's own draws
// (loss, jitter, placement), used only under Sim.mu or at setup.
func newRand(seed uint64, purpose string, node int32) *rand.Rand {
	s := streamSeed(seed, purpose, node, 0)
	return rand.New(rand.NewPCG(binary.BigEndian.Uint64(s[:8]), binary.BigEndian.Uint64(s[8:16])))
}
