package im

import (
	"context"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

func TestDirectWithReceiptsEditsReactions(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob")
	alice, bob := tn.get("alice"), tn.get("bob")
	tn.start(alice, Config{})
	tn.start(bob, Config{})
	if err := bob.svc.Allow(ctx, alice.Wallet); err != nil {
		t.Fatal(err)
	}
	aev, bev := alice.svc.Subscribe(ctx), bob.svc.Subscribe(ctx)

	m, err := alice.svc.Send(ctx, bob.Wallet.Hex(), "hello bob")
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != Delivered || m.From != alice.Wallet || m.To != bob.Wallet {
		t.Fatalf("sent %+v, want Delivered alice→bob", m)
	}
	e := waitEvent(t, ctx, bev, "bob's message event", func(e Event) bool { return e.Kind == EventMessage })
	if e.Message.ID != m.ID || e.Message.Text != "hello bob" || e.Peer != alice.Wallet {
		t.Fatalf("bob got %+v", e)
	}
	convs, err := bob.svc.Conversations(ctx)
	if err != nil || len(convs) != 1 || convs[0].Peer != alice.Wallet || convs[0].Unread != 1 {
		t.Fatalf("bob's conversations %+v, %v", convs, err)
	}

	// Read receipt.
	if err := bob.svc.MarkRead(ctx, alice.Wallet); err != nil {
		t.Fatal(err)
	}
	e = waitEvent(t, ctx, aev, "read receipt", func(e Event) bool {
		return e.Kind == EventReceipt && e.Message.ID == m.ID && e.Message.Status == Read
	})
	if h, _ := alice.svc.History(ctx, bob.Wallet, 0); len(h) != 1 || h[0].Status != Read {
		t.Fatalf("alice's history after read receipt: %+v", h)
	}
	if convs, _ := bob.svc.Conversations(ctx); convs[0].Unread != 0 {
		t.Fatalf("unread after MarkRead = %d", convs[0].Unread)
	}

	// Edit by the sender; an edit by anyone else is refused.
	if _, err := alice.svc.Edit(ctx, bob.Wallet, m.ID, "hello, bob"); err != nil {
		t.Fatal(err)
	}
	e = waitEvent(t, ctx, bev, "edit", func(e Event) bool { return e.Kind == EventEdit })
	if e.Message.Text != "hello, bob" || !e.Message.Edited {
		t.Fatalf("edited message %+v", e.Message)
	}
	if _, err := bob.svc.Edit(ctx, alice.Wallet, m.ID, "forged"); !errors.Is(err, ErrRefused) {
		t.Fatalf("bob editing alice's message: %v, want ErrRefused", err)
	}

	// Reaction from bob, seen by alice.
	if _, err := bob.svc.React(ctx, alice.Wallet, m.ID, "👍"); err != nil {
		t.Fatal(err)
	}
	e = waitEvent(t, ctx, aev, "reaction", func(e Event) bool { return e.Kind == EventReaction })
	if e.Message.Reactions[bob.Wallet] != "👍" {
		t.Fatalf("reactions %+v", e.Message.Reactions)
	}

	// A reply goes back on the pooled connection.
	r, err := bob.svc.Send(ctx, alice.Wallet.Hex(), "hi alice")
	if err != nil || r.Status != Delivered {
		t.Fatalf("reply %+v, %v", r, err)
	}
	h, err := alice.svc.History(ctx, bob.Wallet, 0)
	if err != nil || len(h) != 2 || h[0].ID != m.ID || h[1].ID != r.ID {
		t.Fatalf("alice's history %+v, %v", h, err)
	}
}

func TestConsent(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "mallory")
	alice, mallory := tn.get("alice"), tn.get("mallory")
	tn.start(alice, Config{})
	tn.start(mallory, Config{})
	ev := alice.svc.Subscribe(ctx)

	m, err := mallory.svc.Send(ctx, alice.Wallet.Hex(), "buy my token")
	if err != nil {
		t.Fatal(err)
	}
	e := waitEvent(t, ctx, ev, "request", func(e Event) bool { return true })
	if e.Kind != EventRequest || e.Message.ID != m.ID {
		t.Fatalf("first event %v %+v, want a request", e.Kind, e.Message)
	}
	convs, _ := alice.svc.Conversations(ctx)
	reqs, _ := alice.svc.Requests(ctx)
	if len(convs) != 0 || len(reqs) != 1 || reqs[0].Peer != mallory.Wallet {
		t.Fatalf("conversations %+v requests %+v", convs, reqs)
	}

	// Allowed: the request becomes a conversation.
	if err := alice.svc.Allow(ctx, mallory.Wallet); err != nil {
		t.Fatal(err)
	}
	convs, _ = alice.svc.Conversations(ctx)
	reqs, _ = alice.svc.Requests(ctx)
	if len(convs) != 1 || len(reqs) != 0 || convs[0].Last.ID != m.ID {
		t.Fatalf("after allow: conversations %+v requests %+v", convs, reqs)
	}

	// Denied: accepted silently, neither listed nor announced.
	alice.svc.Deny(ctx, mallory.Wallet)
	if _, err := mallory.svc.Send(ctx, alice.Wallet.Hex(), "still there?"); err != nil {
		t.Fatal(err)
	}
	convs, _ = alice.svc.Conversations(ctx)
	reqs, _ = alice.svc.Requests(ctx)
	if len(convs)+len(reqs) != 0 {
		t.Fatalf("denied peer listed: %+v %+v", convs, reqs)
	}

	// Blocked: refused with a clear error, not stored.
	alice.svc.Block(ctx, mallory.Wallet)
	before, _ := alice.svc.History(ctx, mallory.Wallet, 0)
	got, err := mallory.svc.Send(ctx, alice.Wallet.Hex(), "let me in")
	if !errors.Is(err, ErrBlocked) || got.Status != Failed {
		t.Fatalf("send to a blocker = %v (%v), want ErrBlocked, Failed", err, got.Status)
	}
	after, _ := alice.svc.History(ctx, mallory.Wallet, 0)
	if len(after) != len(before) {
		t.Fatalf("blocked message stored: %d → %d", len(before), len(after))
	}
	select {
	case e := <-ev:
		t.Fatalf("event for a denied or blocked peer: %v %+v", e.Kind, e.Message)
	default:
	}
}

