package im

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// TestOfflineDelivery: bob stopped, alice sends, bob restarts and
// receives exactly once, in order; the mailbox then holds nothing and
// alice learns of the delivery.
func TestOfflineDelivery(t *testing.T) {
	for _, tc := range []struct {
		name      string
		talkFirst bool // alice learns bob's seal key from a HELLO; else from the directory
	}{{"key from hello", true}, {"key from directory", false}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			tn := newTestNet(t, "alice", "bob", "mbox")
			alice, bob, mbox := tn.get("alice"), tn.get("bob"), tn.get("mbox")
			bob.dir = t.TempDir()
			tn.dir.setMailbox(bob.Wallet, mbox.Wallet.Hex())
			tn.start(mbox, Config{Mailbox: true})
			tn.start(alice, Config{})
			tn.start(bob, Config{})
			if tc.talkFirst {
				if _, err := alice.svc.Send(ctx, bob.Wallet.Hex(), "before"); err != nil {
					t.Fatal(err)
				}
			}
			bob.svc.Allow(ctx, alice.Wallet)
			tn.stop(bob)

			aev := alice.svc.Subscribe(ctx)
			var sent []Message
			for i := range 3 {
				m, err := alice.svc.Send(ctx, bob.Wallet.Hex(), fmt.Sprintf("offline %d", i))
				if err != nil {
					t.Fatalf("send %d: %v", i, err)
				}
				if m.Status != Sent {
					t.Fatalf("send %d status %v, want Sent (kept by the mailbox)", i, m.Status)
				}
				sent = append(sent, m)
			}
			items := kept(t, mbox.svc, bob.Wallet)
			if len(items) != 3 {
				t.Fatalf("mailbox holds %d, want 3", len(items))
			}
			// The mailbox cannot read what it keeps.
			for _, it := range items {
				if _, _, _, err := unseal(it.blob, mbox.svc.core.keys); !errors.Is(err, ErrBadSeal) {
					t.Fatalf("mailbox opened an item: %v", err)
				}
			}

			tn.start(bob, Config{}) // Open fetches
			h, err := bob.svc.History(ctx, alice.Wallet, 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []Message
			for _, m := range h {
				if m.Text != "before" {
					got = append(got, m)
				}
			}
			if len(got) != 3 {
				t.Fatalf("bob has %d offline messages, want exactly 3: %+v", len(got), got)
			}
			for i, m := range got {
				if m.ID != sent[i].ID || m.Text != sent[i].Text || m.From != alice.Wallet {
					t.Fatalf("message %d = %q %s, want %q %s", i, m.Text, m.ID, sent[i].Text, sent[i].ID)
				}
			}
			if items := kept(t, mbox.svc, bob.Wallet); len(items) != 0 {
				t.Fatalf("mailbox still holds %d after the fetch", len(items))
			}
			if n, err := bob.svc.Fetch(ctx); n != 0 || err != nil {
				t.Fatalf("second fetch = %d, %v", n, err)
			}
			// Delivery receipts reach alice.
			for i := range sent {
				waitEvent(t, ctx, aev, fmt.Sprintf("delivery receipt %d", i), func(e Event) bool {
					return e.Kind == EventReceipt && e.Message.ID == sent[i].ID && e.Message.Status == Delivered
				})
			}
		})
	}
}

// TestMailboxDuplicateSuppressed: a deposit made twice (a sender's retry)
// is applied once; an item that names a sender whose key it does not
// carry is dropped.
func TestMailboxDuplicatesAndForgery(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob", "mbox", "eve")
	alice, bob, mbox, eve := tn.get("alice"), tn.get("bob"), tn.get("mbox"), tn.get("eve")
	tn.dir.setMailbox(bob.Wallet, mbox.Wallet.Hex())
	tn.start(mbox, Config{Mailbox: true})
	tn.start(alice, Config{})
	tn.start(eve, Config{})
	tn.start(bob, Config{})
	bob.svc.Allow(ctx, alice.Wallet)

	bk := bob.svc.SealKey()
	deposit := func(by *member, from common.Address, f *msgFrame) {
		blob, err := sealFor(marshalInner(f), from, by.svc.core.keys, &bk)
		if err != nil {
			t.Fatal(err)
		}
		rc := dialRaw(t, ctx, by, mbox)
		rc.send(&depositFrame{To: bob.Wallet, ID: f.ID, Blob: blob})
		if a, err := rc.next(); err != nil || !reflect.DeepEqual(a, &storedFrame{ID: f.ID}) {
			t.Fatalf("deposit answered %#v, %v", a, err)
		}
	}
	f := &msgFrame{ID: newMessageID(), Sent: time.Now().UnixMicro(), Kind: kindText, Text: "twice"}
	for range 2 {
		deposit(alice, alice.Wallet, f)
	}
	// Eve seals with her own key but names alice as the sender.
	deposit(eve, alice.Wallet, &msgFrame{ID: newMessageID(), Sent: 1, Kind: kindText, Text: "from alice, honest"})
	// The mailbox keeps the deposit made twice once.
	if n, err := bob.svc.Fetch(ctx); n != 2 || err != nil {
		t.Fatalf("fetch = %d, %v; want 2 items", n, err)
	}
	h, _ := bob.svc.History(ctx, alice.Wallet, 0)
	if len(h) != 1 || h[0].Text != "twice" {
		t.Fatalf("history %+v, want the one genuine message once", h)
	}
}

