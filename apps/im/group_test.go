package im

import (
	"crypto/rand"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// TestGroupRemovedMemberCannotRead: a group of four; carol is removed;
// the ciphertext of a later message, sent to carol over the wire, is
// refused and opens with none of the keys carol holds.
func TestGroupRemovedMemberCannotRead(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob", "carol", "dave")
	alice, bob, carol, dave := tn.get("alice"), tn.get("bob"), tn.get("carol"), tn.get("dave")
	tn.startAll(Config{})
	g, err := alice.svc.CreateGroup(ctx, "team", bob.Wallet, carol.Wallet)
	if err != nil {
		t.Fatal(err)
	}
	if g.Epoch != 1 || g.Me != RoleOwner || len(g.Members) != 3 {
		t.Fatalf("created %+v", g)
	}
	for _, m := range []*member{bob, carol} {
		got, err := m.svc.GroupInfo(ctx, g.ID)
		if err != nil || got.Epoch != 1 || got.Me != RoleMember || got.Name != "team" || !got.Request {
			t.Fatalf("%s sees %+v, %v", m.name, got, err)
		}
	}
	// Carol accepts; bob leaves it a request: his events say so.
	if err := carol.svc.AcceptGroup(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	bev, cev := bob.svc.Subscribe(ctx), carol.svc.Subscribe(ctx)
	m1, err := alice.svc.SendGroup(ctx, g.ID, "all three of us")
	if err != nil || m1.Status != Delivered {
		t.Fatalf("group send %+v, %v", m1, err)
	}
	if h, _ := carol.svc.GroupHistory(ctx, g.ID, 0); len(h) != 1 || h[0].Text != "all three of us" || h[0].From != alice.Wallet {
		t.Fatalf("carol's group history %+v", h)
	}
	isM1 := func(e Event) bool { return e.Message.ID == m1.ID }
	if e := waitEvent(t, ctx, cev, "carol's event", isM1); e.Kind != EventMessage || e.Group != g.ID {
		t.Fatalf("carol's event %v", e.Kind)
	}
	if e := waitEvent(t, ctx, bev, "bob's event", isM1); e.Kind != EventRequest {
		t.Fatalf("bob's event %v, want a request", e.Kind)
	}
	// Members post too, and everyone else receives.
	if _, err := bob.svc.SendGroup(ctx, g.ID, "from bob"); err != nil {
		t.Fatal(err)
	}
	if h, _ := carol.svc.GroupHistory(ctx, g.ID, 0); len(h) != 2 {
		t.Fatalf("carol has %d group messages, want 2", len(h))
	}

	// A member cannot change the roster.
	if _, err := bob.svc.Invite(ctx, g.ID, dave.Wallet); !errors.Is(err, ErrNotMember) {
		t.Fatalf("member inviting: %v", err)
	}
	// Promote bob; an admin invites dave.
	if _, err := alice.svc.SetRole(ctx, g.ID, bob.Wallet, RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if g, err = bob.svc.Invite(ctx, g.ID, dave.Wallet); err != nil || g.Epoch != 3 || len(g.Members) != 4 {
		t.Fatalf("admin invite: %+v, %v", g, err)
	}

	g, err = bob.svc.Remove(ctx, g.ID, carol.Wallet)
	if err != nil || g.Epoch != 4 || len(g.Members) != 3 {
		t.Fatalf("remove carol: %+v, %v", g, err)
	}
	if cg, _ := carol.svc.GroupInfo(ctx, g.ID); cg.Me != 0 || cg.Epoch != 4 {
		t.Fatalf("carol after removal: %+v", cg)
	}
	if _, err := carol.svc.SendGroup(ctx, g.ID, "still here?"); !errors.Is(err, ErrNotMember) {
		t.Fatalf("removed member posting: %v", err)
	}

	secret, err := alice.svc.SendGroup(ctx, g.ID, "after carol left")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []*member{bob, dave} {
		h, _ := m.svc.GroupHistory(ctx, g.ID, 0)
		if len(h) == 0 || h[len(h)-1].ID != secret.ID {
			t.Fatalf("%s did not get the later message: %+v", m.name, h)
		}
	}
	// The message as alice seals it for the members.
	ct, err := sealGroup(rand.Reader, groupOf(t, alice.svc, g.ID), &msgFrame{ID: secret.ID, Sent: secret.Sent.UnixMicro(), Kind: kindText, Text: secret.Text}, alice.Wallet)
	if err != nil || ct.Epoch != 4 {
		t.Fatalf("sealed at epoch %d, %v; want 4", ct.Epoch, err)
	}

	// Carol receives the ciphertext over the wire: refused.
	sc := dialRaw(t, ctx, alice, carol)
	sc.send(ct)
	ans, err := sc.next()
	if ef, ok := ans.(*errorFrame); err != nil || !ok || ef.ID != secret.ID {
		t.Fatalf("carol answered %#v, %v; want an ERROR", ans, err)
	}
	// And no key carol holds opens it, under any epoch.
	cs := groupOf(t, carol.svc, g.ID)
	if len(cs.Keys) == 0 {
		t.Fatal("carol holds no keys at all; the test would prove nothing")
	}
	for epoch, k := range cs.Keys {
		forced := ct
		forced.Epoch = epoch
		try := &groupState{ID: g.ID, Keys: map[uint32][32]byte{epoch: k, ct.Epoch: k}}
		if _, err := openGroup(try, forced, alice.Wallet); !errors.Is(err, ErrBadSeal) {
			t.Fatalf("carol's epoch-%d key opened the later message: %v", epoch, err)
		}
		if _, err := openGroup(try, ct, alice.Wallet); !errors.Is(err, ErrBadSeal) {
			t.Fatalf("carol's epoch-%d key opened the later message: %v", epoch, err)
		}
	}
	if h, _ := carol.svc.GroupHistory(ctx, g.ID, 0); len(h) != 2 {
		t.Fatalf("carol has %d group messages, want the 2 before removal", len(h))
	}

	// Leave: dave asks, the owner removes him and rotates.
	ev := alice.svc.Subscribe(ctx)
	if err := dave.svc.Leave(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, ctx, ev, "rotation after leave", func(e Event) bool { return e.Kind == EventGroup && e.Group == g.ID })
	if ag, _ := alice.svc.GroupInfo(ctx, g.ID); ag.Epoch != 5 || ag.Members[dave.Wallet] != 0 {
		t.Fatalf("after dave left: %+v", ag)
	}
	if err := alice.svc.Leave(ctx, g.ID); !errors.Is(err, ErrRefused) {
		t.Fatalf("owner leaving: %v", err)
	}
}

// TestGroupKeyAuthority: rosters come only from admins of the epoch held.
func TestGroupKeyAuthority(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob", "mallory")
	alice, bob, mallory := tn.get("alice"), tn.get("bob"), tn.get("mallory")
	tn.startAll(Config{})
	g, err := alice.svc.CreateGroup(ctx, "g", bob.Wallet, mallory.Wallet)
	if err != nil {
		t.Fatal(err)
	}
	// Mallory, a member, pushes a new epoch making herself owner.
	forged := &groupKeyFrame{ID: newMessageID(), Group: g.ID, Epoch: 9, Key: [32]byte{1},
		Members: []groupMember{{Wallet: mallory.Wallet, Role: RoleOwner}, {Wallet: bob.Wallet, Role: RoleMember}}}
	refused := func(f frame, why string) {
		t.Helper()
		rc := dialRaw(t, ctx, mallory, bob)
		rc.send(f)
		a, err := rc.next()
		if ef, ok := a.(*errorFrame); err != nil || !ok || ef.ID != requestID(marshalInner(f)) || !strings.Contains(ef.Reason, why) {
			t.Fatalf("answer %#v, %v; want an ERROR: %s", a, err, why)
		}
	}
	refused(forged, "not a member")
	// An invitation naming the sender only as a member is refused.
	inv := &groupKeyFrame{ID: newMessageID(), Group: GroupID{7}, Epoch: 1, Key: [32]byte{1},
		Members: []groupMember{{Wallet: alice.Wallet, Role: RoleOwner}, {Wallet: mallory.Wallet, Role: RoleMember}, {Wallet: bob.Wallet, Role: RoleMember}}}
	refused(inv, "invitation not from an admin")
	// A group message claiming to be from alice but sent by mallory does
	// not open (the sender is in the additional data).
	gf, err := sealGroup(rand.Reader, groupOf(t, bob.svc, g.ID), &msgFrame{ID: newMessageID(), Sent: 1, Kind: kindText, Text: "x"}, alice.Wallet)
	if err != nil {
		t.Fatal(err)
	}
	refused(gf, "does not open")
}

// TestGroupOfflineMember: a member that is down gets the group message
// sealed in its mailbox and reads it after restarting.
func TestGroupOfflineMember(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob", "carol", "mbox")
	alice, bob, carol, mbox := tn.get("alice"), tn.get("bob"), tn.get("carol"), tn.get("mbox")
	carol.dir = t.TempDir()
	tn.dir.setMailbox(carol.Wallet, mbox.Wallet.Hex())
	for _, m := range tn.members {
		tn.start(m, Config{Mailbox: m == mbox})
	}
	g, err := alice.svc.CreateGroup(ctx, "g", bob.Wallet, carol.Wallet)
	if err != nil {
		t.Fatal(err)
	}
	tn.stop(carol)
	m, err := alice.svc.SendGroup(ctx, g.ID, "carol is away")
	if err != nil || m.Status != Sent {
		t.Fatalf("group send with a member away: %v %v", m.Status, err)
	}
	tn.start(carol, Config{})
	h, err := carol.svc.GroupHistory(ctx, g.ID, 0)
	if err != nil || len(h) != 1 || h[0].ID != m.ID || h[0].From != alice.Wallet {
		t.Fatalf("carol's group history after restart: %+v, %v", h, err)
	}
}

// TestGroupRosterRefusals: a refused roster change leaves the group as it
// was, in memory and in the store; an accepted one is what a restart
// loads.
func TestGroupRosterRefusals(t *testing.T) {
	fn := newFakeNet(t, 1, 4, 0)
	alice, bob, carol, outsider := fn.nodes[0], fn.nodes[1], fn.nodes[2], common.Address{0xee}
	do := func(nd *fakeNode, cmd any) service.Effects {
		return fn.handle(nd, service.Input{Kind: service.Command, Cmd: cmd})
	}
	out := do(alice, CreateGroupCmd{Name: "g", Members: []common.Address{bob.w, carol.w}})
	g := out.Result.(Group)
	if out := do(alice, RosterCmd{Group: g.ID, Op: "role", Wallet: bob.w, Role: RoleAdmin}); out.Err != nil {
		t.Fatal(out.Err)
	}
	fn.run(time.Minute)
	before, _ := alice.core.Group(g.ID)
	for _, c := range []struct {
		by   *fakeNode
		cmd  RosterCmd
		want error
	}{
		{alice, RosterCmd{Op: "remove", Wallet: alice.w}, ErrRefused},
		{alice, RosterCmd{Op: "remove", Wallet: outsider}, ErrNotMember},
		{alice, RosterCmd{Op: "role", Wallet: carol.w, Role: RoleOwner}, ErrRefused},
		{alice, RosterCmd{Op: "role", Wallet: outsider, Role: RoleAdmin}, ErrNotMember},
		{alice, RosterCmd{Op: "rename", Wallet: carol.w}, ErrRefused},
		{bob, RosterCmd{Op: "role", Wallet: carol.w, Role: RoleAdmin}, ErrNotMember},
		{carol, RosterCmd{Op: "invite", Wallet: outsider}, ErrNotMember},
	} {
		c.cmd.Group = g.ID
		mine, _ := c.by.core.Group(g.ID)
		out := do(c.by, c.cmd)
		if !errors.Is(out.Err, c.want) || len(out.Writes) > 0 || len(out.Send) > 0 {
			t.Errorf("%s by %d: %v, %d writes, %d frames; want %v and nothing done", c.cmd.Op, c.by.i, out.Err, len(out.Writes), len(out.Send), c.want)
		}
		if now, _ := c.by.core.Group(g.ID); !reflect.DeepEqual(now, mine) {
			t.Errorf("%s by %d changed the group: %+v, was %+v", c.cmd.Op, c.by.i, now, mine)
		}
	}
	// bob, an admin, removes carol; alice's restart loads that epoch.
	if out := do(bob, RosterCmd{Group: g.ID, Op: "remove", Wallet: carol.w}); out.Err != nil {
		t.Fatal(out.Err)
	}
	fn.run(2 * time.Minute)
	now, _ := alice.core.Group(g.ID)
	fn.boot(alice)
	loaded, _ := alice.core.Group(g.ID)
	if now.Epoch != before.Epoch+1 || len(now.Members) != 2 || now.Members[carol.w] != 0 || !reflect.DeepEqual(loaded, now) {
		t.Fatalf("after the removal alice holds %+v (was %+v), loads %+v", now, before, loaded)
	}
	if cg, _ := carol.core.Group(g.ID); cg.Me != 0 || cg.Epoch != now.Epoch {
		t.Fatalf("carol holds %+v after her removal", cg)
	}
}
