package content

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"testing"
	"time"

	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// testCtx bounds a test's blocking calls; it never asserts on time.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// member is one wallet of a test network; its keys survive a restart.
type member struct {
	name   string
	key    *ecdsa.PrivateKey
	nk     transport.NodeKey
	wallet common.Address
	node   *stack.Node
	svc    *Service
}

// testNet is a set of real nodes (gVisor stacks, Noise sessions) on one
// in-memory underlay, all static peers of each other.
type testNet struct {
	t       testing.TB
	nw      *mem.Network
	members []*member
}

func newTestNet(t testing.TB, names ...string) *testNet {
	tn := &testNet{t: t, nw: mem.NewNetwork(mem.Config{})}
	for _, n := range names {
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		nk, err := transport.GenerateNodeKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tn.members = append(tn.members, &member{name: n, key: k, nk: nk, wallet: crypto.PubkeyToAddress(k.PublicKey)})
	}
	t.Cleanup(func() {
		for _, m := range tn.members {
			tn.stop(m)
		}
	})
	return tn
}

func (tn *testNet) get(name string) *member {
	for _, m := range tn.members {
		if m.name == name {
			return m
		}
	}
	tn.t.Fatalf("no member %s", name)
	return nil
}

// up brings m's node up (if it is not) and makes every running member
// its peer.
func (tn *testNet) up(m *member) {
	t := tn.t
	t.Helper()
	if m.node != nil {
		return
	}
	ctx := testCtx(t)
	u, err := tn.nw.Attach()
	if err != nil {
		t.Fatal(err)
	}
	nk := m.nk
	m.node = &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(m.key), NodeKey: &nk}
	if err := m.node.Up(ctx); err != nil {
		t.Fatal(err)
	}
	for _, o := range tn.members {
		if o == m || o.node == nil {
			continue
		}
		if err := m.node.AddPeer(ctx, o.node.Self()); err != nil {
			t.Fatal(err)
		}
		if err := o.node.AddPeer(ctx, m.node.Self()); err != nil {
			t.Fatal(err)
		}
	}
}

// open starts m's content service with cfg (its node first).
func (tn *testNet) open(m *member, cfg Config) *Service {
	tn.t.Helper()
	tn.up(m)
	cfg.Host = m.node
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 20 * time.Second
	}
	s, err := Open(testCtx(tn.t), cfg)
	if err != nil {
		tn.t.Fatalf("open %s: %v", m.name, err)
	}
	m.svc = s
	return s
}

// closeSvc closes m's service, keeping its node.
func (tn *testNet) closeSvc(m *member) {
	if m.svc != nil {
		if err := m.svc.Close(); err != nil {
			tn.t.Errorf("close %s: %v", m.name, err)
		}
		m.svc = nil
	}
}

// stop closes m's service and node.
func (tn *testNet) stop(m *member) {
	tn.closeSvc(m)
	if m.node != nil {
		m.node.Close()
		m.node = nil
	}
}
