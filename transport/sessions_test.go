package transport

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestNewValidates(t *testing.T) {
	clock := newClock()
	signer := NewKeySigner(testWallet(t, 1))
	key := testNodeKey(t, 1)
	good := mustSign(t, signer, key.Public, testChain, epoch.Add(time.Hour))
	for _, tc := range []struct {
		name string
		cfg  func(c *Config)
		want error
	}{
		{"valid", func(*Config) {}, nil},
		{"binding of another key", func(c *Config) { c.Key = testNodeKey(t, 2) }, ErrNodeKeyMismatch},
		{"public does not match private", func(c *Config) { c.Key.Public[0] ^= 1 }, nil},
		{"expired own binding", func(c *Config) { c.Now = func() time.Time { return epoch.Add(2 * time.Hour) } }, ErrExpired},
		{"bad own signature", func(c *Config) { c.Binding.Signature[3] ^= 1 }, ErrBadSignature},
		{"other chain", func(c *Config) { c.ChainID = 1 }, ErrWrongChain},
		{"same chain", func(c *Config) { c.ChainID = testChain }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Key: key, Binding: good, Now: clock.Now}
			tc.cfg(&cfg)
			_, err := New(cfg)
			switch {
			case tc.name == "valid" || tc.name == "same chain":
				if err != nil {
					t.Fatal(err)
				}
			case tc.want == nil:
				if err == nil {
					t.Fatal("New accepted a bad config")
				}
			case !errors.Is(err, tc.want):
				t.Fatalf("New: %v, want %v", err, tc.want)
			}
		})
	}
}

func TestPeerRegistry(t *testing.T) {
	clock := newClock()
	a, b := newNode(t, clock, 1, nil), newNode(t, clock, 2, nil)
	if a.peerIK(b) != a.peerIK(b) || a.peerXX(b) != a.peerXX(b) {
		t.Fatal("Peer is not idempotent")
	}
	if a.peerIK(b) == a.peerXX(b) {
		t.Fatal("IK and XX requests share a peer before the key is known")
	}
	// XX reveals the key. A peer already had it (the IK request above),
	// so that one keeps it and both peers work.
	ik := a.peerIK(b)
	x := a.peerXX(b)
	handshake(t, a, b, x)
	if k, ok := x.NodeKey(); !ok || k != b.key.Public {
		t.Fatal("XX did not reveal the node key")
	}
	if a.peerIK(b) != ik {
		t.Fatal("XX took over the key of an existing peer")
	}
	handshake(t, a, b, ik)
	send(t, a, b, x, "via the XX peer")
	send(t, a, b, ik, "via the IK peer")
	// A fresh node learns the key through XX and then finds the same peer
	// by key.
	c := newNode(t, clock, 3, nil)
	y := c.peerXX(b)
	handshake(t, c, b, y)
	k := b.key.Public
	if c.s.Peer(b.signer.Address(), &k) != y {
		t.Fatal("peer found by wallet not found by its learned key")
	}
}

// The same seeds and clock give the same Tick output in the same order.
func TestTickDeterministic(t *testing.T) {
	run := func() [][]byte {
		clock := newClock()
		a := newNode(t, clock, 1, nil)
		var peers []*testNode
		for i := range 20 {
			peers = append(peers, newNode(t, clock, byte(10+i), nil))
		}
		for _, n := range peers {
			if _, err := a.s.Initiate(a.peerIK(n)); err != nil {
				t.Fatal(err)
			}
		}
		var out [][]byte
		for range 3 {
			clock.Advance(5 * time.Second)
			for _, o := range a.s.Tick() {
				out = append(out, o.Msg)
			}
		}
		return out
	}
	first, second := run(), run()
	if len(first) != 60 || !slices.EqualFunc(first, second, func(x, y []byte) bool { return string(x) == string(y) }) {
		t.Fatalf("Tick output differs between runs (%d, %d messages)", len(first), len(second))
	}
}

// TestResetCutsSessions: Reset ends a live session at once, on the side
// that calls it: data sealed before no longer opens there, nothing seals
// until a new handshake, and that handshake checks the peer's binding
// again — refused once the check says the key is revoked.
func TestResetCutsSessions(t *testing.T) {
	clock := newClock()
	revoked := false
	check := func(c *Config) {
		c.Check = func(b Binding) error {
			if revoked {
				return errors.New("node key revoked")
			}
			return nil
		}
	}
	a, b := newNode(t, clock, 1, nil), newNode(t, clock, 2, check)
	pa := a.peerIK(b)
	handshake(t, a, b, pa)
	send(t, a, b, pa, "before")
	pb := peerOf(t, b, a)
	if got := b.s.Peers(); len(got) != 1 || got[0] != pb {
		t.Fatalf("b.Peers() = %v, want [a]", got)
	}

	inFlight, err := a.s.Seal(nil, pa, []byte("in flight"))
	if err != nil {
		t.Fatal(err)
	}
	revoked = true
	b.s.Reset(pb)
	if pb.Established() {
		t.Fatal("still established after Reset")
	}
	if _, err := b.s.Seal(nil, pb, []byte("x")); !errors.Is(err, ErrNoSession) {
		t.Fatalf("seal after Reset: %v, want ErrNoSession", err)
	}
	if _, err := b.s.Receive(nil, inFlight, a.addr); err == nil {
		t.Fatal("data of the cut session still opens")
	}
	// a notices nothing yet; its next handshake is refused by b.
	msg, err := a.s.Initiate(pa)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flow(a, b, msg); !errors.Is(err, ErrRefused) {
		t.Fatalf("handshake after revocation: %v, want ErrRefused", err)
	}
	if got := b.s.Peers(); len(got) != 1 || got[0] != pb {
		t.Errorf("Reset dropped the peer: %v", got)
	}
}
