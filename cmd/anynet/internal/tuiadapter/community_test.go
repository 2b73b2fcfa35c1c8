//go:build !nochain

package tuiadapter

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/daemon"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/crypto"
)

// daemons starts alice and bob on an embedded chain in this process, as
// `anynet demo` does, each serving its control socket, and waits until
// both are on chain (named). The Backends talk to them over the sockets.
func daemons(t *testing.T) (alice, bob *daemon.Daemon, a, b *Backend) {
	t.Helper()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "tuiad") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	emb, err := naming.OpenEmbedded(ctx, naming.EmbeddedConfig{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	start := func(name string) *daemon.Daemon {
		key, _ := crypto.GenerateKey()
		mdir := filepath.Join(dir, name)
		if err := os.MkdirAll(mdir, 0o700); err != nil {
			t.Fatal(err)
		}
		d, err := daemon.Start(ctx, daemon.Options{
			Config:   config.Config{Dir: mdir, Name: name, Listen: "127.0.0.1:0", Chain: "embedded"},
			Key:      key,
			Embedded: emb,
			Control:  true,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	alice, bob = start("alice"), start("bob")
	for _, d := range []*daemon.Daemon{alice, bob} {
		until(t, "on chain", func() error {
			if ok, last := d.Ready(); !ok {
				return fmt.Errorf("not ready: %v", last)
			}
			return nil
		})
	}
	return alice, bob, New(filepath.Join(dir, "alice")), New(filepath.Join(dir, "bob"))
}

// until retries f until it succeeds; the minute only bounds a broken
// test, nothing is timed.
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

// TestCommunitiesOnDaemons drives the Communities part of the Backend on
// two real daemons: alice creates a community and posts, the post comes
// back as an event and on reading; bob joins by alice's name, reads it
// with her name as author, posts, and alice reads his post; alice
// deletes it and bans him.
func TestCommunitiesOnDaemons(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	ad, bd, a, b := daemons(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := a.Events(ctx)

	c, err := a.CreateCommunity(ctx, "lobby")
	if err != nil || c.ID == "" || c.Name != "lobby" || !c.Hosted || c.Host != ad.Wallet() {
		t.Fatalf("create = %+v, %v", c, err)
	}
	l, err := a.Communities(ctx)
	if err != nil || len(l) != 1 || l[0].ID != c.ID || !l[0].Hosted {
		t.Fatalf("alice's communities = %+v, %v", l, err)
	}
	p, err := a.PostCommunity(ctx, c.ID, "welcome")
	if err != nil || p.Seq != 1 || p.ID == "" || p.From != ad.Wallet() || p.Community != c.ID {
		t.Fatalf("post = %+v, %v", p, err)
	}
	// The host's own post is reported as an event (the minute only
	// bounds a broken test).
	bound := time.After(time.Minute)
wait:
	for {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatal("events closed before the post's")
			}
			if e.Kind != tui.EventPost {
				continue
			}
			if e.Post.ID != p.ID || e.Post.Seq != 1 || e.Post.Text != "welcome" || e.Post.Community != c.ID || e.Post.From != ad.Wallet() {
				t.Fatalf("post event = %+v", e.Post)
			}
			break wait
		case <-bound:
			t.Fatal("no EventPost for the post")
		}
	}
	ps, err := a.CommunityPosts(ctx, c.ID, 0)
	if err != nil || len(ps) != 1 || ps[0].ID != p.ID || ps[0].Text != "welcome" || ps[0].Sent.IsZero() {
		t.Fatalf("alice reads = %+v, %v", ps, err)
	}

	// bob joins by alice's name and reads her post, with her name.
	j, err := b.JoinCommunity(ctx, "alice", c.ID)
	if err != nil || j.ID != c.ID || j.Hosted || j.Host != ad.Wallet() || j.HostName != "alice.anynet" {
		t.Fatalf("join = %+v, %v", j, err)
	}
	if l, err := b.Communities(ctx); err != nil || len(l) != 1 || l[0].Name != "lobby" || l[0].HostName != "alice.anynet" {
		t.Fatalf("bob's communities = %+v, %v", l, err)
	}
	ps, err = b.CommunityPosts(ctx, c.ID, 0)
	if err != nil || len(ps) != 1 || ps[0].Text != "welcome" || ps[0].From != ad.Wallet() || ps[0].FromName != "alice.anynet" {
		t.Fatalf("bob reads = %+v, %v", ps, err)
	}
	bp, err := b.PostCommunity(ctx, c.ID, "hi alice")
	if err != nil || bp.ID == "" || bp.From != bd.Wallet() {
		t.Fatalf("bob posts = %+v, %v", bp, err)
	}
	until(t, "alice reads bob's post", func() error {
		ps, err := a.CommunityPosts(ctx, c.ID, 0)
		if err != nil {
			return err
		}
		if len(ps) != 2 || ps[1].ID != bp.ID || ps[1].Seq != 2 || ps[1].FromName != "bob.anynet" {
			return fmt.Errorf("posts = %+v", ps)
		}
		return nil
	})

	// Moderation: the owner deletes bob's post and bans him; the owner
	// cannot leave, bob can.
	if err := a.DeletePost(ctx, c.ID, bp.ID); err != nil {
		t.Fatal(err)
	}
	if ps, err := a.CommunityPosts(ctx, c.ID, 0); err != nil || len(ps) != 2 || !ps[1].Deleted {
		t.Fatalf("after delete = %+v, %v", ps, err)
	}
	if err := a.BanMember(ctx, c.ID, "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.PostCommunity(ctx, c.ID, "still here?"); err == nil {
		t.Error("a banned member posted")
	}
	if err := a.LeaveCommunity(ctx, c.ID); err == nil {
		t.Error("the owner left its community")
	}
	if err := b.LeaveCommunity(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if l, err := b.Communities(ctx); err != nil || len(l) != 0 {
		t.Fatalf("bob's communities after leaving = %+v, %v", l, err)
	}
}