func TestRateLimit(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob")
	alice, bob := tn.get("alice"), tn.get("bob")
	tn.start(alice, Config{})
	tn.start(bob, Config{Limits: Limits{RateLimit: 1e-6, RateBurst: 3}})
	for i := range 3 {
		if _, err := alice.svc.Send(ctx, bob.Wallet.Hex(), "msg"); err != nil {
			t.Fatalf("send %d within the burst: %v", i, err)
		}
	}
	// Over the limit: queued for retry, saying why.
	m, err := alice.svc.Send(ctx, bob.Wallet.Hex(), "one too many")
	if err != nil || m.Status != Pending || !strings.Contains(m.Err, "queued") || !strings.Contains(m.Err, "slow down") {
		t.Fatalf("send over the limit = %v (%v %q), want queued: slow down", err, m.Status, m.Err)
	}
	// Another sender has its own bucket.
	if _, err := bob.svc.Send(ctx, alice.Wallet.Hex(), "fine"); err != nil {
		t.Fatal(err)
	}
}

func TestSizeLimits(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob")
	alice, bob := tn.get("alice"), tn.get("bob")
	tn.start(alice, Config{MaxFrame: 200_000, Limits: Limits{MaxText: 100_000}})
	tn.start(bob, Config{})

	// Refused locally before anything is sent.
	if _, err := bob.svc.Send(ctx, alice.Wallet.Hex(), strings.Repeat("x", 4097)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("local oversize: %v", err)
	}
	if _, err := bob.svc.Send(ctx, alice.Wallet.Hex(), ""); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty: %v", err)
	}
	// Alice allows herself more than bob accepts: bob's refusal comes
	// back as a clear error naming the limit.
	_, err := alice.svc.Send(ctx, bob.Wallet.Hex(), strings.Repeat("y", 5000))
	var re *RemoteError
	if !errors.Is(err, ErrTooLarge) || !errors.As(err, &re) || !strings.Contains(re.Reason, "limit") {
		t.Fatalf("remote oversize text: %v", err)
	}
	_, err = alice.svc.Send(ctx, bob.Wallet.Hex(), strings.Repeat("z", 90_000))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("remote oversize frame: %v", err)
	}
	// And the connection still works.
	if m, err := alice.svc.Send(ctx, bob.Wallet.Hex(), "small"); err != nil || m.Status != Delivered {
		t.Fatalf("after refusals: %+v %v", m, err)
	}
}

func TestHistorySurvivesRestart(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob")
	alice, bob := tn.get("alice"), tn.get("bob")
	alice.dir, bob.dir = t.TempDir(), t.TempDir()
	tn.start(alice, Config{})
	tn.start(bob, Config{})
	var sent []MessageID
	for _, text := range []string{"one", "two", "three"} {
		m, err := alice.svc.Send(ctx, bob.Wallet.Hex(), text)
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, m.ID)
	}
	key := bob.svc.SealKey()
	tn.stop(bob)
	tn.start(bob, Config{})
	if bob.svc.SealKey() != key {
		t.Fatal("seal key changed across restart")
	}
	h, err := bob.svc.History(ctx, alice.Wallet, 0)
	if err != nil || len(h) != 3 {
		t.Fatalf("history after restart: %+v, %v", h, err)
	}
	for i, m := range h {
		if m.ID != sent[i] {
			t.Fatalf("history[%d] = %s, want %s", i, m.ID, sent[i])
		}
	}
	if last, _ := bob.svc.History(ctx, alice.Wallet, 1); len(last) != 1 || last[0].Text != "three" {
		t.Fatalf("History limit 1 = %+v", last)
	}
	// A resend of the same ID (a retry) is acknowledged, not stored twice.
	rc := dialRaw(t, ctx, alice, bob)
	rc.send(&msgFrame{ID: sent[0], Sent: h[0].Sent.UnixMicro(), Kind: kindText, Text: "one"})
	if f, err := rc.next(); err != nil || !reflect.DeepEqual(f, &receiptFrame{Status: Delivered, IDs: []MessageID{sent[0]}}) {
		t.Fatalf("duplicate answered %#v, %v", f, err)
	}
	if h2, _ := bob.svc.History(ctx, alice.Wallet, 0); len(h2) != 3 {
		t.Fatalf("duplicate stored: %d messages", len(h2))
	}
}

