package im

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/apps/internal/seal"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
)

// testCtx bounds a test's blocking calls; it never asserts on time.
func testCtx(t testing.TB) context.Context { return apptest.Ctx(t) }

// member is one wallet of a test network: its keys survive a restart.
type member struct {
	apptest.Keys
	name string
	dir  string // "" = in-memory store
	node *stack.Node
	svc  *Service
}

// testNet is a set of members on one in-memory network, all static
// peers of each other.
type testNet struct {
	t       testing.TB
	nw      *apptest.Net
	dir     *fakeDirectory
	members []*member
	tweak   func(*Config)
}

func newTestNet(t testing.TB, names ...string) *testNet {
	tn := &testNet{t: t, nw: apptest.NewNet(t, mem.Config{}), dir: newFakeDirectory()}
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

// start brings m's node up, makes every running member its peer, and
// opens its service with cfg tweaks.
func (tn *testNet) start(m *member, cfg Config) {
	t := tn.t
	t.Helper()
	ctx := testCtx(t)
	m.node = tn.nw.Up(ctx, m.Keys)
	cfg.Node = m.node
	cfg.Dir = m.dir
	if cfg.Directory == nil {
		cfg.Directory = tn.dir
	}
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = 2 * time.Second
	}
	if cfg.AckTimeout == 0 {
		cfg.AckTimeout = 3 * time.Second
	}
	if cfg.FetchInterval == 0 {
		cfg.FetchInterval = -1
	}
	if tn.tweak != nil {
		tn.tweak(&cfg)
	}
	var err error
	m.svc, err = Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", m.name, err)
	}
	tn.dir.setKey(m.Wallet, m.svc.SealKey())
}

// startAll starts every member with cfg.
func (tn *testNet) startAll(cfg Config) {
	for _, m := range tn.members {
		tn.start(m, cfg)
	}
}

// stop closes m's service and node.
func (tn *testNet) stop(m *member) {
	if m.svc != nil {
		if err := m.svc.Close(); err != nil {
			tn.t.Errorf("close %s: %v", m.name, err)
		}
		m.svc = nil
	}
	tn.nw.Down(m.node)
	m.node = nil
}

// fakeDirectory is a Directory held in memory.
type fakeDirectory struct {
	mu        sync.Mutex
	mailboxes map[common.Address]string
	keys      map[common.Address][32]byte
	noKeys    bool
}

var _ Directory = (*fakeDirectory)(nil)

func newFakeDirectory() *fakeDirectory {
	return &fakeDirectory{mailboxes: map[common.Address]string{}, keys: map[common.Address][32]byte{}}
}

func (d *fakeDirectory) Document(_ context.Context, w common.Address) (*naming.Document, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	doc := &naming.Document{Identity: w, Mailbox: d.mailboxes[w]}
	if k, ok := d.keys[w]; ok && !d.noKeys {
		doc.Services = []naming.Service{{Type: ServiceSealKey, Endpoint: DocumentEntry(k)}}
	}
	return doc, nil
}

func (d *fakeDirectory) setMailbox(w common.Address, host string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.mailboxes[w] = host
}

func (d *fakeDirectory) setKey(w common.Address, k [32]byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.keys[w] = k
}

// waitEvent reads events until one satisfies ok.
func waitEvent(t testing.TB, ctx context.Context, ch <-chan Event, what string, ok func(Event) bool) Event {
	t.Helper()
	for {
		select {
		case e, open := <-ch:
			if !open {
				t.Fatalf("event stream closed waiting for %s", what)
			}
			if ok(e) {
				return e
			}
		case <-ctx.Done():
			t.Fatalf("no event: %s", what)
		}
	}
}

// rawConn speaks IM frames by hand on a connection of its own.
type rawConn struct {
	t testing.TB
	c net.Conn
}

// dialRaw connects from's node to to's IM port.
func dialRaw(t testing.TB, ctx context.Context, from, to *member) *rawConn {
	t.Helper()
	c, err := from.node.Dial(ctx, "tcp", fmt.Sprintf("%s:%d", to.Wallet.Hex(), Port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{t: t, c: c}
}

func (r *rawConn) send(f frame) {
	if _, err := r.c.Write(appendFrame(nil, f)); err != nil {
		r.t.Fatal(err)
	}
}

// next reads the next frame other than HELLO.
func (r *rawConn) next() (frame, error) {
	for {
		r.c.SetReadDeadline(time.Now().Add(30 * time.Second))
		var n [frameHeader]byte
		if _, err := io.ReadFull(r.c, n[:]); err != nil {
			return nil, err
		}
		b := make([]byte, binary.BigEndian.Uint32(n[:]))
		if _, err := io.ReadFull(r.c, b); err != nil {
			return nil, err
		}
		f, err := decodeFrame(b)
		if _, hello := f.(*helloFrame); err != nil || !hello {
			return f, err
		}
	}
}

// kept lists the mailbox items s keeps for w.
func kept(t testing.TB, s *Service, w common.Address) []keptItem {
	t.Helper()
	items, err := query(s, context.Background(), func(c *Core) ([]keptItem, bool) { return slices.Clone(c.kept[w]), true })
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// groupOf reads s's stored state of a group.
func groupOf(t testing.TB, s *Service, id GroupID) *groupState {
	t.Helper()
	b, err := s.store.Get(append([]byte("g"), id[:]...))
	g := new(groupState)
	if err != nil || json.Unmarshal(b, g) != nil {
		t.Fatalf("group %s: %v", id, err)
	}
	return g
}

// sealKeys is a wallet's seal key pair.
type sealKeys = seal.Keys

// sealFor seals an inner frame (type and body) for recipient, as a
// sender depositing at its mailbox does.
func sealFor(frame []byte, from common.Address, sender sealKeys, recipient *[32]byte) ([]byte, error) {
	return seal.Seal(rand.Reader, frame, from, sender, recipient)
}

// unseal opens a blob sealed to me, as the recipient's core does.
func unseal(blob []byte, me sealKeys) (from common.Address, senderKey [32]byte, frame []byte, err error) {
	from, senderKey, frame, ok := seal.Open(blob, me)
	if !ok {
		return from, senderKey, nil, ErrBadSeal
	}
	return from, senderKey, frame, nil
}
