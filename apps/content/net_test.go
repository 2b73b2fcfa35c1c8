package content

import (
	"context"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
)

// testCtx bounds a test's blocking calls; it never asserts on time.
func testCtx(t testing.TB) context.Context { return apptest.Ctx(t) }

// member is one wallet of a test network; its keys survive a restart.
type member struct {
	apptest.Keys
	name string
	node *stack.Node
	svc  *Service
}

// testNet is a set of real nodes (gVisor stacks, Noise sessions) on one
// in-memory underlay, all static peers of each other.
type testNet struct {
	t       testing.TB
	nw      *apptest.Net
	members []*member
}

func newTestNet(t testing.TB, names ...string) *testNet {
	tn := &testNet{t: t, nw: apptest.NewNet(t, mem.Config{})}
	for _, n := range names {
		tn.members = append(tn.members, &member{Keys: apptest.NewKeys(t), name: n})
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
	tn.t.Helper()
	if m.node == nil {
		m.node = tn.nw.Up(testCtx(tn.t), m.Keys)
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
	tn.nw.Down(m.node)
	m.node = nil
}
