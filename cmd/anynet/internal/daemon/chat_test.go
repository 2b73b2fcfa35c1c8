//go:build !nochain

package daemon

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// serve puts d's control API on a short temporary socket and returns a
// client of it.
func serve(t *testing.T, d *Daemon) *control.Client {
	t.Helper()
	dir, err := os.MkdirTemp("", "anyctl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s, err := control.Listen(dir, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return control.NewClient(dir)
}

// until retries f until it succeeds or a minute passes (a bound, not a
// timing assertion).
func until(t *testing.T, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestChatAPI drives consent, attachments and groups through the control
// API of two daemons.
func TestChatAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	alice, bob := pair(t)
	ca, cb := serve(t, alice), serve(t, bob)
	ctx := context.Background()
	aw := alice.Wallet().Hex()

	// Consent: alice is a stranger to bob until he allows her.
	if _, err := ca.ChatSend(ctx, "bob", "hello?"); err != nil {
		t.Fatal(err)
	}
	until(t, "bob's request from alice", func() error {
		r, err := cb.ChatRequests(ctx)
		if err != nil {
			return err
		}
		if len(r) != 1 || r[0].Peer != aw || !r[0].Request || r[0].Last.Text != "hello?" {
			return fmt.Errorf("requests = %+v", r)
		}
		return nil
	})
	if err := cb.ChatConsent(ctx, "alice", "befriend"); !errors.Is(err, control.ErrBadRequest) {
		t.Errorf("consent befriend: %v, want ErrBadRequest", err)
	}
	if err := cb.ChatConsent(ctx, "nobody", control.ConsentAllow); !errors.Is(err, control.ErrNotFound) {
		t.Errorf("allow nobody: %v, want ErrNotFound", err)
	}
	if err := cb.ChatConsent(ctx, "alice", control.ConsentAllow); err != nil {
		t.Fatal(err)
	}
	if r, err := cb.ChatRequests(ctx); err != nil || len(r) != 0 {
		t.Errorf("requests after allow = %+v, %v", r, err)
	}
	if l, err := cb.ChatList(ctx); err != nil || len(l) != 1 || l[0].Request {
		t.Errorf("list after allow = %+v, %v", l, err)
	}

	// Attachments: a file of several chunks, downloaded with progress.
	data := bytes.Repeat([]byte("anynet attachment "), 10000) // 180 kB
	src := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(src, data, 0o600)
	if _, err := ca.ChatSendFile(ctx, "bob", "relative.txt"); !errors.Is(err, control.ErrBadRequest) {
		t.Errorf("relative path: %v", err)
	}
	m, err := ca.ChatSendFile(ctx, "bob", src)
	if err != nil || m.Attachment == nil || m.Attachment.Size != int64(len(data)) {
		t.Fatalf("send file = %+v, %v", m, err)
	}
	sum := sha256.Sum256(data)
	if m.Attachment.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("offered sha256 %s", m.Attachment.SHA256)
	}
	out := t.TempDir()
	var last, calls int64
	f, err := cb.ChatGet(ctx, m.ID, out, func(have, total int64) {
		calls++
		if have < last || total != int64(len(data)) {
			t.Errorf("progress %d/%d after %d", have, total, last)
		}
		last = have
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(out, "notes.txt"))
	if f.Path != filepath.Join(out, "notes.txt") || !bytes.Equal(got, data) || f.SHA256 != m.Attachment.SHA256 {
		t.Errorf("get = %+v; file %d bytes", f, len(got))
	}
	if calls < 2 || last != int64(len(data)) {
		t.Errorf("progress: %d reports, last %d", calls, last)
	}
	if _, err := cb.ChatGet(ctx, m.ID, out, nil); !errors.Is(err, control.ErrBadRequest) {
		t.Errorf("second get into the same directory: %v, want ErrBadRequest (exists)", err)
	}
	if _, err := cb.ChatGet(ctx, "00112233445566778899aabbccddeeff", out, nil); !errors.Is(err, control.ErrNotFound) {
		t.Errorf("get unknown ID: %v, want ErrNotFound", err)
	}

	// Groups.
	g, err := ca.GroupCreate(ctx, "team", []string{"bob"})
	if err != nil || g.ID == "" || len(g.Members) != 2 || g.Me != "owner" {
		t.Fatalf("create = %+v, %v", g, err)
	}
	if _, err := ca.GroupSend(ctx, "team", "standup at ten"); err != nil {
		t.Fatal(err)
	}
	until(t, "bob reads the group", func() error {
		l, err := cb.GroupRead(ctx, "team", 0)
		if err != nil {
			return err
		}
		if len(l) != 1 || l[0].Text != "standup at ten" || l[0].Group != g.ID {
			return fmt.Errorf("group read = %+v", l)
		}
		return nil
	})
	if gl, err := cb.GroupList(ctx); err != nil || len(gl) != 1 || gl[0].Me != "member" {
		t.Errorf("bob's groups = %+v, %v", gl, err)
	}
	if err := cb.GroupAccept(ctx, "nope"); !errors.Is(err, control.ErrNotFound) {
		t.Errorf("accept unknown group: %v", err)
	}
	if _, err := ca.GroupRead(ctx, "nope", 0); !errors.Is(err, control.ErrNotFound) {
		t.Errorf("read unknown group: %v", err)
	}
	if g, err := ca.GroupRemove(ctx, g.ID, "bob"); err != nil || len(g.Members) != 1 {
		t.Errorf("remove bob = %+v, %v", g, err)
	}
	if err := ca.GroupLeave(ctx, "team"); err == nil {
		t.Errorf("the owner left its group")
	}

	// Communities: alice hosts, bob joins by her name and reads.
	cm, err := ca.CommunityCreate(ctx, "lobby")
	if err != nil || !cm.Hosted {
		t.Fatalf("create community = %+v, %v", cm, err)
	}
	if _, err := ca.CommunityPost(ctx, "lobby", "first"); err != nil {
		t.Fatal(err)
	}
	if j, err := cb.CommunityJoin(ctx, "alice", cm.ID); err != nil || j.Name != "lobby" || j.Host != aw {
		t.Fatalf("join = %+v, %v", j, err)
	}
	ps, err := cb.CommunityRead(ctx, "lobby", 0)
	if err != nil || len(ps) != 1 || ps[0].Text != "first" || ps[0].From != aw {
		t.Errorf("bob reads the lobby = %+v, %v", ps, err)
	}
	if _, err := cb.CommunityPost(ctx, "elsewhere", "x"); !errors.Is(err, control.ErrNotFound) {
		t.Errorf("post to an unknown community: %v", err)
	}

	// A short call: 8 kB at 640 kbit/s.
	audio := filepath.Join(t.TempDir(), "audio.raw")
	os.WriteFile(audio, bytes.Repeat([]byte{1}, 8000), 0o600)
	cr, err := ca.Call(ctx, "bob", audio, 640_000)
	if err != nil || cr.Sent == 0 || cr.Bytes != 8000 || cr.Peer != bob.Wallet().Hex() {
		t.Errorf("call = %+v, %v", cr, err)
	}
}
