package transport

import (
	"crypto/ecdsa"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
)

// epoch is the fixed start of every test clock.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fakeClock is a manual clock safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: epoch} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// seeded returns a deterministic reader.
func seeded(seed byte) *rand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// walletKey returns a fixed secp256k1 key for seed.
func testWallet(t testing.TB, seed byte) *ecdsa.PrivateKey {
	t.Helper()
	var d [32]byte
	d[31] = seed
	d[0] = 0x42
	k, err := crypto.ToECDSA(d[:])
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func testNodeKey(t testing.TB, seed byte) NodeKey {
	t.Helper()
	var priv [32]byte
	for i := range priv {
		priv[i] = seed + byte(i)
	}
	k, err := NodeKeyFromPrivate(priv)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

const testChain = 31337

// testNode is one node of a test network.
type testNode struct {
	s      *Sessions
	signer Signer
	key    NodeKey
	addr   []byte
	clock  *fakeClock
	seed   byte
}

// newNode makes a node with a fixed wallet, node key and Rand from seed.
func newNode(t testing.TB, clock *fakeClock, seed byte, mut func(*Config)) *testNode {
	t.Helper()
	n := &testNode{
		signer: NewKeySigner(testWallet(t, seed)),
		key:    testNodeKey(t, seed),
		addr:   []byte{10, 0, 0, seed},
		clock:  clock,
		seed:   seed,
	}
	b, err := SignBinding(n.signer, n.key.Public, testChain, epoch.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Key: n.key, Binding: b, Now: clock.Now, Rand: seeded(seed)}
	if mut != nil {
		mut(&cfg)
	}
	n.s, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// setBinding makes n present b in its handshakes, skipping New's checks.
func (n *testNode) setBinding(b Binding) {
	n.s.binding = b
	n.s.bindingBytes, _ = b.MarshalBinary()
}

// peerIK returns n's peer for m with m's node key known.
func (n *testNode) peerIK(m *testNode) *Peer {
	k := m.key.Public
	return n.s.Peer(m.signer.Address(), &k)
}

// peerXX returns n's peer for m's wallet only.
func (n *testNode) peerXX(m *testNode) *Peer {
	return n.s.Peer(m.signer.Address(), nil)
}

// flight is one message on its way.
type flight struct {
	from, to *testNode
	msg      []byte
}

// flow delivers msg from src to dst and every reply back and forth
// until none remain. It returns the results in order and the first
// error (delivery stops there).
func flow(src, dst *testNode, msg []byte) ([]Result, error) {
	q := []flight{{src, dst, msg}}
	var out []Result
	for len(q) > 0 {
		f := q[0]
		q = q[1:]
		res, err := f.to.s.Receive(nil, f.msg, f.from.addr)
		if err != nil {
			return out, err
		}
		out = append(out, res)
		for _, r := range res.Replies {
			q = append(q, flight{f.to, f.from, r})
		}
	}
	return out, nil
}

// handshake runs a full handshake from a to its peer p (which is b) and
// fails the test on any error.
func handshake(t testing.TB, a, b *testNode, p *Peer) {
	t.Helper()
	msg, err := a.s.Initiate(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flow(a, b, msg); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	if !p.Established() {
		t.Fatal("initiator's peer not established after handshake")
	}
}

// peerOf returns dst's peer for src's node key.
func peerOf(t testing.TB, dst, src *testNode) *Peer {
	t.Helper()
	dst.s.mu.Lock()
	p := dst.s.byKey[src.key.Public]
	dst.s.mu.Unlock()
	if p == nil {
		t.Fatalf("node %d has no peer for node %d", dst.seed, src.seed)
	}
	return p
}

// send seals plain from a to its peer p and opens it at b.
func send(t testing.TB, a, b *testNode, p *Peer, plain string) Result {
	t.Helper()
	msg, err := a.s.Seal(nil, p, []byte(plain))
	if err != nil {
		t.Fatalf("seal: %v", err)
	}
	res, err := b.s.Receive(nil, msg, a.addr)
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	if res.Kind != KindData || string(res.Payload) != plain {
		t.Fatalf("received %v %q, want data %q", res.Kind, res.Payload, plain)
	}
	return res
}

func testWalletAddr(t testing.TB, seed byte) [20]byte {
	return crypto.PubkeyToAddress(testWallet(t, seed).PublicKey)
}