func TestMailboxRefusals(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob", "notmbox", "mbox", "carol")
	alice, bob, notmbox, mbox, carol := tn.get("alice"), tn.get("bob"), tn.get("notmbox"), tn.get("mbox"), tn.get("carol")
	bob.dir = t.TempDir() // its seal key survives the restart
	tn.start(notmbox, Config{})
	tn.start(mbox, Config{Mailbox: true, Limits: Limits{MailboxLimit: 3, MailboxPerSender: 2}})
	tn.start(alice, Config{})
	tn.start(carol, Config{})
	tn.start(bob, Config{})
	tn.stop(bob)

	queued := func(m Message, err error, why string) {
		t.Helper()
		if err != nil || m.Status != Pending || !strings.Contains(m.Err, why) {
			t.Fatalf("send = %v %v %q, want queued: %s", err, m.Status, m.Err, why)
		}
	}
	tn.dir.setMailbox(bob.Wallet, notmbox.Wallet.Hex())
	m, err := alice.svc.Send(ctx, bob.Wallet.Hex(), "x")
	queued(m, err, "not a mailbox")
	// The real mailbox takes the queued message first, then the next.
	tn.dir.setMailbox(bob.Wallet, mbox.Wallet.Hex())
	if m, err := alice.svc.Send(ctx, bob.Wallet.Hex(), "y"); err != nil || m.Status != Sent {
		t.Fatalf("deposit: %+v %v", m, err)
	}
	// Alice's share is full; carol still has room, until the recipient's
	// limit.
	m, err = alice.svc.Send(ctx, bob.Wallet.Hex(), "z")
	queued(m, err, "mailbox full")
	if m, err := carol.svc.Send(ctx, bob.Wallet.Hex(), "c"); err != nil || m.Status != Sent {
		t.Fatalf("another sender's deposit: %+v %v", m, err)
	}
	m, err = carol.svc.Send(ctx, bob.Wallet.Hex(), "d")
	queued(m, err, "mailbox full")
	// Once bob fetches, the quotas are free again.
	tn.start(bob, Config{})
	if h, _ := bob.svc.Requests(ctx); len(h) != 2 {
		t.Fatalf("bob's requests after the fetch: %+v", h)
	}
	for _, it := range kept(t, mbox.svc, bob.Wallet) {
		if it.by == alice.Wallet {
			t.Fatalf("alice's share after the fetch: %+v", it)
		}
	}
}

// TestResendAfterRestart: with no mailbox, a message to a stopped peer
// is queued; once the peer is back it is delivered, once.
func TestResendAfterRestart(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob")
	alice, bob := tn.get("alice"), tn.get("bob")
	bob.dir = t.TempDir()
	tn.start(alice, Config{RetryInterval: 100 * time.Millisecond})
	tn.start(bob, Config{})
	if _, err := alice.svc.Send(ctx, bob.Wallet.Hex(), "first"); err != nil {
		t.Fatal(err)
	}
	tn.stop(bob)
	aev := alice.svc.Subscribe(ctx)
	m, err := alice.svc.Send(ctx, bob.Wallet.Hex(), "while you were out")
	if err != nil || m.Status != Pending {
		t.Fatalf("send to a stopped peer: %v %v, want queued", m.Status, err)
	}
	tn.start(bob, Config{})
	// Alice's overlay session with bob's old node is stale until a new
	// handshake; bob speaking first makes one at once (alone, alice's
	// side recovers after the transport's rekey timeout, ~10 s).
	if _, err := bob.svc.Send(ctx, alice.Wallet.Hex(), "back"); err != nil {
		t.Fatal(err)
	}
	// The outbox delivers it without being asked …
	waitEvent(t, ctx, aev, "outbox delivery", func(e Event) bool {
		return e.Message.ID == m.ID && e.Message.Status == Delivered
	})
	// … and a Resend on top is harmless.
	for range 2 {
		r, err := alice.svc.Resend(ctx, m.ID)
		if err != nil || r.Status != Delivered {
			t.Fatalf("resend: %+v %v", r, err)
		}
	}
	h, _ := bob.svc.History(ctx, alice.Wallet, 0)
	if len(h) != 3 || h[1].ID != m.ID || h[2].Text != "back" { // ordered by the senders' clocks
		t.Fatalf("bob's history %+v", h)
	}
}

// TestFetchRetriesSoon: bob opens while his mailbox node is down, so the
// fetch in Open fails; with an hour between periodic fetches, he still
// gets what waits there within seconds of the mailbox coming back,
// because a failed fetch is tried again after a short backoff.
func TestFetchRetriesSoon(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob", "mbox")
	alice, bob, mbox := tn.get("alice"), tn.get("bob"), tn.get("mbox")
	bob.dir, mbox.dir = t.TempDir(), t.TempDir()
	tn.dir.setMailbox(bob.Wallet, mbox.Wallet.Hex())
	tn.start(mbox, Config{Mailbox: true})
	tn.start(alice, Config{})
	tn.start(bob, Config{})
	bob.svc.Allow(ctx, alice.Wallet)
	tn.stop(bob)
	m, err := alice.svc.Send(ctx, bob.Wallet.Hex(), "waiting in the mailbox")
	if err != nil || m.Status != Sent {
		t.Fatalf("send: %+v, %v; want Sent (kept by the mailbox)", m, err)
	}

	tn.stop(mbox)
	tn.start(bob, Config{Limits: Limits{FetchInterval: time.Hour}}) // Open's fetch fails
	if h, _ := bob.svc.History(ctx, alice.Wallet, 0); len(h) != 0 {
		t.Fatalf("bob has %d messages with his mailbox down", len(h))
	}
	tn.start(mbox, Config{Mailbox: true})
	for {
		h, err := bob.svc.History(ctx, alice.Wallet, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) == 1 && h[0].ID == m.ID {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("bob never fetched the message after his mailbox came back (history %d)", len(h))
		case <-time.After(100 * time.Millisecond):
		}
	}
}
