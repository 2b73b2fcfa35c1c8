package im

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// TestCommunity: join, post, push to connected members, a late joiner
// reads the history, deletes, and a ban that holds.
func TestCommunity(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "owner", "alice", "bob", "troll")
	owner, alice, bob, troll := tn.get("owner"), tn.get("alice"), tn.get("bob"), tn.get("troll")
	tn.startAll(Config{})
	c, err := owner.svc.CreateCommunity(ctx, "gophers")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.svc.PostTo(ctx, c.ID, "not joined"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("post before join: %v", err)
	}
	jc, err := alice.svc.JoinCommunity(ctx, owner.Wallet.Hex(), c.ID)
	if err != nil || jc.Name != "gophers" || jc.Host != owner.Wallet {
		t.Fatalf("join: %+v, %v", jc, err)
	}
	if _, err := troll.svc.JoinCommunity(ctx, owner.Wallet.Hex(), c.ID); err != nil {
		t.Fatal(err)
	}
	aev := alice.svc.Subscribe(ctx)
	var posted []Post
	for i := range 3 {
		p, err := alice.svc.PostTo(ctx, c.ID, fmt.Sprintf("post %d", i))
		if err != nil {
			t.Fatal(err)
		}
		posted = append(posted, p)
	}
	op, err := owner.svc.PostTo(ctx, c.ID, "welcome")
	if err != nil || op.Seq != 4 {
		t.Fatalf("owner's post: %+v, %v", op, err)
	}
	// Alice, connected, gets the owner's post pushed.
	waitEvent(t, ctx, aev, "pushed post", func(e Event) bool { return e.Kind == EventPost && e.Post.ID == op.ID })
	tp, err := troll.svc.PostTo(ctx, c.ID, "spam")
	if err != nil {
		t.Fatal(err)
	}

	// A member cannot delete another's post.
	if err := troll.svc.DeletePost(ctx, c.ID, posted[0].ID); !errors.Is(err, ErrRefused) {
		t.Fatalf("troll deleting alice's post: %v", err)
	}
	// Moderation: the owner deletes the spam and bans the troll.
	if err := owner.svc.DeletePost(ctx, c.ID, tp.ID); err != nil {
		t.Fatal(err)
	}
	if err := owner.svc.Ban(ctx, c.ID, troll.Wallet); err != nil {
		t.Fatal(err)
	}
	if _, err := troll.svc.PostTo(ctx, c.ID, "more spam"); !errors.Is(err, ErrBlocked) {
		t.Fatalf("banned post: %v", err)
	}
	if _, err := troll.svc.JoinCommunity(ctx, owner.Wallet.Hex(), c.ID); !errors.Is(err, ErrBlocked) {
		t.Fatalf("banned join: %v", err)
	}
	// Alice deletes her own.
	if err := alice.svc.DeletePost(ctx, c.ID, posted[2].ID); err != nil {
		t.Fatal(err)
	}

	// Bob joins late and reads everything, deletions included.
	if _, err := bob.svc.JoinCommunity(ctx, owner.Wallet.Hex(), c.ID); err != nil {
		t.Fatal(err)
	}
	h, err := bob.svc.CommunityHistory(ctx, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"post 0", "post 1", "", "welcome", ""}
	if len(h) != len(want) {
		t.Fatalf("late joiner sees %d posts, want %d: %+v", len(h), len(want), h)
	}
	for i, p := range h {
		if p.Seq != uint64(i+1) || p.Text != want[i] || (want[i] == "") != p.Deleted {
			t.Fatalf("post %d = %+v, want text %q", i, p, want[i])
		}
	}
	if h[0].From != alice.Wallet || h[3].From != owner.Wallet {
		t.Fatalf("authors %s %s", h[0].From, h[3].From)
	}
	if last, _ := bob.svc.CommunityHistory(ctx, c.ID, 2); len(last) != 2 || last[1].Seq != 5 {
		t.Fatalf("limit 2: %+v", last)
	}
	// The owner's view matches.
	oh, _ := owner.svc.CommunityHistory(ctx, c.ID, 0)
	if len(oh) != 5 || !oh[4].Deleted {
		t.Fatalf("owner's history %+v", oh)
	}
	cs, _ := bob.svc.Communities(ctx)
	if len(cs) != 1 || cs[0].Name != "gophers" {
		t.Fatalf("bob's communities %+v", cs)
	}
}

// TestCommunityNoPushAfterHangup: a host pushes a post to the members
// connected now, and a member it hung up on (no answer within
// AckTimeout; the driver reports no Down for a hang-up) is not one of
// them: it fetches instead, rather than being dialed for the push.
func TestCommunityNoPushAfterHangup(t *testing.T) {
	host, member := common.Address{1}, common.Address{2}
	st := &service.Memory{}
	c, err := NewCore(CoreConfig{Self: host, Rand: rand.NewChaCha8([32]byte{}), Store: st})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	handle := func(in service.Input) *service.Effects {
		out := &service.Effects{}
		c.Handle(now, in, out)
		if err := st.Apply(out.Writes); err != nil || out.Err != nil {
			t.Fatalf("%s: %v", in.Kind, errors.Join(err, out.Err))
		}
		return out
	}
	var comm CommunityID
	pushed := func(text string) bool {
		out := handle(service.Input{Kind: service.Command, Cmd: toHost{id: comm, f: &cpostFrame{Community: comm, ID: c.newID(), Sent: now.UnixMicro(), Text: text}}})
		return slices.ContainsFunc(out.Send, func(o service.Outbound) bool { return o.To == member })
	}
	handle(service.Input{Kind: service.Start})
	comm = handle(service.Input{Kind: service.Command, Cmd: createCommunity{name: "c"}}).Result.(Community).ID
	handle(service.Input{Kind: service.Up, Peer: member})
	handle(service.Input{Kind: service.Frame, Peer: member, Frame: marshalInner(&cmodFrame{Community: comm, ID: MessageID{7}, Op: modJoin})})
	if !pushed("while up") {
		t.Fatal("a post was not pushed to a connected member")
	}
	handle(service.Input{Kind: service.Command, Cmd: SendCmd{To: member, Text: "never answered"}})
	now = now.Add(time.Minute)
	if out := handle(service.Input{Kind: service.Timer}); !slices.Contains(out.Hangup, member) {
		t.Fatalf("no hang-up of a member that did not answer: %+v", out.Hangup)
	}
	if pushed("after the hang-up") {
		t.Fatal("a post was pushed to a member hung up on")
	}
}
