package im

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/runner"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
	"go.uber.org/goleak"
)

// docHost is a stack node whose DID documents come from a map (the test
// has no chain).
type docHost struct {
	service.Host
	docs func(common.Address) *naming.Document
}

func (h docHost) Document(_ context.Context, w common.Address) (*naming.Document, error) {
	if d := h.docs(w); d != nil {
		return d, nil
	}
	return nil, errors.New("no document")
}

// TestCoreOnRunner runs the IM core under the shared runtime on real
// nodes (gVisor, Noise): bob is offline while alice sends, so the
// messages go to carol, bob's mailbox; bob comes up, fetches them in
// order and alice gets every delivery receipt.
func TestCoreOnRunner(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob", "carol")
	alice, bob, carol := tn.get("alice"), tn.get("bob"), tn.get("carol")
	keys := map[common.Address][32]byte{}
	var mu sync.Mutex // guards keys
	docs := func(w common.Address) *naming.Document {
		mu.Lock()
		k, ok := keys[w]
		mu.Unlock()
		if !ok {
			return nil
		}
		d := &naming.Document{Identity: w, Services: []naming.Service{{Type: ServiceSealKey, Endpoint: DocumentEntry(k)}}}
		if w == bob.Wallet {
			d.Mailbox = carol.Wallet.Hex()
		}
		return d
	}
	type svc struct {
		r      *runner.Runner
		core   *Core
		events chan Event
	}
	stores := map[string]*service.Memory{}
	run := func(m *member) *svc {
		m.node = tn.nw.Up(ctx, m.Keys)
		if stores[m.name] == nil {
			stores[m.name] = &service.Memory{}
		}
		c, err := NewCore(CoreConfig{Self: m.Wallet, Rand: rand.Reader, Store: stores[m.name], Mailbox: true,
			AckTimeout: 2 * time.Second, RetryMax: time.Second, FetchInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		s := &svc{core: c, events: make(chan Event, 1000)}
		s.r, err = runner.Start(runner.Config{Host: docHost{Host: m.node, docs: docs}, Core: c, Store: stores[m.name],
			Port: Port, DialTimeout: time.Second, OnEvent: func(e any) {
				if ev, ok := e.(Event); ok {
					s.events <- ev
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		keys[m.Wallet] = c.SealKey()
		mu.Unlock()
		return s
	}
	ca, cc := run(alice), run(carol)
	defer ca.r.Close()
	defer cc.r.Close()
	// bob's keys are published before he goes offline.
	cb := run(bob)
	cb.r.Close()
	tn.stop(bob)

	const n = 20
	for i := range n {
		if _, err := ca.r.Do(ctx, SendCmd{To: bob.Wallet, Text: fmt.Sprintf("m%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	deposited := 0
	for deposited < n {
		e := waitEvent(t, ctx, ca.events, "deposit", func(e Event) bool { return e.Kind == EventReceipt })
		if e.Message.Status == Sent {
			deposited++
		}
	}
	cb = run(bob)
	defer cb.r.Close()
	for i := range n {
		e := waitEvent(t, ctx, cb.events, "message", func(e Event) bool { return e.Kind == EventRequest })
		if e.Message.Text != fmt.Sprintf("m%d", i) || e.Peer != alice.Wallet {
			t.Fatalf("message %d: %q from %s", i, e.Message.Text, e.Peer)
		}
	}
	for delivered := 0; delivered < n; {
		e := waitEvent(t, ctx, ca.events, "receipt", func(e Event) bool { return e.Kind == EventReceipt })
		if e.Message.Status == Delivered {
			delivered++
		}
	}
	for _, s := range []*svc{ca, cb, cc} {
		if err := s.r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []*member{alice, bob, carol} {
		tn.stop(m)
	}
}