func TestSendErrors(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice")
	alice := tn.get("alice")
	tn.start(alice, Config{Directory: nilDirectory{}})
	if _, err := alice.svc.Send(ctx, "bob.eth", "hi"); !errors.Is(err, ErrUnknownPeer) {
		t.Fatalf("name without resolver: %v", err)
	}
	if _, err := alice.svc.Send(ctx, alice.Wallet.Hex(), "hi"); !errors.Is(err, ErrSelf) {
		t.Fatalf("to self: %v", err)
	}
	stranger := "0x00000000000000000000000000000000000000aa"
	m, err := alice.svc.Send(ctx, stranger, "hi")
	if err != nil || m.Status != Pending || !strings.Contains(m.Err, "queued") || !strings.Contains(m.Err, "no mailbox") {
		t.Fatalf("unreachable: %v %v %q, want queued", err, m.Status, m.Err)
	}
	if h, _ := alice.svc.History(ctx, m.To, 0); len(h) != 1 || h[0].Status != Pending {
		t.Fatalf("queued message stored as %+v", h)
	}
	alice.svc.Close()
	if _, err := alice.svc.Send(ctx, stranger, "hi"); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
	if err := alice.svc.Close(); err != nil {
		t.Fatal(err)
	}
	alice.svc = nil
}

// nilDirectory knows no mailbox.
type nilDirectory struct{}

func (nilDirectory) Document(_ context.Context, w common.Address) (*naming.Document, error) {
	return &naming.Document{Identity: w}, nil
}

// TestRawWire speaks the protocol by hand: a malformed frame and an
// oversized one are answered with ERROR frames and the connection goes
// on; a well-formed MSG is answered with a delivery receipt. The sender
// is the connection's wallet, whatever the frame says.
func TestRawWire(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob")
	alice, bob := tn.get("alice"), tn.get("bob")
	tn.start(alice, Config{})
	tn.start(bob, Config{MaxFrame: 1000, Limits: Limits{MaxText: 900}})
	sc := dialRaw(t, ctx, alice, bob)
	c := sc.c
	id := newMessageID()
	bad := marshalInner(&msgFrame{ID: id, Sent: 1, Kind: 77, Text: "x"})
	c.Write(binary.BigEndian.AppendUint32(nil, uint32(len(bad))))
	c.Write(bad)
	if f, err := sc.next(); err != nil || f.(*errorFrame).Code != CodeMalformed || f.(*errorFrame).ID != id {
		t.Fatalf("malformed: answer %#v, %v", f, err)
	}
	sc.send(&msgFrame{ID: id, Sent: 1, Kind: kindText, Text: strings.Repeat("x", 2000)})
	if f, err := sc.next(); err != nil || f.(*errorFrame).Code != CodeTooLarge || f.(*errorFrame).ID != id {
		t.Fatalf("oversized: answer %#v, %v", f, err)
	}
	// A CPOST with text that is not UTF-8: the ERROR still names its ID.
	cp := marshalInner(&cpostFrame{ID: id, Text: "\xff"})
	c.Write(binary.BigEndian.AppendUint32(nil, uint32(len(cp))))
	c.Write(cp)
	if f, err := sc.next(); err != nil || f.(*errorFrame).Code != CodeMalformed || f.(*errorFrame).ID != id {
		t.Fatalf("malformed post: answer %#v, %v", f, err)
	}
	sc.send(&msgFrame{ID: id, Sent: 1, Kind: kindText, Text: "fine"})
	if f, err := sc.next(); err != nil || !reflect.DeepEqual(f, &receiptFrame{Status: Delivered, IDs: []MessageID{id}}) {
		t.Fatalf("good message: answer %#v, %v", f, err)
	}
	h, _ := bob.svc.History(ctx, alice.Wallet, 0)
	if len(h) != 1 || h[0].From != alice.Wallet || h[0].Text != "fine" {
		t.Fatalf("bob stored %+v", h)
	}
}
